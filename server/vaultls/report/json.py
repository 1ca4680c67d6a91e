"""`--format json`: an array of objects with exactly the fields `path`, `range` (LSP-style:
0-based lines, UTF-16 columns), `severity`, `code`, `message`. Other tools parse this, so the
fields never change.

A path with bytes that are not UTF-8 shows them as the text `\\xNN` (`report/escape.py`), so the
output is always valid UTF-8."""

from __future__ import annotations

import json
from typing import TextIO

from vaultls.report.common import LinesOf, Located, Utf16Columns
from vaultls.report.escape import json_text
from vaultls.vault.model import Position


def write(problems: list[Located], out: TextIO, lines: LinesOf) -> None:
    columns = Utf16Columns(lines)
    out.write(json_text(json.dumps([as_json(columns, located) for located in problems], ensure_ascii=False, indent=2)))
    out.write("\n")


def as_json(columns: Utf16Columns, located: Located) -> dict[str, object]:
    root, problem = located

    def pos(position: Position) -> dict[str, int]:
        return {"line": position.line, "character": columns.column(root, problem.path, position)}

    return {
        "path": problem.path,
        "range": {"start": pos(problem.range.start), "end": pos(problem.range.end)},
        "severity": problem.severity.label,
        "code": problem.code,
        "message": problem.message,
    }
