"""Reading the client's messages from a pipe with the event loop itself.

pygls reads stdio with blocking reads in its thread pool, three per message (the header, the
blank line, the body), each a hand-off to a thread and back. Typing makes a message per
keystroke, and those hand-offs were a third of what a burst of 200 keystrokes cost the server
and most of its wait. Editors start a language server with pipes; a pipe can be read without
threads (`loop.connect_read_pipe`), and then every message already buffered is handled at once.

Anything that is not a pipe or a socket (a terminal, a regular file) keeps pygls's own reader:
switching a terminal to non-blocking mode would leak into the shell that started the server.
"""

from __future__ import annotations

import asyncio
import os
import stat
from typing import BinaryIO

# Largest header line buffered while looking for its end; a longer "line" is no header, and is
# dropped (asyncio's `readline` discards it) and reported to pygls as a line it skips.
_LINE_LIMIT = 1 << 20


def is_pipe(stream: BinaryIO) -> bool:
    """Whether `stream` is a pipe or socket the event loop can read without threads."""
    if os.name != "posix":
        return False
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (OSError, ValueError, AttributeError):  # closed, or no file descriptor (tests)
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


class PipeReader:
    """pygls's `AsyncReader` (readline, readexactly) over an asyncio stream, with its end-of-file
    convention: a short or empty result rather than an exception."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.stream = stream

    @classmethod
    async def connect(cls, pipe: BinaryIO) -> PipeReader:
        stream = asyncio.StreamReader(limit=_LINE_LIMIT)
        loop = asyncio.get_running_loop()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream), pipe)
        return cls(stream)

    async def readline(self) -> bytes:
        try:
            return await self.stream.readline()
        except ValueError:  # no line end within the limit; asyncio dropped it
            return b"<overlong line>\r\n"

    async def readexactly(self, n: int) -> bytes:
        try:
            return await self.stream.readexactly(n)
        except asyncio.IncompleteReadError as exc:  # the client went away mid-message
            return exc.partial
