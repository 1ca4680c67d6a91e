"""The shape of notes: the heading outline of one note, its foldable regions, and a searchable
list of the vault's symbols (notes, headings, aliases, tags) for "go to symbol in workspace".

Pure model, lines and code-point columns. Workspace symbol search keeps, per note, the
casefolded names of its symbols, recomputed only when that note's parse changed (the index
replaces a note's `ParsedNote` object on every change), so a query over a 10,000-note vault
is one pass of cheap string tests.
"""

from __future__ import annotations

import heapq
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from vaultls.vault.index import Note, Vault
from vaultls.vault.model import Heading, ParsedNote

# --------------------------------------------------------------------------- outline


@dataclass
class Section:
    """A heading and the lines it governs: down to the line before the next heading of the same
    or a higher level (or the end of the note), with the headings nested in it."""

    heading: Heading
    end_line: int
    children: list[Section] = field(default_factory=list)


def section_end(headings: list[Heading], index: int, line_count: int) -> int:
    """Last line of the section of `headings[index]`."""
    level = headings[index].level
    for h in headings[index + 1 :]:
        if h.level <= level:
            return h.line - 1
    return line_count - 1


def outline(parsed: ParsedNote) -> list[Section]:
    """The nested heading outline. A level-3 heading right under a level-1 one nests under it
    (levels may skip, as Obsidian's outline allows)."""
    roots: list[Section] = []
    stack: list[Section] = []
    headings = parsed.headings
    for index, heading in enumerate(headings):
        section = Section(heading, section_end(headings, index, parsed.line_count))
        while stack and stack[-1].heading.level >= heading.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(section)
        stack.append(section)
    return roots


# --------------------------------------------------------------------------- folding


@dataclass(frozen=True, slots=True)
class Fold:
    start: int
    end: int
    kind: str  # "region" (headings, callouts, code), "frontmatter", "comment"


def folding_ranges(parsed: ParsedNote, lines: list[str]) -> list[Fold]:
    """Heading sections (without trailing blank lines), the frontmatter, callouts (`> [!note]`
    and ```` ```ad-* ```` fences) and code fences/blocks; only spans of two lines or more."""
    folds: list[Fold] = []
    fm = parsed.frontmatter
    if fm is not None and fm.end_line > fm.start_line:
        folds.append(Fold(fm.start_line, fm.end_line, "frontmatter"))
    headings = parsed.headings
    for index, heading in enumerate(headings):
        end = section_end(headings, index, len(lines))
        while end > heading.line and end < len(lines) and not lines[end].strip():
            end -= 1
        if end > heading.line:
            folds.append(Fold(heading.line, end, "region"))
    for start, end in parsed.callout_spans:
        if end > start:
            folds.append(Fold(start, end, "region"))
    for start, end in parsed.code_spans:
        if end > start:
            text = lines[start].lstrip() if start < len(lines) else ""
            kind = "comment" if text.startswith(("<!--", "%%")) else "region"
            folds.append(Fold(start, end, kind))
    folds.sort(key=lambda f: (f.start, -f.end))
    return folds


# --------------------------------------------------------------------------- workspace symbols


@dataclass(frozen=True, slots=True)
class Symbol:
    kind: str  # "note", "heading", "alias", "tag"
    name: str
    path: str
    line: int
    detail: str = ""


@dataclass(slots=True)
class _NoteSymbols:
    parsed: ParsedNote
    symbols: list[tuple[str, Symbol]]  # (search key, symbol)


def _fold(text: str) -> str:
    """Search key: casefolded, accents kept apart (NFKD without combining marks) so that
    `ubersicht` finds `Übersicht`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class SymbolIndex:
    """Workspace symbols of one vault: per note, rebuilt when the note's parse changes; the flat
    list of all of them, rebuilt when any note changed since the last query."""

    def __init__(self) -> None:
        self._notes: dict[str, _NoteSymbols] = {}
        self._flat: list[tuple[str, Symbol]] = []
        self._tags: list[tuple[str, Symbol]] = []

    def _refresh(self, vault: Vault) -> None:
        changed = len(self._notes) != len(vault.notes)
        for path, note in vault.notes.items():
            cached = self._notes.get(path)
            if cached is None or cached.parsed is not note.parsed:
                self._notes[path] = _NoteSymbols(note.parsed, self._symbols_of(path, note))
                changed = True
        if not changed:
            return
        for gone in set(self._notes) - set(vault.notes):
            del self._notes[gone]
        self._flat = [entry for path in sorted(self._notes) for entry in self._notes[path].symbols]
        tags: dict[str, Symbol] = {}
        for path in sorted(self._notes):
            for tag in self._notes[path].parsed.tags:
                key = _fold(tag.name)
                if key not in tags:
                    tags[key] = Symbol("tag", "#" + tag.name, path, tag.range.start.line, "tag")
        self._tags = list(tags.items())

    @staticmethod
    def _symbols_of(path: str, note: Note) -> list[tuple[str, Symbol]]:
        symbols: list[tuple[str, Symbol]] = [(_fold(note.name), Symbol("note", note.name, path, 0, note.folder))]
        for heading in note.parsed.headings:
            if heading.text:
                symbols.append((_fold(heading.text), Symbol("heading", heading.text, path, heading.line, note.name)))
        for alias in note.parsed.aliases:
            symbols.append((_fold(alias), Symbol("alias", alias, path, 0, f"alias of {note.name}")))
        return symbols

    def search(self, vault: Vault, query: str, limit: int = 100) -> list[Symbol]:
        """The `limit` best symbols for `query` (fuzzy: the query's characters in order;
        exact, prefix and word-start matches first, then shorter names). Tags are symbols too
        (`#tag`, at their first use); a query starting with `#` looks for tags only."""
        self._refresh(vault)
        query = query.strip()
        matcher = _Matcher(_fold(query.lstrip("#")))
        pool = self._tags if query.startswith("#") else self._flat + self._tags
        first, score = matcher.first, matcher.score

        def candidates() -> Iterator[tuple[tuple[int, int, str, int], Symbol]]:
            for key, symbol in pool:
                if first in key:
                    points = score(key)
                    if points is not None:
                        yield (-points, len(symbol.name), symbol.path, symbol.line), symbol

        return [symbol for _, symbol in heapq.nsmallest(limit, candidates(), key=lambda c: c[0])]


class _Matcher:
    """Fuzzy match of one query: characters in order, scored by how the match looks."""

    def __init__(self, wanted: str) -> None:
        self.wanted = wanted
        self.first = wanted[:1]

    def score(self, key: str) -> int | None:
        wanted = self.wanted
        if not wanted:
            return 0
        if key == wanted:
            return 1000
        if key.startswith(wanted):
            return 800
        at = key.find(wanted)
        if at >= 0:
            word_start = at > 0 and not key[at - 1].isalnum()
            return 600 if word_start else 400
        if in_order(wanted, key):
            return 100 + (50 if key.startswith(wanted[0]) else 0)
        return None


def in_order(wanted: str, key: str) -> bool:
    """Whether `wanted`'s characters occur in `key` in order. Greedy, so linear in `key`: a
    query is the client's text, and a pattern that could backtrack would let one request hold
    the server for minutes."""
    at = 0
    for char in wanted:
        at = key.find(char, at) + 1
        if at == 0:
            return False
    return True
