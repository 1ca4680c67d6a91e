"""A vault's unlinked mentions, kept between requests (`MentionIndex`).

Each note's text is scanned once for every phrase of the vault's names (`scan.Scan`), and
again only when the note changes (the index holds a new `Note` for it) or when a name it holds,
or may hold, comes or goes. The dictionary of names is rebuilt when some note's path or aliases
changed, found by one comparison of the vault's notes with those it was built from
(`name_index.Seen`); a rebuild then drops only the scans it may change: those holding a name
that went, and those whose word signature may hold a name that came. So a query answers from
what it kept, and reads only the notes changed since.

Texts come from the caller (`TextOf`): the server gives open buffers and files read through its
contained reading path; the model never opens a file itself.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from vaultls.vault.index import Note, Vault
from vaultls.vault.mentions.dictionary import Dictionary, Phrase
from vaultls.vault.mentions.scan import Scan, comparable_text, may_hold, phrase_signature, scan, text_signature
from vaultls.vault.model import Range
from vaultls.vault.name_index import Seen

TextOf = Callable[[str], "str | None"]
"""A note's current text by vault path (None when it cannot be read)."""

# More names than this came at once (a vault indexed again): every scan is redone rather than
# each one's signature compared with each new name.
_MANY_NEW_NAMES = 256


@dataclass(frozen=True, slots=True)
class Mention:
    """A plain-text occurrence, in the note at `path`, of a phrase (`key`) naming `targets`."""

    path: str
    range: Range  # one line, code-point columns
    key: str
    targets: tuple[str, ...]  # the notes it names (not `path` itself), in the dictionary's order
    ascii_line: bool = False  # its line is ASCII: its columns are the same in every encoding


def _same_names(old: Note, new: Note) -> bool:
    return old.path == new.path and old.aliases == new.aliases


class MentionIndex:
    """Unlinked mentions of one vault (see the module docstring)."""

    def __init__(self) -> None:
        self._dictionary: Dictionary | None = None
        self._seen: Seen | None = None
        self._scans: dict[str, tuple[Note, Scan]] = {}
        # Notes read but not scanned: the signature of their words, while they are unchanged.
        self._signatures: dict[str, tuple[Note, int]] = {}
        # What `prepare` (by note) and `complete` (None) have left to look at, between slices.
        self._todo: dict[str | None, list[str]] = {}
        # The notes whose mentions a caller is finding in slices (`prepare`), so it starts once.
        self.preparing: set[str] = set()

    def dictionary(self, vault: Vault) -> Dictionary:
        """The phrases of the vault's names and aliases as they are now."""
        notes = list(vault.notes.values())
        if self._dictionary is not None and self._seen is not None and self._seen.follow(notes, _same_names):
            return self._dictionary
        fresh = Dictionary((note.path, note.name, note.aliases) for note in notes)
        if self._dictionary is not None:
            self._forget_changed(self._dictionary, fresh)
        self._dictionary, self._seen = fresh, Seen(notes)
        return fresh

    def _forget_changed(self, old: Dictionary, new: Dictionary) -> None:
        gone = old.phrases.keys() - new.phrases.keys()
        came = [phrase_signature(key) for key in new.phrases.keys() - old.phrases.keys()]
        if len(came) > _MANY_NEW_NAMES:
            self._scans.clear()
            return
        for path, (note, found) in list(self._scans.items()):
            if not gone.isdisjoint(found.keys) or any(may_hold(found.signature, sig) for sig in came):
                del self._scans[path]
                self._signatures[path] = (note, found.signature)

    def scan_of(self, vault: Vault, path: str, text_of: TextOf, text: str | None = None) -> Scan | None:
        """The scan of one note, made again only when the note or the names changed. `text`:
        the note's, when the caller has read it."""
        note = vault.notes.get(path)
        if note is None:
            return None
        dictionary = self.dictionary(vault)
        kept = self._scans.get(path)
        if kept is not None and kept[0] is note:
            return kept[1]
        text = text_of(path) if text is None else text
        if text is None:
            return None
        found = scan(text, dictionary)
        self._scans[path] = (note, found)
        self._signatures.pop(path, None)
        return found

    def mentions_in(self, vault: Vault, path: str, text_of: TextOf) -> list[Mention]:
        """The unlinked mentions in the note at `path` of other notes, in document order."""
        found = self.scan_of(vault, path, text_of)
        if found is None:
            return []
        return list(_mentions(self.dictionary(vault), path, found.matches(), found.non_ascii))

    def prepare(self, vault: Vault, path: str, text_of: TextOf, budget: float = math.inf) -> bool:
        """Read or scan notes towards `mentions_of(path)` until `budget` seconds have passed;
        True when it needs no more (so a server answers a large vault's first query in slices,
        other requests answered in between). The notes left to look at are kept from one slice
        to the next, so a vault is walked once, not once a slice."""
        dictionary = self.dictionary(vault)
        keys = [phrase.key for phrase in dictionary.phrases_of(path)]
        wanted = [phrase_signature(key) for key in keys]
        if not wanted:
            self._todo.pop(path, None)
            return True
        scans, signatures = self._scans, self._signatures

        def needed(other: str, note: Note) -> bool:
            if other == path or ((kept := scans.get(other)) is not None and kept[0] is note):
                return False
            read = signatures.get(other)
            # Read before and unchanged: its words say whether it may hold one of the names.
            return read is None or read[0] is not note or any(may_hold(read[1], sig) for sig in wanted)

        todo = self._todo.get(path)
        if todo is None:
            self._forget_gone(vault)
            todo = self._todo[path] = [other for other, note in vault.notes.items() if needed(other, note)]
            todo.reverse()  # taken from the end: in the vault's order
        stop = time.perf_counter() + budget
        while todo:
            other = todo.pop()
            note = vault.notes.get(other)
            if note is not None and needed(other, note):
                text = text_of(other)
                low = comparable_text(text) if text is not None else ""
                words = text_signature(low) if text is not None else 0
                if text is not None and any(key in low for key in keys):
                    scans[other] = (note, scan(text, dictionary, words))
                    signatures.pop(other, None)
                else:
                    signatures[other] = (note, words)
            if todo and time.perf_counter() > stop:
                return False  # at least one note a call: every slice makes progress
        del self._todo[path]
        return True

    def complete(self, vault: Vault, text_of: TextOf, budget: float = math.inf) -> bool:
        """Scan notes not scanned yet (or changed since) until `budget` seconds have passed;
        True when every note's scan is current. After it, a query of any note reads nothing."""
        self.dictionary(vault)
        scans = self._scans
        todo = self._todo.get(None)
        if todo is None:
            self._forget_gone(vault)
            todo = self._todo[None] = [
                p for p, note in vault.notes.items() if (k := scans.get(p)) is None or k[0] is not note
            ]
            todo.reverse()
        stop = time.perf_counter() + budget
        while todo:
            self.scan_of(vault, todo.pop(), text_of)
            if todo and time.perf_counter() > stop:
                return False
        del self._todo[None]
        return True

    def _forget_gone(self, vault: Vault) -> None:
        for gone in self._scans.keys() - vault.notes.keys():
            del self._scans[gone]
        for gone in self._signatures.keys() - vault.notes.keys():
            del self._signatures[gone]

    def mentions_of(self, vault: Vault, path: str, text_of: TextOf) -> list[Mention]:
        """Every unlinked mention of the note at `path` in the other notes, by note path and
        position."""
        if path in self._todo:
            self.prepare(vault, path, text_of)  # the rest of a search begun in slices, then anew:
        self.prepare(vault, path, text_of)  # a note may have changed after its slice looked at it
        dictionary = self.dictionary(vault)
        wanted = {phrase.key for phrase in dictionary.phrases_of(path)}
        out: list[Mention] = []
        for other in sorted(self._scans.keys() & vault.notes.keys()):
            note, found = self._scans[other]
            if other != path and note is vault.notes[other]:
                out += _mentions(dictionary, other, found.matches_of(wanted), found.non_ascii)
        return out


def _mentions(
    dictionary: Dictionary, path: str, matches: Iterable[tuple[int, int, int, str]], non_ascii: frozenset[int]
) -> Iterable[Mention]:
    """The matches as mentions; a phrase that names the note it is in is no mention (a note
    never mentions itself)."""
    for line, start, end, key in matches:
        phrase: Phrase | None = dictionary.phrases.get(key)
        if phrase is None or path in phrase.targets:
            continue
        yield Mention(path, Range.on_line(line, start, end), key, phrase.targets, line not in non_ascii)
