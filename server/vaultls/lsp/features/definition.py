"""Go to definition on a wikilink, embed or Markdown link: the place the link resolves to,
at its heading or block. An ambiguous link jumps to the note it resolves to (`Vault.resolve`,
as Obsidian opens it), not to a list of every note of that name: the ambiguity stays a hint
diagnostic whose quick fixes name the other candidates (features/code_actions.py)."""

from __future__ import annotations

from lsprotocol import types

from vaultls.lsp.cursor import cursor_at, link_at
from vaultls.lsp.features.footnote_items import footnote_definition
from vaultls.lsp.server import VaultLanguageServer


async def definition(ls: VaultLanguageServer, params: types.DefinitionParams) -> list[types.Location] | None:
    found = await link_at(ls, params.text_document.uri, params.position)
    cursor = cursor_at(ls, params.text_document.uri, params.position) if found is None else None
    if cursor is not None:  # `[^id]`: its definition in the note (features/footnote_items.py)
        return footnote_definition(ls, cursor)
    target = found.resolution.target if found is not None else None
    if found is None or target is None:
        return None
    vault, res = found.cursor.ref.vault, found.resolution
    line = 0
    if res.heading is not None:
        line = res.heading.line
    elif res.block is not None:
        line = res.block.start_line
    here = types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=0))
    return [types.Location(uri=ls.uri_of(vault, target), range=here)]


FEATURES = ((types.TEXT_DOCUMENT_DEFINITION, None, definition),)
