"""Loading a whole vault from disk, as `vaultls check` and the server's first scan do.

`VaultLoader` does the work both share, in the order that makes a large vault fast:

1. walk the vault and stat every note (cheap);
2. read the index cache (cache.py): a note whose file has the cached size and modification
   time is decoded from it instead of parsed;
3. parse the rest — in worker processes when there are enough of them for the pool's start-up
   (about a third of a second) to pay, so that a cold scan uses every core; the workers send
   back each note's compact cache encoding, which the loader decodes (one encoding for the
   cache and for the pipe); they run at a lower priority than the process that starts them;
4. hand out the notes in batches, so that the caller (the server's event loop) can index them
   and stay responsive in between;
5. store what was parsed in the cache, and forget deleted notes.

Nothing here touches a `Vault`: the caller upserts, because the server must skip notes whose
editor buffer is open.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from vaultls.vault.index import Vault
from vaultls.vault.model import ParsedNote
from vaultls.vault.parse import note_from_rows, parse
from vaultls.vault.path_filter import PathFilter
from vaultls.vault.settings import Settings
from vaultls.vault.store.cache import CacheRecord, Entry, IndexCache
from vaultls.vault.store.encoding import decode, decode_summary, links_and_tags
from vaultls.vault.store.read import load_note, parse_files, read_aliases
from vaultls.vault.store.snapshot import Stat, stat_notes
from vaultls.vault.store.walk import ScanResult, walk

if TYPE_CHECKING:  # imported where used: `vaultls check` needs neither event loop nor process pool
    import asyncio
    import concurrent.futures

    from vaultls.vault.store.workers import WorkerPool

log = logging.getLogger(__name__)

BATCH = 250
# Fewer notes to parse than this are parsed in-process: starting a worker (an interpreter and
# the parser's imports) and sending its results back cost more than they save. On 2 cores,
# 1,000 notes load faster in-process, 10,000 much faster with workers (the benchmark shows it).
POOL_MIN_NOTES = 2000
MAX_WORKERS = 4
WORKER_NICENESS = 10  # added to the scan workers' niceness: the server's own thread wins a core
# Vaults with fewer notes than this get no cache file: parsing them takes well under a tenth of
# a second, and a file per small folder (every test's temporary vault) would only pile up.
MIN_NOTES_TO_CACHE = 200


class DeferredNote:
    """A note from the cache (or a scan worker) whose `ParsedNote` is decoded only when
    something first asks for it (`Vault.add_deferred`): a warm start then costs the summaries
    of the notes, not a vault's worth of model objects. The encoding is held in memory only
    when it did not go into the cache (`blob`); otherwise it is read back from the cache when
    first used, and must have the CRC (`data_crc`) the cache had for it then. Should it be
    gone, changed or undecodable, the note is parsed again from its file."""

    __slots__ = ("aliases", "link_keys", "_blob", "_file", "_cache", "_rel", "_crc")

    def __init__(
        self,
        aliases: list[str],
        link_keys: tuple[str, ...],
        blob: bytes | None,
        file: str,
        cache: IndexCache | None = None,
        rel: str = "",
        data_crc: int = 0,
    ) -> None:
        self.aliases = aliases
        self.link_keys = link_keys
        self._blob = blob
        self._file = file
        self._cache = cache
        self._rel = rel
        self._crc = data_crc

    def materialise(self) -> ParsedNote:
        blob = self._blob
        if blob is None and self._cache is not None:
            blob = self._cache.fetch(self._rel, self._crc)
        if blob is None:
            log.info("index cache entry of %s is gone or changed; parsing the file again", self._file)
            return parse_file(self._file)
        return decode_or_parse(blob, self._file)

    def links_and_tags(self) -> tuple[tuple[tuple[str, str, bool], ...], tuple[str, ...]] | None:
        """`encoding.links_and_tags` of this note, without its model; None when its encoding
        is gone or unreadable (`materialise` then parses the file)."""
        blob = self._blob if self._blob is not None or self._cache is None else self._cache.fetch(self._rel, self._crc)
        try:
            return None if blob is None else links_and_tags(blob)
        except Exception:  # noqa: BLE001 - a damaged entry: the model is made the usual way
            return None


class PendingNote:
    """A note of the first pass of a cold start (`VaultLoader.first_pass`): its aliases are
    known, its links not yet (`link_keys` is empty until the full parse replaces it). Asked for
    before that, it is parsed from its file on the spot."""

    __slots__ = ("aliases", "_file")
    link_keys: tuple[str, ...] = ()

    def __init__(self, aliases: list[str], file: str) -> None:
        self.aliases = aliases
        self._file = file

    def materialise(self) -> ParsedNote:
        return parse_file(self._file)


def parse_file(file: str) -> ParsedNote:
    """The note in this file, parsed (an empty note when it cannot be read)."""
    loaded = load_note(Path(file))
    return loaded[0] if loaded is not None else parse("")


def decode_or_parse(blob: bytes, file: str) -> ParsedNote:
    """The note a cache encoding holds; when it cannot be decoded, the note in its file."""
    try:
        return decode(blob)
    except Exception:  # noqa: BLE001 - a damaged entry is re-read, whatever the damage
        log.warning("index cache entry of %s cannot be decoded; parsing the file again", file)
    return parse_file(file)


# What a restored index answers for of the notes found, by their (size, mtime): (those notes,
# whether it holds notes that are gone), or None when it has nothing to say.
Vouch = Callable[[IndexCache, dict[str, Stat]], "tuple[set[str], bool] | None"]
# A note as a loader hands it out: (vault path, the note in one of its forms, valid UTF-8); the
# note is None when its file could not be read in the first pass (see `first_pass`).
LoadedNote = tuple[str, "ParsedNote | DeferredNote | PendingNote | None", bool]


def default_workers() -> int:
    """Worker processes for a cold scan: one per core, a few at most (the process that
    collects their results and builds the index is the limit beyond that)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(0, min(cores, MAX_WORKERS)) if cores > 1 else 0


class VaultLoader:
    """One load of one vault: `discover()`, then iterate `batches()` (or `abatches()`), then
    `save()`."""

    def __init__(
        self,
        root: Path,
        settings: Settings,
        cache: IndexCache | None = None,
        use_cache: bool = True,
        workers: int | None = None,
        lazy: bool = False,
    ) -> None:
        self.root = root
        self.lazy = lazy  # hand out `DeferredNote`s rather than decoding every cached note
        self.settings = settings
        self._default_cache = cache is None
        self.cache = (cache or IndexCache.for_settings(root, settings)) if use_cache else None
        self.workers = default_workers() if workers is None else workers
        self.found = ScanResult()
        self.hits: list[str] = []
        self._entries: dict[str, Entry] = {}  # of the hits, each dropped once decoded
        self.misses: list[str] = []
        self.records: list[CacheRecord] = []  # parsed here, to store
        self.unreadable: list[str] = []
        self.stats: dict[str, Stat] = {}  # each note's (size, mtime) before it was read
        self._forgotten = False  # the cache holds notes that are gone

    @property
    def total(self) -> int:
        return len(self.found.notes)

    # ------------------------------------------------------------------ 1, 2

    def discover(self, vouch: Vouch | None = None) -> None:
        """Walk, stat and read the cache. Touches no shared state: safe in a thread. The notes
        `vouch` answers for (`index_blob.Restore.vouch`) are neither hits nor misses."""
        self.found = walk(self.root, PathFilter(self.root, self.settings))
        if self._default_cache and len(self.found.notes) < MIN_NOTES_TO_CACHE:
            self.cache = None
        self.stats = stats = stat_notes(self.root, self.found.notes)
        known, gone = (vouch(self.cache, stats) if vouch and self.cache else None) or (None, False)
        if known is None or self.cache is None:
            cached = self.cache.load(data=not self.lazy) if self.cache is not None else {}
            gone, known = bool(cached.keys() - set(self.found.notes)), set()
        else:  # only the entries of the notes the blob does not answer for
            cached = self.cache.entries(rel for rel in self.found.notes if rel not in known)
        self._forgotten = gone
        for rel in (rel for rel in self.found.notes if rel not in known):
            entry = cached.get(rel)
            if entry is not None and stats.get(rel) != (entry.size, entry.mtime_ns):
                entry = None
            if entry is None:
                self.misses.append(rel)
            else:
                self.hits.append(rel)
                self._entries[rel] = entry
        if self.cache is not None:
            log.info("index cache %s: %d of %d notes unchanged", self.cache.path, len(self.hits), len(self.found.notes))

    def take_encodings(self) -> list[tuple[str, bytes | None, bool, bytes | None]]:
        """Every note found, with its cache encoding (None when it is not cached, or the cache
        was read without the encodings: `lazy`), whether it was valid UTF-8 (True when not
        cached) and its cache summary (None when not cached), for whoever reads the notes
        itself (the whole-vault check). The loader then forgets its entries: the encodings are
        held once, by the caller."""
        entries = self._entries
        out: list[tuple[str, bytes | None, bool, bytes | None]] = []
        for rel in self.found.notes:
            entry = entries.get(rel)
            out.append(
                (rel, entry.blob, entry.valid_utf8, entry.summary) if entry is not None else (rel, None, True, None)
            )
        entries.clear()
        return out

    # ------------------------------------------------------------------ 3, 4

    def _decode_hits(self, hits: list[str]) -> tuple[list[LoadedNote], list[str]]:
        out: list[LoadedNote] = []
        bad: list[str] = []
        root = str(self.root)
        for rel in hits:
            entry = self._entries.pop(rel)  # the bytes are not needed again: free them now
            try:
                out.append((rel, self._note(root, rel, entry.summary, entry.data_crc, entry.blob), entry.valid_utf8))
            except Exception:  # noqa: BLE001 - a damaged entry is a miss, whatever the damage
                log.info("index cache entry of %s cannot be decoded; parsing it again", rel)
                bad.append(rel)
        return out, bad

    def _note(
        self, root: str, rel: str, summary: bytes, data_crc: int, blob: bytes | None
    ) -> ParsedNote | DeferredNote:
        if not self.lazy:
            if blob is None:
                blob = self.cache.fetch(rel, data_crc) if self.cache is not None else None
                if blob is None:
                    raise ValueError("no encoding")
            return decode(blob)
        aliases, link_keys = decode_summary(summary)
        return DeferredNote(aliases, link_keys, blob, os.path.join(root, *rel.split("/")), self.cache, rel, data_crc)

    def from_workers(self, loaded: list[Sent]) -> list[LoadedNote]:
        """Results of `parse_and_store` from a worker, which has already stored them in the
        cache: decode each (or, lazily, only its summary)."""
        out: list[LoadedNote] = []
        root = str(self.root)
        for rel, valid, summary, data_crc, blob in loaded:
            if summary is None:
                self.unreadable.append(rel)
                continue
            out.append((rel, self._note(root, rel, summary, data_crc, blob), valid))
        return out

    def _parse_here(self, rels: list[str]) -> list[LoadedNote]:
        """Parse these notes in this process (in a thread, for `abatches`: the model's objects
        are made there too, not on the event loop)."""
        out: list[LoadedNote] = []
        for rel, rows, valid, record in parse_files(str(self.root), rels):
            if record is None or rows is None:
                self.unreadable.append(rel)
                continue
            self.records.append(record)
            out.append((rel, note_from_rows(rows), valid))
        return out

    def first_pass(self) -> Iterator[list[LoadedNote]]:
        """What a server needs before it can resolve any link, a batch at a time: the cached
        notes by their summaries (`DeferredNote`), and the others by their aliases alone
        (`PendingNote`, reading only the frontmatter, ~10 times cheaper than parsing). The
        notes not cached are then parsed by `abatches(hits=False)`. Blocking: a server runs
        each batch in a thread (`afirst_pass`)."""
        for batch in self._first_pass_steps():
            yield batch()

    async def afirst_pass(self) -> AsyncIterator[list[LoadedNote]]:
        """`first_pass` with the reading of each batch in a thread."""
        import asyncio

        for batch in self._first_pass_steps():
            yield await asyncio.to_thread(batch)

    def _first_pass_steps(self) -> Iterator[Callable[[], list[LoadedNote]]]:
        for chunk in self._chunks(self.hits):

            def hits(chunk: list[str] = chunk) -> list[LoadedNote]:
                notes, bad = self._decode_hits(chunk)
                self.misses += bad
                return notes

            yield hits
        pending = list(self.misses)
        root = str(self.root)
        for chunk in self._chunks(pending):

            def misses(chunk: list[str] = chunk) -> list[LoadedNote]:
                out: list[LoadedNote] = []
                for rel, file, aliases, valid in read_aliases(root, chunk):
                    note = None if aliases is None else PendingNote(aliases, file)
                    out.append((rel, note, valid))
                return out

            yield misses

    def _chunks(self, items: list[str]) -> Iterator[list[str]]:
        for start in range(0, len(items), BATCH):
            yield items[start : start + BATCH]

    def _pool(self) -> WorkerPool | None:
        if self.workers < 1 or len(self.misses) < POOL_MIN_NOTES:
            return None
        from vaultls.vault.store.workers import WorkerPool

        try:
            # Fresh interpreters, not forks: the server has threads, and a forked copy of a
            # process with threads may deadlock on a lock one of them held. See workers.py for
            # why they are not "spawn" workers either.
            return WorkerPool(self.workers, niceness=WORKER_NICENESS)
        except OSError as exc:
            log.info("no worker processes (%s); parsing in this one", exc)
            return None

    def batches(self) -> Iterator[list[LoadedNote]]:
        """The notes, a batch at a time: cached ones first, then parsed ones (synchronous)."""
        from concurrent.futures.process import BrokenProcessPool

        pool = self._pool()
        chunks = list(self._chunks(self.misses))
        futures: list[concurrent.futures.Future[list[Sent]] | None] = []
        if pool is not None:
            futures = [pool.submit(parse_and_store, str(self.root), chunk, self.cache) for chunk in chunks]
        try:
            redo: list[str] = []
            for chunk in self._chunks(self.hits):
                notes, bad = self._decode_hits(chunk)
                redo += bad
                yield notes
            if pool is None:
                redo = self.misses + redo
            failed: list[str] = []
            for index in range(len(futures)):
                future, futures[index] = futures[index], None  # a used result is freed at once
                try:
                    loaded = future.result()  # type: ignore[union-attr]
                except (BrokenProcessPool, OSError, RuntimeError) as exc:  # a worker died: do it here
                    log.warning("a scan worker failed (%s); parsing its notes in this process", exc)
                    failed += chunks[index]
                    continue
                finally:
                    del future
                yield self.from_workers(loaded)
                del loaded
            for chunk in self._chunks(redo + failed):
                yield self._parse_here(chunk)
        finally:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)

    async def abatches(self, hits: bool = True) -> AsyncIterator[list[LoadedNote]]:
        """`batches` for an event loop: parsing runs in worker processes or a thread, decoding
        between awaits, so the loop keeps answering while a large vault loads. With `hits`
        false, only the notes `first_pass` could not take from the cache."""
        import asyncio
        from concurrent.futures.process import BrokenProcessPool

        loop = asyncio.get_running_loop()
        pool = self._pool()
        futures: list[asyncio.Future[list[Sent]] | None] = []
        chunks = list(self._chunks(self.misses))
        if pool is not None:
            futures = [
                loop.run_in_executor(pool, parse_and_store, str(self.root), chunk, self.cache) for chunk in chunks
            ]
        try:
            redo: list[str] = []
            for chunk in self._chunks(self.hits if hits else []):
                notes, bad = self._decode_hits(chunk)
                redo += bad
                yield notes
                await asyncio.sleep(0)
            if pool is None:
                redo = self.misses + redo
            failed: list[str] = []
            for index in range(len(futures)):
                future = futures[index]
                try:
                    loaded = await future  # type: ignore[misc]
                except (BrokenProcessPool, OSError, RuntimeError) as exc:
                    log.warning("a scan worker failed (%s); parsing its notes in this process", exc)
                    failed += chunks[index]
                    continue
                finally:
                    futures[index] = None  # a used result is freed at once
                    del future
                yield self.from_workers(loaded)
                del loaded
            for chunk in self._chunks(redo + failed):
                yield await asyncio.to_thread(self._parse_here, chunk)
        finally:
            for future in futures:
                if future is not None:
                    future.cancel()
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ 5

    def save(self) -> None:
        """Store the parsed notes in the cache and forget the notes that are gone."""
        if self.cache is None:
            return
        if not self.records and not self._forgotten:
            return  # nothing parsed, nothing gone: the cache is up to date
        written = self.cache.store(self.records, keep=set(self.found.notes))
        log.info("index cache %s: %d notes written", self.cache.path, written)

    def save_in_background(self) -> threading.Thread:
        """`save` in a thread that the interpreter waits for at exit (a CLI run must not lose
        its cache, nor wait for it before printing)."""
        thread = threading.Thread(target=self.save, name="vaultls-cache-save", daemon=False)
        thread.start()
        return thread


# What a worker sends back of one note: (vault path, valid UTF-8, summary, CRC of the encoding,
# the encoding). The encoding is None when the worker stored it in the cache, which is where it
# is read from when first used; the summary is None when the file could not be read.
Sent = tuple[str, bool, "bytes | None", int, "bytes | None"]


def parse_and_store(root: str, rels: list[str], cache: IndexCache | None) -> list[Sent]:
    """One batch in a worker process: parse, and store the records in the cache from here, so
    that the process building the index neither holds them nor spends its time writing them.
    What went into the cache is not sent back: the encodings of 10,000 notes are ~45 MB."""
    loaded = parse_files(root, rels)
    now = time.time_ns()
    records = [record for _, _, _, record in loaded if record is not None]
    stored = False
    if cache is not None:
        wanted = sum(1 for record in records if cache.cacheable(record, now))
        stored = cache.store(records) == wanted
    out: list[Sent] = []
    for rel, _, valid, record in loaded:
        if record is None:
            out.append((rel, valid, None, 0, None))
            continue
        keep = not (stored and cache is not None and cache.cacheable(record, now))
        out.append((rel, valid, record.summary, zlib.crc32(record.blob), record.blob if keep else None))
    return out


def add_note(
    vault: Vault,
    rel: str,
    note: ParsedNote | DeferredNote | PendingNote | None,
    valid: bool,
    remember_links: bool = True,
) -> set[str]:
    """Index one note a loader handed out, whichever form it has (see `Vault.add_deferred` for
    `remember_links`)."""
    if note is None:
        return set()
    if isinstance(note, (DeferredNote, PendingNote)):
        return vault.add_deferred(rel, note, valid, remember_links)
    return vault.upsert(rel, note, valid)


def load_vault(root: Path, settings: Settings, use_cache: bool = True) -> tuple[Vault, list[tuple[str, str]]]:
    """A full index of `root`; returns it and the (path, reason) of files that were skipped."""
    vault = Vault(root, settings)
    loader = VaultLoader(root, settings, use_cache=use_cache, lazy=True)
    loader.discover()
    skipped = list(loader.found.skipped)
    for rel in loader.found.attachments:
        vault.add_attachment(rel)
    for batch in loader.batches():
        for rel, note, valid in batch:
            add_note(vault, rel, note, valid)
    skipped += [(rel, "unreadable") for rel in loader.unreadable]
    loader.save_in_background()
    return vault, skipped
