"""The whole-vault check of `vaultls check`, run without building the vault's model.

`check_vault` needs a `Vault` whose every note is a `ParsedNote`: for 10,000 notes that is
millions of objects made (decoded from the index cache, or parsed) only to be read once. This
runner checks every note through its view (`NoteView`) instead, with the very rules of
`check.NoteChecker`, and so reports the same problems in the same order
(tests/unit/test_check_fast.py and tests/cli/test_check_outputs.py compare the two). It has no
rules of its own: it reads, forks and gathers.

1. `VaultLoader.discover` walks the vault and reads the index cache, as a load does.
2. Round one, per note: a cached note is viewed from its encoding (`encoding.view_of_encoding`:
   no model objects); any other is parsed (`read.parse_files`, which also makes its cache
   record, stored from here) and viewed from its rows. Out come the views, and a summary of
   each note for the index: its aliases, and its headings and block ids as the keys links are
   compared with (`link_check.note_anchors`).
3. The summaries of all notes make the index (`Vault` with stub notes: names, paths,
   aliases), and round two checks each view against it (`NoteChecker.problem_rows`).

Each run leaves a snapshot in the index cache (store/snapshot.py: every note's summary and
problems), from which the next one (`check_from_snapshot`) checks only what may have changed.

On a large vault both rounds run in forked worker processes, each over its share of the notes;
the summaries go through the parent between the rounds (a link may name a heading of a note in
the other share). The CLI has no threads yet when it checks, so forking is safe; with threads,
without `fork`, or on a small vault, both rounds run in this process, as they do again when a
worker dies or sends garbage. Should that fail too, `check_whole_vault` says None and the
caller takes the model-based check.
"""

from __future__ import annotations

import gc
import logging
import marshal
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from vaultls.vault.check import NoteChecker
from vaultls.vault.check_result import CheckResult, on_wide_line
from vaultls.vault.index import Vault, link_keys
from vaultls.vault.link_check import Anchors, LinkChecker, note_anchors
from vaultls.vault.model import ParsedNote
from vaultls.vault.path_filter import PathFilter
from vaultls.vault.plural import counted
from vaultls.vault.problems import ProblemRow, row_order
from vaultls.vault.settings import Settings
from vaultls.vault.store import snapshot
from vaultls.vault.store.cache import CacheRecord, IndexCache
from vaultls.vault.store.encoding import decode_summary, view_of_encoding
from vaultls.vault.store.loader import (
    BATCH,
    MIN_NOTES_TO_CACHE,
    PendingNote,
    VaultLoader,
    decode_or_parse,
    default_workers,
)
from vaultls.vault.store.read import parse_files
from vaultls.vault.store.walk import walk
from vaultls.vault.view import NoteView, view_of_rows

log = logging.getLogger(__name__)
_T0 = time.perf_counter()  # debug log timings are from import

# Fewer notes than this are checked in this process: forking, and sending the summaries and
# problems through pipes, cost more than a second core saves on a small vault (the benchmark's
# `vaultls check` rows show where the two meet).
FORK_MIN_NOTES = 2000
MAX_WORKERS = 4

# One note handed to round one: (path, its cache encoding or None, valid UTF-8 as cached, its
# cache summary or None).
Item = tuple[str, "bytes | None", bool, "bytes | None"]
# What round one says of a note to every worker: (path, valid UTF-8, aliases, heading keys,
# block keys, link lookup keys, frontmatter state); see `link_check.Anchors` and
# `store.snapshot`, which keeps them for the next check.
Summary = snapshot.Summary
# Each note with problems: (path, its problem rows, whether one of them is on a `wide` line).
Checked = list[tuple[str, list[ProblemRow], bool]]


# --------------------------------------------------------------------------- the two rounds


def round_one(
    root: str, items: Sequence[Item], cache: IndexCache | None, store: bool
) -> tuple[list[NoteView], list[Summary], list[str], list[CacheRecord]]:
    """Read or parse the notes: (their views, their summaries, unreadable paths, cache records
    not yet stored). With `store`, records are written to the cache a batch at a time here."""
    views: list[NoteView] = []
    misses: list[str] = []
    keys: dict[str, tuple[str, ...]] = {}
    for rel, blob, valid, summary in items:
        view = view_of_entry(root, rel, blob, valid) if blob is not None else None
        if view is None:
            misses.append(rel)
        else:
            views.append(view)
            keys[rel] = _link_keys(summary, view)
    unreadable: list[str] = []
    records: list[CacheRecord] = []
    for start in range(0, len(misses), BATCH):
        fresh: list[CacheRecord] = []
        for rel, rows, valid, record in parse_files(root, misses[start : start + BATCH]):
            if record is None or rows is None:
                unreadable.append(rel)
                continue
            fresh.append(record)
            views.append(view_of_rows(rel, rows, valid, EncodedModel(root, rel, record.blob)))
            keys[rel] = _link_keys(record.summary, views[-1])
        if store and cache is not None:
            cache.store(fresh)
        else:
            records += fresh
    views.sort(key=lambda view: view.path)
    summaries = [summary_of(view, keys[view.path]) for view in views]
    return views, summaries, unreadable, records


def summary_of(view: NoteView, link_keys: tuple[str, ...]) -> Summary:
    return (view.path, view.valid, view.aliases, *note_anchors(view.headings, view.blocks), link_keys, view.fm_state)


def _link_keys(summary: bytes | None, view: NoteView) -> tuple[str, ...]:
    """The lookup keys of a note's links, from its cache summary (else from its view)."""
    if summary is not None:
        try:
            return decode_summary(summary)[1]
        except (ValueError, TypeError, EOFError):
            pass
    return link_keys(link[1] for link in view.links)


class EncodedModel:
    """The model of a note with this encoding, made when a schema check asks for it: decoded,
    else parsed from its file (as `DeferredNote.materialise` does)."""

    __slots__ = ("blob", "rel", "root")

    def __init__(self, root: str, rel: str, blob: bytes) -> None:
        self.root, self.rel, self.blob = root, rel, blob

    def __call__(self) -> ParsedNote:
        return decode_or_parse(self.blob, os.path.join(self.root, *self.rel.split("/")))


def view_of_entry(root: str, rel: str, blob: bytes, valid: bool) -> NoteView | None:
    """The view of a cache hit, or None when its encoding cannot be read (parsed instead)."""
    try:
        return view_of_encoding(rel, blob, valid, EncodedModel(root, rel, blob))
    except Exception:  # noqa: BLE001 - a damaged entry is a miss, whatever the damage
        log.info("index cache entry of %s cannot be decoded; parsing it again", rel)
        return None


def round_two(
    root: Path, settings: Settings, attachments: Sequence[str], summaries: Sequence[Summary], views: list[NoteView]
) -> Checked:
    """Check the notes against the index every summary makes: each note's problem rows, in
    `check_vault`'s order."""
    vault = Vault(root, settings)
    for rel in attachments:
        vault.add_attachment(rel)
    anchors: dict[str, Anchors] = {}
    base = str(root)
    for rel, valid, aliases, headings, blocks, *_ in summaries:
        vault.add_deferred(rel, PendingNote(aliases, os.path.join(base, *rel.split("/"))), valid)
        anchors[rel] = (headings, blocks)
    checker = NoteChecker(vault, LinkChecker(vault, anchors.get))
    out: Checked = []
    for view in views:
        rows = checker.problem_rows(view)
        if rows:
            rows.sort(key=row_order)
            out.append((view.path, rows, on_wide_line(rows, view.wide)))
    return out


# --------------------------------------------------------------------------- running it


def fork_workers(requested: int | None, notes: int) -> int:
    """How many worker processes a bulk check of this many notes forks (0: none)."""
    workers = min(default_workers(), MAX_WORKERS) if requested is None else requested
    if workers < 2 or (notes < FORK_MIN_NOTES and requested is None):
        return 0
    import multiprocessing  # here: a check that forks no worker does not import it

    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return 0  # macOS system libraries are not fork-safe; Windows has no fork
    if threading.active_count() > 1 or not main_is_safe():
        return 0  # a forked copy of a process with threads may deadlock on a lock one held
    return workers


def main_is_safe() -> bool:
    """Whether this program may start worker processes that re-run its main script, as
    "spawn" workers do: a package's `__main__` (`python -m vaultls`) and a script guarded by
    `if __name__ == "__main__"` (the `vaultls` console script) are not re-run; an unguarded
    script embedding vaultls would be, so it gets no workers."""
    main = sys.modules.get("__main__")
    if main is None:
        return False
    spec_name = getattr(getattr(main, "__spec__", None), "name", None)
    if spec_name is not None:
        return bool(spec_name == "__main__" or spec_name.endswith(".__main__"))
    path = getattr(main, "__file__", None)
    if path is None:
        return True  # `python -c` or an interactive session: nothing is re-run
    try:
        source = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "__name__ == '__main__'" in source or '__name__ == "__main__"' in source


def check_whole_vault(
    root: Path,
    settings: Settings,
    use_cache: bool = True,
    workers: int | None = None,
    strict: bool = False,
    progress: Callable[[str, int], None] | None = None,
    select: Select | None = None,
    cache: IndexCache | None = None,
) -> CheckResult | None:
    """The problems of every note of the vault at `root`, as `check_vault(load_vault(root))`
    finds them, and the files skipped; None when this way failed (the caller then takes that
    one). `workers`: processes to fork (default: one per core on a large vault); `strict`
    re-raises a failure instead (tests); `progress` is told what is being done. With `select`,
    only the problems of the notes it picks are reported (all are checked, for the snapshot
    the next check starts from: `check_from_snapshot`); None when there is no index cache to
    keep that snapshot in. `cache`: the index cache (default: the user's)."""
    try:
        loader = VaultLoader(root, settings, cache=cache, use_cache=use_cache, lazy=False)
        loader.discover()
        if select is not None and loader.cache is None:
            return None  # checking the whole vault would only cost more than the index does
        log.debug("bulk check: discovered at %.3f s", time.perf_counter() - _T0)
        items = loader.take_encodings()
        if progress is not None:
            cached = sum(1 for item in items if item[1] is not None)
            progress(f"reading and checking {counted(len(items), 'note')} ({cached} from the cache)", len(items))
        count = fork_workers(workers, len(items))
        done = _forked(loader, items, count) if count else None
        if done is None:
            count = 0
            done = _in_process(loader, items)
        parts, unreadable, summary_parts = done
        found: Checked = []
        for part in parts:  # a worker's part comes as the marshal encoding of its rows
            found += marshal.loads(part) if isinstance(part, bytes) else part
        found.sort(key=lambda note: note[0])
        chosen = None if select is None else select(loader.found.notes)
        by_note = [(path, rows) for path, rows, _ in found if chosen is None or path in chosen]
        wide = {path for path, _, is_wide in found if is_wide}
    except Exception:  # noqa: BLE001 - the model-based check is always there to fall back on
        if strict:
            raise
        log.warning("the bulk check failed; checking through the vault model", exc_info=True)
        return None
    if loader.cache is not None:
        summaries = (s for part in summary_parts for s in (marshal.loads(part) if isinstance(part, bytes) else part))
        env = snapshot.environment(root, settings, loader.cache.fingerprint)
        state = snapshot.of_check(env, loader.stats, summaries, found, set(unreadable), loader.found.attachments)
        # The records parsed here, the notes gone (`save`), the snapshot: after the output.
        threading.Thread(target=_save, args=(loader, state), name="vaultls-cache-save", daemon=False).start()
    skipped = list(loader.found.skipped) + [(rel, "unreadable") for rel in sorted(unreadable)]
    cached = sum(1 for item in items if item[1] is not None)
    checked = len(items) - len(unreadable) if chosen is None else len(chosen - set(unreadable))
    result = CheckResult(root, skipped, by_note, workers=count, cached=cached, checked=checked)
    result.wide = wide
    return result


# Which notes of the vault (its note paths, sorted) a check reports.
Select = Callable[[list[str]], set[str]]


def check_from_snapshot(
    root: Path, settings: Settings, select: Select | None = None, cache: IndexCache | None = None
) -> CheckResult | None:
    """`check_whole_vault` from the last check's snapshot (store/snapshot.py), checking only
    the notes whose problems may have changed (those changed parsed, others viewed from the
    cache). None when there is no usable snapshot, or too much changed for this to pay."""
    default = cache is None
    if cache is None:
        cache = IndexCache.for_settings(root, settings)
    found = walk(root, PathFilter(root, settings)) if cache.enabled else None
    if found is None or (default and len(found.notes) < MIN_NOTES_TO_CACHE):
        return None  # no cache, or a vault too small to have one (see `VaultLoader.discover`)
    known = snapshot.decode(cache.load_snapshot(), snapshot.environment(root, settings, cache.fingerprint))
    if known is None:
        return None
    stats = snapshot.stat_notes(root, found.notes)
    diff = snapshot.changes(known, stats, found.notes, found.attachments)
    if diff.count() > max(snapshot.MAX_CHANGES, len(found.notes) // 10):
        return None
    base = str(root)
    views: dict[str, NoteView] = {}
    fresh: dict[str, Summary] = {}
    records: list[CacheRecord] = []
    unreadable: set[str] = set()

    def parse(rels: list[str]) -> None:
        for rel, rows, valid, record in parse_files(base, rels):
            if rows is None or record is None:
                unreadable.add(rel)
                continue
            views[rel] = view_of_rows(rel, rows, valid, EncodedModel(base, rel, record.blob))
            fresh[rel] = summary_of(views[rel], decode_summary(record.summary)[1])
            records.append(record)

    parse(diff.changed)
    wanted = found.notes if select is None else sorted(select(found.notes))
    for rel, data in cache.load_snapshot_rows(None if select is None else wanted).items():
        if rel in known.notes:
            known.notes[rel].attach(data)  # the others count as not checked
    gate = NoteChecker(Vault(root, settings)).needs_schema_for
    todo = sorted(snapshot.stale(known, diff, fresh, wanted, gate) - unreadable)
    entries = cache.entries(rel for rel in todo if rel not in views)
    again: list[str] = []
    for rel in todo:
        entry = entries.get(rel)
        if rel not in views:
            same = entry is not None and (entry.size, entry.mtime_ns) == stats.get(rel)
            view = view_of_entry(base, rel, entry.blob, entry.valid_utf8) if same and entry and entry.blob else None
            if view is None:
                again.append(rel)  # not in the cache as it was checked: parsed
            else:
                views[rel] = view
    parse(again)
    present = [rel for rel in found.notes if rel not in unreadable]
    if len(todo) > len(present) // 4:
        indexed = present
    else:  # only the notes these links can lead to (a check of five notes reads ~50 of 10,000)
        keys = set().union(*(fresh[rel][5] if rel in fresh else known.notes[rel].link_keys() for rel in todo))
        indexed = sorted(snapshot.index_for(known, set(present), fresh, keys).union(todo))
    summaries = [fresh[rel] if rel in fresh else known.notes[rel].summary() for rel in indexed]
    rechecked = [views[rel] for rel in todo if rel in views]
    todo_set = set(todo)
    checked = {
        path: (rows, wide) for path, rows, wide in round_two(root, settings, found.attachments, summaries, rechecked)
    }
    if select is None:  # every note whose problems may have changed is checked: the vault as it is now
        notes = {rel: known.notes[rel] for rel in present if rel in known.notes and rel not in fresh}
        attachments = tuple(found.attachments)
    else:  # the changes stay changes for the next check, which may check their other linkers
        notes, attachments = dict(known.notes), known.attachments
    changed = select is None and bool(diff.count())
    for rel in todo:
        rows, is_wide = checked.get(rel, (_NO_ROWS, False))
        old = notes.get(rel)
        if rel in fresh and select is None:
            notes[rel] = snapshot.NoteState.of(stats.get(rel, (-1, -1)), fresh[rel], rows, is_wide)
        elif old is not None and rel not in fresh:
            notes[rel] = old.with_rows(rows, is_wide)
            changed = changed or (notes[rel].fields(), notes[rel].encoded_rows) != (old.fields(), old.encoded_rows)
    if changed:  # written after this process has printed (the interpreter waits for it)
        index, rows_of = snapshot.encode(snapshot.Snapshot(known.environment, notes, attachments))
        gone = set(diff.removed) | unreadable if select is None else set()
        write = {rel: rows_of.get(rel) for rel in todo_set | gone}
        args = (index, write, False, records)
        threading.Thread(target=cache.store_snapshot, args=args, name="vaultls-cache-save").start()
    by_note: list[tuple[str, list[ProblemRow]]] = []
    wide: set[str] = set()
    note_keys: dict[str, int] = {}
    for rel in wanted:
        stat = stats.get(rel)
        if rel in todo_set:
            rows, is_wide = checked.get(rel, (_NO_ROWS, False))
            if rows and stat is not None and stat[1] >= 0:
                note_keys[rel] = snapshot.note_key(stat, marshal.dumps(rows))
        elif rel in notes and rel not in unreadable:
            rows, is_wide = notes[rel].rows(), notes[rel].wide
            key = notes[rel].key(stat)
            if key is not None:
                note_keys[rel] = key
        else:
            continue
        if rows:
            by_note.append((rel, rows))
            if is_wide:
                wide.add(rel)
    skipped = list(found.skipped) + [(rel, "unreadable") for rel in sorted(unreadable)]
    checked_count = len(set(wanted) - unreadable)
    result = CheckResult(root, skipped, by_note, cached=len(found.notes) - len(diff.changed), checked=checked_count)
    result.wide = wide
    result.note_keys = note_keys
    return result


_NO_ROWS: list[ProblemRow] = []


def _save(loader: VaultLoader, state: tuple[bytes, dict[str, bytes | None]]) -> None:
    loader.save()
    if loader.cache is not None:
        loader.cache.store_snapshot(*state, full=True)


# (the problem rows of each round two, as a list or its marshal encoding; unreadable notes;
# the summaries of each round one, the same way)
Done = tuple[list["Checked | bytes"], list[str], list[Any]]


def _in_process(loader: VaultLoader, items: list[Item]) -> Done:
    views, summaries, unreadable, records = round_one(str(loader.root), items, loader.cache, store=False)
    loader.records.extend(records)
    checked = round_two(loader.root, loader.settings, loader.found.attachments, summaries, views)
    return [checked], unreadable, [summaries]


def _forked(loader: VaultLoader, items: list[Item], count: int) -> Done | None:
    """Both rounds in `count` forked workers; None when one fails (nothing is half-used: the
    caller then checks in this process).

    Between the rounds, each worker's summaries go to every worker as they came, undecoded
    (the order of notes in an index changes nothing it answers)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    shares = [items[i::count] for i in range(count)]
    sys.stdout.flush()
    sys.stderr.flush()
    workers: list[tuple[Any, Any]] = []
    done = False
    try:
        for share in shares:
            mine, theirs = ctx.Pipe()
            process = ctx.Process(target=_worker, args=(theirs, mine, loader, share), name="vaultls-check", daemon=True)
            process.start()
            theirs.close()
            workers.append((process, mine))
        summaries: list[bytes] = []
        unreadable: list[str] = []
        for _, conn in workers:
            summaries.append(conn.recv_bytes())
            unreadable += marshal.loads(conn.recv_bytes())
        log.debug("bulk check: round one done at %.3f s", time.perf_counter() - _T0)
        for _, conn in workers:
            conn.send_bytes(marshal.dumps(len(summaries)))
            for part in summaries:
                conn.send_bytes(part)
        parts: list[Checked | bytes] = [conn.recv_bytes() for _, conn in workers]
        log.debug("bulk check: round two done at %.3f s", time.perf_counter() - _T0)
        done = True
        return parts, unreadable, summaries
    except (EOFError, OSError, ValueError, TypeError) as exc:
        log.warning("a check worker failed (%s); checking in this process", exc)
        return None
    finally:
        for process, conn in workers:
            conn.close()
            # A worker that sent everything is on its way out (freeing its index takes it a
            # moment): not waited for here. It is a daemon, reaped at the latest when this
            # process exits; one that did not finish is stopped now.
            process.join(timeout=0 if done else 5)
            if process.is_alive() and not done:
                process.terminate()
                process.join(timeout=1)


def _worker(conn: Any, parent_end: Any, loader: VaultLoader, share: list[Item]) -> None:
    """One forked worker: round one over its share, send the summaries, receive everyone's,
    round two, send the problem rows. Any failure closes the pipe, which the parent reads
    as this worker's failure."""
    parent_end.close()
    gc.disable()  # short-lived, and its objects die by reference counting
    try:
        started = time.perf_counter()
        views, summaries, unreadable, _ = round_one(str(loader.root), share, loader.cache, store=True)
        conn.send_bytes(marshal.dumps(summaries))
        conn.send_bytes(marshal.dumps(unreadable))
        first = time.perf_counter()
        index: list[Summary] = []
        for _ in range(marshal.loads(conn.recv_bytes())):
            index += marshal.loads(conn.recv_bytes())
        waited = time.perf_counter()
        checked = round_two(loader.root, loader.settings, loader.found.attachments, index, views)
        conn.send_bytes(marshal.dumps(checked))
        log.debug(
            "check worker: %d notes, round one %.3f s, waited %.3f s, round two %.3f s (cpu %.3f s)",
            len(share),
            first - started,
            waited - first,
            time.perf_counter() - waited,
            time.process_time(),
        )
    except KeyboardInterrupt:
        pass  # the parent was interrupted too, and says so
    except BaseException:  # noqa: BLE001 - whatever it was, the parent falls back
        log.warning("check worker failed", exc_info=True)
    finally:
        conn.close()
