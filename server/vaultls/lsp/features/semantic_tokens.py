"""Semantic tokens (`textDocument/semanticTokens/full`, `/full/delta`, `/range`): links (with
`unresolved` and `ambiguous` modifiers), embeds, tags, block ids, callout types, footnotes and
frontmatter keys, as `vault.tokens` finds them, encoded in the client's position units.

A dangling link's colour depends on other notes: when a change elsewhere may have resolved or
broken links of open notes, the server asks the client to request tokens again
(`token_refresh.TokenRefresh`: `workspace/semanticTokens/refresh`), and the delta keeps that
cheap."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from lsprotocol import types

from vaultls.lsp.positions import PositionCodec
from vaultls.lsp.server import VaultLanguageServer
from vaultls.lsp.token_results import TokenResults, edit_between
from vaultls.vault.model import Position
from vaultls.vault.tokens import TOKEN_MODIFIERS, TOKEN_TYPES, Token, note_tokens

LEGEND = types.SemanticTokensLegend(token_types=list(TOKEN_TYPES), token_modifiers=list(TOKEN_MODIFIERS))
_TYPE_INDEX = MappingProxyType({name: i for i, name in enumerate(TOKEN_TYPES)})
_MODIFIER_BIT = MappingProxyType({name: 1 << i for i, name in enumerate(TOKEN_MODIFIERS)})


def encode(tokens: list[Token], lines: list[str], codec: PositionCodec) -> list[int]:
    """LSP's relative encoding of tokens in order of place: (line delta, start delta, length,
    type, modifier bits) each, in the client's code units."""
    data: list[int] = []
    last_line = last_start = 0
    for token in tokens:
        if token.line >= len(lines) or token.end > len(lines[token.line]):
            continue  # a model out of step with the text: drawn at the next request, never misplaced
        start = codec.to_client(lines, Position(token.line, token.start)).character
        end = codec.to_client(lines, Position(token.line, token.end)).character
        delta_line = token.line - last_line
        bits = 0
        for name in token.modifiers:
            bits |= _MODIFIER_BIT[name]
        data += (
            delta_line,
            start - last_start if delta_line == 0 else start,
            end - start,
            _TYPE_INDEX[token.type],
            bits,
        )
        last_line, last_start = token.line, start
    return data


@dataclass
class _Answer:
    tokens: list[Token]
    lines: list[str]
    results: TokenResults  # what was last sent for each document of the note's vault


async def _tokens(ls: VaultLanguageServer, uri: str) -> _Answer | None:
    await ls.ready.wait()
    ref = ls.locate(uri)
    if ref is None or ref.note is None:
        return None
    lines = ls.lines_of(ref.vault, ref.path)
    return _Answer(note_tokens(ref.vault, ref.path, ref.note.parsed, lines), lines, ls.caches_for(ref.vault).tokens)


async def full(ls: VaultLanguageServer, params: types.SemanticTokensParams) -> types.SemanticTokens | None:
    uri = params.text_document.uri
    found = await _tokens(ls, uri)
    if found is None:
        return None
    data = encode(found.tokens, found.lines, ls.codec)
    return types.SemanticTokens(data=data, result_id=found.results.remember(uri, data))


async def delta(
    ls: VaultLanguageServer, params: types.SemanticTokensDeltaParams
) -> types.SemanticTokens | types.SemanticTokensDelta | None:
    """Only what changed since the result the client holds; everything when that result is
    no longer remembered."""
    uri = params.text_document.uri
    found = await _tokens(ls, uri)
    if found is None:
        return None
    data = encode(found.tokens, found.lines, ls.codec)
    old = found.results.previous(uri, params.previous_result_id)
    result_id = found.results.remember(uri, data)
    if old is None:
        return types.SemanticTokens(data=data, result_id=result_id)
    edit = edit_between(old, data)
    edits = [] if edit is None else [types.SemanticTokensEdit(start=edit[0], delete_count=edit[1], data=edit[2])]
    return types.SemanticTokensDelta(edits=edits, result_id=result_id)


async def in_range(ls: VaultLanguageServer, params: types.SemanticTokensRangeParams) -> types.SemanticTokens | None:
    found = await _tokens(ls, params.text_document.uri)
    if found is None:
        return None
    tokens, lines = found.tokens, found.lines
    codec = ls.codec
    start = codec.from_client(lines, params.range.start)
    end = codec.from_client(lines, params.range.end)
    inside = [
        t
        for t in tokens
        if (t.line, t.end) > (start.line, start.character) and (t.line, t.start) < (end.line, end.character)
    ]
    return types.SemanticTokens(data=encode(inside, lines, codec))


FEATURES = (
    (types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND, full),
    (types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA, LEGEND, delta),
    (types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, LEGEND, in_range),
)
