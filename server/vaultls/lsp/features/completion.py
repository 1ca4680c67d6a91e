"""Completion inside `[[...`: note names, aliases, headings and block ids.

Each item carries a text edit that replaces exactly what was typed after `[[` (or after `#`)
and appends `]]` only when the link is not closed yet, so accepting an item in the middle of
`[[Tro|]]` never produces `[[Trotsky]]]]`. Link results are capped and always marked incomplete:
the client asks again as the user types, which keeps a 10,000-note vault instant and the
server's ranking in charge.

Note names, files and aliases are found and ranked by the vault's `Suggester`
(`vault/suggest.py`: how they rank, and what a keystroke costs), which the server keeps per
vault and prepares ahead of the first `[[` (`completion_warmup.py`). This module turns what
it finds into items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types

from vaultls.lsp.cursor import Cursor, cursor_at
from vaultls.lsp.features import frontmatter
from vaultls.lsp.features.block_refs import paragraph_items
from vaultls.lsp.features.callout_items import callout_completion
from vaultls.lsp.features.daily_links import daily_items
from vaultls.lsp.features.footnote_items import footnote_completion
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
    if ctx is None and "[^" in cursor.line_text:
        on_footnote = footnote_completion(ls, cursor)  # `[^`: the note's footnotes (features/footnote_items.py)
        if on_footnote is not None:
            return on_footnote
    if ctx is None and "[!" in cursor.line_text:
        on_callout = callout_completion(ls, cursor)  # `> [!`: callout types (features/callout_items.py)
        if on_callout is not None:
            return on_callout
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
    """Notes, files and aliases as the vault's suggester ranks them (`vault/suggest.py`), in
    that order for every client: `sortText` is the rank, and `filterText` starts with exactly
    what was typed, so that no client's own filter drops a match the server made (Neovim keeps
    only items whose filterText starts with the typed text; VS Code scores each item's
    filterText and would reorder them). The list is always incomplete: the client asks again
    on the next keystroke instead of filtering this answer itself."""
    vault = cursor.ref.vault
    by_path = "/" in ctx.typed
    rng = _edit_range(ls, cursor, ctx.start, ctx)
    close = "" if ctx.closed else "]]"
    caches = ls.caches_for(vault)
    notes = list(vault.notes.values())  # the one walk over the vault: both indices share it
    targets = caches.names.targets(notes)
    items: list[types.CompletionItem] = []
    for place, found in enumerate(caches.suggest.suggest(ctx.typed, MAX_ITEMS, notes)):
        shown = targets.shown(vault, found.path)
        if found.alias is None:
            label, link, detail = shown.label, shown.link, shown.detail
            kind = types.CompletionItemKind.File if shown.is_note else types.CompletionItemKind.Reference
        else:  # as Obsidian inserts an alias: the note, with the alias as display text
            label, link, detail = found.alias, f"{shown.link}|{found.alias}", f"alias of {shown.label}"
            kind = types.CompletionItemKind.Reference
        items.append(
            types.CompletionItem(
                label=label,
                kind=kind,
                detail=detail,
                filter_text=filter_text(ctx.typed, found.path if by_path and found.alias is None else label),
                sort_text=f"{place:04d}",
                text_edit=types.TextEdit(range=rng, new_text=link + close),
            )
        )
    items += daily_items(ls, cursor, ctx.typed, rng, close, len(items))  # `[[tom` → tomorrow's daily note
    return types.CompletionList(is_incomplete=True, items=items)


def filter_text(typed: str, text: str) -> str:
    """`text` (a label or path) as a client should filter it: starting with `typed` exactly as
    typed: the label in the user's case when it starts with what was typed, else what was
    typed, a space and the label."""
    if not typed:
        return text
    if names.key(text[: len(typed)]) == names.key(typed):
        return typed + text[len(typed) :]
    return f"{typed} {text}"


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
        items += paragraph_items(ls, cursor, note, sub[1:], rng, close, len(items))  # features/block_refs.py
        return types.CompletionList(is_incomplete=True, items=items)
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
        types.CompletionOptions(trigger_characters=["[", "#", "^", "/", ":", "-", "!"], resolve_provider=False),
        completion,
    ),
)
