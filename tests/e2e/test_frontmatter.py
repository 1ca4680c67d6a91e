"""Frontmatter schemas through the real server, with VS Code (UTF-16) and Neovim (UTF-8)
capabilities: diagnostics at the right ranges, re-checks when a schema, `.vaultls.toml` or
`.obsidian/types.json` changes, broken schemas, completion and hover inside frontmatter, and
quoted wikilinks in properties."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import VAULTS
from tests.e2e.conftest import codes, diagnostics_for, open_note, uri, utf8

SCHEMA = "frontmatter-schema"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A copy of tests/vaults/schema (overrides the basic vault of tests/e2e/conftest.py)."""
    target = tmp_path / "schema"
    shutil.copytree(VAULTS / "schema", target)
    return target


def schema_diags(diags: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diags if d.code == SCHEMA]


def span(d: types.Diagnostic) -> tuple[int, int, int, int]:
    r = d.range
    return (r.start.line, r.start.character, r.end.line, r.end.character)


def changed(client: LanguageClient, rel: str, kind=types.FileChangeType.Changed) -> None:
    path = client.vault / rel  # type: ignore[attr-defined]
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=path.as_uri(), type=kind)])
    )


def write(client: LanguageClient, rel: str, text: str) -> None:
    path = client.vault / rel  # type: ignore[attr-defined]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- diagnostics


async def test_schema_problems_at_their_ranges_in_the_client_encoding(client: LanguageClient):
    note = await open_note(client, "Books/Bad.md")
    diags = schema_diags(await diagnostics_for(client, note, lambda d: len(schema_diags(d)) == 4))
    by_message = {d.message: d for d in diags}
    assert set(by_message) == {
        '"author" is empty',
        '"rating" must be one of 1, 2, 3, 4, 5, "WIP"',
        '"catégorie" must be one of "📚 essai", "📚 histoire"',
        '"due" must be a date (YYYY-MM-DD)',
    }
    assert span(by_message['"author" is empty']) == (1, 0, 1, 6)
    assert span(by_message['"rating" must be one of 1, 2, 3, 4, 5, "WIP"']) == (2, 8, 2, 9)
    assert span(by_message['"due" must be a date (YYYY-MM-DD)']) == (4, 5, 4, 13)
    # `catégorie: "📚 roman"`: é is 2 UTF-8 bytes, 📚 4 bytes or 2 UTF-16 units.
    expected = (3, 12, 3, 24) if utf8(client) else (3, 11, 3, 21)
    assert span(by_message['"catégorie" must be one of "📚 essai", "📚 histoire"']) == expected
    assert {d.severity for d in diags} == {types.DiagnosticSeverity.Warning}
    assert {d.source for d in diags} == {"vaultls"}


async def test_missing_required_property_is_on_the_opening_dashes(client: LanguageClient):
    note = await open_note(client, "Books/Missing.md")
    [d] = schema_diags(await diagnostics_for(client, note, lambda d: len(schema_diags(d)) == 1))
    assert d.message == 'missing required property "author"'
    assert span(d) == (0, 0, 0, 3)


async def test_missing_required_property_without_frontmatter_is_on_line_zero(client: LanguageClient):
    note = await open_note(client, "Books/Draft.md", "# Draft\n\nNo properties yet.\n")
    [d] = schema_diags(await diagnostics_for(client, note, lambda d: len(schema_diags(d)) == 1))
    assert d.message == 'missing required property "author"' and d.range.start.line == 0


async def test_typing_a_value_fixes_the_problem(client: LanguageClient):
    note = await open_note(client, "Books/Missing.md")
    await diagnostics_for(client, note, lambda d: len(schema_diags(d)) == 1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=note, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(1, 0), end=types.Position(1, 0)),
                    text="author: Kropotkin\n",
                )
            ],
        )
    )
    await diagnostics_for(client, note, lambda d: schema_diags(d) == [])


async def test_notes_outside_the_rule_only_get_the_vault_schema(client: LanguageClient):
    note = await open_note(client, "Other.md", "---\nstatus: finished\ngenre: 3\n---\n")
    [d] = schema_diags(await diagnostics_for(client, note, lambda d: len(schema_diags(d)) == 1))
    assert d.message == '"status" must be one of "draft", "done"'


# --------------------------------------------------------------------------- changes re-check


async def test_editing_a_schema_file_rechecks_open_notes(client: LanguageClient):
    missing = await open_note(client, "Books/Missing.md")
    bad = await open_note(client, "Books/Bad.md")
    await diagnostics_for(client, missing, lambda d: len(schema_diags(d)) == 1)
    await diagnostics_for(client, bad, lambda d: len(schema_diags(d)) == 4)
    schema_file = client.vault / "schemas" / "book.schema.yaml"  # type: ignore[attr-defined]
    text = schema_file.read_text(encoding="utf-8").replace("required: [author]", "required: [genre]")
    schema_file.write_text(text.replace("enum: [1, 2, 3, 4, 5, WIP]", "type: string"), encoding="utf-8")
    changed(client, "schemas/book.schema.yaml")
    diags = await diagnostics_for(client, bad, lambda d: any(x.message == '"rating" must be text' for x in d))
    assert 'missing required property "genre"' in {d.message for d in schema_diags(diags)}
    await diagnostics_for(client, missing, lambda d: schema_diags(d) == [])  # it has a genre


async def test_editing_a_referenced_schema_file_rechecks_open_notes(client: LanguageClient):
    note = await open_note(client, "Books/Bad.md")
    await diagnostics_for(client, note, lambda d: any(x.message.startswith('"due"') for x in d))
    write(client, "schemas/common.json", json.dumps({"$defs": {"date": {"type": "string"}}}))
    changed(client, "schemas/common.json")
    await diagnostics_for(client, note, lambda d: not any(x.message.startswith('"due"') for x in d))


async def test_editing_vaultls_toml_rechecks_open_notes(client: LanguageClient):
    note = await open_note(client, "Books/Missing.md")
    await diagnostics_for(client, note, lambda d: len(schema_diags(d)) == 1)
    write(client, ".vaultls.toml", '[frontmatter]\nschema = "schemas/note.schema.json"\n')
    changed(client, ".vaultls.toml")
    await diagnostics_for(client, note, lambda d: schema_diags(d) == [])


async def test_creating_obsidian_types_json_rechecks_open_notes(client: LanguageClient):
    note = await open_note(client, "Note.md")
    await asyncio.sleep(0.3)
    assert schema_diags(list(client.diagnostics.get(note, []))) == []
    write(client, ".obsidian/types.json", json.dumps({"types": {"done": "checkbox"}}))
    changed(client, ".obsidian/types.json", types.FileChangeType.Created)
    [d] = schema_diags(await diagnostics_for(client, note, lambda d: len(schema_diags(d)) == 1))
    assert d.message == '"done" must be true or false'
    assert span(d) == (2, 6, 2, 11)


async def test_a_broken_schema_is_one_error_and_a_message_and_the_rest_keeps_working(client: LanguageClient):
    note = await open_note(client, "Books/Linked.md")
    await diagnostics_for(client, note, lambda d: codes(d) == ["dangling-link"])
    write(client, "schemas/book.schema.yaml", "type: object\nproperties: [oops\n")
    changed(client, "schemas/book.schema.yaml")
    diags = await diagnostics_for(client, note, lambda d: len(schema_diags(d)) == 1)
    [d] = schema_diags(diags)
    assert d.severity == types.DiagnosticSeverity.Error and span(d) == (0, 0, 0, 3)
    assert 'schema "schemas/book.schema.yaml" (setting frontmatter.rules[1], glob "Books/**")' in d.message
    assert "invalid YAML at line 3" in d.message
    assert "dangling-link" in codes(diags)
    for _ in range(100):
        if any("book.schema.yaml" in m.message for m in client.messages):
            break
        await asyncio.sleep(0.02)
    assert any("book.schema.yaml" in m.message and m.type == types.MessageType.Error for m in client.messages)
    # Fixing the file clears it.
    shutil.copy(VAULTS / "schema" / "schemas" / "book.schema.yaml", client.vault / "schemas" / "book.schema.yaml")  # type: ignore[attr-defined]
    changed(client, "schemas/book.schema.yaml")
    await diagnostics_for(client, note, lambda d: codes(d) == ["dangling-link"])


# --------------------------------------------------------------------------- links in properties


async def test_quoted_wikilinks_in_frontmatter_dangle_and_resolve(client: LanguageClient):
    note = await open_note(client, "Books/Linked.md")
    [d] = await diagnostics_for(client, note, lambda d: codes(d) == ["dangling-link"])
    assert span(d) == (3, 7, 3, 14) and "Nowhere" in d.message
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(1, 13))
    )
    targets = [loc.uri if isinstance(loc, types.Location) else loc.target_uri for loc in result]
    assert targets == [uri(client, "People/Trotsky.md")]


# --------------------------------------------------------------------------- completion


async def complete(client: LanguageClient, note: str, line: int, character: int) -> types.CompletionList:
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(line, character)
        )
    )
    assert isinstance(result, types.CompletionList), result
    return result


def item(result: types.CompletionList, label: str) -> types.CompletionItem:
    return next(i for i in result.items if i.label == label)


async def test_property_names_from_the_applying_schemas_with_descriptions(client: LanguageClient):
    note = await open_note(client, "Books/New.md", "---\nrating: 3\nau\n---\n")
    result = await complete(client, note, 2, 2)
    labels = [i.label for i in result.items]
    assert {"author", "genre", "catégorie", "read", "tags", "due", "status"} <= set(labels)
    assert "rating" not in labels  # already there
    author = item(result, "author")
    assert author.text_edit.new_text == "author: "
    assert span_of(author.text_edit.range) == (2, 0, 2, 2)
    assert author.documentation.value == "Who wrote the book; a link to their note."
    assert "required" in author.detail and "Author" in author.detail
    assert min(result.items, key=lambda i: i.sort_text).label == "author"  # required properties first
    # A note outside Books/ is offered only the vault schema's properties (and ones in use).
    other = await open_note(client, "Other.md", "---\n\n---\n")
    other_result = await complete(client, other, 1, 0)
    assert item(other_result, "status").documentation.value == "How finished the note is."
    assert item(other_result, "author").detail == "used in 3 notes"  # not from a schema here


async def test_property_names_used_elsewhere_in_the_vault_are_offered_too(client: LanguageClient):
    note = await open_note(client, "Other.md", "---\nre\n---\n")
    related = item(await complete(client, note, 1, 2), "related")
    assert related.detail == "used in 1 note"


def span_of(r: types.Range) -> tuple[int, int, int, int]:
    return (r.start.line, r.start.character, r.end.line, r.end.character)


async def test_enum_values_are_offered_for_a_value(client: LanguageClient):
    note = await open_note(client, "Books/New.md", "---\nrating: \n---\n")
    result = await complete(client, note, 1, 8)
    assert [i.label for i in result.items][:6] == ["1", "2", "3", "4", "5", "WIP"]
    assert item(result, "WIP").text_edit.new_text == "WIP"
    assert span_of(item(result, "WIP").text_edit.range) == (1, 8, 1, 8)


async def test_enum_values_that_need_quotes_are_quoted(client: LanguageClient):
    note = await open_note(client, "Books/New.md", "---\ncatégorie: 📚\n---\n")
    result = await complete(client, note, 1, 16 if utf8(client) else 13)
    essai = item(result, "📚 essai")
    assert essai.text_edit.new_text == "📚 essai"
    assert span_of(essai.text_edit.range) == ((1, 12, 1, 16) if utf8(client) else (1, 11, 1, 13))


async def test_booleans_after_the_colon(client: LanguageClient):
    note = await open_note(client, "Books/New.md", "---\nread:\n---\n")
    result = await complete(client, note, 1, 5)
    assert [i.label for i in result.items] == ["true", "false"]
    assert item(result, "true").text_edit.new_text == " true"  # no space was typed yet


async def test_values_used_elsewhere_for_the_same_property(client: LanguageClient):
    note = await open_note(client, "Books/New.md", "---\ngenre: \n---\n")
    labels = [i.label for i in (await complete(client, note, 1, 7)).items]
    assert {"history", "anarchism"} <= set(labels)


async def test_tag_names_in_tags(client: LanguageClient):
    note = await open_note(client, "Books/New.md", "---\ntags: [book, \n---\n")
    labels = [i.label for i in (await complete(client, note, 1, 14)).items]
    assert {"book", "russia", "person", "revolutionary"} <= set(labels)
    note = await open_note(client, "Books/New2.md", "---\ntags:\n  - re\n---\n")
    result = await complete(client, note, 2, 6)
    revolutionary = item(result, "revolutionary")
    assert revolutionary.text_edit.new_text == "revolutionary"
    assert span_of(revolutionary.text_edit.range) == (2, 4, 2, 6)


async def test_note_names_in_a_quoted_link(client: LanguageClient):
    note = await open_note(client, "Books/New.md", '---\nauthor: "[[Tro"\n---\n')
    result = await complete(client, note, 1, 14)
    trotsky = item(result, "Trotsky")
    assert trotsky.text_edit.new_text == "Trotsky]]"  # inside the quotes: `"[[Trotsky]]"`
    assert span_of(trotsky.text_edit.range) == (1, 11, 1, 14)


async def test_no_frontmatter_completion_in_the_body(client: LanguageClient):
    note = await open_note(client, "Books/New.md", "---\nauthor: A\n---\nrating: \n")
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(3, 8))
    )
    assert result is None or all(i.label != "WIP" for i in result.items)


# --------------------------------------------------------------------------- hover


async def test_hover_on_a_property_name(client: LanguageClient):
    note = await open_note(client, "Books/Bad.md")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(1, 3))
    )
    assert hover is not None
    text = hover.contents.value
    assert text.startswith("**Author** (`author`)")
    assert "Type: `string`" in text and "required" in text
    assert "Who wrote the book; a link to their note." in text
    assert "schemas/book.schema.yaml" in text
    assert span_of(hover.range) == (1, 0, 1, 6)


async def test_hover_follows_refs_and_lists_allowed_values(client: LanguageClient):
    note = await open_note(client, "Books/Bad.md")
    due = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(4, 1))
    )
    assert "**Due date** (`due`)" in due.contents.value and "YYYY-MM-DD" in due.contents.value
    rating = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(2, 0))
    )
    assert 'Values: `1`, `2`, `3`, `4`, `5`, `"WIP"`' in rating.contents.value


async def test_no_hover_on_an_undescribed_property_or_a_value(client: LanguageClient):
    note = await open_note(client, "Other.md", "---\nmood: fine\nstatus: draft\n---\n")
    for position in (types.Position(1, 1), types.Position(2, 10)):
        hover = await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=note), position=position)
        )
        assert hover is None
