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

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TextIO

from vaultls.report.common import Chunks, LinesOf, NoteGroup, Utf16Columns, note_file, relative_to
from vaultls.report.escape import printable
from vaultls.vault.problems import Severity

COMMANDS: Mapping[int, str] = MappingProxyType(
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


def write(groups: Sequence[NoteGroup], out: TextIO, cwd: Path, lines: LinesOf, known: Chunks | None = None) -> Chunks:
    """The commands; `known` and the return value: each note's, as in `text.write_groups`."""
    made: Chunks = {}
    chunks: list[str] = []
    for root, path, rows in groups:
        chunk = known.get((root, path)) if known else None
        if chunk is None:
            file = escape_property(printable(relative_to(note_file(root, path), cwd)))
            chunk = made[(root, path)] = "".join(
                f"::{COMMANDS[severity]} file={file},line={l0 + 1},col={c0 + 1},"
                f"endLine={l1 + 1},endColumn={c1 + 1},"
                f"title={escape_property(printable(code))}::{escape_data(printable(message))}\n"
                for l0, c0, l1, c1, severity, code, message, _ in Utf16Columns(lines, root, path).rows(rows)
            )
        chunks.append(chunk)
    out.write("".join(chunks))  # one write: tens of thousands of small ones cost more
    return made
