"""`--format json`: an array of objects with exactly the fields `path`, `range` (LSP-style:
0-based lines, UTF-16 columns), `severity`, `code`, `message`. Other tools parse this, so the
fields never change."""

from __future__ import annotations

import json
from typing import TextIO

from vaultls.report.common import Located, Utf16Columns


def write(problems: list[Located], out: TextIO) -> None:
    columns = Utf16Columns()
    json.dump([as_json(columns, located) for located in problems], out, ensure_ascii=False, indent=2)
    out.write("\n")


def as_json(columns: Utf16Columns, located: Located) -> dict[str, object]:
    root, problem = located

    def pos(position) -> dict[str, int]:
        return {"line": position.line, "character": columns.column(root, problem.path, position)}

    return {
        "path": problem.path,
        "range": {"start": pos(problem.range.start), "end": pos(problem.range.end)},
        "severity": problem.severity.label,
        "code": problem.code,
        "message": problem.message,
    }
