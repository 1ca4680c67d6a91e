"""What completion's suggester (vault/suggest.py) keeps of a vault's link targets between
keystrokes: every note's and attachment's path and name (`Targets`) and every alias (`Aliases`),
each rebuilt only when notes or attachments come or go (or, for aliases, when some note's
aliases change). Whether they still hold is one walk of the vault's notes, compared by
identity (`Seen`); the suggester ranks what they hold.

Pure model: no pygls, no lsprotocol; the server turns what is found here into completion items
(`lsp/features/completion.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import chain, compress, repeat
from operator import is_not
from typing import NamedTuple

from vaultls.vault import names
from vaultls.vault.index import Note, Vault

# Keys never contain NUL (no file name or YAML alias that reaches here can), so it separates
# them in the joined strings and no match can run from one key into the next.
_SEP = "\0"


def subsequence_across(wanted: str) -> re.Pattern[str]:
    """`wanted`'s characters in order inside one key of a joined string: the gaps may not
    cross a separator (nor a newline, which `.` does not match). Each gap stops at the first
    next character (`[^c\\0\\n]*c`), which finds a match wherever the lazy `.*?c` would and
    cannot backtrack through every way of picking the characters when there is none."""
    pattern = re.escape(wanted[0])
    for char in wanted[1:]:
        escaped = re.escape(char)
        pattern += f"[^{escaped}\\0\\n]*{escaped}"
    return re.compile(pattern)


_HOT_PLACES = 16  # at most this many places of re-indexed notes are compared first (`_Seen`)


class Seen:
    """The notes an index was built from, to tell whether it still holds for the vault's notes
    now (`list(vault.notes.values())`, the one walk of the vault a request makes).

    Compared by identity (a list comparison in C, no note looked into). A note indexed again
    is a new object — the note being typed in is, on every keystroke — so the places of the
    notes that differed last time are remembered (`hot`): they are compared first, and only
    when some other note changed too is the whole list walked (in C) to find which. A changed
    note keeps the index when `same` says so (for names: the same path; for aliases: the same
    path and aliases)."""

    def __init__(self, notes: list[Note]) -> None:
        self.notes = list(notes)  # a copy: patched in place below, and callers share theirs
        self.hot: list[int] = []

    def follow(self, notes: list[Note], same: Callable[[Note, Note], bool]) -> bool:
        """Take `notes` as the current ones if each is, or is `same` as, the note at its
        place; False (nothing taken) when some note came, went or is not the same."""
        old = self.notes
        if len(old) != len(notes):
            return False
        if old == notes:
            return True
        for place in self.hot:
            if old[place] is not notes[place]:
                if not same(old[place], notes[place]):
                    return False
                old[place] = notes[place]
        if old == notes:
            return True
        hot = list(compress(range(len(notes)), map(is_not, old, notes)))
        if not all(same(old[place], notes[place]) for place in hot):
            return False
        # The places of a few notes being edited; not those of a whole vault indexed again
        # (the scan's second pass), which would make every later check a walk in Python.
        self.notes, self.hot = list(notes), hot if len(hot) <= _HOT_PLACES else []
        return True


def _same_path(old: Note, new: Note) -> bool:
    return old.path == new.path


def _same_aliases(old: Note, new: Note) -> bool:
    return old.path == new.path and old.aliases == new.aliases


class Shown(NamedTuple):
    """How completion offers one target."""

    label: str  # the note's name, or the attachment's file name
    is_note: bool
    detail: str  # the folder it is in
    link: str  # the shortest link text that reaches it


class Targets:
    """Completion's view of one vault's note and attachment names (see the module docstring):
    checked against the vault on every request, rebuilt only when notes or attachments came
    or went."""

    def __init__(self, notes: list[Note], attachments: frozenset[str]) -> None:
        self.seen = Seen(notes)
        note_paths = tuple(note.path for note in notes)
        self.attachments = attachments
        self.ordered = (*note_paths, *sorted(attachments))  # every target, in the vault's order
        self._shown: dict[str, Shown] = {}

    @classmethod
    def of(cls, vault: Vault, notes: list[Note] | None = None, cached: Targets | None = None) -> Targets:
        """The current view: `cached` while the vault has the same notes (see `Seen`) and
        attachments, a new one when some came or went. `notes`: `list(vault.notes.values())`,
        when the caller has it already."""
        notes = list(vault.notes.values()) if notes is None else notes
        if cached is None or cached.attachments != vault.attachments or not cached.seen.follow(notes, _same_path):
            cached = cls(notes, frozenset(vault.attachments))
        return cached

    def shown(self, vault: Vault, path: str) -> Shown:
        """How a target is offered, remembered: the shortest link compares the names of every
        note that shares the target's name, and depends on nothing but which notes and
        attachments there are, which is what this view is for."""
        found = self._shown.get(path)
        if found is None:
            found = self._shown[path] = Shown(
                label(vault, path),
                vault.is_note(path),
                path.rpartition("/")[0] or "(vault root)",
                vault.shortest_link(path),
            )
        return found


class Aliases:
    """Every alias of every note with its owner, in the vault's order, and each alias's key;
    kept while no note's aliases change. Reads `Note.aliases`, never `Note.parsed`, so that no
    deferred note is decoded for completion. Built with maps in C."""

    def __init__(self, notes: list[Note], memo: dict[str, str]) -> None:
        self.seen = Seen(notes)
        self.memo = memo  # names.key of aliases, kept from one build to the next
        lists = [note.aliases for note in notes]
        self.aliases = tuple(chain.from_iterable(lists))  # in the vault's order
        self.owners = tuple(chain.from_iterable(map(repeat, [note.path for note in notes], map(len, lists))))
        memo.update((alias, names.key(alias)) for alias in set(self.aliases).difference(memo))

    @classmethod
    def of(cls, vault: Vault, notes: list[Note] | None = None, cached: Aliases | None = None) -> Aliases:
        """The current aliases: `cached` while every note has the path and the aliases it had
        (see `Seen`), new ones otherwise. `notes`: `list(vault.notes.values())`, when the
        caller has it already."""
        notes = list(vault.notes.values()) if notes is None else notes
        if cached is not None and cached.seen.follow(notes, _same_aliases):
            return cached
        memo = cached.memo if cached is not None and len(cached.memo) < 4 * (len(cached.aliases) + 1000) else {}
        return cls(notes, memo)


class NameIndex:
    """Completion's indices of one vault, each checked against the vault when asked for and
    rebuilt only when it no longer holds: every target's name and path (`targets`), every
    alias (`aliases`)."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self._targets: Targets | None = None
        self._aliases: Aliases | None = None

    def targets(self, notes: list[Note] | None = None) -> Targets:
        """`notes`: `list(vault.notes.values())`, when the caller has it already (one walk of
        the vault serves both indices)."""
        self._targets = Targets.of(self.vault, notes, self._targets)
        return self._targets

    def aliases(self, notes: list[Note] | None = None) -> Aliases:
        self._aliases = Aliases.of(self.vault, notes, self._aliases)
        return self._aliases


def label(vault: Vault, path: str) -> str:
    """What a target is called: a note's name, an attachment's file name."""
    note = vault.notes.get(path)
    return note.name if note is not None else names.last_component(path)
