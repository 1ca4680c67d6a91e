"""Backlinks in hover: on a note's title heading (`backlinks.note_title`: its first level-1
heading, else the heading that says its name), "Linked from" lists the first linking notes
(`backlinks.HOVER_LINKERS`, then "and N more"), each with the line of its first link to the note.

The lines come from other notes, which may come from a stranger: they are shown as plain text
(`preview.inline_text`, every Markdown character escaped), so no image, HTML or `command:` link
in them does anything; a note is linked only when it really lies inside the vault. The hover
handler (`hover.py`) asks here first when the cursor is on no link."""

from __future__ import annotations

from lsprotocol import types

from vaultls.lsp.cursor import Cursor, cursor_at
from vaultls.lsp.roots import contained
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.backlinks import HOVER_LINKERS, Edge, Mention, incoming, linked_from, note_title
from vaultls.vault.index import Vault
from vaultls.vault.page_preview import markdown_uri
from vaultls.vault.plural import counted
from vaultls.vault.preview import code_span, inline_text


def _on_title(cursor: Cursor) -> bool:
    title = note_title(cursor.note.parsed, cursor.note.name)
    return title is not None and title.line == cursor.pos.line


async def backlinks_hover(ls: VaultLanguageServer, params: types.HoverParams) -> types.Hover | None:
    """The hover of a title heading, or None anywhere else."""
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    if cursor is None or not _on_title(cursor):
        return None
    if not ls.indexed.is_set():
        await ls.indexed.wait()  # backlinks are known once every note's links are
        cursor = cursor_at(ls, params.text_document.uri, params.position)
        if cursor is None or not _on_title(cursor):
            return None
    vault, path = cursor.ref.vault, cursor.ref.path
    title = note_title(cursor.note.parsed, cursor.note.name)
    assert title is not None  # `_on_title`
    edges = incoming(vault, path)
    mentions = linked_from(edges, lambda p: ls.lines_of(vault, p))
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=_text(ls, vault, edges, mentions)),
        range=ls.codec.range_to_client(cursor.lines, title.range),
    )


def _text(ls: VaultLanguageServer, vault: Vault, edges: list[Edge], mentions: list[Mention]) -> str:
    if not edges:
        return "**Linked from** no note yet."
    links = sum(len(edge.ranges) for edge in edges)
    rows = [f"**Linked from** {counted(len(edges), 'note')} ({counted(links, 'link')}):", ""]
    for mention in mentions:
        name = inline_text(vault.notes[mention.source].name if mention.source in vault.notes else mention.source)
        shown = f"**{name}**"
        if contained(vault, mention.source):
            shown = f"[{shown}]({markdown_uri(ls.uri_of(vault, mention.source))})"
        excerpt = f"{inline_text(mention.before)}**{inline_text(mention.link)}**{inline_text(mention.after)}"
        rows.append(f"- {shown} · {code_span(mention.source)}, line {mention.line + 1}: {excerpt}")
    if len(edges) > HOVER_LINKERS:
        rows.append(f"- *and {len(edges) - HOVER_LINKERS} more*")
    return "\n".join(rows)
