"""Completion inside `[[...`: note names, aliases, headings and block ids.

Each item carries a text edit that replaces exactly what was typed after `[[` (or after `#`)
and appends `]]` only when the link is not closed yet, so accepting an item in the middle of
`[[Tro|]]` never produces `[[Trotsky]]]]`. Results are capped and marked incomplete: the client
asks again as the user types, which keeps a 10,000-note vault instant.
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
from vaultls.vault.index import Vault, find_heading
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

    ranked: list[tuple[int, str, str]] = []  # (rank, sort key, path)
    subsequence = _subsequence(wanted)
    for path in _all_targets(vault):
        key = names.key(path if by_path else _label(vault, path))
        if key.startswith(wanted):
            ranked.append((0, key, path))
        elif wanted and (f" {wanted}" in key or f"/{wanted}" in key):
            ranked.append((1, key, path))
        elif subsequence is not None and subsequence.search(key):
            ranked.append((2, key, path))
    ranked.sort(key=lambda r: (r[0], len(r[1]), r[1]))

    items: list[types.CompletionItem] = []
    for index, (_, _, path) in enumerate(ranked[:MAX_ITEMS]):
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
    incomplete = len(ranked) >= MAX_ITEMS or (room > 0 and len(alias_items) >= room)
    return types.CompletionList(is_incomplete=incomplete, items=items)


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
    for path, note in vault.notes.items():
        for alias in note.parsed.aliases:
            if not names.key(alias).startswith(wanted):
                continue
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
            if len(items) >= room:
                return items
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
