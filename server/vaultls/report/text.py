"""The default format: one problem per line, `path:line:column: severity code message`
(1-based, code-point columns, paths relative to the current folder, as ruff and mypy print
them, so that an editor or terminal can open them), and a summary on stderr.
Paths and messages are shown `printable` (see `report/escape.py`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TextIO

from vaultls.report.common import Chunks, Located, NoteGroup, relative_to
from vaultls.report.escape import UNSAFE_BUT_NEWLINE, printable
from vaultls.vault.plural import counted
from vaultls.vault.problems import ProblemRow, Severity

# By severity; plain numbers find the same entries (an IntEnum hashes and compares as its int).
LABELS: Mapping[int, str] = MappingProxyType({s: s.label for s in Severity})


def line(path: str, line0: int, character0: int, severity: int, code: str, message: str) -> str:
    """One problem's line; positions 0-based as in the model. The path, code and message are
    shown `printable`: a hostile name or link target cannot reach the terminal raw."""
    return _line(printable(path), line0, character0, severity, printable(code), printable(message))


def _line(path: str, line0: int, character0: int, severity: int, code: str, message: str) -> str:
    return f"{path}:{line0 + 1}:{character0 + 1}: {LABELS[severity]} {code} {message}\n"


def _lines(raw: list[str], escaped: Callable[[], list[str]]) -> str:
    """The lines `raw` (made by `_line` from values as they are) joined, or, when a value in
    them needed escaping, the lines `escaped()` makes. One scan decides, as nearly every run
    has nothing to escape; a newline inside a value shows as one newline too many."""
    text = "".join(raw)
    if UNSAFE_BUT_NEWLINE.search(text) is None and text.count("\n") == len(raw):
        return text
    return "".join(escaped())


def write_groups(groups: Sequence[NoteGroup], out: TextIO, cwd: Path, known: Chunks | None = None) -> Chunks:
    """The problems, one note's rows at a time, paths relative to `cwd`. `known`: the text of
    notes rendered before (`Chunks`), used as it is; returns the text of the others."""
    prefixes: dict[Path, str] = {}
    made: Chunks = {}
    chunks: list[str] = []
    for root, path, rows in groups:
        chunk = known.get((root, path)) if known else None
        if chunk is None:
            prefix = prefixes.get(root)
            if prefix is None:
                folder = relative_to(root, cwd)
                prefix = prefixes[root] = "" if folder == "." else folder + "/"
            chunk = made[(root, path)] = _note_lines(prefix + path, rows)
        chunks.append(chunk)
    # One write of one string: 80,000 `write` calls on a StringIO cost more than the lines.
    out.write("".join(chunks))
    return made


def _note_lines(shown: str, rows: Sequence[ProblemRow]) -> str:
    """One note's lines (escaped only when one of its values needs it: see `_lines`)."""
    return _lines(
        [_line(shown, row[0], row[1], row[4], row[5], row[6]) for row in rows],
        lambda: [line(shown, row[0], row[1], row[4], row[5], row[6]) for row in rows],
    )


def summary(problems: list[Located]) -> str:
    """`vaultls: 2 warnings, 1 hint in 2 notes`, or that nothing was found."""
    counts: dict[int, int] = {}
    for _, p in problems:
        counts[p.severity] = counts.get(p.severity, 0) + 1
    return summary_of(counts, len({(root, p.path) for root, p in problems}))


def summary_of(counts: Mapping[int, int], notes: int) -> str:
    """`summary` from the number of problems of each severity and of notes with problems."""
    if not any(counts.values()):
        return "vaultls: no problems found"
    parts = [
        counted(n, s.label, s.label if s == Severity.INFORMATION else None) for s in Severity if (n := counts.get(s, 0))
    ]
    return f"vaultls: {', '.join(parts)} in {counted(notes, 'note')}"
