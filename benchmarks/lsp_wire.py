"""LSP's base protocol for the benchmark's clients: a message framed with its Content-Length
header, and the next message read from a server's stdout."""

from __future__ import annotations

import asyncio
import json
from typing import Any


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def read_message(stdout: asyncio.StreamReader) -> Any | None:
    """The next message, or None when the server closed its output."""
    length = 0
    while True:
        line = await stdout.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    return json.loads(await stdout.readexactly(length))
