"""The names a plain-text mention can be of: every note's name and aliases as phrases, looked up
by their first word (a word-level trie of depth one: the first word narrows the candidates to a
handful, which are compared whole), and the rule that leaves some names out.

The skip rule (`skipped`): a name or alias is not looked for when
- it is one character long, or holds no letter or digit at all (`A`, `x`, `—`);
- it is only a number (`42`, `3.14`, `1,000`); dates such as `2024-01-15` are not numbers;
- each of its words is a common English word (`STOP_WORDS`: `The`, `About`, `To do`), which
  prose uses all the time without meaning the note;
- it holds `[`, `]` or `|`, which a link's text cannot carry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from vaultls.vault import names

# A word of a name or of text: what `\w` matches (letters, digits, `_`), with combining marks.
WORD = re.compile(r"[\w\u0300-\u036f]+")
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

# Function words and the most frequent English words: alone (or all together) they name no note
# a reader means to link.
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing done down during each else even
    ever every few for from further get gets go goes going good got had has have having he her
    here hers herself him himself his how however i if in into is it its itself just know last
    let like made make many may me might more most much must my myself new next no nor not now
    of off often on once one only or other our ours ourselves out over own part same see she
    should since so some still such than that the their theirs them themselves then there these
    they this those through thus to too two under until up upon us use used very was way we well
    were what when where whether which while who whom whose why will with within without would
    yes yet you your yours yourself yourselves
    note notes page pages index home todo untitled
    """.split()
)


def phrase_key(text: str) -> str:
    """How a name is compared with text: NFC, lowercased, each run of blanks one space."""
    return names.key(_SPACES.sub(" ", text.strip()))


def skipped(text: str) -> bool:
    """Whether a name or alias is left out of the mention search (the module's skip rule)."""
    key = phrase_key(text)
    words = WORD.findall(key)
    if len(key) < 2 or not words or any(c in key for c in "[]|"):
        return True
    if _NUMBER.fullmatch(key):
        return True
    return all(word in STOP_WORDS for word in words)


@dataclass(frozen=True, slots=True)
class Owner:
    """A note a phrase names: by its name, or by one of its aliases (`alias`, as written)."""

    path: str
    alias: str | None = None


@dataclass(frozen=True, slots=True)
class Phrase:
    """One name or alias as looked for. `key` is its compared form (`phrase_key`), `first` its
    first word and `offset` where that word starts in `key`."""

    key: str
    first: str
    offset: int
    owners: tuple[Owner, ...]
    targets: tuple[str, ...]  # the owners' paths, each once
    word_end: bool  # `key` ends with a word character (then no word character may follow it)


class Dictionary:
    """Every phrase of a vault's names and aliases: by its word when it has one, by its first
    two words when it has more (each list longest first)."""

    def __init__(self, named: Iterable[tuple[str, str, list[str]]]) -> None:
        """`named`: (path, name, aliases) of each note."""
        owners: dict[str, list[Owner]] = {}
        for path, name, aliases in named:
            if not skipped(name):
                owners.setdefault(phrase_key(name), []).append(Owner(path))
            for alias in aliases:
                if isinstance(alias, str) and not skipped(alias) and phrase_key(alias) != phrase_key(name):
                    owners.setdefault(phrase_key(alias), []).append(Owner(path, alias.strip()))
        self.phrases: dict[str, Phrase] = {}
        self.by_path: dict[str, list[Phrase]] = {}
        # The trie's two levels: one-word phrases by their word, longer ones by their first two.
        self.singles: dict[str, list[Phrase]] = {}
        self.pairs: dict[tuple[str, str], list[Phrase]] = {}
        for key, found in owners.items():
            words = WORD.findall(key)
            first = WORD.search(key)
            if first is None:
                continue
            unique = tuple(dict.fromkeys(found))
            phrase = Phrase(
                key,
                first.group(),
                first.start(),
                unique,
                tuple(dict.fromkeys(owner.path for owner in unique)),
                WORD.fullmatch(key[-1]) is not None,
            )
            self.phrases[key] = phrase
            if len(words) == 1:
                self.singles.setdefault(phrase.first, []).append(phrase)
            else:
                self.pairs.setdefault((words[0], words[1]), []).append(phrase)
            for owner in phrase.owners:
                self.by_path.setdefault(owner.path, []).append(phrase)
        for candidates in (*self.singles.values(), *self.pairs.values()):
            candidates.sort(key=lambda p: -len(p.key))
        self.first_words = frozenset(self.singles).union(first for first, _ in self.pairs)

    def phrases_of(self, path: str) -> list[Phrase]:
        """The phrases that name the note at `path`."""
        return self.by_path.get(path, [])
