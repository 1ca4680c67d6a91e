"""The fuzzy index of a vault's link targets that completion searches on every keystroke.

Note names are not compared one by one on every keystroke: `Targets` keeps every target's key
sorted (a prefix is a binary search) and the keys of each length joined in one string (a word
start or a subsequence is one scan in C per length, shortest first, stopping once the first
`limit` are known), rebuilt only when notes or attachments come or go; `Aliases` likewise,
rebuilt only when some note's aliases change. The targets and their order are exactly those of
ranking every target: (prefix, word start, subsequence), then shorter key, then key, then the
vault's order.

What a keystroke costs (10,000 notes): one walk of the vault's notes to check the indices still
hold (`Seen`), and the search. `NameIndex` holds both indices of one vault
(the language server keeps one per vault) and can build them ahead of the first `[[`
(`NameIndex.prepare_steps`).

Pure model: no pygls, no lsprotocol; the server turns what is found here into completion items
(`lsp/features/completion.py`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from itertools import chain, compress, repeat
from operator import is_not
from typing import NamedTuple

from vaultls.vault import names
from vaultls.vault.index import Note, Vault

# Keys never contain NUL (no file name or YAML alias that reaches here can), so it separates
# them in the joined strings and no match can run from one key into the next.
_SEP = "\0"


class Keys:
    """The keys of every target in one mode (names, or paths), ready for ranking.

    Built with sorts and maps in C (no Python call per target), because it is built again
    whenever a note or attachment comes or goes. Targets are numbered by their place in
    `keys` (sorted by key, then the vault's order); `best_first` lists them in the order the
    ranking shows them within one tier (shorter key, then key, then the vault's order) and
    `rank_of` is its inverse. The keys of one length, joined in that order, are searched with
    one C call per length (`groups`), shortest first, so that a search stops as soon as the
    first `limit` of a tier are known instead of reading all 10,000 keys on every keystroke.

    Every sequence of 10,000 is a tuple of strings or ints: the garbage collector stops
    tracking such tuples, where it walked each of a dozen such lists at every collection that
    reached them (a pause in the middle of some keystroke).
    """

    def __init__(self, keys: Sequence[str], paths: Sequence[str]) -> None:  # in the vault's order
        by_key = sorted(range(len(keys)), key=keys.__getitem__)  # stable: ties in vault order
        self.keys = tuple(map(keys.__getitem__, by_key))
        self.paths = tuple(map(paths.__getitem__, by_key))
        self.lengths = tuple(map(len, self.keys))
        best_first = sorted(range(len(self.keys)), key=self.lengths.__getitem__)  # stable
        self.rank_of = tuple(sorted(range(len(self.keys)), key=best_first.__getitem__))  # inverse
        self.best_first = tuple(best_first)
        self._groups: list[tuple[int, int, str]] | None = None

    def groups(self) -> list[tuple[int, int, str]]:
        """(length, place of its first key in `best_first`, the keys of that length joined by
        `_SEP` in `best_first` order), shortest first. Key `i` of a group starts at
        `i * (length + 1)` of its string, so a match's key is one division away."""
        if self._groups is None:
            lengths = tuple(map(self.lengths.__getitem__, self.best_first))  # ascending
            groups = []
            at = 0
            while at < len(lengths):
                end = bisect_right(lengths, lengths[at], at)
                groups.append((lengths[at], at, _SEP.join(map(self.keys.__getitem__, self.best_first[at:end]))))
                at = end
            self._groups = groups
        return self._groups

    def rank(self, wanted: str, limit: int) -> tuple[int, list[str]]:
        """(how many targets match — exact below `limit`, at least `limit` otherwise; the
        paths of the best `limit` of them, best first). The tiers: the key starts with
        `wanted`; a word of it does (after a space or a `/`); it holds the characters of
        `wanted` in order (two or more of them)."""
        if not wanted:
            return len(self.keys), self._paths(range(min(limit, len(self.keys))))
        keys = self.keys
        low = bisect_left(keys, wanted)
        high = bisect_left(keys, wanted + "\U0010ffff", low)
        while high < len(keys) and keys[high].startswith(wanted):  # a key holding U+10FFFF
            high += 1
        prefixed = sorted(self.rank_of[low:high])
        if len(prefixed) >= limit:  # only the first tier can be shown
            return len(prefixed), self._paths(prefixed[:limit])
        need = limit - len(prefixed)
        words = self._search(word_slots(wanted), len(wanted) + 1, low, high, (), need)
        if len(words) >= need:
            return len(prefixed) + len(words), self._paths(prefixed + words[:need])
        scattered: list[int] = []
        if len(wanted) >= 2:
            scattered = self._search(subsequence_slots(wanted), len(wanted), low, high, set(words), need - len(words))
        found = prefixed + words + scattered
        return len(found), self._paths(found[:limit])

    def _search(
        self,
        slots_in: Callable[[str, int], Iterable[int]],
        shortest: int,
        low: int,
        high: int,
        taken: Container[int],
        need: int,
    ) -> list[int]:
        """The ranks of the keys `slots_in` finds (given the keys of one length joined, and
        the width of one: the places of the matching keys, in order), at least `shortest`
        long, that are not `taken` nor prefixed (`low`..`high` in `keys`), best first: whole
        lengths at a time, shortest first, and only until `need` are found (longer ones could
        not be shown, and finding `need` already tells the list is incomplete)."""
        found: list[int] = []
        best_first = self.best_first
        for length, first, joined in self.groups():
            if length < shortest:
                continue
            for slot in slots_in(joined, length + 1):
                rank = first + slot
                if not low <= best_first[rank] < high and rank not in taken:
                    found.append(rank)
            if len(found) >= need:
                break
        return found

    def _paths(self, ranks: Iterable[int]) -> list[str]:
        paths, best_first = self.paths, self.best_first
        return [paths[best_first[r]] for r in ranks]


def word_slots(wanted: str) -> Callable[[str, int], list[int]]:
    """Keys with a word starting with `wanted`: after a space or a `/`. Two `str.find`s (a
    fast search in C) rather than one pattern with a character class, which the regular
    expression engine tries at every position."""
    needles = (" " + wanted, "/" + wanted)

    def slots(joined: str, width: int) -> list[int]:
        found: set[int] = set()
        for needle in needles:
            at = joined.find(needle)
            while at >= 0:
                slot = at // width
                found.add(slot)
                at = joined.find(needle, (slot + 1) * width)
        return sorted(found)

    return slots


def subsequence_slots(wanted: str) -> Callable[[str, int], Iterator[int]]:
    """Keys holding the characters of `wanted` in order (see `subsequence_across`)."""
    pattern = subsequence_across(wanted)

    def slots(joined: str, width: int) -> Iterator[int]:
        at = 0
        while True:
            m = pattern.search(joined, at)
            if m is None:
                return
            slot = m.start() // width
            yield slot
            at = (slot + 1) * width

    return slots


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

    def __init__(
        self, notes: list[Note], attachments: frozenset[str], labels: tuple[str, ...], memo: dict[str, str]
    ) -> None:
        self.seen = Seen(notes)
        note_paths = tuple(note.path for note in notes)
        self.attachments = attachments
        self.ordered = (*note_paths, *sorted(attachments))  # every target, in the vault's order
        self.labels = labels  # the notes' names, then the sorted attachments' file names
        self.memo = memo  # names.key of names and paths, kept from one build to the next (str → str: untracked)
        self._names: Keys | None = None
        self._paths: Keys | None = None
        self._shown: dict[str, Shown] = {}

    @classmethod
    def of(cls, vault: Vault, notes: list[Note] | None = None, cached: Targets | None = None) -> Targets:
        """The current view: `cached` while the vault has the same notes (see `Seen`) and
        attachments, a new one when some came or went. `notes`: `list(vault.notes.values())`,
        when the caller has it already."""
        notes = list(vault.notes.values()) if notes is None else notes
        if cached is None or cached.attachments != vault.attachments or not cached.seen.follow(notes, _same_path):
            labels = (
                *[note.name for note in notes],
                *[names.last_component(path) for path in sorted(vault.attachments)],
            )
            memo = cached.memo if cached is not None else {}
            if len(memo) > 4 * (len(labels) + 1000):
                memo = {}  # names that are gone: start again rather than grow forever
            cached = cls(notes, frozenset(vault.attachments), labels, memo)
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

    def _keyed(self, texts: tuple[str, ...]) -> tuple[str, ...]:
        memo = self.memo
        memo.update((text, names.key(text)) for text in set(texts).difference(memo))
        return tuple(map(memo.__getitem__, texts))

    @property
    def names(self) -> Keys:
        if self._names is None:
            self._names = Keys(self._keyed(self.labels), self.ordered)  # `label(vault, path)`
        return self._names

    @property
    def paths(self) -> Keys:
        if self._paths is None:
            self._paths = Keys(self._keyed(self.ordered), self.ordered)
        return self._paths


class Aliases:
    """Every alias of every note, keyed and sorted, in the vault's order; kept while no note's
    aliases change. Reads `Note.aliases`, never `Note.parsed`, so that no deferred note is
    decoded for completion. Built with maps and a sort in C, as `Keys` is."""

    def __init__(self, notes: list[Note], memo: dict[str, str]) -> None:
        self.seen = Seen(notes)
        self.memo = memo  # names.key of aliases, kept from one build to the next
        lists = [note.aliases for note in notes]
        self.aliases = tuple(chain.from_iterable(lists))  # in the vault's order
        self.owners = tuple(chain.from_iterable(map(repeat, [note.path for note in notes], map(len, lists))))
        memo.update((alias, names.key(alias)) for alias in set(self.aliases).difference(memo))
        keys = tuple(map(memo.__getitem__, self.aliases))
        self.by_key = tuple(sorted(range(len(keys)), key=keys.__getitem__))  # stable: ties in vault order
        self.keys = tuple(map(keys.__getitem__, self.by_key))

    @classmethod
    def of(cls, vault: Vault, notes: list[Note] | None = None, cached: Aliases | None = None) -> Aliases:
        """The current aliases: `cached` while every note has the path and the aliases it had
        (see `Seen`), new ones otherwise. `notes`: `list(vault.notes.values())`, when the
        caller has it already."""
        notes = list(vault.notes.values()) if notes is None else notes
        if cached is not None and cached.seen.follow(notes, _same_aliases):
            return cached
        memo = cached.memo if cached is not None and len(cached.memo) < 4 * (len(cached.keys) + 1000) else {}
        return cls(notes, memo)

    def first(self, wanted: str, room: int) -> list[tuple[str, str]]:
        """The first `room` (alias, path) whose key starts with `wanted`, in the vault's order."""
        keys = self.keys
        low = bisect_left(keys, wanted)
        high = bisect_left(keys, wanted + "\U0010ffff", low)
        while high < len(keys) and keys[high].startswith(wanted):  # a key holding U+10FFFF
            high += 1
        return [(self.aliases[i], self.owners[i]) for i in sorted(self.by_key[low:high])[:room]]


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

    def prepare_steps(self, first: int) -> list[Callable[[], object]]:
        """Building (or checking) each index, one step at a time, so that the first `[[` typed
        does not pay for them (names, paths, aliases: each grows with the vault); and how the
        `first` targets that `[[` alone shows are offered."""

        def names_and_first_items() -> None:
            targets = self.targets()
            targets.names.groups()
            for path in targets.names.rank("", first)[1]:  # what `[[` alone shows
                targets.shown(self.vault, path)

        return [names_and_first_items, lambda: self.targets().paths.groups(), self.aliases]

    def prepare(self, first: int) -> None:
        for step in self.prepare_steps(first):
            step()


def label(vault: Vault, path: str) -> str:
    """What a target is called: a note's name, an attachment's file name."""
    note = vault.notes.get(path)
    return note.name if note is not None else names.last_component(path)
