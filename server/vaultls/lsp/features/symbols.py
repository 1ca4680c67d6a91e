"""Document symbols (the heading outline, nested) and workspace symbols (notes, headings,
aliases and tags, fuzzy-matched, best first, capped)."""

from __future__ import annotations

from types import MappingProxyType

from lsprotocol import types

from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.index import Vault
from vaultls.vault.model import Position, Range
from vaultls.vault.symbols import Section, Symbol, outline

MAX_WORKSPACE_SYMBOLS = 100

_KINDS = MappingProxyType(
    {
        "note": types.SymbolKind.File,
        "heading": types.SymbolKind.String,  # what VS Code's own Markdown support uses for headings
        "alias": types.SymbolKind.Constant,
        "tag": types.SymbolKind.Key,
    }
)


async def document_symbol(
    ls: VaultLanguageServer, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol] | list[types.SymbolInformation] | None:
    await ls.ready.wait()
    ref = ls.locate(params.text_document.uri)
    if ref is None or ref.note is None:
        return None
    lines = ls.lines_of(ref.vault, ref.path)
    tree = outline(ref.note.parsed)

    def section_range(section: Section) -> types.Range:
        end = min(section.end_line, len(lines) - 1)
        rng = Range(Position(section.heading.line, 0), Position(end, len(lines[end])))
        return ls.codec.range_to_client(lines, rng)

    def convert(section: Section) -> types.DocumentSymbol:
        heading = section.heading
        return types.DocumentSymbol(
            name=heading.text or "#" * heading.level,
            detail="#" * heading.level,
            kind=types.SymbolKind.String,
            range=section_range(section),
            selection_range=ls.codec.range_to_client(lines, heading.range),
            children=[convert(child) for child in section.children],
        )

    if ls.client_supports("text_document.document_symbol.hierarchical_document_symbol_support", False):
        return [convert(section) for section in tree]
    flat: list[types.SymbolInformation] = []

    def walk(section: Section, container: str | None) -> None:
        flat.append(
            types.SymbolInformation(
                name=section.heading.text or "#" * section.heading.level,
                kind=types.SymbolKind.String,
                location=types.Location(uri=params.text_document.uri, range=section_range(section)),
                container_name=container,
            )
        )
        for child in section.children:
            walk(child, section.heading.text)

    for section in tree:
        walk(section, None)
    return flat


async def workspace_symbol(
    ls: VaultLanguageServer, params: types.WorkspaceSymbolParams
) -> list[types.SymbolInformation]:
    await ls.indexed.wait()
    found: list[types.SymbolInformation] = []
    for vault in list(ls.vaults.values()):
        index = ls.caches_for(vault).symbols
        room = MAX_WORKSPACE_SYMBOLS - len(found)
        if room <= 0:
            break
        found += [_information(ls, vault, symbol) for symbol in index.search(vault, params.query, room)]
    return found


def _information(ls: VaultLanguageServer, vault: Vault, symbol: Symbol) -> types.SymbolInformation:
    # Whole-line positions (column 0) need no position-encoding conversion, so no file is read.
    at = types.Position(line=symbol.line, character=0)
    return types.SymbolInformation(
        name=symbol.name,
        kind=_KINDS[symbol.kind],
        location=types.Location(uri=ls.uri_of(vault, symbol.path), range=types.Range(start=at, end=at)),
        container_name=symbol.detail or None,
    )


FEATURES = (
    (types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, None, document_symbol),
    (types.WORKSPACE_SYMBOL, None, workspace_symbol),
)
