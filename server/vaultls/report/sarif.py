"""`--format sarif`: one SARIF 2.1.0 log, for code-scanning dashboards (GitHub's
`upload-sarif`, the VS Code SARIF viewer, DefectDojo, ...).

- `tool.driver` names vaultls with its version and one rule per diagnostic code (short and full
  description, default level), so a dashboard can explain and filter each code.
- Locations are relative to the base id `SRCROOT`, which `originalUriBaseIds` sets to the
  current folder (in CI, the checkout: GitHub resolves such paths against the repository root).
  A note outside the current folder gets an absolute `file:` URI instead.
- Regions are 1-based; columns are UTF-16 code units (`columnKind`), `endColumn` the column
  just after the problem, as SARIF defines it.
- Levels: error → error, warning → warning, information and hint → note.
- URIs percent-encode the bytes of file names, so a name that is not UTF-8 has a URI too
  (`bad%FF.md`); in text (messages) such bytes show as `\\xNN` (`report/escape.py`), so the
  log is always valid UTF-8.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import MappingProxyType
from typing import Any, TextIO
from urllib.parse import quote

from vaultls import __version__
from vaultls.report.common import LinesOf, Located, Utf16Columns, note_file
from vaultls.report.escape import json_text
from vaultls.report.rules import RULES, rule_for
from vaultls.vault import uris
from vaultls.vault.problems import Severity, code_help

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# Where a dashboard sends people to read about the tool.
INFORMATION_URI = "https://github.com/vaultls/vaultls"
BASE_ID = "SRCROOT"

LEVELS = MappingProxyType(
    {
        Severity.ERROR: "error",
        Severity.WARNING: "warning",
        Severity.INFORMATION: "note",
        Severity.HINT: "note",
    }
)


def write(problems: list[Located], out: TextIO, cwd: Path, lines: LinesOf) -> None:
    out.write(json_text(json.dumps(sarif_log(problems, cwd, lines), ensure_ascii=False, indent=2)))
    out.write("\n")


def sarif_log(problems: list[Located], cwd: Path, lines: LinesOf) -> dict[str, Any]:
    rules = [*RULES]
    index = {rule.code: i for i, rule in enumerate(rules)}
    for _, p in problems:
        if p.code not in index:
            index[p.code] = len(rules)
            rules.append(rule_for(p.code))
    columns = Utf16Columns(lines)
    results = [_result(columns, located, index[located[1].code], cwd) for located in problems]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "vaultls",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [
                    {
                        "id": rule.code,
                        "name": rule.name,
                        "shortDescription": {"text": rule.short},
                        "fullDescription": {"text": rule.full},
                        "helpUri": code_help(rule.code),
                        "defaultConfiguration": {"level": rule.level},
                    }
                    for rule in rules
                ],
            }
        },
        "originalUriBaseIds": {BASE_ID: {"uri": _folder_uri(cwd)}},
        "columnKind": "utf16CodeUnits",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _result(columns: Utf16Columns, located: Located, rule_index: int, cwd: Path) -> dict[str, Any]:
    root, p = located
    start, end = p.range.start, p.range.end
    return {
        "ruleId": p.code,
        "ruleIndex": rule_index,
        "level": LEVELS[p.severity],
        "message": {"text": p.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(note_file(root, p.path), cwd),
                    "region": {
                        "startLine": start.line + 1,
                        "startColumn": columns.column(root, p.path, start) + 1,
                        "endLine": end.line + 1,
                        "endColumn": columns.column(root, p.path, end) + 1,
                    },
                }
            }
        ],
    }


def _artifact(file: Path, cwd: Path) -> dict[str, str]:
    try:
        rel = file.relative_to(cwd)
    except ValueError:
        return {"uri": uris.from_path(file)}
    # The bytes of the name, percent-encoded: a name that is not UTF-8 (`bad\xff.md`) gives
    # `bad%FF.md`, the URI of that very file, as `Path.as_uri` does for absolute ones.
    return {"uri": quote(os.fsencode(rel.as_posix()), safe="/"), "uriBaseId": BASE_ID}


def _folder_uri(folder: Path) -> str:
    uri = uris.from_path(folder)
    return uri if uri.endswith("/") else uri + "/"
