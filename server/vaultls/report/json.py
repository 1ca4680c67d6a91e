"""`--format json`: an array of objects, one per line, with exactly the fields `vault` (the
vault's root, relative to the current folder), `path` (relative to that root), `range`
(LSP-style: 0-based lines, UTF-16 columns), `severity`, `code`, `message`. Other tools parse
this, so fields are only ever added. One object per line: the C encoder writes each one, where
`indent` took the pure-Python encoder, several times slower on a large vault.

A path with bytes that are not UTF-8 shows them as the text `\\xNN` (`report/escape.py`), so the
output is always valid UTF-8."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from vaultls.report.common import LinesOf, Located, Utf16Columns, relative_to
from vaultls.report.escape import json_text
from vaultls.vault.model import Position


def write(problems: list[Located], out: TextIO, lines: LinesOf, cwd: Path) -> None:
    columns = Utf16Columns(lines)
    vaults: dict[Path, str] = {}
    objects = [
        json.dumps(
            as_json(
                columns, located, vaults.get(located[0]) or vaults.setdefault(located[0], relative_to(located[0], cwd))
            ),
            ensure_ascii=False,
        )
        for located in problems
    ]
    out.write(json_text("[\n  " + ",\n  ".join(objects) + "\n]\n" if objects else "[]\n"))


def as_json(columns: Utf16Columns, located: Located, vault: str) -> dict[str, object]:
    root, problem = located

    def pos(position: Position) -> dict[str, int]:
        return {"line": position.line, "character": columns.column(root, problem.path, position)}

    return {
        "vault": vault,
        "path": problem.path,
        "range": {"start": pos(problem.range.start), "end": pos(problem.range.end)},
        "severity": problem.severity.label,
        "code": problem.code,
        "message": problem.message,
    }
