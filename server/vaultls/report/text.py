"""The default format: one problem per line, `path:line:column: severity code message`
(1-based, code-point columns, paths relative to the vault root), and a summary on stderr."""

from __future__ import annotations

from typing import TextIO

from vaultls.report.common import Located
from vaultls.vault.check import Severity


def write(problems: list[Located], out: TextIO) -> None:
    for _, p in problems:
        start = p.range.start
        out.write(f"{p.path}:{start.line + 1}:{start.character + 1}: {p.severity.label} {p.code} {p.message}\n")


def summary(problems: list[Located]) -> str:
    """`vaultls: 2 warnings, 1 hint in 2 notes`, or that nothing was found."""
    if not problems:
        return "vaultls: no problems found"
    counts = {s: 0 for s in Severity}
    for _, p in problems:
        counts[p.severity] += 1
    parts = [f"{n} {s.label}{'s' if n != 1 and s != Severity.INFORMATION else ''}" for s, n in counts.items() if n]
    notes = len({(root, p.path) for root, p in problems})
    return f"vaultls: {', '.join(parts)} in {notes} note{'s' if notes != 1 else ''}"
