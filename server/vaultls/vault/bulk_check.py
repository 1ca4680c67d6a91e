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
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from vaultls.vault.check import NoteChecker
from vaultls.vault.check_result import CheckResult, on_wide_line
from vaultls.vault.index import Vault
from vaultls.vault.link_check import Anchors, LinkChecker, note_anchors
from vaultls.vault.model import ParsedNote
from vaultls.vault.plural import counted
from vaultls.vault.problems import ProblemRow, row_order
from vaultls.vault.settings import Settings
from vaultls.vault.store.cache import CacheRecord, IndexCache
from vaultls.vault.store.encoding import view_of_encoding
from vaultls.vault.store.loader import BATCH, PendingNote, VaultLoader, decode_or_parse, default_workers
from vaultls.vault.store.read import parse_files
from vaultls.vault.view import NoteView, view_of_rows

log = logging.getLogger(__name__)
_T0 = time.perf_counter()  # debug log timings are from import

# Fewer notes than this are checked in this process: forking, and sending the summaries and
# problems through pipes, cost more than a second core saves on a small vault (the benchmark's
# `vaultls check` rows show where the two meet).
FORK_MIN_NOTES = 2000
MAX_WORKERS = 4

# One note handed to round one: (path, its cache encoding or None, valid UTF-8 as cached).
Item = tuple[str, "bytes | None", bool]
# What round one says of a note to every worker: (path, valid UTF-8, aliases, heading keys,
# block keys); see `link_check.Anchors`.
Summary = tuple[str, bool, list[str], tuple[tuple[int, str, str], ...], frozenset[str]]
# Each note with problems, with its problem rows in `check_vault`'s order.
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
    for rel, blob, valid in items:
        view = _view_of_entry(root, rel, blob, valid) if blob is not None else None
        if view is None:
            misses.append(rel)
        else:
            views.append(view)
    unreadable: list[str] = []
    records: list[CacheRecord] = []
    for start in range(0, len(misses), BATCH):
        fresh: list[CacheRecord] = []
        for rel, rows, valid, record in parse_files(root, misses[start : start + BATCH]):
            if record is None or rows is None:
                unreadable.append(rel)
                continue
            fresh.append(record)
            views.append(view_of_rows(rel, rows, valid, _Model(root, rel, record.blob)))
        if store and cache is not None:
            cache.store(fresh)
        else:
            records += fresh
    views.sort(key=lambda view: view.path)
    summaries: list[Summary] = [
        (view.path, view.valid, view.aliases, *note_anchors(view.headings, view.blocks)) for view in views
    ]
    return views, summaries, unreadable, records


class _Model:
    """The model of a note with this encoding, made when a schema check asks for it: decoded,
    else parsed from its file (as `DeferredNote.materialise` does)."""

    __slots__ = ("blob", "rel", "root")

    def __init__(self, root: str, rel: str, blob: bytes) -> None:
        self.root, self.rel, self.blob = root, rel, blob

    def __call__(self) -> ParsedNote:
        return decode_or_parse(self.blob, os.path.join(self.root, *self.rel.split("/")))


def _view_of_entry(root: str, rel: str, blob: bytes, valid: bool) -> NoteView | None:
    """The view of a cache hit, or None when its encoding cannot be read (parsed instead)."""
    try:
        return view_of_encoding(rel, blob, valid, _Model(root, rel, blob))
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
    for rel, valid, aliases, headings, blocks in summaries:
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
) -> CheckResult | None:
    """The problems of every note of the vault at `root`, as `check_vault(load_vault(root))`
    finds them, and the files skipped; None when this way failed (the caller then takes that
    one). `workers`: processes to fork (default: one per core on a large vault); `strict`
    re-raises a failure instead (tests); `progress` is told what is being done."""
    try:
        loader = VaultLoader(root, settings, use_cache=use_cache, lazy=False)
        loader.discover()
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
        parts, unreadable = done
        found: Checked = []
        for part in parts:  # a worker's part comes as the marshal encoding of its rows
            found += marshal.loads(part) if isinstance(part, bytes) else part
        found.sort(key=lambda note: note[0])
        by_note = [(path, rows) for path, rows, _ in found]
        wide = {path for path, _, is_wide in found if is_wide}
    except Exception:  # noqa: BLE001 - the model-based check is always there to fall back on
        if strict:
            raise
        log.warning("the bulk check failed; checking through the vault model", exc_info=True)
        return None
    loader.save_in_background()  # records parsed here, and notes gone from the vault
    skipped = list(loader.found.skipped) + [(rel, "unreadable") for rel in sorted(unreadable)]
    cached = sum(1 for item in items if item[1] is not None)
    result = CheckResult(root, skipped, by_note, workers=count, cached=cached, checked=len(items) - len(unreadable))
    result.wide = wide
    return result


# (the problem rows of each round two, as a list or its marshal encoding; unreadable notes)
Done = tuple[list["Checked | bytes"], list[str]]


def _in_process(loader: VaultLoader, items: list[Item]) -> Done:
    views, summaries, unreadable, records = round_one(str(loader.root), items, loader.cache, store=False)
    loader.records.extend(records)
    checked = round_two(loader.root, loader.settings, loader.found.attachments, summaries, views)
    return [checked], unreadable


def _forked(loader: VaultLoader, items: list[Item], count: int) -> Done | None:
    """Both rounds in `count` forked workers; None when one fails (nothing is half-used: the
    caller then checks in this process).

    Between the rounds, each worker's summaries go to every worker as they came, undecoded
    (the order of notes in an index changes nothing it answers)."""
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
        return parts, unreadable
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
