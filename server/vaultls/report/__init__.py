"""How `vaultls check` shows what it found: problem formats (text, json, github, sarif) and the
maintenance reports (orphans, stats). Pure Python on top of `vaultls.vault`; no LSP types."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from vaultls.report import github, json, sarif, text
from vaultls.report.common import Chunks, LinesOf, Located, NoteGroup, groups_of

FORMATS = ("text", "json", "github", "sarif")
REPORT_FORMATS = ("text", "json")  # --orphans / --stats

__all__ = ("FORMATS", "Chunks", "REPORT_FORMATS", "LinesOf", "Located", "NoteGroup", "groups_of", "write_problems")


def write_problems(
    fmt: str, groups: Sequence[NoteGroup], out: TextIO, cwd: Path, lines: LinesOf, known: Chunks | None = None
) -> Chunks:
    """Write the problems, one note's rows at a time (`common.groups_of` makes them of
    `Problem`s), in format `fmt`. `cwd` is what paths are relative to (in GitHub Actions, the
    repository root); `lines` gives the lines of a note, on which json, github and sarif count
    columns in UTF-16 code units. `known`: the output of notes rendered before in this format
    and folder, written as it is; returns the output of each other note (`common.Chunks`)."""
    if fmt == "json":
        return json.write(groups, out, lines, cwd, known)
    if fmt == "github":
        return github.write(groups, out, cwd, lines, known)
    if fmt == "sarif":
        return sarif.write(groups, out, cwd, lines, known)
    return text.write_groups(groups, out, cwd, known)
