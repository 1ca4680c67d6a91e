"""How `vaultls check` shows what it found: problem formats (text, json, github, sarif) and the
maintenance reports (orphans, stats). Pure Python on top of `vaultls.vault`; no LSP types."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from vaultls.report import github, json, sarif, text
from vaultls.report.common import Located

FORMATS = ("text", "json", "github", "sarif")
REPORT_FORMATS = ("text", "json")  # --orphans / --stats

__all__ = ["FORMATS", "REPORT_FORMATS", "Located", "write_problems"]


def write_problems(fmt: str, problems: list[Located], out: TextIO, cwd: Path) -> None:
    """Write the problems in format `fmt`. `cwd` is what github and sarif paths are relative to
    (in GitHub Actions, the repository root)."""
    if fmt == "json":
        json.write(problems, out)
    elif fmt == "github":
        github.write(problems, out, cwd)
    elif fmt == "sarif":
        sarif.write(problems, out, cwd)
    else:
        text.write(problems, out)
