"""The pipe reader the server uses for stdio: pygls's reader interface and end-of-file rules."""

from __future__ import annotations

import os
from pathlib import Path

from vaultls.lsp.stdio import PipeReader, is_pipe


def message(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


async def test_messages_already_in_the_pipe_are_read_one_after_another():
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        os.write(write_fd, message(b'{"a":1}') + message(b'{"b":2}'))
        os.close(write_fd)
        reader = await PipeReader.connect(pipe)
        got = []
        for _ in range(2):
            assert (await reader.readline()).startswith(b"Content-Length: 7")
            assert await reader.readline() == b"\r\n"
            got.append(await reader.readexactly(7))
        assert got == [b'{"a":1}', b'{"b":2}']
        assert await reader.readline() == b""  # end of file: empty, as pygls expects


async def test_a_message_cut_short_by_the_client_going_away_is_returned_short():
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        os.write(write_fd, b'{"trunc')
        os.close(write_fd)
        reader = await PipeReader.connect(pipe)
        assert await reader.readexactly(100) == b'{"trunc'


async def test_an_overlong_header_line_is_skipped_as_no_header():
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        reader = await PipeReader.connect(pipe)
        reader.stream.feed_data(b"x" * (2 << 20))
        reader.stream.feed_data(b"\r\n" + message(b"{}"))
        reader.stream.feed_eof()
        line = await reader.readline()
        assert line.strip() and not line.startswith(b"Content-Length")
        os.close(write_fd)


def test_only_pipes_and_sockets_are_read_by_the_event_loop(tmp_path: Path):
    read_fd, write_fd = os.pipe()
    try:
        with os.fdopen(read_fd, "rb", buffering=0) as pipe:
            assert is_pipe(pipe)
    finally:
        os.close(write_fd)
    file = tmp_path / "input"
    file.write_bytes(b"")
    with open(file, "rb") as regular:
        assert not is_pipe(regular)
