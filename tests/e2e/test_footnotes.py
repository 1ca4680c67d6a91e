"""Footnotes through the real server (issue 21): `undefined-footnote` and `unused-footnote`
appear and clear as the note changes; completion after `[^`, go to definition, references, hover
with the footnote's text and rename of an id. Positions are checked under both client profiles:
the notes hold characters that count differently in UTF-8, UTF-16 and code points."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import write_vault
from tests.e2e.conftest import BOTH_PROFILES, codes, diagnostics_for, open_note, utf8

pytestmark = [BOTH_PROFILES]

# "Éé 🎉" is 4 code points, 5 UTF-16 units and 9 UTF-8 bytes before the reference.
PAPER = (
    "# Paper\n\nÉé 🎉[^src] and [^Other].\n\n"
    "[^src]: The State and Revolution, 1917.\n  Chapter one.\n[^other]: Another.\n"
)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "notes", {".obsidian/app.json": "{}", "Paper.md": PAPER})


def col(client: LanguageClient, code_points: int, wide_units: tuple[int, int]) -> int:
    """A column on line 2 of PAPER: `code_points` code points in, of which the first four are
    "Éé 🎉", worth `wide_units` (UTF-16, UTF-8) units."""
    utf16, utf8_bytes = wide_units
    return code_points - 4 + (utf8_bytes if utf8(client) else utf16)


def ref_col(client: LanguageClient) -> int:
    return col(client, 4, (5, 9))  # the `[` of `[^src]`


def change(client: LanguageClient, note: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=note, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def test_footnote_diagnostics_appear_and_clear(client: LanguageClient):
    note = await open_note(client, "Paper.md")
    assert await diagnostics_for(client, note, lambda d: d == []) == []
    change(client, note, 2, PAPER.replace("[^src]:", "[^gone]:"))
    found = await diagnostics_for(client, note, lambda d: len(d) == 2)
    assert codes(found) == ["undefined-footnote", "unused-footnote"]
    undefined = next(d for d in found if d.code == "undefined-footnote")
    assert undefined.severity == types.DiagnosticSeverity.Warning
    assert undefined.range.start == types.Position(2, ref_col(client))
    unused = next(d for d in found if d.code == "unused-footnote")
    assert unused.severity == types.DiagnosticSeverity.Hint
    change(client, note, 3, PAPER)
    assert await diagnostics_for(client, note, lambda d: d == []) == []


async def test_completion_after_a_caret_offers_the_defined_footnotes_and_a_new_number(client: LanguageClient):
    text = PAPER.replace("and [^Other]", "and [^")
    note = await open_note(client, "Paper.md", text)
    at = col(client, 17, (5, 9))  # right after the second `[^`
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(2, at))
    )
    assert isinstance(result, types.CompletionList)
    assert [item.label for item in result.items] == ["[^src]", "[^other]", "[^1]"]
    first = result.items[0]
    assert first.detail == "The State and Revolution, 1917."
    assert isinstance(first.text_edit, types.TextEdit)
    assert first.text_edit.new_text == "src]"
    assert first.text_edit.range == types.Range(start=types.Position(2, at), end=types.Position(2, at))


async def test_go_to_definition_on_a_reference_goes_to_its_definition(client: LanguageClient):
    note = await open_note(client, "Paper.md")
    result = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(2, ref_col(client) + 2)
        )
    )
    assert isinstance(result, list)
    assert [(loc.uri, loc.range.start) for loc in result] == [(note, types.Position(4, 0))]


async def test_references_of_a_definition_are_its_references_whatever_their_case(client: LanguageClient):
    note = await open_note(client, "Paper.md")
    result = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=note),
            position=types.Position(6, 3),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert result is not None
    assert [loc.range.start for loc in result] == [types.Position(2, col(client, 15, (5, 9)))]


async def test_hover_on_a_reference_shows_the_footnote_text(client: LanguageClient):
    note = await open_note(client, "Paper.md")
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(2, ref_col(client) + 3)
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "The State and Revolution, 1917.\nChapter one." in hover.contents.value
    assert hover.range == types.Range(
        start=types.Position(2, ref_col(client)), end=types.Position(2, ref_col(client) + 6)
    )


async def test_rename_of_a_footnote_edits_its_references_and_definition(client: LanguageClient):
    note = await open_note(client, "Paper.md")
    here = types.Position(2, ref_col(client) + 3)
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=types.TextDocumentIdentifier(uri=note), position=here)
    )
    assert isinstance(prepared, types.PrepareRenamePlaceholder)
    assert prepared.placeholder == "src"
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=types.TextDocumentIdentifier(uri=note), position=here, new_name="lenin")
    )
    assert edit is not None
    edits = [e for change in (edit.document_changes or []) for e in change.edits] or (edit.changes or {})[note]
    assert sorted((e.range.start.line, e.range.start.character, e.new_text) for e in edits) == [
        (2, ref_col(client) + 2, "lenin"),
        (4, 2, "lenin"),
    ]


async def test_rename_to_an_id_the_note_has_is_refused(client: LanguageClient):
    note = await open_note(client, "Paper.md")
    with pytest.raises(Exception, match="already has a footnote"):
        await client.text_document_rename_async(
            types.RenameParams(
                text_document=types.TextDocumentIdentifier(uri=note),
                position=types.Position(2, ref_col(client) + 3),
                new_name="OTHER",
            )
        )
