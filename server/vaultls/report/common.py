"""What every format needs: problems with the vault they were found in, and columns in the unit
a consumer counts (the model counts code points; LSP, GitHub and SARIF count UTF-16)."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from vaultls.vault.check import Problem
from vaultls.vault.model import Position
from vaultls.vault.scan import read_note
from vaultls.vault.text import split_lines, utf16_column

Located = tuple[Path, Problem]  # (vault root, problem); problem.path is relative to that root


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
    """Converts model positions to UTF-16 columns, reading each note at most once per run."""

    def __init__(self) -> None:
        self._lines = functools.lru_cache(maxsize=32)(self._read)

    @staticmethod
    def _read(root: Path, path: str) -> list[str]:
        read = read_note(note_file(root, path))
        return split_lines(read[0]) if read else []

    def lines(self, root: Path, path: str) -> list[str]:
        return self._lines(root, path)

    def column(self, root: Path, path: str, pos: Position) -> int:
        lines = self._lines(root, path)
        text = lines[pos.line] if pos.line < len(lines) else ""
        return utf16_column(text, pos.character)
