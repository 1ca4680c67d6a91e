"""Selection ranges (`textDocument/selectionRange`): "expand selection" from a link's target or
shown text to the link, the line, the paragraph or list item, each section it is under and the
whole note (`vault.selection`)."""

from __future__ import annotations

from lsprotocol import types

from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.selection import selection_chain


async def selection_range(
    ls: VaultLanguageServer, params: types.SelectionRangeParams
) -> list[types.SelectionRange] | None:
    await ls.ready.wait()
    ref = ls.locate(params.text_document.uri)
    if ref is None or ref.note is None:
        return None
    lines = ls.lines_of(ref.vault, ref.path)
    parsed, codec = ref.note.parsed, ls.codec
    answer: list[types.SelectionRange] = []
    for position in params.positions:
        outer: types.SelectionRange | None = None
        for rng in reversed(selection_chain(parsed, lines, codec.from_client(lines, position))):
            outer = types.SelectionRange(range=codec.range_to_client(lines, rng), parent=outer)
        if outer is not None:  # always: the chain holds at least the line
            answer.append(outer)
    return answer


FEATURES = ((types.TEXT_DOCUMENT_SELECTION_RANGE, None, selection_range),)
