"""Finding and reading a vault's files.

Hidden folders (`.obsidian`, `.git`, `.trash`) and configured excludes are skipped. Symbolic
links are not followed unless they stay inside the vault: a cloned vault must not make vaultls
read `~/.ssh` through a planted link, and a link loop must not hang the scan. Files that vanish
or cannot be read while we scan are skipped, never fatal.
"""

from __future__ import annotations

import gc
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from vaultls.vault import names
from vaultls.vault.cache import Row, encode_rows, encode_summary
from vaultls.vault.contained import NotReadable, open_regular
from vaultls.vault.globs import GlobSet
from vaultls.vault.index import link_keys
from vaultls.vault.model import ParsedNote
from vaultls.vault.parse import NoteRows, frontmatter_aliases, parse, parse_rows
from vaultls.vault.text import decode

log = logging.getLogger(__name__)

MAX_NOTE_BYTES = 64 * 1024 * 1024


@dataclass
class ScanResult:
    notes: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)


def is_hidden(relpath: str) -> bool:
    return any(part.startswith(".") for part in relpath.split("/"))


def walk(root: Path, exclude: GlobSet) -> ScanResult:
    result = ScanResult()
    real_root = os.path.realpath(root)
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        abs_dir = os.path.join(root, *rel_dir.split("/")) if rel_dir else str(root)
        try:
            entries = list(os.scandir(abs_dir))
        except OSError as exc:
            result.skipped.append((rel_dir or ".", exc.strerror or str(exc)))
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if exclude.matches(rel):
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if os.path.commonpath([real_root, target]) != real_root:
                        result.skipped.append((rel, "symbolic link to outside the vault"))
                        continue
                    if os.path.isdir(target):
                        # Folders reached through links would be indexed twice or loop forever.
                        result.skipped.append((rel, "symbolic link to a folder"))
                        continue
                    is_dir, is_file = False, os.path.isfile(target)
                else:
                    is_dir, is_file = entry.is_dir(follow_symlinks=False), entry.is_file(follow_symlinks=False)
            except OSError as exc:
                result.skipped.append((rel, exc.strerror or str(exc)))
                continue
            if is_dir:
                stack.append(rel)
            elif is_file:
                (result.notes if names.is_note_path(name) else result.attachments).append(rel)
    result.notes.sort()
    result.attachments.sort()
    return result


def read_note(path: Path) -> tuple[str, bool] | None:
    """The text of a note file and whether it was valid UTF-8; None when it cannot be read."""
    read = _read_bytes(path)
    if read is None:
        return None
    return _text(path, read[0])


def read_note_stat(path: Path | str) -> tuple[str, bool, int, int] | None:
    """`read_note`, and the size and modification time (ns) the file had when it was opened:
    taken from the open handle before reading, so that a write racing the read makes the
    cache entry stale rather than wrong."""
    read = _read_bytes(path)
    if read is None:
        return None
    data, size, mtime_ns = read
    text, valid = _text(path, data)
    return text, valid, size, mtime_ns


def _read_bytes(path: Path | str) -> tuple[bytes, int, int] | None:
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


def load_note(path: Path) -> tuple[ParsedNote, bool] | None:
    read = read_note(path)
    if read is None:
        return None
    text, valid = read
    return parse(text), valid


# One loaded note: (vault path, the note as `parse.parse_rows` gives it, valid UTF-8, the cache
# row to store); the rows and the cache row are None when the file could not be read.
Loaded = tuple[str, "NoteRows | None", bool, "Row | None"]


def parse_files(root: str, rels: list[str]) -> list[Loaded]:
    """Read and parse these notes of the vault at `root`, each with its cache row.

    The notes come as rows, not `ParsedNote`s: a cold scan's workers send back only the cache
    row (pickling objects would cost more than parsing), `vaultls check` reads the rows, and
    making the model's objects (`parse.note_from_rows`) is left to whoever wants them."""
    out: list[Loaded] = []
    collecting = gc.isenabled()
    if collecting:
        gc.disable()  # the rows die by reference counting; see load.bulk_allocation
    try:
        for rel in rels:
            _parse_one(root, rel, out)
    finally:
        if collecting:
            gc.enable()
    return out


def _parse_one(root: str, rel: str, out: list[Loaded]) -> None:
    read = read_note_stat(os.path.join(root, *rel.split("/")))
    if read is None:
        out.append((rel, None, True, None))
        return
    text, valid, size, mtime_ns = read
    rows = parse_rows(text)
    _, _, _, links, _, aliases, *_ = rows
    summary = encode_summary(aliases, link_keys(link[1] for link in links))
    out.append((rel, rows, valid, Row(rel, size, mtime_ns, valid, encode_rows(rows), summary)))


def read_aliases(root: str, rels: list[str]) -> list[tuple[str, str, list[str] | None, bool]]:
    """(vault path, file, aliases, valid UTF-8) of each note, from its frontmatter only (see
    `parse.frontmatter_aliases`); aliases are None when the file could not be read. The first
    pass of a cold start: with every note's name (from the walk) and aliases, any link in the
    vault resolves, so diagnostics of an open note need not wait for the whole vault's parse."""
    out: list[tuple[str, str, list[str] | None, bool]] = []
    for rel in rels:
        path = os.path.join(root, rel)  # `/` inside is fine on Windows too
        read = _read_bytes(path)
        if read is None:
            out.append((rel, path, None, True))
            continue
        text, valid = _text(path, read[0])
        out.append((rel, path, frontmatter_aliases(text), valid))
    return out

