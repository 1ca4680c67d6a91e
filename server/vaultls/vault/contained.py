"""Reading a vault's own files without leaving the vault, blocking or exhausting memory.

A vault may come from a stranger, and git carries symbolic links: `.vaultls.toml` may point
at `~/.aws/credentials`, `.obsidian/types.json` at `/dev/zero`, a note may be a FIFO. Every
file vaultls reads on the vault's say-so goes through `read_contained`, which reads it only
when it really lies inside the vault (links followed), is a regular file (never a FIFO or a
device, opened without blocking), and is no larger than the caller's cap.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

# Settings, schemas and Obsidian's settings files are small; a few MB is far beyond any real one.
MAX_CONFIG_BYTES = 4 * 1024 * 1024

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)


class NotReadable(Exception):
    """A file vaultls will not read; the message says why, in words for the user."""


def is_inside(root: Path | str, file: Path | str) -> bool:
    """Whether `file`, symbolic links followed, lies inside `root` (or is it)."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(file)
    try:
        return os.path.commonpath([real_root, real]) == real_root
    except ValueError:  # different drives on Windows
        return False


def open_regular(path: Path | str) -> int:
    """A file descriptor of `path` when it is a regular file; never blocks (a FIFO or a device
    is opened without waiting for a writer, seen for what it is, and closed). Raises
    `NotReadable` for anything else, `OSError` when it cannot be opened."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotReadable("is not a regular file")
    if _OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0) and hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)  # a regular file: plain reads from here on
    return fd


def read_contained(root: Path | str, file: Path | str, limit: int = MAX_CONFIG_BYTES) -> bytes:
    """The bytes of a vault file. Raises `FileNotFoundError` when there is none (callers treat
    a missing optional file as absent) and `NotReadable` with the reason otherwise: outside the
    vault, not a regular file, larger than `limit`, or unreadable."""
    if not os.path.lexists(file):
        raise FileNotFoundError(str(file))
    if not is_inside(root, file):
        raise NotReadable("lies outside the vault (through a symbolic link); vaultls reads no file outside it")
    try:
        fd = open_regular(os.path.realpath(file))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise NotReadable(f"cannot be read ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as handle:
        try:
            if os.fstat(handle.fileno()).st_size > limit:
                raise NotReadable(f"is larger than {limit // (1024 * 1024)} MB; not read")
            data = handle.read(limit + 1)
        except OSError as exc:
            raise NotReadable(f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise NotReadable(f"is larger than {limit // (1024 * 1024)} MB; not read")
    return data


def read_json(root: Path | str, file: Path | str) -> Any:
    """The JSON value in a vault file (Obsidian's settings files): `read_contained`, then
    parsed. Raises `FileNotFoundError` when there is none, and `NotReadable` with the reason
    when it cannot be used (unreadable as above, not JSON, nested too deeply)."""
    raw = read_contained(root, file)
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except RecursionError:
        raise NotReadable("is nested too deeply to read") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotReadable(f"is not valid JSON ({exc})") from None
