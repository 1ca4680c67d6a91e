"""Completion inside `[[...`: note names, aliases, headings and block ids.

Each item carries a text edit that replaces exactly what was typed after `[[` (or after `#`)
and appends `]]` only when the link is not closed yet, so accepting an item in the middle of
`[[Tro|]]` never produces `[[Trotsky]]]]`. Results are capped and marked incomplete: the client
asks again as the user types, which keeps a 10,000-note vault instant.

Note names and aliases are searched in the vault's `NameIndex` (`vault/name_index.py`: what
ranks them, and what a keystroke costs), which the server keeps per vault and builds ahead of
the first `[[` (`completion_warmup.py`). This module turns what it finds into items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types

from vaultls.lsp.cursor import Cursor, cursor_at
from vaultls.lsp.features import frontmatter
from vaultls.lsp.features.tags import tag_completion
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import names
from vaultls.vault.index import Note, Vault, find_heading
from vaultls.vault.model import Link, Range
from vaultls.vault.name_index import NameIndex

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

    index = ls.caches_for(vault).names
    notes = list(vault.notes.values())  # the one walk over the vault: both checks share it
    targets = index.targets(notes)
    matched, best = (targets.paths if by_path else targets.names).rank(wanted, MAX_ITEMS)

    items: list[types.CompletionItem] = []
    for place, path in enumerate(best):
        shown = targets.shown(vault, path)
        items.append(
            types.CompletionItem(
                label=shown.label,
                kind=types.CompletionItemKind.File if shown.is_note else types.CompletionItemKind.Reference,
                detail=shown.detail,
                filter_text=(path if by_path else shown.label),
                sort_text=f"{place:04d}",
                text_edit=types.TextEdit(range=rng, new_text=shown.link + close),
            )
        )
    room = MAX_ITEMS - len(items)
    alias_items = _alias_items(index, wanted, rng, close, room, notes)
    items.extend(alias_items)
    incomplete = matched >= MAX_ITEMS or (room > 0 and len(alias_items) >= room)
    return types.CompletionList(is_incomplete=incomplete, items=items)


def _alias_items(
    index: NameIndex, wanted: str, rng: types.Range, close: str, room: int, notes: list[Note] | None = None
) -> list[types.CompletionItem]:
    if room <= 0:
        return []
    vault = index.vault
    items: list[types.CompletionItem] = []
    for alias, path in index.aliases(notes).first(wanted, room):
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


FEATURES = (
    (
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["[", "#", "^", "/", ":", "-"], resolve_provider=False),
        completion,
    ),
)
