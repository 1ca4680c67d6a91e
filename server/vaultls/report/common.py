"""What every format needs: problems with the vault they were found in, and columns in the unit
a consumer counts (the model counts code points; LSP, GitHub and SARIF count UTF-16).

The report reads no file: the lines that UTF-16 columns are counted on come from whoever hands
the problems over (`LinesOf`, the CLI's, from the check's result).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from itertools import groupby
from pathlib import Path

from vaultls.vault.parse import range_row
from vaultls.vault.problems import Problem, ProblemRow
from vaultls.vault.text import has_astral, utf16_column

Located = tuple[Path, Problem]  # (vault root, problem); problem.path is relative to that root
# The problems of one note as the check found them: (vault root, path in it, problem rows).
NoteGroup = tuple[Path, str, Sequence[ProblemRow]]
# The lines of a note, given its vault root and its path in that vault (none when unknown), or
# None when counting its columns in UTF-16 changes nothing (no character beyond U+FFFF).
LinesOf = Callable[[Path, str], "Sequence[str] | None"]
# The output of each note, by (vault root, path), as a format writes it (without what separates
# notes): what a writer made, handed back to it next time for the notes whose problems are the
# same (vault.check_run keeps them), so that it writes them again without rendering them.
Chunks = dict[tuple[Path, str], str]


def note_file(root: Path, path: str) -> Path:
    return root.joinpath(*path.split("/"))


def relative_to(file: Path, base: Path) -> str:
    """`file` relative to `base` with `/` (`..` when it lies outside; absolute when no relative
    path exists, as across Windows drives)."""
    try:
        rel = os.path.relpath(file, base)
    except ValueError:
        return file.as_posix()
    return rel.replace(os.sep, "/")


def groups_of(problems: Sequence[Located]) -> list[NoteGroup]:
    """Problems given one by one, as the groups of rows the formats write."""
    groups: list[NoteGroup] = []
    for (root, path), located in groupby(problems, key=lambda item: (item[0], item[1].path)):
        rows = [(*range_row(p.range), int(p.severity), p.code, p.message, p.data) for _, p in located]
        groups.append((root, path, rows))
    return groups


class Utf16Columns:
    """Converts one note's code-point columns to UTF-16 columns, reading its lines once (and
    not at all when its text has no character beyond U+FFFF, nearly always)."""

    def __init__(self, lines: LinesOf, root: Path, path: str) -> None:
        self.lines = lines(root, path)
        self._astral: dict[int, bool] = {}  # line → it holds a character beyond U+FFFF

    def column(self, line: int, character: int) -> int:
        lines = self.lines
        if lines is None:
            return character
        text = lines[line] if line < len(lines) else ""
        astral = self._astral.get(line)
        if astral is None:
            astral = self._astral[line] = has_astral(text)
        return utf16_column(text, character) if astral else character

    def rows(self, rows: Sequence[ProblemRow]) -> Sequence[ProblemRow]:
        """The note's problem rows with UTF-16 columns: the rows themselves, unless its text
        holds a character beyond U+FFFF."""
        if self.lines is None:
            return rows
        column = self.column
        return [(a, column(a, b), c, column(c, d), e, f, g, h) for a, b, c, d, e, f, g, h in rows]
