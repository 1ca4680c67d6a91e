"""What the benchmark's clients share: a server started in the vault with its own index cache,
and LSP's base protocol (a message framed with its Content-Length header, the next message
read from the server's stdout)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


async def spawn_server(
    root: Path, cache_home: Path, stderr: IO[bytes], before: list[str] | None = None
) -> asyncio.subprocess.Process:
    """`vaultls serve` over pipes, run in the vault with `cache_home` as its cache folder;
    `before`: interpreter arguments before `-m vaultls` (a profiler)."""
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home), PYTHONUNBUFFERED="1")
    env.pop("VAULTLS_BENCH_REEXEC", None)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *(before or []),
        "-m",
        "vaultls",
        "serve",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=stderr,
        cwd=str(root),
        env=env,
        limit=2**24,
    )


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


def each_vault(sizes: str, vaults: Path, what: str) -> Iterator[tuple[int, Path, list[str], Path]]:
    """For each of the comma-separated `sizes`: the generated vault, its probe notes and a fresh
    cache folder for the server, removed once the caller is done with that size."""
    import generate_vault  # a sibling module, as this one is to the scripts that use it

    for n in (int(s) for s in sizes.split(",") if s):
        root = generate_vault.generate(n, vaults / str(n))
        probes: list[str] = (generate_vault.read_manifest(root) or {})["probe_notes"]
        cache = Path(tempfile.mkdtemp(prefix=f"vaultls-{what}-{n}-"))
        try:
            yield n, root, probes, cache
        finally:
            shutil.rmtree(cache, ignore_errors=True)
