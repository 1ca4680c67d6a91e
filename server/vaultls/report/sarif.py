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
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, TextIO
from urllib.parse import quote

from vaultls import __version__
from vaultls.report.common import Chunks, LinesOf, NoteGroup, Utf16Columns, note_file
from vaultls.report.escape import json_text
from vaultls.report.json import joined
from vaultls.report.rules import RULES, Rule, rule_for
from vaultls.vault import uris
from vaultls.vault.problems import Severity, code_help

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# Where a dashboard sends people to read about the tool.
INFORMATION_URI = "https://github.com/vaultls/vaultls"
BASE_ID = "SRCROOT"

LEVELS: Mapping[int, str] = MappingProxyType(
    {
        Severity.ERROR: "error",
        Severity.WARNING: "warning",
        Severity.INFORMATION: "note",
        Severity.HINT: "note",
    }
)


def write(groups: Sequence[NoteGroup], out: TextIO, cwd: Path, lines: LinesOf, known: Chunks | None = None) -> Chunks:
    # Compact JSON: SARIF is read by tools and viewers, not by eye. The results (tens of
    # thousands) are written from a template with strings encoded by the json module's own
    # encoder, the same bytes `json.dumps` writes for them, into the log `json.dumps` writes.
    # `known` and the return value: each note's results, as in `text.write_groups`; a note with
    # a code that has no rule of its own (its index depends on the notes before) is not kept.
    rules = [*RULES]
    index = {rule.code: i for i, rule in enumerate(rules)}
    bases: dict[Path, str | None] = {}  # vault root → its path relative to `cwd`, if inside
    kinds: dict[tuple[int, str], str] = {}  # (severity, code) → the result's text before its message
    made: Chunks = {}
    chunks: list[str] = []
    for root, path, rows in groups:
        chunk = known.get((root, path)) if known else None
        if chunk is None:
            artifact = json.dumps(_artifact(root, path, cwd, bases), ensure_ascii=False)  # the note's
            where = (
                f'}}, "locations": [{{"physicalLocation": {{"artifactLocation": {artifact}, "region": {{"startLine": '
            )
            results: list[str] = []
            own = True
            for l0, c0, l1, c1, severity, code, message, _ in Utf16Columns(lines, root, path).rows(rows):
                kind = kinds.get((severity, code))
                if kind is None:
                    if code not in index:
                        index[code] = len(rules)
                        rules.append(rule_for(code))
                    kind = kinds[(severity, code)] = (
                        f'{{"ruleId": {_string(code)}, "ruleIndex": {index[code]}, "level": "{LEVELS[severity]}", '
                        f'"message": {{"text": '
                    )
                own = own and index[code] < len(RULES)
                results.append(
                    f'{kind}{_string(message)}{where}{l0 + 1}, "startColumn": {c0 + 1}, "endLine": {l1 + 1}, '
                    f'"endColumn": {c1 + 1}}}}}}}]}}'
                )
            chunk = json_text(", ".join(results))
            if own:
                made[(root, path)] = chunk
        chunks.append(chunk)
    head, _, tail = json.dumps(sarif_log(rules, cwd), ensure_ascii=False).rpartition(_NO_RESULTS)
    start, end = f'{json_text(head)}"results": [', f"]{json_text(tail)}\n"
    out.write(joined(start, chunks, ", ", end) if chunks else start + end)
    return made


_NO_RESULTS = '"results": []'  # the last key of the log `sarif_log` makes, filled in by `write`
_string = json.encoder.encode_basestring  # a str as JSON, non-ASCII kept (ensure_ascii=False)


def sarif_log(rules: Sequence[Rule], cwd: Path) -> dict[str, Any]:
    """The log around the results (`results` left empty): the tool, its rules and the base."""
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
        "results": [],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _artifact(root: Path, path: str, cwd: Path, bases: dict[Path, str | None]) -> dict[str, str]:
    if root not in bases:
        try:
            bases[root] = root.relative_to(cwd).as_posix()
        except ValueError:
            bases[root] = None
    base = bases[root]
    if base is None:
        return {"uri": uris.from_path(note_file(root, path))}
    rel = path if base == "." else f"{base}/{path}"
    # The bytes of the name, percent-encoded: a name that is not UTF-8 (`bad\xff.md`) gives
    # `bad%FF.md`, the URI of that very file, as `Path.as_uri` does for absolute ones.
    return {"uri": quote(os.fsencode(rel), safe="/"), "uriBaseId": BASE_ID}


def _folder_uri(folder: Path) -> str:
    uri = uris.from_path(folder)
    return uri if uri.endswith("/") else uri + "/"
