"""Go to definition on a wikilink, embed or Markdown link."""

from __future__ import annotations

from lsprotocol import types

from vaultls.lsp.cursor import link_at
from vaultls.lsp.server import VaultLanguageServer


async def definition(ls: VaultLanguageServer, params: types.DefinitionParams) -> list[types.Location] | None:
    found = await link_at(ls, params.text_document.uri, params.position)
    if found is None or found.resolution.dangling:
        return None
    vault, res = found.cursor.ref.vault, found.resolution
    line = 0
    if res.heading is not None:
        line = res.heading.line
    elif res.block is not None:
        line = res.block.start_line
    here = types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=0))
    top = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    # Every candidate of an ambiguous link, best first; the heading/block applies to the first.
    return [
        types.Location(uri=ls.uri_of(vault, path), range=here if i == 0 else top) for i, path in enumerate(res.targets)
    ]


FEATURES = ((types.TEXT_DOCUMENT_DEFINITION, None, definition),)
