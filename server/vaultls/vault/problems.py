"""What a check finds: `Problem`s, and the plain rows (`ProblemRow`) they travel as.

A whole-vault check finds tens of thousands of problems, often in worker processes: there they
are plain tuples, which marshal sends and a text renderer reads as they are, and they become
`Problem`s (with `Range`s) only where something asks for them (`problems_of_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from vaultls.vault import parse
from vaultls.vault.model import Position, Range

# Every code a check reports. docs/codes/<code>.md explains each; editors link to it
# (`code_help`), as SARIF's `helpUri` does.
CODES = (
    "encoding",
    "frontmatter-yaml",
    "frontmatter-schema",
    "dangling-link",
    "missing-heading",
    "missing-block",
    "ambiguous-link",
    "undefined-footnote",
    "unused-footnote",
)
_CODE_DOCS = "https://github.com/vaultls/vaultls/blob/main/docs/codes/"


def code_help(code: str) -> str:
    """The address of the page that explains a code."""
    return f"{_CODE_DOCS}{code}.md"


class Severity(IntEnum):
    """Numbered as in LSP so the edge needs no table."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @classmethod
    def from_name(cls, name: str) -> Severity | None:
        return None if name == "off" else cls[name.upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Problem:
    path: str
    range: Range
    severity: Severity
    code: str
    message: str
    # What a quick fix needs, e.g. {"alias_of": "Bonapartism"}; never shown to the user.
    data: dict[str, Any] | None = field(default=None, compare=False)


def make_problem(
    path: str, rng: Range, severity: Severity, code: str, message: str, data: dict[str, Any] | None = None
) -> Problem:
    """`Problem(...)` for a vault's worth of problems: a frozen dataclass sets each field
    through `object.__setattr__`, which is most of the cost of making 80,000 of them. Same
    object (tests/unit/test_check_fast.py compares)."""
    made = _new(Problem)
    made.__dict__.update(path=path, range=rng, severity=severity, code=code, message=message, data=data)
    return made


_new = object.__new__

# One problem of a note as plain values (so that marshal can send it): (start line, start
# column, end line, end column, severity as an int, code, message, data).
ProblemRow = tuple[int, int, int, int, int, str, str, "dict[str, Any] | None"]

# Each `Severity` at its number less one (a row holds the number).
_BY_NUMBER: tuple[Severity, ...] = tuple(sorted(Severity))


def problem_order(problem: Problem) -> tuple[str, Position, str]:
    """How problems are listed: by note, position, then code (a stable sort keeps the order
    they were found in otherwise)."""
    return (problem.path, problem.range.start, problem.code)


def row_order(row: ProblemRow) -> tuple[int, int, str]:
    """`problem_order` of the rows of one note."""
    return (row[0], row[1], row[5])


def problems_of_rows(path: str, rows: list[ProblemRow], out: list[Problem] | None = None) -> list[Problem]:
    """The `Problem`s of one note's rows, in their order (appended to `out` when given)."""
    made: list[Problem] = [] if out is None else out
    append = made.append
    pos, span = parse.position, parse.span
    severities = _BY_NUMBER
    for a, b, c, d, severity, code, message, data in rows:
        append(make_problem(path, span(pos(a, b), pos(c, d)), severities[severity - 1], code, message, data))
    return made
