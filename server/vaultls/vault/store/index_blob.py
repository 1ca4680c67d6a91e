"""A vault's index as one cache blob, so that a warm start reads one row instead of every
note's summary, and takes the index's maps (names, paths, aliases, linkers) whole instead of
filing each note and each of its links one by one.

The blob holds, for every cached note, the size, modification time, UTF-8 validity and data
CRC of its cache entry, its aliases and link keys, and the maps `Vault` would build of those
notes in the walk's order. It is made from the cache's own entries (never from the editor's
buffers) after a scan that changed the cache, and trusted per note only: a note whose file no
longer has the entry's size and modification time, or that is gone, is taken out of the
restored maps again and loaded the usual way. A note's encoding is still fetched, with the
entry's CRC, on first use (`DeferredNote`).
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from vaultls.vault import names
from vaultls.vault.index import Note, Vault, note_name
from vaultls.vault.store.cache import Entry, IndexCache
from vaultls.vault.store.encoding import decode_summary
from vaultls.vault.store.snapshot import Stat

log = logging.getLogger(__name__)

FORMAT = 2
# The maps depend on `names`' keys and on this module: a change to either makes old blobs useless.
_DIGEST = hashlib.sha256(Path(names.__file__ or "").read_bytes() + Path(__file__).read_bytes()).digest()
# Below this share of a vault's notes vouched for, the blob is not used: the others' entries
# would be read one query at a time anyway, and the full read of the cache is as fast.
MIN_SHARE = 0.5

NoteRow = tuple[str, int, int, bool, int, list[str], tuple[str, ...]]
"""(vault path, size, mtime_ns, valid UTF-8, data CRC, aliases, link keys) of a cached note."""


class _Builder:
    """The blob's columns and maps, grown a note at a time, so that only the blob's own
    objects are held: each note's decoded summary is dropped once filed (its link keys are
    interned by `decode_summary`, so marshal writes each key once and refers to it)."""

    def __init__(self) -> None:
        self.columns: tuple[list[Any], ...] = tuple([] for _ in range(8))
        # Plain dicts (marshal takes no subclass), filled with `_list`/`_set`.
        self.by_name: dict[str, list[str]] = {}
        self.by_path: dict[str, list[str]] = {}
        self.owners: dict[str, set[str]] = {}
        # Lists, made sets on restore: a set of 9+ paths takes ~5× the memory of a list, and
        # most keys have that many linkers (each note's keys are distinct, so no duplicates).
        self.linkers: dict[str, list[str]] = {}

    def add(self, row: NoteRow) -> None:
        path, size, mtime_ns, valid, crc, aliases, keys = row
        name = note_name(path)  # made once here, not at every start
        for column, value in zip(self.columns, (path, size, mtime_ns, valid, crc, aliases, keys, name), strict=True):
            column.append(value)
        key = names.key
        _list(self.by_name, key(name)).append(path)
        _list(self.by_path, key(names.strip_note_suffix(path))).append(path)
        for alias in set(map(key, aliases)):
            _set(self.owners, alias).add(path)
        linkers = self.linkers
        for lookup in keys:
            _list(linkers, lookup).append(path)

    def dumps(self, position: dict[str, int] | None = None) -> bytes:
        """The blob; with `position`, its notes (and the paths of each name) put in that order
        first (the walk's: `Vault` keeps it), having been added in another."""
        if position is not None:
            rank = position.__getitem__
            paths = self.columns[0]
            order = sorted(range(len(paths)), key=lambda i: rank(paths[i]))
            for column in self.columns:
                column[:] = [column[i] for i in order]
            for by in (self.by_name, self.by_path):
                for same_key in by.values():
                    if len(same_key) > 1:
                        same_key.sort(key=rank)
        maps = (self.by_name, self.by_path, self.owners, self.linkers)
        return marshal.dumps((FORMAT, _DIGEST, *self.columns, *maps))


def _list(by: dict[str, list[str]], key: str) -> list[str]:
    found = by.get(key)
    if found is None:
        found = by[key] = []
    return found


def _set(by: dict[str, set[str]], key: str) -> set[str]:
    found = by.get(key)
    if found is None:
        found = by[key] = set()
    return found


def build(rows: Iterable[NoteRow]) -> bytes:
    """The blob of these notes, in this order (the walk's: the maps' lists keep it)."""
    builder = _Builder()
    for row in rows:
        builder.add(row)
    return builder.dumps()


def refresh(cache: IndexCache, order: list[str]) -> None:
    """Make the blob again from the cache's entries of these notes (after a scan stored them),
    read a row at a time: no note's summary is held longer than it takes to file it."""
    position = {path: i for i, path in enumerate(order)}

    def file_rows(entries: Iterator[tuple[str, Entry]]) -> _Builder:
        builder = _Builder()
        for path, entry in entries:
            if path not in position:
                continue  # gone since (`save` forgets it)
            try:
                aliases, link_keys = decode_summary(entry.summary)
            except Exception:  # noqa: BLE001 - a damaged entry is left out: loaded the usual way
                continue
            builder.add((path, entry.size, entry.mtime_ns, entry.valid_utf8, entry.data_crc, aliases, link_keys))
        return builder

    builder = cache.with_summaries(file_rows)
    if builder is not None:
        cache.store_index_blob(builder.dumps(position))


class Restore:
    """The blob of one vault, read in `vouch` (a loader's thread) and put into the vault in
    `apply` (the event loop)."""

    def __init__(self) -> None:
        self.vouched: set[str] = set()
        self.complete = False  # every note found vouched for, and none gone: no need to write it again
        self._parts: tuple[Any, ...] | None = None

    def vouch(self, cache: IndexCache, stats: dict[str, Stat]) -> tuple[set[str], bool] | None:
        """The notes the blob holds as their files are now (`stats`), and whether it holds notes
        that are gone; None when there is no usable blob (`VaultLoader.discover`)."""
        blob = cache.load_index_blob()
        try:
            parts = _parts(blob) if blob is not None else None
        except Exception:  # noqa: BLE001 - any damage: the cache is read the usual way
            log.info("index cache %s: its index blob is unusable; reading every entry", cache.path)
            parts = None
        if parts is None:
            return None
        paths, sizes, mtimes = parts[0], parts[1], parts[2]
        vouched = {p for p, s, m in zip(paths, sizes, mtimes, strict=True) if stats.get(p) == (s, m)}
        if len(vouched) < MIN_SHARE * len(stats):
            return None
        self.vouched, self._parts = vouched, parts
        gone = len(vouched) < len(paths)  # changed or gone: either way the blob is written again
        self.complete = not gone and len(vouched) == len(stats)
        return vouched, any(p not in stats for p in paths)

    def apply(self, vault: Vault, cache: IndexCache | None) -> None:
        """Put the vouched notes into `vault`. Notes already there (open in an editor, or
        read on a file event) are newer and stay."""
        from vaultls.vault.store.loader import DeferredNote  # the loader imports this module

        if self._parts is None:
            return
        paths, _, _, valids, crcs, aliases, link_keys, note_names, by_name, by_path, owners, linkers = self._parts
        self._parts = None
        here = [vault.notes[path] for path in list(vault.notes)]
        for note in here:
            vault.remove(note.path)
        folder = os.path.join(str(vault.root), "")  # + a vault path with `os.sep`: `os.path.join` of its parts
        notes: dict[str, Note] = {}
        for path, name, valid, crc, note_aliases, keys in zip(
            paths, note_names, valids, crcs, aliases, link_keys, strict=True
        ):
            deferred = DeferredNote(note_aliases, keys, None, folder + path.replace("/", os.sep), cache, path, crc)
            notes[path] = Note(path, name, None, valid, deferred)
        maps = (defaultdict(list, by_name), defaultdict(list, by_path), defaultdict(set, owners))
        vault.restore(notes, (*maps, defaultdict(set, {k: set(v) for k, v in linkers.items()})))
        for path in paths:
            if path not in self.vouched:
                vault.remove(path)  # changed since it was cached: loaded the usual way
        for note in here:
            vault.remove(note.path)
            vault.upsert(note.path, note.parsed, note.valid_utf8)
        log.info("index cache %s: %d notes restored from the index blob", cache and cache.path, len(self.vouched))


def _parts(blob: bytes) -> tuple[Any, ...] | None:
    """The blob's columns and maps; None when another version of vaultls wrote it."""
    loaded = marshal.loads(blob)
    if not isinstance(loaded, tuple) or len(loaded) != 14 or loaded[0] != FORMAT or loaded[1] != _DIGEST:
        return None
    parts = loaded[2:]
    columns, maps = parts[:8], parts[8:]
    if not all(isinstance(c, list) and len(c) == len(columns[0]) for c in columns):
        raise ValueError("columns")
    if not all(isinstance(m, dict) for m in maps):
        raise ValueError("maps")
    types = (str, int, int, bool, int, list, tuple, str)
    for column, kind in zip(columns, types, strict=True):
        if not set(map(type, column)) <= {kind}:  # C loops
            raise ValueError("types")
    return parts
