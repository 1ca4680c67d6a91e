"""What every format needs: problems with the vault they were found in, and columns in the unit
a consumer counts (the model counts code points; LSP, GitHub and SARIF count UTF-16).

The report reads no file: the lines that UTF-16 columns are counted on come from whoever hands
the problems over (`LinesOf`, the CLI's, from the check's result).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from vaultls.vault.model import Position
from vaultls.vault.problems import Problem
from vaultls.vault.text import utf16_column

Located = tuple[Path, Problem]  # (vault root, problem); problem.path is relative to that root
# The lines of a note, given its vault root and its path in that vault (none when unknown).
LinesOf = Callable[[Path, str], Sequence[str]]


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


class Utf16Columns:
    """Converts model positions to UTF-16 columns, asking for each note's lines at most once
    per run (of the few notes last asked about: problems come sorted by note)."""

    def __init__(self, lines: LinesOf) -> None:
        self._lines = functools.lru_cache(maxsize=32)(lines)

    def lines(self, root: Path, path: str) -> Sequence[str]:
        return self._lines(root, path)

    def column(self, root: Path, path: str, pos: Position) -> int:
        lines = self._lines(root, path)
        text = lines[pos.line] if pos.line < len(lines) else ""
        return utf16_column(text, pos.character)
