"""Completion inside `[[...`: note names, aliases, headings and block ids.

Each item carries a text edit that replaces exactly what was typed after `[[` (or after `#`)
and appends `]]` only when the link is not closed yet, so accepting an item in the middle of
`[[Tro|]]` never produces `[[Trotsky]]]]`. Results are capped and marked incomplete: the client
asks again as the user types, which keeps a 10,000-note vault instant.

Note names are not compared one by one on every keystroke: `_Targets` keeps, per vault, every
target's key sorted (a prefix is a binary search) and the keys of each length joined in one
string (a word start or a subsequence is one scan in C per length, shortest first, stopping
once the first `MAX_ITEMS` are known), rebuilt only when notes or attachments come or go;
aliases likewise, rebuilt only when some note's aliases change. The items and their order are
exactly those of ranking every target: (prefix, word start, subsequence), then shorter key,
then key, then the vault's order.

What a keystroke costs (10,000 notes): one walk of the vault's notes to check the indices still
hold (~0.3 ms; `_Seen`), the search (~0.1–1 ms), and 50 items. The indices are built ahead of
the first `[[` (`prepare_when_idle`, after a note is opened or files change), and so is the
code pygls's converter writes for a completion answer on first use.
"""

from __future__ import annotations

import asyncio
import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import chain, compress, repeat
from operator import is_not
from typing import Callable, Container, Iterable, Iterator, Sequence

from lsprotocol import types
from pygls.protocol import JsonRPCResponseMessage

from vaultls.lsp.cursor import Cursor, cursor_at
from vaultls.lsp.features import frontmatter
from vaultls.lsp.features.tags import tag_completion
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import names
from vaultls.vault.index import Note, Vault, find_heading
from vaultls.vault.model import Link, Range

MAX_ITEMS = 50
PREPARE_DELAY = 0.1  # seconds after the index is ready (or a change) before `prepare_when_idle`
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

    notes = list(vault.notes.values())  # the one walk over the vault: both checks share it
    targets = _Targets.of(vault, notes)
    matched, best = (targets.paths if by_path else targets.names).rank(wanted, MAX_ITEMS)

    items: list[types.CompletionItem] = []
    for index, path in enumerate(best):
        label, kind, detail, link_text = targets.shown(vault, path)
        items.append(
            types.CompletionItem(
                label=label,
                kind=kind,
                detail=detail,
                filter_text=(path if by_path else label),
                sort_text=f"{index:04d}",
                text_edit=types.TextEdit(range=rng, new_text=link_text + close),
            )
        )
    room = MAX_ITEMS - len(items)
    alias_items = _alias_items(vault, wanted, rng, close, room, notes)
    items.extend(alias_items)
    incomplete = matched >= MAX_ITEMS or (room > 0 and len(alias_items) >= room)
    return types.CompletionList(is_incomplete=incomplete, items=items)


# Keys never contain NUL (no file name or YAML alias that reaches here can), so it separates
# them in the joined strings and no match can run from one key into the next.
_SEP = "\0"


class _Keys:
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
    reached them (~1 ms a pause, in the middle of some keystroke).
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
        words = self._search(_word_slots(wanted), len(wanted) + 1, low, high, (), need)
        if len(words) >= need:
            return len(prefixed) + len(words), self._paths(prefixed + words[:need])
        scattered: list[int] = []
        if len(wanted) >= 2:
            scattered = self._search(_subsequence_slots(wanted), len(wanted), low, high, set(words), need - len(words))
        found = prefixed + words + scattered
        return len(found), self._paths(found[:limit])

    def _search(
        self, slots_in: Callable[[str, int], Iterable[int]], shortest: int, low: int, high: int,
        taken: Container[int], need: int,
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


def _word_slots(wanted: str) -> Callable[[str, int], list[int]]:
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


def _subsequence_slots(wanted: str) -> Callable[[str, int], Iterator[int]]:
    """Keys holding the characters of `wanted` in order (see `_subsequence_across`)."""
    pattern = _subsequence_across(wanted)

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


def _subsequence_across(wanted: str) -> re.Pattern[str]:
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


class _Seen:
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


class _Targets:
    """Completion's view of one vault's note and attachment names (see the module docstring):
    checked against the vault on every request, rebuilt only when notes or attachments came
    or went."""

    def __init__(
        self, notes: list[Note], attachments: frozenset[str], labels: tuple[str, ...], memo: dict[str, str]
    ) -> None:
        self.seen = _Seen(notes)
        note_paths = tuple(note.path for note in notes)
        self.attachments = attachments
        self.ordered = (*note_paths, *sorted(attachments))  # every target, in the vault's order
        self.labels = labels  # the notes' names, then the sorted attachments' file names
        self.memo = memo  # names.key of names and paths, kept from one build to the next (str → str: untracked)
        self._names: _Keys | None = None
        self._paths: _Keys | None = None
        self._shown: dict[str, tuple[str, types.CompletionItemKind, str, str]] = {}

    @classmethod
    def of(cls, vault: Vault, notes: list[Note] | None = None) -> "_Targets":
        """The current view: the cached one while the vault has the same notes (see `_Seen`)
        and attachments, a new one when some came or went. `notes`:
        `list(vault.notes.values())`, when the caller has it already."""
        notes = list(vault.notes.values()) if notes is None else notes
        cached = vault.derived.get(TARGETS_KEY)
        if cached is None or cached.attachments != vault.attachments or not cached.seen.follow(notes, _same_path):
            labels = (
                *[note.name for note in notes],
                *[names.last_component(path) for path in sorted(vault.attachments)],
            )
            memo = cached.memo if cached is not None else {}
            if len(memo) > 4 * (len(labels) + 1000):
                memo = {}  # names that are gone: start again rather than grow forever
            cached = cls(notes, frozenset(vault.attachments), labels, memo)
            vault.derived[TARGETS_KEY] = cached
        return cached

    def shown(self, vault: Vault, path: str) -> tuple[str, types.CompletionItemKind, str, str]:
        """(label, kind, detail, shortest link) of a target's item, remembered: the shortest
        link compares the names of every note that shares the target's name, and depends on
        nothing but which notes and attachments there are, which is what this view is for."""
        found = self._shown.get(path)
        if found is None:
            is_note = vault.is_note(path)
            found = self._shown[path] = (
                _label(vault, path),
                types.CompletionItemKind.File if is_note else types.CompletionItemKind.Reference,
                path.rpartition("/")[0] or "(vault root)",
                vault.shortest_link(path),
            )
        return found

    def _keyed(self, texts: tuple[str, ...]) -> tuple[str, ...]:
        memo = self.memo
        memo.update((text, names.key(text)) for text in set(texts).difference(memo))
        return tuple(map(memo.__getitem__, texts))

    @property
    def names(self) -> _Keys:
        if self._names is None:
            self._names = _Keys(self._keyed(self.labels), self.ordered)  # `_label(vault, path)`
        return self._names

    @property
    def paths(self) -> _Keys:
        if self._paths is None:
            self._paths = _Keys(self._keyed(self.ordered), self.ordered)
        return self._paths


TARGETS_KEY = "completion.targets"  # in `Vault.derived`


class _Aliases:
    """Every alias of every note, keyed and sorted, in the vault's order; kept while no note's
    aliases change. Reads `Note.aliases`, never `Note.parsed`, so that no deferred note is
    decoded for completion. Built with maps and a sort in C, as `_Keys` is."""

    def __init__(self, notes: list[Note], memo: dict[str, str]) -> None:
        self.seen = _Seen(notes)
        self.memo = memo  # names.key of aliases, kept from one build to the next
        lists = [note.aliases for note in notes]
        self.aliases = tuple(chain.from_iterable(lists))  # in the vault's order
        self.owners = tuple(chain.from_iterable(map(repeat, [note.path for note in notes], map(len, lists))))
        memo.update((alias, names.key(alias)) for alias in set(self.aliases).difference(memo))
        keys = tuple(map(memo.__getitem__, self.aliases))
        self.by_key = tuple(sorted(range(len(keys)), key=keys.__getitem__))  # stable: ties in vault order
        self.keys = tuple(map(keys.__getitem__, self.by_key))

    @classmethod
    def of(cls, vault: Vault, notes: list[Note] | None = None) -> "_Aliases":
        """The current aliases: the cached ones while every note has the path and the aliases
        it had (see `_Seen`), new ones otherwise. `notes`: `list(vault.notes.values())`, when
        the caller has it already."""
        notes = list(vault.notes.values()) if notes is None else notes
        cached = vault.derived.get(ALIASES_KEY)
        if cached is not None and cached.seen.follow(notes, _same_aliases):
            return cached
        memo = cached.memo if cached is not None and len(cached.memo) < 4 * (len(cached.keys) + 1000) else {}
        made = cls(notes, memo)
        vault.derived[ALIASES_KEY] = made
        return made

    def first(self, wanted: str, room: int) -> list[tuple[str, str]]:
        """The first `room` (alias, path) whose key starts with `wanted`, in the vault's order."""
        keys = self.keys
        low = bisect_left(keys, wanted)
        high = bisect_left(keys, wanted + "\U0010ffff", low)
        while high < len(keys) and keys[high].startswith(wanted):  # a key holding U+10FFFF
            high += 1
        return [(self.aliases[i], self.owners[i]) for i in sorted(self.by_key[low:high])[:room]]


ALIASES_KEY = "completion.aliases"  # in `Vault.derived`


def prepare(vault: Vault) -> None:
    """Build (or check) completion's indices of `vault`, so that the first `[[` typed does not
    pay for them (~10 ms each at 10,000 notes: names, paths, aliases)."""
    for step in _prepare_steps(vault):
        step()


def _prepare_steps(vault: Vault) -> list[Callable[[], object]]:
    def names_and_first_items() -> None:
        targets = _Targets.of(vault)
        targets.names.groups()
        for path in targets.names.rank("", MAX_ITEMS)[1]:  # what `[[` alone shows
            targets.shown(vault, path)

    return [names_and_first_items, lambda: _Targets.of(vault).paths.groups(), lambda: _Aliases.of(vault)]


async def prepare_when_idle(ls: VaultLanguageServer, vault: Vault) -> None:
    """`prepare(vault)` once the index is ready and `PREPARE_DELAY` has passed (the first
    diagnostics go out before), one index at a time with the loop free in between, so a
    message that arrives meanwhile waits for one step at most. A vault replaced since (its
    excludes changed) is left alone. Scheduled when a note is opened and when files change
    on disk (`features/sync.py`): the moments after which a `[[` is likely and the indices may
    be missing or out of date. A request that comes first builds what it needs itself."""
    await ls.ready.wait()
    await asyncio.sleep(PREPARE_DELAY)
    for step in [*_prepare_steps(vault), lambda: _prepare_answer(ls)]:
        if ls.vaults.get(vault.root) is not vault:
            return
        step()
        await asyncio.sleep(0)


def _prepare_answer(ls: VaultLanguageServer) -> None:
    """Have pygls read a keystroke and a completion request and write an answer, as it does
    for real ones: cattrs writes the code that converts each message type on first use (~5 ms
    at the first `[[` of a session otherwise). Done again it is ~0.1 ms."""
    protocol = ls.protocol
    request = {
        "jsonrpc": "2.0",
        "id": 0,
        "method": types.TEXT_DOCUMENT_COMPLETION,
        "params": {
            "textDocument": {"uri": "file:///"},
            "position": {"line": 0, "character": 0},
            "context": {"triggerKind": 1},
        },
    }
    position = types.Position(line=0, character=0)
    item = types.CompletionItem(
        label="a",
        kind=types.CompletionItemKind.File,
        detail="a",
        filter_text="a",
        sort_text="0000",
        text_edit=types.TextEdit(range=types.Range(start=position, end=position), new_text="a"),
    )
    # pygls answers a request with its generic response message (`result` typed Any), turned
    # into JSON with its converter as the fallback (`JsonRPCProtocol._send_data`).
    answer = JsonRPCResponseMessage(id=0, jsonrpc="2.0", result=types.CompletionList(is_incomplete=True, items=[item]))
    # Twice: cattrs empties its cache of hooks whenever it makes one for a nested list, which
    # drops the hooks made just before it (the message's own) and the second round makes them
    # again for good.
    start = {"line": 0, "character": 0}
    keystroke = {  # the first `didChange` of a session pays likewise: both kinds of change
        "jsonrpc": "2.0",
        "method": types.TEXT_DOCUMENT_DID_CHANGE,
        "params": {
            "textDocument": {"uri": "file:///", "version": 1},
            "contentChanges": [{"range": {"start": start, "end": start}, "text": "["}, {"text": ""}],
        },
    }
    for _ in range(2):
        protocol.structure_message(keystroke)
        protocol.structure_message(request)
        json.dumps(answer, default=protocol._serialize_message)


def _label(vault: Vault, path: str) -> str:
    note = vault.notes.get(path)
    return note.name if note is not None else names.last_component(path)


def _alias_items(
    vault: Vault, wanted: str, rng: types.Range, close: str, room: int, notes: list[Note] | None = None
) -> list[types.CompletionItem]:
    if room <= 0:
        return []
    items: list[types.CompletionItem] = []
    for alias, path in _Aliases.of(vault, notes).first(wanted, room):
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
