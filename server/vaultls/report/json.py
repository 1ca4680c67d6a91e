"""`--format json`: an array of objects, one per line, with exactly the fields `vault` (the
vault's root, relative to the current folder), `path` (relative to that root), `range`
(LSP-style: 0-based lines, UTF-16 columns), `severity`, `code`, `message`. Other tools parse
this, so fields are only ever added. One object per line, each written by the C encoder:
`indent` took the pure-Python one, several times slower on a large vault.

A path with bytes that are not UTF-8 shows them as the text `\\xNN` (`report/escape.py`), so the
output is always valid UTF-8."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from vaultls.report.common import Chunks, LinesOf, NoteGroup, Utf16Columns, relative_to
from vaultls.report.escape import json_text
from vaultls.vault.problems import ProblemRow, Severity

_string = json.encoder.encode_basestring  # a str as JSON, non-ASCII kept (ensure_ascii=False)

_LABELS = {int(s): s.label for s in Severity}


def write(groups: Sequence[NoteGroup], out: TextIO, lines: LinesOf, cwd: Path, known: Chunks | None = None) -> Chunks:
    # Each object is written from a template with its strings encoded by the json module's
    # own string encoder: the same bytes as `json.dumps` of the object (tests/cli holds the
    # two together), without building ~80,000 dicts for the encoder to walk. `known`, the
    # return value: each note's objects, as in `text.write_groups`.
    vaults: dict[Path, str] = {}
    kinds: dict[tuple[int, str], str] = {}  # (severity, code) → the object's text between them
    made: Chunks = {}
    chunks: list[str] = []
    for root, path, rows in groups:
        chunk = known.get((root, path)) if known else None
        if chunk is None:
            vault = vaults.get(root)
            if vault is None:
                vault = vaults[root] = _string(relative_to(root, cwd))
            chunk = made[(root, path)] = json_text(
                _objects(vault, path, Utf16Columns(lines, root, path).rows(rows), kinds)
            )
        chunks.append(chunk)
    out.write(joined("[\n  ", chunks, ",\n  ", "\n]\n") if chunks else "[]\n")
    return made


def _objects(vault: str, path: str, rows: Sequence[ProblemRow], kinds: dict[tuple[int, str], str]) -> str:
    head = f'{{"vault": {vault}, "path": {_string(path)}, "range": {{"start": {{"line": '
    objects: list[str] = []
    append = objects.append
    for l0, c0, l1, c1, severity, code, message, _ in rows:
        kind = kinds.get((severity, code))
        if kind is None:
            kind = kinds[(severity, code)] = (
                f'}}}}, "severity": "{_LABELS[severity]}", "code": {_string(code)}, "message": '
            )
        append(f'{head}{l0}, "character": {c0}}}, "end": {{"line": {l1}, "character": {c1}{kind}{_string(message)}}}')
    return ",\n  ".join(objects)


def joined(head: str, chunks: list[str], separator: str, tail: str) -> str:
    """`head + separator.join(chunks) + tail`, copying the (tens of MB of) text once, not thrice."""
    parts = [head]
    for chunk in chunks:
        parts += (chunk, separator)
    parts[-1] = tail
    return "".join(parts)
