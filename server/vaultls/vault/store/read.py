"""Reading a vault's notes: one at a time (`read_note`), or many with their parse and cache
record (`parse_files`), or only their aliases (`read_aliases`).

Only regular files are opened (a FIFO or device named like a note would block), never more
than `MAX_NOTE_BYTES` of one is read, and NUL bytes are no text. Files that vanish or cannot be
read while we read are skipped (None), never fatal.
"""

from __future__ import annotations

import gc
import logging
import os
from pathlib import Path

from vaultls.vault.contained import NotReadable, open_regular
from vaultls.vault.index import link_keys
from vaultls.vault.model import ParsedNote
from vaultls.vault.parse import NoteRows, frontmatter_aliases, parse, parse_rows
from vaultls.vault.store.cache import CacheRecord
from vaultls.vault.store.encoding import encode_rows, encode_summary
from vaultls.vault.text import decode, split_lines

log = logging.getLogger(__name__)

MAX_NOTE_BYTES = 64 * 1024 * 1024


def read_note(path: Path) -> tuple[str, bool] | None:
    """The text of a note file and whether it was valid UTF-8; None when it cannot be read."""
    read = read_bytes(path)
    if read is None:
        return None
    return _text(path, read[0])


def read_note_stat(path: Path | str) -> tuple[str, bool, int, int] | None:
    """`read_note`, and the size and modification time (ns) the file had when it was opened:
    taken from the open handle before reading, so that a write racing the read makes the
    cache entry stale rather than wrong."""
    read = read_bytes(path)
    if read is None:
        return None
    data, size, mtime_ns = read
    text, valid = _text(path, data)
    return text, valid, size, mtime_ns


def read_bytes(path: Path | str) -> tuple[bytes, int, int] | None:
    """(the bytes, size, modification time in ns) of a regular file, at most a byte over
    `MAX_NOTE_BYTES` of it; None when it cannot or must not be read (logged)."""
    try:
        # A FIFO or device named like a note is never opened for reading (it would block, or
        # never end): only regular files, opened without waiting.
        with os.fdopen(open_regular(path), "rb") as handle:
            st = os.fstat(handle.fileno())
            # `read(n)` allocates n bytes before it reads: with the 64 MB limit that made every
            # 5 KB note cost three times what it takes to read.
            data = handle.read() if st.st_size <= MAX_NOTE_BYTES else handle.read(MAX_NOTE_BYTES + 1)
    except OSError as exc:
        log.warning("cannot read %s: %s", path, exc.strerror or exc)
        return None
    except NotReadable as exc:
        log.warning("not reading %s: it %s", path, exc)
        return None
    return data, st.st_size, st.st_mtime_ns


def _text(path: Path | str, data: bytes) -> tuple[str, bool]:
    if len(data) > MAX_NOTE_BYTES:
        log.warning("%s is larger than %d bytes; only its beginning is indexed", path, MAX_NOTE_BYTES)
        data = data[:MAX_NOTE_BYTES]
    if b"\0" in data:
        data = data.replace(b"\0", b"\xef\xbf\xbd")  # NUL is no text; keep the columns of the rest
    return decode(data)


def note_lines(path: Path) -> list[str]:
    """The lines of a note file as the index read them (no lines when it cannot be read):
    what a position's UTF-16 column is counted on."""
    read = read_note(path)
    return split_lines(read[0]) if read is not None else []


def load_note(path: Path) -> tuple[ParsedNote, bool] | None:
    read = read_note(path)
    if read is None:
        return None
    text, valid = read
    return parse(text), valid


# One note file read and parsed: (vault path, the note as `parse.parse_rows` gives it, valid
# UTF-8, the cache record to store); rows and record are None when the file could not be read.
ParsedFile = tuple[str, "NoteRows | None", bool, "CacheRecord | None"]


def parse_files(root: str, rels: list[str]) -> list[ParsedFile]:
    """Read and parse these notes of the vault at `root`, each with its cache record.

    The notes come as rows, not `ParsedNote`s: a cold scan's workers send back only the cache
    record (pickling objects would cost more than parsing), `vaultls check` reads the rows, and
    making the model's objects (`parse.note_from_rows`) is left to whoever wants them."""
    out: list[ParsedFile] = []
    collecting = gc.isenabled()
    if collecting:
        gc.disable()  # the rows die by reference counting; see vault/allocation.py
    try:
        for rel in rels:
            _parse_one(root, rel, out)
    finally:
        if collecting:
            gc.enable()
    return out


def _parse_one(root: str, rel: str, out: list[ParsedFile]) -> None:
    read = read_note_stat(os.path.join(root, *rel.split("/")))
    if read is None:
        out.append((rel, None, True, None))
        return
    text, valid, size, mtime_ns = read
    rows = parse_rows(text)
    _, _, _, links, _, aliases, *_ = rows
    summary = encode_summary(aliases, link_keys(link[1] for link in links))
    out.append((rel, rows, valid, CacheRecord(rel, size, mtime_ns, valid, encode_rows(rows), summary)))


def read_aliases(root: str, rels: list[str]) -> list[tuple[str, str, list[str] | None, bool]]:
    """(vault path, file, aliases, valid UTF-8) of each note, from its frontmatter only (see
    `parse.frontmatter_aliases`); aliases are None when the file could not be read. The first
    pass of a cold start: with every note's name (from the walk) and aliases, any link in the
    vault resolves, so diagnostics of an open note need not wait for the whole vault's parse."""
    out: list[tuple[str, str, list[str] | None, bool]] = []
    for rel in rels:
        path = os.path.join(root, rel)  # `/` inside is fine on Windows too
        read = read_bytes(path)
        if read is None:
            out.append((rel, path, None, True))
            continue
        text, valid = _text(path, read[0])
        out.append((rel, path, frontmatter_aliases(text), valid))
    return out
