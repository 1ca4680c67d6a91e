"""Completion inside `[[...`: note names, aliases, headings and block ids.

Each item carries a text edit that replaces exactly what was typed after `[[` (or after `#`)
and appends `]]` only when the link is not closed yet, so accepting an item in the middle of
`[[Tro|]]` never produces `[[Trotsky]]]]`. Results are capped and marked incomplete: the client
asks again as the user types, which keeps a 10,000-note vault instant.

Note names are not compared one by one on every keystroke: `_Targets` keeps, per vault, every
target's key sorted (a prefix is a binary search) and all keys joined in one string (a
substring or subsequence is one scan in C), rebuilt only when notes or attachments come or go;
aliases likewise, rebuilt only when some note's aliases change. The items and their order are
exactly those of ranking every target: (prefix, word start, subsequence), then shorter key,
then key, then the vault's order.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from lsprotocol import types

from vaultls.lsp.cursor import Cursor, cursor_at
from vaultls.lsp.features import frontmatter
from vaultls.lsp.features.tags import tag_completion
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import names
from vaultls.vault.index import Note, Vault, find_heading
from vaultls.vault.model import Link, Range

MAX_ITEMS = 50
_SEGMENT_END = re.compile(r"[|#\]]")


@dataclass
class LinkContext:
    """The unfinished link the cursor is in."""

    typed: str  # text between `[[` and the cursor
    start: int  # column where `typed` starts
    closed: bool  # a `]]` follows on the line
    after: int  # columns after the cursor that belong to the segment being replaced


def link_context(line: str, col: int) -> LinkContext | None:
    before = line[:col]
    open_at = before.rfind("[[")
    if open_at < 0 or "]]" in before[open_at:]:
        return None
    if before[:open_at].count("`") % 2 == 1:
        return None  # inside an inline code span
    rest = line[col:]
    close_at = rest.find("]]")
    reopen_at = rest.find("[[")
    closed = close_at >= 0 and (reopen_at < 0 or close_at < reopen_at)
    after = 0
    if closed:
        m = _SEGMENT_END.search(rest)
        after = m.start() if m else 0
    return LinkContext(before[open_at + 2 :], open_at + 2, closed, after)


async def completion(ls: VaultLanguageServer, params: types.CompletionParams) -> types.CompletionList | None:
    await ls.ready.wait()
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    if cursor is None or cursor.note.parsed.line_in_code(cursor.pos.line):
        return None
    ctx = link_context(cursor.line_text, cursor.pos.character)
    if ctx is None and frontmatter.inside(cursor):
        found = frontmatter.complete(ls, cursor)  # property names and values; None: `tags:`
        if found is not None:
            return found
    if ctx is None:
        return tag_completion(ls, cursor)  # `#tag` in text, `tags:` in frontmatter (features/tags.py)
    if "|" in ctx.typed:
        return None
    if "#" in ctx.typed:
        return _subpath_items(ls, cursor, ctx)
    return _note_items(ls, cursor, ctx)


def _edit_range(ls: VaultLanguageServer, cursor: Cursor, start: int, ctx: LinkContext) -> types.Range:
    end = cursor.pos.character + ctx.after
    return ls.codec.range_to_client(cursor.lines, Range.on_line(cursor.pos.line, start, end))


def _note_items(ls: VaultLanguageServer, cursor: Cursor, ctx: LinkContext) -> types.CompletionList:
    vault = cursor.ref.vault
    typed = ctx.typed.strip()
    wanted = names.key(typed)
    by_path = "/" in typed
    rng = _edit_range(ls, cursor, ctx.start, ctx)
    close = "" if ctx.closed else "]]"

    targets = _Targets.of(vault)
    matched, best = (targets.paths if by_path else targets.names).rank(wanted, MAX_ITEMS)

    items: list[types.CompletionItem] = []
    for index, path in enumerate(best):
        label = _label(vault, path)
        link_text = vault.shortest_link(path)
        items.append(
            types.CompletionItem(
                label=label,
                kind=types.CompletionItemKind.File if vault.is_note(path) else types.CompletionItemKind.Reference,
                detail=path.rpartition("/")[0] or "(vault root)",
                filter_text=(path if by_path else label),
                sort_text=f"{index:04d}",
                text_edit=types.TextEdit(range=rng, new_text=link_text + close),
            )
        )
    room = MAX_ITEMS - len(items)
    alias_items = _alias_items(vault, wanted, rng, close, room)
    items.extend(alias_items)
    incomplete = matched >= MAX_ITEMS or (room > 0 and len(alias_items) >= room)
    return types.CompletionList(is_incomplete=incomplete, items=items)


# Keys never contain NUL (no file name or YAML alias that reaches here can), so it separates
# them in the joined string and no match can run from one key into the next.
_SEP = "\0"
_KEYS_MEMO: dict[str, str] = {}


def _key(text: str) -> str:
    """`names.key`, remembered: the same 10,000 names are keyed again at every rebuild."""
    found = _KEYS_MEMO.get(text)
    if found is None:
        if len(_KEYS_MEMO) > 500_000:
            _KEYS_MEMO.clear()
        found = _KEYS_MEMO[text] = names.key(text)
    return found


class _Keys:
    """The keys of every target in one mode (names, or paths), ready for ranking."""

    def __init__(self, entries: list[tuple[str, int, str]]) -> None:  # (key, vault order, path)
        self.entries = sorted(entries)
        self.keys = [key for key, _, _ in self.entries]
        self.joined = _SEP.join(self.keys)
        self.starts: list[int] = []
        offset = 0
        for key in self.keys:
            self.starts.append(offset)
            offset += len(key) + 1
        self._shortest_first: list[tuple[str, int, str]] | None = None
        self._lengths: list[tuple[str, list[int], list[int]]] | None = None

    @staticmethod
    def _order(entry: tuple[str, int, str]) -> tuple[int, str, int]:
        return (len(entry[0]), entry[0], entry[1])

    def _best(self, groups: list[list[tuple[str, int, str]]], limit: int) -> list[str]:
        out: list[str] = []
        for group in groups:
            if len(out) >= limit:
                break
            out.extend(path for _, _, path in sorted(group, key=self._order)[: limit - len(out)])
        return out

    def rank(self, wanted: str, limit: int) -> tuple[int, list[str]]:
        """(how many targets match — exact below `limit`, at least `limit` otherwise; the
        paths of the best `limit` of them, best first)."""
        if not wanted:
            if self._shortest_first is None:
                self._shortest_first = sorted(self.entries, key=self._order)
            return len(self.entries), [path for _, _, path in self._shortest_first[:limit]]
        keys = self.keys
        low = bisect_left(keys, wanted)
        high = low
        while high < len(keys) and keys[high].startswith(wanted):
            high += 1
        prefixed = self.entries[low:high]
        if len(prefixed) >= limit:  # only the first rank can be shown
            return len(prefixed), self._best([prefixed], limit)
        words = self._find_words(wanted, low, high)
        word_entries = [self.entries[i] for i in sorted(words)]
        if len(prefixed) + len(word_entries) >= limit:
            return len(prefixed) + len(word_entries), self._best([prefixed, word_entries], limit)
        need = limit - len(prefixed) - len(word_entries)
        scattered = [self.entries[i] for i in self._find_subsequence(wanted, low, high, words, need)]
        total = len(prefixed) + len(word_entries) + len(scattered)
        return total, self._best([prefixed, word_entries, scattered], limit)

    def _index_at(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def _find_words(self, wanted: str, low: int, high: int) -> set[int]:
        """Keys (not starting with `wanted`) with `wanted` after a space or a `/`."""
        found: set[int] = set()
        joined = self.joined
        for needle in (" " + wanted, "/" + wanted):
            at = joined.find(needle)
            while at >= 0:
                index = self._index_at(at)
                if not low <= index < high:
                    found.add(index)
                at = joined.find(needle, at + 1)
        return found

    def _find_subsequence(self, wanted: str, low: int, high: int, words: set[int], need: int) -> list[int]:
        """Keys, in none of the above, holding the characters of `wanted` in order: shortest
        keys first, and only until `need` are found (longer ones could not be shown; finding
        `need` already tells the list is incomplete)."""
        if len(wanted) < 2:
            return []
        pattern = _subsequence_across(wanted)
        found: list[int] = []
        for joined, starts, indices in self._by_length():
            at = 0
            while True:
                m = pattern.search(joined, at)
                if m is None:
                    break
                slot = bisect_right(starts, m.start()) - 1
                index = indices[slot]
                if not low <= index < high and index not in words:
                    found.append(index)
                if slot + 1 >= len(starts):
                    break
                at = starts[slot + 1]
            if len(found) >= need:
                break
        return found

    def _by_length(self) -> list[tuple[str, list[int], list[int]]]:
        """The keys grouped by length, shortest first: (joined, offsets, entry indices)."""
        if self._lengths is None:
            groups: dict[int, list[int]] = {}
            for index, key in enumerate(self.keys):
                groups.setdefault(len(key), []).append(index)
            self._lengths = []
            for length in sorted(groups):
                indices = groups[length]
                starts = [n * (length + 1) for n in range(len(indices))]
                self._lengths.append((_SEP.join(self.keys[i] for i in indices), starts, indices))
        return self._lengths


def _subsequence_across(wanted: str) -> re.Pattern[str]:
    """`_subsequence(wanted)` for keys joined by `_SEP`: the gaps may not cross a separator
    (nor a newline, which `.` does not match)."""
    return re.compile("[^\\0\\n]*?".join(map(re.escape, wanted)))


@dataclass
class _Targets:
    """Completion's view of one vault's note and attachment names (see the module docstring)."""

    note_paths: list[str]
    attachments: set[str]
    labels: list[str]  # the notes' names, then the sorted attachments' file names
    _names: _Keys | None = None
    _paths: _Keys | None = None

    @classmethod
    def of(cls, vault: Vault) -> "_Targets":
        """The current view: the cached one while the vault has the same notes and attachments
        (a cheap comparison in C), a new one when some came or went."""
        cached = _TARGETS.get(vault)
        if cached is None or cached.attachments != vault.attachments or cached.note_paths != list(vault.notes):
            paths = list(vault.notes)
            labels = [vault.notes[path].name for path in paths]
            labels += [names.last_component(path) for path in sorted(vault.attachments)]
            cached = cls(paths, set(vault.attachments), labels)
            _TARGETS[vault] = cached
        return cached

    def _entries(self, by_path: bool) -> list[tuple[str, int, str]]:
        ordered = [*self.note_paths, *sorted(self.attachments)]  # `_all_targets`
        keyed = ordered if by_path else self.labels  # `path if by_path else _label(vault, path)`
        return [(_key(text), i, path) for i, (text, path) in enumerate(zip(keyed, ordered))]

    @property
    def names(self) -> _Keys:
        if self._names is None:
            self._names = _Keys(self._entries(by_path=False))
        return self._names

    @property
    def paths(self) -> _Keys:
        if self._paths is None:
            self._paths = _Keys(self._entries(by_path=True))
        return self._paths


_TARGETS: "weakref.WeakKeyDictionary[Vault, _Targets]" = weakref.WeakKeyDictionary()


@dataclass
class _Aliases:
    """Every alias of every note, keyed and sorted, in the vault's order; kept while no note's
    aliases change. Checked by the identity of each `Note` (a list comparison in C; a note
    indexed again is a new object); only notes indexed again since are looked at, and only a
    change of their aliases rebuilds. Reads `Note.aliases`, never `Note.parsed`, so that no
    deferred note is decoded for completion."""

    note_paths: list[str]
    notes: list[Note]
    entries: list[tuple[str, int, str, str]] = field(default_factory=list)  # (key, order, alias, path)
    keys: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, vault: Vault) -> "_Aliases":
        paths = list(vault.notes)
        notes = list(vault.notes.values())
        cached = _ALIASES.get(vault)
        if cached is not None and cached.note_paths == paths:
            if cached.notes == notes:  # identity short-cuts all but the re-indexed notes
                return cached
            if all(new.aliases == old.aliases for new, old in zip(notes, cached.notes) if new is not old):
                cached.notes = notes
                return cached
        made = cls(paths, notes)
        order = 0
        for path, note in zip(paths, notes):
            for alias in note.aliases:
                made.entries.append((_key(alias), order, alias, path))
                order += 1
        made.entries.sort()
        made.keys = [key for key, _, _, _ in made.entries]
        _ALIASES[vault] = made
        return made

    def first(self, wanted: str, room: int) -> list[tuple[str, str]]:
        """The first `room` (alias, path) whose key starts with `wanted`, in the vault's order."""
        low = bisect_left(self.keys, wanted)
        high = low
        while high < len(self.keys) and self.keys[high].startswith(wanted):
            high += 1
        matching = sorted(self.entries[low:high], key=lambda e: e[1])[:room]
        return [(alias, path) for _, _, alias, path in matching]


_ALIASES: "weakref.WeakKeyDictionary[Vault, _Aliases]" = weakref.WeakKeyDictionary()


def _all_targets(vault: Vault) -> list[str]:
    return [*vault.notes, *sorted(vault.attachments)]


def _label(vault: Vault, path: str) -> str:
    note = vault.notes.get(path)
    return note.name if note is not None else names.last_component(path)


def _subsequence(wanted: str) -> re.Pattern[str] | None:
    if len(wanted) < 2:
        return None
    return re.compile(".*?".join(map(re.escape, wanted)))


def _alias_items(
    vault: Vault, wanted: str, rng: types.Range, close: str, room: int
) -> list[types.CompletionItem]:
    if room <= 0:
        return []
    items: list[types.CompletionItem] = []
    for alias, path in _Aliases.of(vault).first(wanted, room):
        note = vault.notes[path]
        items.append(
            types.CompletionItem(
                label=alias,
                kind=types.CompletionItemKind.Reference,
                detail=f"alias of {note.name}",
                filter_text=alias,
                sort_text=f"1{alias.casefold()}",
                text_edit=types.TextEdit(range=rng, new_text=f"{vault.shortest_link(path)}|{alias}{close}"),
            )
        )
    return items


def _subpath_items(ls: VaultLanguageServer, cursor: Cursor, ctx: LinkContext) -> types.CompletionList | None:
    vault = cursor.ref.vault
    target, _, sub = ctx.typed.partition("#")
    if target.strip():
        probe = Link("wiki", target.strip(), (), None, None, False, Range.on_line(0, 0, 0), Range.on_line(0, 0, 0))
        resolution = vault.resolve(cursor.ref.path, probe)
        note = vault.notes.get(resolution.target) if resolution.target else None
    else:
        note = cursor.note
    if note is None:
        return None
    close = "" if ctx.closed else "]]"
    segment_start = ctx.start + ctx.typed.rfind("#") + 1
    if sub.startswith("^"):
        rng = _edit_range(ls, cursor, segment_start + 1, ctx)
        items = [
            types.CompletionItem(
                label=f"^{block.id}",
                kind=types.CompletionItemKind.Reference,
                detail=_preview_line(ls, vault, note.path, block.start_line),
                filter_text=block.id,
                sort_text=f"{i:04d}",
                text_edit=types.TextEdit(range=rng, new_text=block.id + close),
            )
            for i, block in enumerate(note.parsed.blocks)
        ]
        return types.CompletionList(is_incomplete=False, items=items)
    rng = _edit_range(ls, cursor, segment_start, ctx)
    headings = note.parsed.headings
    parents = tuple(p for p in sub.split("#")[:-1] if p.strip())
    if parents:
        parent = find_heading(headings, parents)
        if parent is not None:
            index = headings.index(parent)
            below = []
            for h in headings[index + 1 :]:
                if h.level <= parent.level:
                    break
                below.append(h)
            headings = below
    items = [
        types.CompletionItem(
            label=heading.text,
            kind=types.CompletionItemKind.Reference,
            detail="#" * heading.level,
            filter_text=names.link_text_for_heading(heading.text),
            sort_text=f"{i:04d}",
            text_edit=types.TextEdit(range=rng, new_text=names.link_text_for_heading(heading.text) + close),
        )
        for i, heading in enumerate(headings)
        if heading.text
    ]
    return types.CompletionList(is_incomplete=False, items=items)


def _preview_line(ls: VaultLanguageServer, vault: Vault, path: str, line: int) -> str:
    lines = ls.lines_of(vault, path)
    return lines[line].strip()[:80] if line < len(lines) else ""


FEATURES = [
    (
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["[", "#", "^", "/", ":", "-"], resolve_provider=False),
        completion,
    ),
]
