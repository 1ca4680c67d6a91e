"""Typing over the wire: keystrokes arrive as a burst of `didChange` notifications, and a
request sent right behind them is answered from the text they produced (one server per client
profile for the module)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import ONE_PROFILE, SHARED_SERVER, codes, copy_of, diagnostics_for, open_note

pytestmark = [*SHARED_SERVER, ONE_PROFILE]


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_of("basic", tmp_path_factory.mktemp("typing"))


def type_text(client: LanguageClient, note: str, line: int, column: int, text: str, version: int) -> int:
    """One didChange per character of `text` (no line breaks), written back to back."""
    for ch in text:
        version += 1
        here = types.Position(line=line, character=column)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=note, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=types.Range(start=here, end=here), text=ch)
                ],
            )
        )
        column += 1
    return version


async def test_definition_right_after_typing_a_link_follows_it(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "# Scratch\n\nsee \n")
    await diagnostics_for(client, note)
    type_text(client, note, 2, 4, "[[Kropotkin#Life]]", 1)
    found = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(line=2, character=8)
        )
    )
    assert found and found[0].uri.endswith("People/Kropotkin.md")


async def test_completion_right_after_a_burst_completes_what_was_typed(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "# Scratch\n\n")
    await diagnostics_for(client, note)
    typed = "A long sentence typed quickly, then [[Kropo"
    type_text(client, note, 2, 0, typed, 1)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=note),
            position=types.Position(line=2, character=len(typed)),
        )
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    assert "Kropotkin" in [item.label for item in items]


async def test_the_diagnostics_after_a_burst_are_those_of_the_final_text(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "# Scratch\n\n")
    await diagnostics_for(client, note, lambda d: d == [])
    type_text(client, note, 2, 0, "[[Nowhere]] and [[Anarchism]]", 1)
    diags = await diagnostics_for(client, note, lambda d: codes(d) == ["dangling-link"])
    assert "Nowhere" in diags[0].message
