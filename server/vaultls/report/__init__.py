"""How `vaultls check` shows what it found: problem formats (text, json, github, sarif) and the
maintenance reports (orphans, stats). Pure Python on top of `vaultls.vault`; no LSP types."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from vaultls.report import github, json, sarif, text
from vaultls.report.common import LinesOf, Located

FORMATS = ("text", "json", "github", "sarif")
REPORT_FORMATS = ("text", "json")  # --orphans / --stats

__all__ = ("FORMATS", "REPORT_FORMATS", "LinesOf", "Located", "write_problems")


def write_problems(fmt: str, problems: list[Located], out: TextIO, cwd: Path, lines: LinesOf) -> None:
    """Write the problems in format `fmt`. `cwd` is what paths are relative to (in GitHub
    Actions, the repository root); `lines` gives the lines of a note, on which json,
    github and sarif count columns in UTF-16 code units."""
    if fmt == "json":
        json.write(problems, out, lines, cwd)
    elif fmt == "github":
        github.write(problems, out, cwd, lines)
    elif fmt == "sarif":
        sarif.write(problems, out, cwd, lines)
    else:
        text.write(problems, out, cwd)
