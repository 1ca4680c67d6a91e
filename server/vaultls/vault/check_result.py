"""What a check of one vault found (`CheckResult`), for whoever shows it (vaultls.report)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

from vaultls.vault.graph import LinkStats
from vaultls.vault.problems import Problem, ProblemRow, problems_of_rows

# The problems of one note: (its vault path, its problem rows in order).
NoteProblems = tuple[str, list[ProblemRow]]


class CheckResult:
    """What a check of the vault at `root` found: the problems of each note with problems,
    sorted by path (`by_note`: rows, which a text format prints as they are; `problems`:
    `Problem`s, made only when asked for), the files not checked (`skipped`: path, why) and,
    when asked for, the orphans and link statistics of the notes checked."""

    def __init__(
        self,
        root: Path,
        skipped: list[tuple[str, str]],
        by_note: list[NoteProblems],
        problems: list[Problem] | None = None,
        workers: int = 0,
        cached: int = 0,
        checked: int = 0,
    ) -> None:
        self.root = root
        self.skipped = skipped
        self.by_note = by_note
        if problems is not None:
            self.problems = problems
        self.orphans: list[str] | None = None
        self.stats: LinkStats | None = None
        self.workers = workers  # processes forked for the check (0: checked in this process)
        self.cached = cached  # notes the whole-vault runner read from the index cache
        self.checked = checked  # notes checked
        # Notes with a problem on a line that holds a character beyond U+FFFF (where UTF-16
        # columns differ from code points), or None when not known: a format that counts
        # UTF-16 reads only their lines.
        self.wide: set[str] | None = None
        # Of each note with problems, a number that changes when its problems or its file do
        # (None when not known): a format's output of the note is kept under it (check_run).
        self.note_keys: dict[str, int] | None = None

    @functools.cached_property
    def problems(self) -> list[Problem]:
        """Every problem, sorted by path and position as `check_vault` sorts them."""
        out: list[Problem] = []
        for path, rows in self.by_note:
            problems_of_rows(path, rows, out)
        return out

    def severities(self) -> dict[int, int]:
        """How many problems of each severity (numbers as in `Severity`) there are."""
        counts = dict.fromkeys(range(1, 5), 0)
        for _, rows in self.by_note:
            for row in rows:
                counts[row[4]] += 1
        return counts

    def lines_of(
        self, read: Callable[[Path, str], Sequence[str] | None]
    ) -> Callable[[Path, str], Sequence[str] | None]:
        """`read` (the lines of a note), asked only for the notes whose text is `wide`: the
        others' UTF-16 columns are their columns (None), with no file read."""
        wide = self.wide
        if wide is None:
            return read
        return lambda root, path: read(root, path) if path in wide else None

    def notes_with_problems(self) -> int:
        return len(self.by_note)


def on_wide_line(rows: Sequence[ProblemRow], wide: Sequence[int]) -> bool:
    """Whether one of these problems starts or ends on one of the `wide` lines."""
    if not wide:
        return False
    lines = set(wide)
    return any(row[0] in lines or row[2] in lines for row in rows)
