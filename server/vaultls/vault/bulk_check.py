"""`vaultls check` of a whole vault, without building the vault's model.

`check_vault` needs a `Vault` whose every note is a `ParsedNote`: for 10,000 notes that is
millions of objects made (decoded from the index cache, or parsed) only to be read once. The
whole-vault check here reads the same facts from lighter forms and reports the very same
problems in the same order (tests/unit/test_check_fast.py compares the two):

1. `VaultLoader.discover` walks the vault and reads the index cache, as a load does.
2. Round one, per note: a cached note is read from its encoding's plain tuples (no model
   objects); any other is parsed (`scan.parse_files`, which also makes its cache row, stored
   from here). Out come the note's links as tuples, its frontmatter problems, and a summary
   for the index: its aliases, and its headings and block ids as the keys links are compared
   with (`check.note_anchors`).
3. The summaries of all notes make the index (`Vault` with stub notes: names, paths,
   aliases), which round two uses through `check.LinkChecker`, the same resolution and
   messages `check_vault` uses.

On a large vault both rounds run in forked worker processes, each over its share of the notes;
the summaries go through the parent between the rounds (a link may name a heading of a note in
the other share). The CLI has no threads yet when it checks, so forking is safe; with threads,
without `fork`, or on a small vault, both rounds run in this process, as they do again when a
worker dies or sends garbage. Should that fail too, `check_whole_vault` says None and the
caller takes the model-based check.
"""

from __future__ import annotations

import functools
import gc
import logging
import marshal
import multiprocessing
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from vaultls.vault import cache as cache_mod
from vaultls.vault import parse
from vaultls.vault.cache import IndexCache, Row
from vaultls.vault.check import (
    ENCODING_MESSAGE,
    LinkChecker,
    Problem,
    Severity,
    _schema_problems,
    duplicate_key_message,
    make_problem,
    note_anchors,
)
from vaultls.vault.index import Note, Vault
from vaultls.vault.load import BATCH, PendingNote, VaultLoader, _main_is_safe, bulk_allocation, default_workers
from vaultls.vault.model import Frontmatter, ParsedNote
from vaultls.vault.parse import LinkRow, NoteRows, range_row
from vaultls.vault.scan import load_note, parse_files
from vaultls.vault.schema import SCHEMA_KEY, TYPES_FILE
from vaultls.vault.settings import Settings

log = logging.getLogger(__name__)
_T0 = time.perf_counter()  # debug log timings are from import

# Fewer notes than this are checked in this process: forking, and sending the summaries and
# problems through pipes, cost more than a second core saves on a small vault (1,000 notes,
# warm: ~0.35 s either way on 2 cores).
FORK_MIN_NOTES = 2000
MAX_WORKERS = 4

# One problem on its way to becoming a `Problem`: (start line, start column, end line, end
# column, severity, code, message, data). Plain values, so that marshal can send it.
ProblemRow = tuple[int, int, int, int, int, str, str, "dict[str, Any] | None"]
# What round two says of each note with problems: (path, its problem rows, their rendering
# or None).
Checked = list[tuple[str, list[ProblemRow], "str | None"]]
# What round one says of a note to every worker: (path, valid UTF-8, aliases, heading keys,
# block keys); see `check.Anchors`.
Summary = tuple[str, bool, list[str], tuple, frozenset]


@dataclass(slots=True)
class LightNote:
    """What checking one note needs, without its model. `source` is what a schema check gets
    its `ParsedNote` from when one is needed (the parsed note, or its cache encoding)."""

    path: str
    valid: bool
    fm_error: tuple[str, int, int, int, int] | None  # message and range of invalid YAML
    duplicates: list[tuple[str, int, int, int, int]]  # duplicate frontmatter keys, with ranges
    # None without frontmatter, else (YAML broken, has properties, may name a `$schema`)
    fm_state: tuple[bool, bool, bool] | None
    links: list[LinkRow]
    headings: list[tuple[int, str]]  # (level, text)
    blocks: list[str]
    aliases: list[str]
    source: "ParsedNote | bytes | None"


# Renders the problem rows of one note as text (report/text.py), in the workers when asked.
Render = Callable[[str, "list[ProblemRow]"], str]


# What the bulk check says of each note with problems: (path, the rendering of its problems
# or None, how many problems of each severity from ERROR to HINT).
Outline = tuple[str, "str | None", tuple[int, int, int, int]]


@dataclass
class BulkResult:
    outline: list[Outline]  # sorted by path
    skipped: list[tuple[str, str]]  # (path, why), as `load_vault` reports them
    workers: int = 0  # processes forked for it (0: checked in this process)
    cached: int = 0  # notes read from the index cache rather than parsed
    # The problem rows, as [(path, rows)] lists or their marshal encoding (from a worker):
    # decoded and made into `Problem`s only when asked for, which text output need not do.
    rows: list[Any] = field(default_factory=list, repr=False)

    @functools.cached_property
    def problems(self) -> list[Problem]:
        """The problems, sorted as `check_vault` sorts them."""
        by_path: dict[str, list[ProblemRow]] = {}
        for part in self.rows:
            by_path.update(marshal.loads(part) if isinstance(part, bytes) else part)
        return _problems([(path, by_path[path]) for path, _, _ in self.outline])

    def rendered(self) -> str:
        """The renderings of every note's problems, in order (check with `render`)."""
        return "".join([text or "" for _, text, _ in self.outline])

    def severities(self) -> dict[int, int]:
        """How many problems of each severity (numbers as in `Severity`)."""
        return {severity: sum(counts[severity - 1] for _, _, counts in self.outline) for severity in range(1, 5)}

    def notes_with_problems(self) -> int:
        return len(self.outline)


# --------------------------------------------------------------------------- light notes


def _light_frontmatter(fm: Frontmatter | None) -> tuple[Any, list[tuple[str, int, int, int, int]], Any]:
    """(fm_error, duplicates, fm_state) of a `LightNote` with this frontmatter."""
    fm_error = None
    duplicates: list[tuple[str, int, int, int, int]] = []
    fm_state = None
    if fm is not None:
        if fm.error is not None and fm.error_range is not None:
            fm_error = (fm.error, *range_row(fm.error_range))
        duplicates = [(key, *range_row(rng)) for key, rng in fm.duplicate_keys]
        fm_state = (fm.error is not None, bool(fm.data), SCHEMA_KEY in fm.data)
    return fm_error, duplicates, fm_state


def light_from_rows(path: str, rows: NoteRows, valid: bool, source: ParsedNote | bytes) -> LightNote:
    """A note as the check reads it, from its rows (`parse.parse_rows`, or `parse.note_rows`
    of a parsed note): a cold run makes no `Link`, `Range` or `Position`. `source` is the note
    or its cache encoding, which a schema check decodes when it needs the model."""
    fm, headings, blocks, links, _tags, aliases, *_rest = rows
    return LightNote(
        path, valid, *_light_frontmatter(fm), links, [(h[0], h[1]) for h in headings], [b[0] for b in blocks],
        aliases, source,
    )


def light_from_parsed(path: str, parsed: ParsedNote, valid: bool) -> LightNote:
    """A parsed note as the check reads it."""
    return light_from_rows(path, parse.note_rows(parsed), valid, parsed)


def light_from_encoding(path: str, blob: bytes, valid: bool) -> LightNote:
    """A cached note (warm run) as the check reads it, from the plain tuples of its encoding
    (`cache.encode`): no `Link`, `Range` or `Position` is made. Raises on anything that is
    not that encoding; `encoding_readable()` says whether this reader knows its layout."""
    (fmt, fm_t, headings, blocks, links, _tags, aliases, *_rest) = marshal.loads(blob)
    if fmt != cache_mod.FORMAT:
        raise ValueError(f"cache entry format {fmt}")
    fm_error = None
    duplicates: list[tuple[str, int, int, int, int]] = []
    fm_state = None
    if fm_t is not None:
        _start, _end, (kind, data), _keys, _values, error, error_range, dups = fm_t
        if error is not None and error_range is not None:
            fm_error = (error, *error_range)
        duplicates = [tuple(d) for d in dups]  # type: ignore[misc]
        fm_state = (error is not None, bool(data), _may_name_schema(kind, data))
    return LightNote(
        path, valid, fm_error, duplicates, fm_state,
        links,
        [(h[0], h[1]) for h in headings], [b[0] for b in blocks], aliases, blob,
    )


_SCHEMA_KEY_BYTES = SCHEMA_KEY.encode("utf-8")


def _may_name_schema(kind: int, data: Any) -> bool:
    """Whether encoded frontmatter data may have a `$schema` property. Data marshal could not
    hold (dates) is pickled, and pickle writes every string it holds as its UTF-8 (or, at
    protocol 0, raw-unicode-escape: the same bytes for ASCII) at least once: pickled data
    without those bytes has no such key, and is not unpickled to find out."""
    if kind == 0:
        return SCHEMA_KEY in data
    return not isinstance(data, bytes) or _SCHEMA_KEY_BYTES in data


_LAYOUT_SAMPLES = (
    "---\naliases: [One, Two]\ntags: x\nk: 1\nk: 2\n$schema: s.json\n---\n# Top *a*\n\n## Sub: b\n\n"
    "text [[Target#Sub#Deep|x]] ![[Pic.png]] [[#^blk]] [m](<Other note.md#frag>) [[../Up]] ^blk\n",
    "---\nkey: [unclosed\n---\n[[A]]\n",
    "---\ncreated: 2023-02-22\n$schema: s.json\n---\n",
    "no frontmatter [[B#^c]]\n",
)


@functools.lru_cache(maxsize=1)
def encoding_readable() -> bool:
    """Whether `light_from_encoding` reads this version's cache encoding right: checked once by
    encoding a few sample notes and comparing with `light_from_parsed`. When the encoding
    changes shape, cached notes are decoded into models instead (slower, never wrong)."""
    try:
        for text in _LAYOUT_SAMPLES:
            parsed = parse.parse(text)
            want = light_from_parsed("x.md", parsed, True)
            got = light_from_encoding("x.md", cache_mod.encode(parsed), True)
            want.source = got.source = None
            if want != got:
                return False
    except Exception:  # noqa: BLE001 - any surprise means: do not read the tuples
        log.info("cache encoding not readable as tuples", exc_info=True)
        return False
    return True


def _light_from_entry(path: str, blob: bytes, valid: bool) -> LightNote | None:
    """The note of a cache hit, or None when its encoding cannot be read (parsed instead)."""
    try:
        if encoding_readable():
            return light_from_encoding(path, blob, valid)
        return light_from_parsed(path, cache_mod.decode(blob), valid)
    except Exception:  # noqa: BLE001 - a damaged entry is a miss, whatever the damage
        log.info("index cache entry of %s cannot be decoded; parsing it again", path)
        return None


# --------------------------------------------------------------------------- the two rounds


# One note handed to round one: (path, its cache encoding or None, valid UTF-8 as cached).
Item = tuple[str, "bytes | None", bool]


def round_one(
    root: str, items: Sequence[Item], cache: IndexCache | None, store: bool
) -> tuple[list[LightNote], list[Summary], list[str], list[Row]]:
    """Read or parse the notes: (light notes, their summaries, unreadable paths, cache rows
    not yet stored). With `store`, rows are written to the cache a batch at a time here."""
    lights: list[LightNote] = []
    misses: list[str] = []
    for rel, blob, valid in items:
        light = _light_from_entry(rel, blob, valid) if blob is not None else None
        if light is None:
            misses.append(rel)
        else:
            lights.append(light)
    unreadable: list[str] = []
    rows: list[Row] = []
    for start in range(0, len(misses), BATCH):
        fresh: list[Row] = []
        for rel, note_rows, valid, row in parse_files(root, misses[start : start + BATCH]):
            if row is None or note_rows is None:
                unreadable.append(rel)
                continue
            fresh.append(row)
            lights.append(light_from_rows(rel, note_rows, valid, row.blob))
        if store and cache is not None:
            cache.store(fresh)
        else:
            rows += fresh
    lights.sort(key=lambda light: light.path)
    summaries = [
        (light.path, light.valid, light.aliases, *note_anchors(light.headings, light.blocks)) for light in lights
    ]
    return lights, summaries, unreadable, rows  # type: ignore[return-value]


def round_two(
    root: Path,
    settings: Settings,
    attachments: Sequence[str],
    summaries: Sequence[Summary],
    lights: list[LightNote],
    render: Render | None = None,
) -> Checked:
    """Check the notes against the index every summary makes: each note's problem rows in
    `check_vault`'s order, and with `render` their rendering."""
    vault = Vault(root, settings)
    for rel in attachments:
        vault.add_attachment(rel)
    anchors: dict[str, Any] = {}
    base = str(root)
    for rel, valid, aliases, headings, blocks in summaries:
        vault.add_deferred(rel, PendingNote(aliases, os.path.join(base, *rel.split("/"))), valid)
        anchors[rel] = (headings, blocks)
    checker = LinkChecker(vault, anchors.get)
    schema_gate = _SchemaGate(vault)
    out: Checked = []
    for light in lights:
        rows = check_light(vault, checker, schema_gate, light)
        if rows:
            out.append((light.path, rows, render(light.path, rows) if render is not None else None))
    return out


def _outline(checked: Checked) -> list[Outline]:
    out: list[Outline] = []
    for path, rows, text in checked:
        counts = [0, 0, 0, 0]
        for row in rows:
            counts[row[4] - 1] += 1
        out.append((path, text, (counts[0], counts[1], counts[2], counts[3])))
    return out


class _SchemaGate:
    """Whether a note can have schema problems at all, from what `schema.check_frontmatter`
    looks at first; when it can, the note's model is made and that check runs as it is."""

    def __init__(self, vault: Vault) -> None:
        settings = vault.settings
        self.on = Severity.from_name(settings.frontmatter_severity) is not None
        self.everywhere = bool(settings.frontmatter_schema or settings.frontmatter_rules)
        self.types = settings.obsidian_types and (vault.root / TYPES_FILE).exists()

    def needed(self, light: LightNote) -> bool:
        if not self.on:
            return False
        state = light.fm_state
        if state is not None and state[0]:
            return False  # broken YAML: reported as such, and nothing else is checked
        if self.everywhere:
            return True
        if state is None:
            return False
        return state[2] or (self.types and state[1])


def check_light(vault: Vault, checker: LinkChecker, gate: _SchemaGate, light: LightNote) -> list[ProblemRow]:
    """`check.check_note` of a light note, as problem rows sorted as `check_vault` sorts."""
    path = light.path
    out: list[ProblemRow] = []
    if not light.valid:
        out.append((0, 0, 0, 0, 2, "encoding", ENCODING_MESSAGE, None))
    if light.fm_error is not None:
        message, a, b, c, d = light.fm_error
        out.append((a, b, c, d, 1, "frontmatter-yaml", message, None))
    for key, a, b, c, d in light.duplicates:
        out.append((a, b, c, d, 2, "frontmatter-yaml", duplicate_key_message(key), None))
    if gate.needed(light):
        model = _model(vault, light)
        for problem in _schema_problems(vault, Note(path, vault._name_of(path), model, light.valid)):
            out.append((*range_row(problem.range), int(problem.severity), problem.code, problem.message, problem.data))
    checker.rows(path, light.links, out)
    out.sort(key=_row_order)
    return out


def _row_order(row: ProblemRow) -> tuple[int, int, str]:
    return (row[0], row[1], row[5])


def _model(vault: Vault, light: LightNote) -> ParsedNote:
    """The model of a note whose frontmatter a schema checks (`DeferredNote.materialise`'s way:
    its cache encoding, else its file)."""
    source = light.source
    if isinstance(source, ParsedNote):
        return source
    if isinstance(source, bytes):
        try:
            return cache_mod.decode(source)
        except Exception:  # noqa: BLE001 - read it again rather than fail
            log.info("index cache entry of %s cannot be decoded; parsing the file again", light.path)
    loaded = load_note(vault.abspath(light.path))
    return loaded[0] if loaded is not None else parse.parse("")


# --------------------------------------------------------------------------- running it


_SEVERITIES = {int(s): s for s in Severity}


def _problems(notes: list[tuple[str, list[ProblemRow]]]) -> list[Problem]:
    """The `Problem`s of every note, in order: notes come sorted by path, rows sorted within
    each."""
    out: list[Problem] = []
    append = out.append
    pos, span = parse.position, parse.span
    severities = _SEVERITIES
    for rel, rows in notes:
        for a, b, c, d, severity, code, message, data in rows:
            append(make_problem(rel, span(pos(a, b), pos(c, d)), severities[severity], code, message, data))
    return out


def fork_workers(requested: int | None, notes: int) -> int:
    """How many worker processes a bulk check of this many notes forks (0: none)."""
    workers = min(default_workers(), MAX_WORKERS) if requested is None else requested
    if workers < 2 or (notes < FORK_MIN_NOTES and requested is None):
        return 0
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return 0  # macOS system libraries are not fork-safe; Windows has no fork
    if threading.active_count() > 1 or not _main_is_safe():
        return 0  # a forked copy of a process with threads may deadlock on a lock one held
    return workers


def check_whole_vault(
    root: Path,
    settings: Settings,
    use_cache: bool = True,
    workers: int | None = None,
    strict: bool = False,
    render: Render | None = None,
) -> BulkResult | None:
    """The problems of every note of the vault at `root`, as `check_vault(load_vault(root))`
    finds them, and the files skipped; None when this way failed (the caller then takes that
    one). `workers`: processes to fork (default: one per core on a large vault); `strict`
    re-raises a failure instead (tests); `render` renders each note's problems where they are
    found, in parallel (`BulkResult.rendered`)."""
    try:
        loader = VaultLoader(root, settings, use_cache=use_cache, lazy=False)
        loader.discover()
        log.debug("bulk check: discovered at %.3f s", time.perf_counter() - _T0)
        entries = loader._entries
        items: list[Item] = []
        for rel in loader.found.notes:
            entry = entries.get(rel)
            blob = getattr(entry, "blob", None) if entry is not None else None
            items.append((rel, blob, entry.valid_utf8 if entry is not None else True))
        entries.clear()  # the encodings live on in `items` only
        encoding_readable()  # found out once, before any fork
        count = fork_workers(workers, len(items))
        with bulk_allocation():
            done = _forked(loader, items, count, render) if count else None
            if done is None:
                count = 0
                done = _in_process(loader, items, render)
        outline, rows, unreadable = done
        outline.sort(key=lambda note: note[0])
    except Exception:  # noqa: BLE001 - the model-based check is always there to fall back on
        if strict:
            raise
        log.warning("the bulk check failed; checking through the vault model", exc_info=True)
        return None
    loader.save_in_background()  # rows parsed here, and notes gone from the vault
    skipped = list(loader.found.skipped) + [(rel, "unreadable") for rel in sorted(unreadable)]
    return BulkResult(outline, skipped, count, sum(1 for item in items if item[1] is not None), rows)


# (outline, problem rows (see `BulkResult.rows`), unreadable notes)
Done = tuple[list[Outline], list[Any], list[str]]


def _in_process(loader: VaultLoader, items: list[Item], render: Render | None) -> Done:
    lights, summaries, unreadable, rows = round_one(str(loader.root), items, loader.cache, store=False)
    loader.rows.extend(rows)
    checked = round_two(loader.root, loader.settings, loader.found.attachments, summaries, lights, render)
    return _outline(checked), [[(path, problem_rows) for path, problem_rows, _ in checked]], unreadable


def _forked(loader: VaultLoader, items: list[Item], count: int, render: Render | None) -> Done | None:
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
            process = ctx.Process(
                target=_worker, args=(theirs, mine, loader, share, render), name="vaultls-check", daemon=True
            )
            process.start()
            theirs.close()
            workers.append((process, mine))
        parts: list[bytes] = []
        unreadable: list[str] = []
        for _, conn in workers:
            parts.append(conn.recv_bytes())
            unreadable += marshal.loads(conn.recv_bytes())
        log.debug("bulk check: round one done at %.3f s", time.perf_counter() - _T0)
        for _, conn in workers:
            conn.send_bytes(marshal.dumps(len(parts)))
            for part in parts:
                conn.send_bytes(part)
        outline: list[Outline] = []
        rows: list[Any] = []
        for _, conn in workers:
            outline += marshal.loads(conn.recv_bytes())
            rows.append(conn.recv_bytes())
        log.debug("bulk check: round two done at %.3f s", time.perf_counter() - _T0)
        done = True
        return outline, rows, unreadable
    except (EOFError, OSError, ValueError, TypeError) as exc:
        log.warning("a check worker failed (%s); checking in this process", exc)
        return None
    finally:
        for process, conn in workers:
            conn.close()
            # A worker that sent everything is on its way out (freeing a few hundred MB takes
            # it ~0.1 s): not waited for here. It is a daemon, reaped at the latest when this
            # process exits; one that did not finish is stopped now.
            process.join(timeout=0 if done else 5)
            if process.is_alive() and not done:
                process.terminate()
                process.join(timeout=1)


def _worker(conn: Any, parent_end: Any, loader: VaultLoader, share: list[Item], render: Render | None) -> None:
    """One forked worker: round one over its share, send the summaries, receive everyone's,
    round two, send the problem rows. Any failure closes the pipe, which the parent reads
    as this worker's failure."""
    parent_end.close()
    gc.disable()  # short-lived, and its objects die by reference counting
    try:
        started = time.perf_counter()
        lights, summaries, unreadable, _ = round_one(str(loader.root), share, loader.cache, store=True)
        conn.send_bytes(marshal.dumps(summaries))
        conn.send_bytes(marshal.dumps(unreadable))
        first = time.perf_counter()
        index: list[Summary] = []
        for _ in range(marshal.loads(conn.recv_bytes())):
            index += marshal.loads(conn.recv_bytes())
        waited = time.perf_counter()
        checked = round_two(loader.root, loader.settings, loader.found.attachments, index, lights, render)
        conn.send_bytes(marshal.dumps(_outline(checked)))
        conn.send_bytes(marshal.dumps([(path, problem_rows) for path, problem_rows, _ in checked]))
        log.debug(
            "check worker: %d notes, round one %.3f s, waited %.3f s, round two %.3f s (cpu %.3f s)",
            len(share), first - started, waited - first, time.perf_counter() - waited, time.process_time(),
        )
    except KeyboardInterrupt:
        pass  # the parent was interrupted too, and says so
    except BaseException:  # noqa: BLE001 - whatever it was, the parent falls back
        log.warning("check worker failed", exc_info=True)
    finally:
        conn.close()
