"""Folding ranges: heading sections, the frontmatter, callouts (`> [!note]` blocks and
Admonition ```` ```ad-* ```` fences), code fences and multi-line comments. Whole lines, as
every client can fold them (`lineFoldingOnly`)."""

from __future__ import annotations

from types import MappingProxyType

from lsprotocol import types

from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.symbols import folding_ranges

_KINDS = MappingProxyType(
    {
        "region": types.FoldingRangeKind.Region,
        "frontmatter": types.FoldingRangeKind.Region,
        "comment": types.FoldingRangeKind.Comment,
    }
)


async def folding_range(ls: VaultLanguageServer, params: types.FoldingRangeParams) -> list[types.FoldingRange] | None:
    await ls.ready.wait()
    ref = ls.locate(params.text_document.uri)
    if ref is None or ref.note is None:
        return None
    lines = ls.lines_of(ref.vault, ref.path)
    folds = [
        types.FoldingRange(start_line=f.start, end_line=f.end, kind=_KINDS[f.kind])
        for f in folding_ranges(ref.note.parsed, lines)
    ]
    limit = ls.client_supports("text_document.folding_range.range_limit", None)
    return folds[:limit] if isinstance(limit, int) and limit > 0 else folds


FEATURES = ((types.TEXT_DOCUMENT_FOLDING_RANGE, None, folding_range),)
