"""A persistent cache of parsed notes, so that a second start does not parse the vault again.

One SQLite file per vault in the user's cache folder (`$XDG_CACHE_HOME/vaultls/`, else
`~/.cache/vaultls/`; never inside the vault, which users sync and commit). Each entry is one
note: its vault path, the size and modification time (ns) of the file it was parsed from,
whether that file was valid UTF-8, its `ParsedNote` in a compact encoding, and a small
summary of it: what the index needs of every note (its aliases and the lookup keys of its
links). A warm start decodes only the summaries; a note's full encoding is decoded the first
time something asks for it (see `Vault.add_deferred`).

Nothing in it is trusted blindly:

- An entry is used only when the file still has exactly that size and modification time. A file
  written less than `RACY_SECONDS` before it was read is not cached at all: a second write in
  the same clock tick with the same size would otherwise go unnoticed (git's "racy clean").
- The whole file is versioned by a fingerprint of the vaultls version, the source of the
  parser and model (so a development change to the parser invalidates it too), the Python
  and marshal versions and the settings that affect parsing. A different fingerprint empties it.
- Each entry carries a CRC of its summary and one of its data; an entry whose summary fails its
  CRC is a miss. The data is read only when the note is first used (`fetch`), and must then still
  have the CRC the entry had when the summary was read, else the note is parsed from its file.
- A file SQLite cannot read (corrupt, truncated, not a database) is deleted and made again.
- Two servers on one vault (two editors) share the file through SQLite's locking; a write that
  cannot get the lock quickly is skipped, since the cache is only ever an optimisation.

How a note is encoded is encoding.py's job; its `FORMAT` is part of the fingerprint.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sqlite3
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from vaultls import __version__
from vaultls.vault import model, parse, text
from vaultls.vault.store import encoding

log = logging.getLogger(__name__)
T = TypeVar("T")

# Files modified this recently when they were read are not cached (see the module docstring).
RACY_SECONDS = 2.0
# Cache files of vaults not opened for this long are deleted when another one is written.
STALE_DAYS = 30
# Settings fields that change what `parse` returns. None do today: `parse` takes no settings.
# Listed here so that one that does is added to the fingerprint, not forgotten.
PARSE_SETTINGS: tuple[str, ...] = ()
DISABLE_ENV = "VAULTLS_NO_CACHE"


def cache_dir() -> Path:
    """`$XDG_CACHE_HOME/vaultls`, else the platform's user cache folder."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "vaultls"
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "vaultls" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "vaultls"
    return Path.home() / ".cache" / "vaultls"


def _source_digest() -> str:
    digest = hashlib.sha256()
    # The parser is a package: every one of its modules (all imported by its __init__) counts.
    parser = [sys.modules[name] for name in sorted(sys.modules) if name.startswith(parse.__name__ + ".")]
    for module in (parse, *parser, model, text, encoding, sys.modules[__name__]):
        try:
            digest.update(Path(module.__file__ or "").read_bytes())
        except OSError:  # no source next to the bytecode: the version must do
            digest.update(module.__name__.encode())
    return digest.hexdigest()


_SOURCE_DIGEST = _source_digest()


def settings_key(settings: Any) -> str:
    """The part of the settings that affects parsing, as text for the fingerprint."""
    return repr([(name, getattr(settings, name, None)) for name in PARSE_SETTINGS])


def fingerprint(parser_settings: str = "") -> str:
    """What a cache file must have been written by to be used."""
    parts = [
        f"format={encoding.FORMAT}",
        f"vaultls={__version__}",
        f"python={sys.version_info[0]}.{sys.version_info[1]}",
        f"marshal={marshal.version}",
        f"source={_SOURCE_DIGEST}",
        f"settings={parser_settings}",
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- the file


@dataclass(frozen=True, slots=True)
class Entry:
    """One cached note, still encoded: decoding is left to whoever uses it. `blob` is None
    unless the load asked for the data; `fetch(path, data_crc)` reads it later."""

    size: int
    mtime_ns: int
    valid_utf8: bool
    summary: bytes
    data_crc: int
    blob: bytes | None = None


@dataclass(frozen=True, slots=True)
class CacheRecord:
    """A note to store: the file's size and mtime *before* it was read, its encoding and its
    summary (`encode_summary`)."""

    path: str
    size: int
    mtime_ns: int
    valid_utf8: bool
    blob: bytes
    summary: bytes


_NOTES_TABLE = """
CREATE TABLE IF NOT EXISTS notes (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    valid INTEGER NOT NULL,
    crc INTEGER NOT NULL,
    summary_crc INTEGER NOT NULL,
    data BLOB NOT NULL,
    summary BLOB NOT NULL
)
"""
# What the last check found of the whole vault (store/snapshot.py): its index as one blob (one
# row), and each note's problem rows.
_SNAPSHOT_TABLE = (
    "CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY, crc INTEGER NOT NULL, data BLOB NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS snapshot_rows (path TEXT PRIMARY KEY, crc INTEGER NOT NULL, data BLOB NOT NULL)"
)
# Each note's output in one format and folder (`context`), as `report` wrote it: one row each.
_RENDERED_TABLE = (
    "CREATE TABLE IF NOT EXISTS rendered (context TEXT PRIMARY KEY, crc INTEGER NOT NULL, data BLOB NOT NULL)"
)
# The index's maps of every cached note as one blob (one row; store/index_blob.py).
_INDEX_TABLE = (
    "CREATE TABLE IF NOT EXISTS vault_index (id INTEGER PRIMARY KEY, crc INTEGER NOT NULL, data BLOB NOT NULL)"
)
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    f"{_NOTES_TABLE};\n{_SNAPSHOT_TABLE};\n{_RENDERED_TABLE};\n{_INDEX_TABLE};"
)


class IndexCache:
    """The cache file of one vault. Every method swallows its own failures (logged): a cache
    that cannot be read is empty, one that cannot be written stays as it was.

    Methods open their own connection, so they may be called from any thread (`fetch`
    keeps one open per thread: it runs once per note first used)."""

    def __init__(self, root: Path, parser_settings: str = "", directory: Path | None = None) -> None:
        self.root = root
        self.fingerprint = fingerprint(parser_settings)
        folder = directory or cache_dir()
        name = hashlib.sha256(os.path.realpath(root).encode("utf-8", "surrogatepass")).hexdigest()[:24]
        self.path = folder / f"{name}.sqlite3"
        self.enabled = not os.environ.get(DISABLE_ENV) and not _inside(self.path, root)
        self._readers = threading.local()  # `fetch`'s connection of each thread

    def __getstate__(self) -> dict[str, Any]:
        """Sent to scan workers without the reading connections (each process opens its own)."""
        state = dict(self.__dict__)
        del state["_readers"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._readers = threading.local()

    @classmethod
    def for_settings(cls, root: Path, settings: Any) -> IndexCache:
        return cls(root, settings_key(settings))

    # ------------------------------------------------------------------ connection

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        conn = sqlite3.connect(self.path, timeout=1.0, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")  # a cache: a torn write is detected, not fatal
            conn.executescript(_SCHEMA)
            stored = conn.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            if stored is None or stored[0] != self.fingerprint:
                with conn:
                    conn.execute("BEGIN IMMEDIATE")
                    # Checked again under the write lock: another process may have just done this.
                    stored = conn.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
                    if stored is None or stored[0] != self.fingerprint:
                        # Dropped, not emptied: another format may have had other columns.
                        conn.execute("DROP TABLE IF EXISTS notes")
                        conn.execute("DROP TABLE IF EXISTS snapshot")
                        conn.execute("DROP TABLE IF EXISTS snapshot_rows")
                        conn.execute("DROP TABLE IF EXISTS rendered")
                        conn.execute("DROP TABLE IF EXISTS vault_index")
                        conn.execute(_NOTES_TABLE)
                        conn.executescript(_SNAPSHOT_TABLE)
                        conn.execute(_RENDERED_TABLE)
                        conn.execute(_INDEX_TABLE)
                        conn.execute(
                            "INSERT OR REPLACE INTO meta (key, value) VALUES ('fingerprint', ?)", (self.fingerprint,)
                        )
                        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('root', ?)", (str(self.root),))
        except BaseException:
            conn.close()
            raise
        return conn

    def _with_connection(self, action: str, work: Callable[[sqlite3.Connection], T], default: T) -> T:
        if not self.enabled:
            return default
        for attempt in (1, 2):
            try:
                conn = self._connect()
                try:
                    return work(conn)
                finally:
                    conn.close()
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    log.info("index cache %s is busy; %s skipped", self.path, action)
                    return default
                if attempt == 2 or not self._discard(exc):
                    return default
            except sqlite3.DatabaseError as exc:  # not a database, malformed, ...
                if attempt == 2 or not self._discard(exc):
                    return default
            except OSError as exc:
                log.info("index cache %s unavailable (%s); %s skipped", self.path, exc, action)
                return default
        return default

    def _discard(self, why: Exception) -> bool:
        """Delete a cache file SQLite cannot use, so that it is made again."""
        log.warning("index cache %s is unusable (%s); rebuilding it", self.path, why)
        try:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("cannot delete %s: %s", self.path, exc)
            return False
        return True

    # ------------------------------------------------------------------ API

    def load(self, data: bool = False) -> dict[str, Entry]:
        """Every cached note, by vault path (entries whose CRC fails are left out). Without
        `data`, only the summaries: a warm start reads a tenth of the file and holds none of
        the notes' encodings in memory."""
        found: dict[str, Entry] = self._with_connection("reading", lambda conn: dict(_entries(conn, data)), {})
        if found:
            try:
                os.utime(self.path)  # in use: not stale (see `_forget_stale_vaults`)
            except OSError:
                pass
        return found

    def with_summaries(self, use: Callable[[Iterator[tuple[str, Entry]]], T]) -> T | None:
        """`use` applied to `load()`'s entries read one at a time in the table's order, so
        that it need not hold them all; None when the cache cannot be read. A retry calls
        `use` again with new rows."""
        return self._with_connection("reading", lambda conn: use(_entries(conn, False)), None)

    def fetch(self, path: str, data_crc: int) -> bytes | None:
        """The encoding of one note, if the cache still holds the very one whose summary was
        loaded (same CRC); None otherwise, or when the file cannot be read. Never creates,
        empties or deletes the file: a reader only reads."""
        if not self.enabled:
            return None
        try:
            conn = getattr(self._readers, "conn", None)
            if conn is None:
                if not self.path.exists():
                    return None
                # Not `mode=ro`: a read-only connection cannot always open a WAL database.
                conn = self._readers.conn = sqlite3.connect(self.path, timeout=1.0, isolation_level=None)
            row = conn.execute("SELECT CAST(data AS BLOB) FROM notes WHERE path = ?", (path,)).fetchone()
        except (sqlite3.Error, OSError) as exc:
            log.info("index cache %s: cannot read the entry of %s (%s)", self.path, path, exc)
            self._readers.conn = None
            return None
        if row is None or not isinstance(row[0], bytes) or zlib.crc32(row[0]) != data_crc:
            return None
        return row[0]

    def entries(self, paths: Iterable[str]) -> dict[str, Entry]:
        """The cached notes among `paths`, with their data (entries whose CRC fails are left
        out): what a check of a few notes reads of the table."""
        wanted = list(paths)

        def work(conn: sqlite3.Connection) -> dict[str, Entry]:
            out: dict[str, Entry] = {}
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                for path, size, mtime_ns, valid, crc, summary_crc, blob, summary in conn.execute(
                    "SELECT path, size, mtime_ns, valid, crc, summary_crc, CAST(data AS BLOB), CAST(summary AS BLOB)"
                    f" FROM notes WHERE path IN ({', '.join('?' * len(chunk))})",
                    chunk,
                ):
                    if zlib.crc32(summary) == summary_crc and zlib.crc32(blob) == crc:
                        out[str(path)] = Entry(int(size), int(mtime_ns), bool(valid), summary, int(crc), blob)
            return out

        return self._with_connection("reading", work, {}) if wanted else {}

    def load_snapshot(self) -> bytes | None:
        """The snapshot blob (store/snapshot.py), if one is stored and its CRC holds."""
        return self._load_blob("SELECT crc, CAST(data AS BLOB) FROM snapshot WHERE id = 0", ())

    def load_index_blob(self) -> bytes | None:
        """The blob `store_index_blob` stored, if its CRC holds."""
        return self._load_blob("SELECT crc, CAST(data AS BLOB) FROM vault_index WHERE id = 0", ())

    def store_index_blob(self, blob: bytes) -> None:
        def work(conn: sqlite3.Connection) -> None:
            with conn:
                conn.execute(
                    "INSERT OR REPLACE INTO vault_index (id, crc, data) VALUES (0, ?, ?)", (zlib.crc32(blob), blob)
                )

        self._with_connection("writing", work, None)

    def load_rendered(self, context: str) -> bytes | None:
        """The blob `store_rendered` stored for `context`, if its CRC holds."""
        return self._load_blob("SELECT crc, CAST(data AS BLOB) FROM rendered WHERE context = ?", (context,))

    def store_rendered(self, context: str, blob: bytes) -> None:
        def work(conn: sqlite3.Connection) -> None:
            with conn:
                conn.execute(
                    "INSERT OR REPLACE INTO rendered (context, crc, data) VALUES (?, ?, ?)",
                    (context, zlib.crc32(blob), blob),
                )

        self._with_connection("writing", work, None)

    def _load_blob(self, query: str, args: tuple[str, ...]) -> bytes | None:
        def work(conn: sqlite3.Connection) -> bytes | None:
            row = conn.execute(query, args).fetchone()
            if row is None or not isinstance(row[1], bytes) or zlib.crc32(row[1]) != row[0]:
                return None
            return bytes(row[1])

        return self._with_connection("reading", work, None)

    def load_snapshot_rows(self, paths: Iterable[str] | None = None) -> dict[str, bytes]:
        """The problem rows the snapshot holds of these notes (default: of all), by note."""
        wanted = None if paths is None else list(paths)

        def work(conn: sqlite3.Connection) -> dict[str, bytes]:
            out: dict[str, bytes] = {}
            query = "SELECT path, crc, CAST(data AS BLOB) FROM snapshot_rows"
            chunks = [[]] if wanted is None else [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
            for chunk in chunks:
                where = "" if wanted is None else f" WHERE path IN ({', '.join('?' * len(chunk))})"
                for path, crc, data in conn.execute(query + where, chunk):
                    if isinstance(data, bytes) and zlib.crc32(data) == crc:  # else: as if not checked
                        out[str(path)] = data
            return out

        return self._with_connection("reading", work, {})

    def store_snapshot(
        self, blob: bytes, rows: dict[str, bytes | None], full: bool, records: Iterable[CacheRecord] = ()
    ) -> None:
        """Replace the snapshot's index, store these notes' rows (None: forget them; `full`:
        these are all), and these notes in the table of notes, in one transaction."""
        now = time.time_ns()
        fresh = [_row(record) for record in records if self.cacheable(record, now)]
        kept = [(path, zlib.crc32(data), data) for path, data in rows.items() if data is not None]
        gone = [(path,) for path, data in rows.items() if data is None]

        def work(conn: sqlite3.Connection) -> None:
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(_INSERT, fresh)
                if full:
                    conn.execute("DELETE FROM snapshot_rows")
                conn.executemany("DELETE FROM snapshot_rows WHERE path = ?", gone)
                conn.executemany("INSERT OR REPLACE INTO snapshot_rows (path, crc, data) VALUES (?, ?, ?)", kept)
                conn.execute(
                    "INSERT OR REPLACE INTO snapshot (id, crc, data) VALUES (0, ?, ?)", (zlib.crc32(blob), blob)
                )

        self._with_connection("writing", work, None)

    @staticmethod
    def cacheable(record: CacheRecord, now_ns: int) -> bool:
        """Whether `store` keeps this record: not if its file was written too recently to tell
        a second write in the same clock tick apart (see the module docstring)."""
        return now_ns - record.mtime_ns > int(RACY_SECONDS * 1e9)

    def store(self, records: Iterable[CacheRecord], keep: set[str] | None = None) -> int:
        """Write these notes; with `keep`, also forget every note not in it (deleted files).
        Returns the number of notes written."""
        now = time.time_ns()
        fresh = [_row(record) for record in records if self.cacheable(record, now)]

        def work(conn: sqlite3.Connection) -> int:
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                if keep is not None:
                    stored = [p for (p,) in conn.execute("SELECT path FROM notes")]
                    gone = [(p,) for p in stored if p not in keep]
                    conn.executemany("DELETE FROM notes WHERE path = ?", gone)
                conn.executemany(_INSERT, fresh)
            return len(fresh)

        written = self._with_connection("writing", work, 0)
        if keep is not None:  # the end of a whole load, not a worker's batch
            self._forget_stale_vaults()
        return written

    def _forget_stale_vaults(self) -> None:
        """Delete the cache files of vaults nobody opened for `STALE_DAYS` (moved, deleted,
        or long forgotten), so that the folder does not only ever grow."""
        if not self.enabled:
            return
        limit = time.time() - STALE_DAYS * 86400
        try:
            for entry in os.scandir(self.path.parent):
                if entry.name.endswith(".sqlite3") and entry.path != str(self.path):
                    try:
                        if entry.stat().st_mtime < limit:
                            for suffix in ("", "-wal", "-shm", "-journal"):
                                Path(entry.path + suffix).unlink(missing_ok=True)
                    except OSError:
                        continue
        except OSError:
            return

    def clear(self) -> None:
        self._discard(RuntimeError("cleared on request"))


def _entries(conn: sqlite3.Connection, data: bool) -> Iterator[tuple[str, Entry]]:
    columns = "CAST(data AS BLOB)" if data else "NULL"
    for path, size, mtime_ns, valid, crc, summary_crc, blob, summary in conn.execute(
        f"SELECT path, size, mtime_ns, valid, crc, summary_crc, {columns}, CAST(summary AS BLOB) FROM notes"
    ):
        try:
            if zlib.crc32(summary) != summary_crc or (blob is not None and zlib.crc32(blob) != crc):
                raise ValueError("checksum")
            entry = Entry(int(size), int(mtime_ns), bool(valid), summary, int(crc), blob)
        except (TypeError, ValueError):  # damaged or foreign entry: a miss, not a failure
            log.info("index cache: the entry of %s is damaged; parsing the note again", path)
            continue
        yield str(path), entry


_INSERT = (
    "INSERT OR REPLACE INTO notes (path, size, mtime_ns, valid, crc, summary_crc, data, summary)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _row(record: CacheRecord) -> tuple[str, int, int, int, int, int, bytes, bytes]:
    return (
        record.path,
        record.size,
        record.mtime_ns,
        int(record.valid_utf8),
        zlib.crc32(record.blob),
        zlib.crc32(record.summary),
        record.blob,
        record.summary,
    )


def _inside(path: Path, root: Path) -> bool:
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))
    except (OSError, ValueError):
        return False
