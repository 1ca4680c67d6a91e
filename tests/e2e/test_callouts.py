"""Callouts through the real server (issue 21): completion after `> [!` offers Obsidian's types,
their aliases and the fold markers, and replaces exactly what was typed; a hover on a callout's
type says what it is. Positions hardly depend on the client here: one profile, but for the
line with a character beyond U+FFFF."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import write_vault
from tests.e2e.conftest import BOTH_PROFILES, ONE_PROFILE, open_note, utf8

pytestmark = [ONE_PROFILE]


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "notes", {".obsidian/app.json": "{}", "Home.md": "# Home\n"})


def wide(client: LanguageClient) -> int:
    """The width of "🎉" in the client's units."""
    return 4 if utf8(client) else 2


async def test_completion_after_a_callout_opening_offers_the_types_aliases_and_fold_markers(client: LanguageClient):
    note = await open_note(client, "Home.md", "# Home\n\n> [!ti\n")
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(2, 6))
    )
    assert isinstance(result, types.CompletionList)
    labels = [item.label for item in result.items]
    assert {"tip", "hint", "important", "faq", "cite", "tip-", "tip+"} <= set(labels)
    folded = next(item for item in result.items if item.label == "tip-")
    assert isinstance(folded.text_edit, types.TextEdit)
    assert folded.text_edit.new_text == "tip]-"
    assert folded.text_edit.range == types.Range(start=types.Position(2, 4), end=types.Position(2, 6))
    hint = next(item for item in result.items if item.label == "hint")
    assert hint.detail == "alias of tip"


async def test_hover_on_a_callout_type_says_what_it_is(client: LanguageClient):
    note = await open_note(client, "Home.md", "# Home\n\n> [!faq]- 🎉 Are callouts foldable?\n> Yes.\n")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(2, 5))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "`question`" in hover.contents.value and "folded" in hover.contents.value
    assert hover.range == types.Range(start=types.Position(2, 2), end=types.Position(2, 9))


@BOTH_PROFILES
async def test_no_callout_completion_outside_a_block_quote(client: LanguageClient):
    note = await open_note(client, "Home.md", "# Home\n\n🎉 [!ti\n")
    at = 6 - 1 + wide(client)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(2, at))
    )
    labels = [item.label for item in (result.items if isinstance(result, types.CompletionList) else result or [])]
    assert "tip" not in labels
