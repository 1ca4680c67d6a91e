"""`--format github`: GitHub Actions workflow commands, so problems show inline on the lines of
a pull request's diff:

    ::warning file=notes/A.md,line=3,col=5,endLine=3,endColumn=14,title=dangling-link::no note named "X" in the vault

GitHub wants `file` relative to the repository root, and a workflow step runs in it, so paths
are relative to the current folder (not to the vault root as in text output). Columns are
1-based UTF-16 code units, the unit the browser counts; `endColumn` is the column just after
the problem. Severities map to the three commands GitHub has: error, warning, and notice for
information and hints.

Values are first made `printable` (control characters, bidi controls and bytes that are not
UTF-8 escaped, as in text output: GitHub shows the log and the annotations to people), then
escaped as workflow commands require, so no value can end the command or start another.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import TextIO

from vaultls.report.common import LinesOf, Located, Utf16Columns, note_file, relative_to
from vaultls.report.escape import printable
from vaultls.vault.problems import Severity

COMMANDS = MappingProxyType(
    {
        Severity.ERROR: "error",
        Severity.WARNING: "warning",
        Severity.INFORMATION: "notice",
        Severity.HINT: "notice",
    }
)


def escape_data(text: str) -> str:
    """A command's message, escaped as the Actions toolkit does (`escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command's property value (`escapeProperty`): also `:` and `,`, which end properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(problems: list[Located], out: TextIO, cwd: Path, lines: LinesOf) -> None:
    columns = Utf16Columns(lines)
    for root, p in problems:
        start, end = p.range.start, p.range.end
        props = {
            "file": printable(relative_to(note_file(root, p.path), cwd)),
            "line": start.line + 1,
            "col": columns.column(root, p.path, start) + 1,
            "endLine": end.line + 1,
            "endColumn": columns.column(root, p.path, end) + 1,
            "title": printable(p.code),
        }
        joined = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items())
        out.write(f"::{COMMANDS[p.severity]} {joined}::{escape_data(printable(p.message))}\n")
