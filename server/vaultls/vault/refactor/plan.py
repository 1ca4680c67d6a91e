"""What every refactoring returns: a `RenamePlan` of text changes and file moves, nothing written.

Paths in a plan are as they are *before* any move and ranges are in code points; the LSP layer
turns a plan into a WorkspaceEdit and the editor applies it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from vaultls.vault.model import Position, Range

LinesOf = Callable[[str], list[str]]
"""A note's current lines by path: the caller decides whether an open buffer or the disk wins."""


class RenameError(Exception):
    """A rename that cannot be done without breaking something; the message is for the user."""


@dataclass(frozen=True, slots=True)
class TextChange:
    """One replacement: `new_text` for what `range` covers."""

    range: Range
    new_text: str


@dataclass
class RenamePlan:
    """The text changes by note and the file moves that together do one refactoring."""

    edits: dict[str, list[TextChange]] = field(default_factory=dict)  # by path before moves
    moves: dict[str, str] = field(default_factory=dict)  # old path → new path

    def add(self, path: str, rng: Range, new_text: str) -> None:
        """Add a change once: two links to the same place may ask for the same edit."""
        changes = self.edits.setdefault(path, [])
        change = TextChange(rng, new_text)
        if change not in changes:
            changes.append(change)

    def merge(self, other: RenamePlan) -> None:
        """Add `other`'s changes and moves to this plan."""
        for path, changes in other.edits.items():
            for change in changes:
                self.add(path, change.range, change.new_text)
        self.moves.update(other.moves)

    def sorted_edits(self) -> dict[str, list[TextChange]]:
        """The edits by path, each note's in document order: stable output for clients and tests."""
        return {p: sorted(c, key=lambda ch: ch.range.start) for p, c in sorted(self.edits.items())}


def apply_changes(lines: list[str], changes: Iterable[TextChange]) -> str:
    """The text of `lines` with `changes` applied (joined with `\\n`); overlapping changes are a
    bug and raise."""
    out = list(lines)
    ordered = sorted(changes, key=lambda c: (c.range.start, c.range.end), reverse=True)
    previous_start: Position | None = None
    for change in ordered:
        start, end = change.range.start, change.range.end
        if previous_start is not None and end > previous_start:
            raise ValueError(f"overlapping text changes at {start}")
        previous_start = start
        head = out[start.line][: start.character]
        tail = out[end.line][end.character :]
        out[start.line : end.line + 1] = (head + change.new_text + tail).split("\n")
    return "\n".join(out)
