"""Document highlight (`textDocument/documentHighlight`): on a link, every link in the note
that leads to the same place — the same note, or the same heading or block when the link names
one; the same missing name when it dangles — and that heading or block id when it is in this
note; on a heading, the links in the note to it. Links are `Read` highlights, the heading or
block id they name a `Write` one (as VS Code's Markdown support marks a definition)."""

from __future__ import annotations

from lsprotocol import types

from vaultls.lsp.cursor import cursor_at
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.backlinks import highlights


async def document_highlight(
    ls: VaultLanguageServer, params: types.DocumentHighlightParams
) -> list[types.DocumentHighlight] | None:
    await ls.ready.wait()
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    if cursor is None:
        return None
    found = highlights(cursor.ref.vault, cursor.ref.path, cursor.note, cursor.pos)
    return [
        types.DocumentHighlight(
            range=ls.codec.range_to_client(cursor.lines, h.range),
            kind=types.DocumentHighlightKind.Write if h.declaration else types.DocumentHighlightKind.Read,
        )
        for h in found
    ]


FEATURES = ((types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT, None, document_highlight),)
