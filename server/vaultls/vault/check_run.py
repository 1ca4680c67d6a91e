"""`vaultls check` of one vault, for whoever shows the result (the CLI, through vaultls.report):
`check_files` loads and checks the vault's notes, or some of them, and says what it found as
a `CheckResult`. The model decides how: problems, of the whole vault or of some notes, come
from the snapshot the last check left, checking again only what changed since, else from the
runner that checks the whole vault without building its model (vault/bulk_check.py, which
leaves the next snapshot); orphans and link statistics, and a vault too small for an index
cache, need the vault's index (`load_vault`, `check_vault`, vault/graph.py).
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import re
import threading
from collections.abc import Callable, Collection, Iterator
from itertools import groupby
from pathlib import Path
from typing import Any

from vaultls.vault.bulk_check import check_from_snapshot, check_whole_vault
from vaultls.vault.check import check_vault
from vaultls.vault.check_result import CheckResult, NoteProblems, on_wide_line
from vaultls.vault.graph import link_stats, orphans
from vaultls.vault.graph_data import find_note, graph_data
from vaultls.vault.problems import Problem
from vaultls.vault.settings import Settings
from vaultls.vault.store.cache import IndexCache
from vaultls.vault.store.loader import load_vault
from vaultls.vault.store.read import read_bytes, read_note
from vaultls.vault.text import split_lines

# The first byte of a four-byte UTF-8 sequence: a character beyond U+FFFF.
_FOUR_BYTE_LEAD = re.compile(rb"[\xf0-\xf4]")


def check_files(
    root: Path,
    settings: Settings,
    selection: set[str] | None = None,
    *,
    want_orphans: bool = False,
    want_stats: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> CheckResult:
    """Check the vault at `root`: every note, or those `selection` names (vault paths of notes
    and folders); with `want_orphans` and `want_stats`, also those reports, over the same
    notes (and, for stats, the selected attachments). `progress` is told what is being done."""
    if not (want_orphans or want_stats):
        # From the snapshot the last check left, else the whole vault (which leaves one).
        select = None if selection is None else functools.partial(expand, selection=selection)
        whole = check_from_snapshot(root, settings, select) or check_whole_vault(
            root, settings, progress=progress, select=select
        )
        if whole is not None:
            return whole
    if progress is not None:
        progress("reading the vault", 0)
    vault, skipped = load_vault(root, settings)
    only = None if selection is None else expand(vault.notes, selection)
    problems = check_vault(vault, only)
    checked = len(vault.notes) if only is None else len(only)
    result = CheckResult(root, skipped, list(_rows_by_note(problems)), problems, checked=checked)
    result.wide = {path for path, rows in result.by_note if on_wide_line(rows, vault.notes[path].parsed.wide)}
    if want_orphans:
        result.orphans = orphans(vault, only)
    if want_stats:
        files = None if selection is None else expand(vault.attachments, selection)
        result.stats = link_stats(vault, only, files)
    return result


def graph_of(root: Path, settings: Settings, note: str | None = None, **options: Any) -> dict[str, Any]:
    """`vaultls graph` of the vault at `root`: `graph_data` of its index, the whole graph or
    the local graph of the note `note` names (`find_note`: a vault path or a name); raises
    LookupError when it names no note."""
    vault, _skipped = load_vault(root, settings)
    path = None if note is None else find_note(vault, note)
    if note is not None and path is None:
        raise LookupError(f"{note}: no such note in {root}")
    return graph_data(vault, note=path, **options)


def rendered_notes(result: CheckResult, settings: Settings, fmt: str, cwd: Path) -> dict[str, str]:
    """The output of each note of `result` in format `fmt` with paths shown from `cwd`, as a
    report wrote it before for the very same problems (`keep_rendered`)."""
    keys = result.note_keys
    if not keys:
        return {}
    blob = IndexCache.for_settings(result.root, settings).load_rendered(_context(fmt, cwd))
    try:
        kept = marshal.loads(blob) if blob is not None else {}
        return {path: text for path, (key, text) in kept.items() if keys.get(path) == key}
    except (ValueError, TypeError, EOFError):
        return {}


def keep_rendered(
    result: CheckResult, settings: Settings, fmt: str, cwd: Path, used: dict[str, str], made: dict[str, str]
) -> None:
    """Keep the output of the notes of `result` in format `fmt` from `cwd` (those
    `rendered_notes` gave, and the others a report made) for the next check, in the background."""
    keys = result.note_keys
    if not keys or not made:
        return
    kept = {path: (keys[path], text) for notes in (used, made) for path, text in notes.items() if path in keys}
    cache = IndexCache.for_settings(result.root, settings)
    threading.Thread(
        target=cache.store_rendered, args=(_context(fmt, cwd), marshal.dumps(kept)), name="vaultls-cache-save"
    ).start()


def _context(fmt: str, cwd: Path) -> str:
    return f"{fmt}:{hashlib.sha256(os.fsencode(cwd)).hexdigest()[:24]}"


def lines_of(root: Path, path: str) -> list[str] | None:
    """The lines of the note at `path` in the vault at `root`, read again as the check read
    them: what a format that counts columns in UTF-16 code units counts them on. None when
    its text has no character beyond U+FFFF, so that UTF-16 columns are its columns (a check
    result says which notes have one: `CheckResult.lines_of` reads only theirs)."""
    file = root.joinpath(*path.split("/"))
    raw = read_bytes(file)
    if raw is None:
        return []
    if _FOUR_BYTE_LEAD.search(raw[0]) is None:
        return None  # no four-byte UTF-8 sequence, so no character beyond U+FFFF: nearly always
    read = read_note(file)
    return split_lines(read[0]) if read is not None else []


def _rows_by_note(problems: list[Problem]) -> Iterator[NoteProblems]:
    """The rows of sorted problems, one note at a time."""
    for path, group in groupby(problems, key=lambda p: p.path):
        yield (
            path,
            [
                (
                    p.range.start.line,
                    p.range.start.character,
                    p.range.end.line,
                    p.range.end.character,
                    int(p.severity),
                    p.code,
                    p.message,
                    p.data,
                )
                for p in group
            ],
        )


def expand(paths: Collection[str], selection: Collection[str]) -> set[str]:
    """The selected notes (or attachments) of `paths`, and every one under selected folders."""
    chosen: set[str] = set()
    for rel in selection:
        if rel in paths:
            chosen.add(rel)
        else:
            prefix = rel.rstrip("/") + "/"
            chosen.update(p for p in paths if p.startswith(prefix))
    return chosen
