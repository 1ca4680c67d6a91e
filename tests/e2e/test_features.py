"""Completion, definition, hover and quick fixes through the real server (one server per
client profile for the module, on a copy of tests/vaults/basic)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import (
    BOTH_PROFILES,
    ONE_PROFILE,
    SHARED_SERVER,
    codes,
    copy_of,
    diagnostics_for,
    open_note,
    uri,
    utf8,
)

pytestmark = [*SHARED_SERVER, ONE_PROFILE]


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_of("basic", tmp_path_factory.mktemp("features"))


async def complete(client: LanguageClient, note: str, line: int, character: int) -> types.CompletionList:
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(line, character)
        )
    )
    assert isinstance(result, types.CompletionList)
    return result


def labels(result: types.CompletionList) -> list[str]:
    return [item.label for item in result.items]


def item(result: types.CompletionList, label: str) -> types.CompletionItem:
    return next(i for i in result.items if i.label == label)


# ---------------------------------------------------------------- completion


async def test_completion_after_brackets_lists_notes(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "see [[")
    result = await complete(client, note, 0, 6)
    assert {"Anarchism", "Kropotkin", "Home", "Figure 1.png"} <= set(labels(result))


async def test_completion_matches_typed_prefix_case_insensitively(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "see [[kro")
    result = await complete(client, note, 0, 9)
    assert labels(result)[0] == "Kropotkin"
    assert "Anarchism" not in labels(result)


async def test_completion_matches_subsequence(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "see [[anrch")
    assert "Anarchism" in labels(await complete(client, note, 0, 11))


async def test_completion_replaces_typed_text_and_closes_the_link(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "see [[kro")
    edit = item(await complete(client, note, 0, 9), "Kropotkin").text_edit
    assert edit.new_text == "Kropotkin]]"
    assert (edit.range.start.character, edit.range.end.character) == (6, 9)


async def test_completion_does_not_add_brackets_when_already_closed(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "see [[kro]] more")
    edit = item(await complete(client, note, 0, 9), "Kropotkin").text_edit
    assert edit.new_text == "Kropotkin"


async def test_completion_inserts_shortest_unique_path_for_ambiguous_names(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Trot")
    inserted = sorted(i.text_edit.new_text for i in (await complete(client, note, 0, 6)).items if i.label == "Trotsky")
    assert inserted == ["Archive/Trotsky]]", "People/Trotsky]]"]


async def test_completion_offers_aliases_that_insert_target_and_alias(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Anarchy")
    alias = item(await complete(client, note, 0, 9), "Anarchy")
    assert alias.text_edit.new_text == "Anarchism|Anarchy]]"


async def test_completion_after_hash_lists_headings_of_that_note(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Anarchism#")
    result = await complete(client, note, 0, 12)
    assert labels(result) == ["Anarchism", "History", "Schools"]
    assert item(result, "History").text_edit.new_text == "History]]"


async def test_completion_after_hash_caret_lists_block_ids(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Anarchism#^")
    result = await complete(client, note, 0, 13)
    assert [label for label in labels(result) if label.startswith("^")] == ["^core-idea"]
    assert result.items[0].text_edit.new_text == "core-idea]]"  # then paragraphs without an id (test_block_refs.py)


async def test_completion_after_brackets_hash_lists_this_notes_headings(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "# One\n## Two\n[[#")
    assert labels(await complete(client, note, 2, 3)) == ["One", "Two"]


async def test_embed_completion_offers_attachments_with_extension(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "![[Fig")
    assert item(await complete(client, note, 0, 6), "Figure 1.png").text_edit.new_text == "Figure 1.png]]"


async def test_no_completion_inside_code(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "```\n[[\n```")
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(1, 2))
    )
    assert result is None


@BOTH_PROFILES
async def test_completion_range_after_non_ascii_text(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "日本語 🎉 [[Kro")
    edit = item(await complete(client, note, 0, 30), "Kropotkin").text_edit
    start = 17 if utf8(client) else 9  # after `[[`
    assert edit.range.start.character == start


# ---------------------------------------------------------------- definition


async def definition(client: LanguageClient, note: str, line: int, character: int):
    return await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(line, character)
        )
    )


async def test_definition_goes_to_the_note(client: LanguageClient):
    note = await open_note(client, "Home.md")
    [loc] = await definition(client, note, 5, 10)  # [[Anarchism]]
    assert loc.uri == uri(client, "Concepts/Anarchism.md") and loc.range.start.line == 0


async def test_definition_goes_to_the_heading_line(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Kropotkin#Life|his life]]")
    [loc] = await definition(client, note, 0, 4)
    assert loc.uri == uri(client, "People/Kropotkin.md") and loc.range.start.line == 2


async def test_definition_goes_to_the_block(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Anarchism#^core-idea]]")
    [loc] = await definition(client, note, 0, 4)
    assert loc.range.start.line == 5


async def test_definition_of_ambiguous_link_goes_to_the_note_it_resolves_to(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Trotsky]]")
    [location] = await definition(client, note, 0, 4)
    # Same depth: the shorter path wins (Obsidian's "shortest path" tie-break); one place, as
    # Obsidian opens one note.
    assert location.uri == uri(client, "People/Trotsky.md")


async def test_definition_of_markdown_link(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[life](People/Kropotkin.md#life)")
    [loc] = await definition(client, note, 0, 10)
    assert loc.uri == uri(client, "People/Kropotkin.md") and loc.range.start.line == 2


async def test_definition_of_dangling_link_is_empty(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Nowhere]]")
    assert not await definition(client, note, 0, 4)


# ---------------------------------------------------------------- hover


async def hover(client: LanguageClient, note: str, line: int, character: int) -> types.Hover | None:
    return await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(line, character)
        )
    )


async def test_hover_previews_the_start_of_the_note_without_frontmatter(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Anarchism]]")
    text = (await hover(client, note, 0, 4)).contents.value
    assert "**Anarchism**" in text and "A philosophy against rulers." in text
    assert "aliases" not in text


async def test_hover_previews_the_linked_section(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Kropotkin#Life]]")
    text = (await hover(client, note, 0, 4)).contents.value
    assert "Born in Moscow" in text and "Conquest of Bread" not in text


async def test_hover_on_dangling_link_says_it_does_not_exist(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Kuomintang]]")
    text = (await hover(client, note, 0, 4)).contents.value
    assert "does not exist" in text and "2 notes link" in text


async def test_hover_truncates_long_notes(client: LanguageClient):
    long = client.vault / "Long.md"  # type: ignore[attr-defined]
    long.write_text("# Long\n" + "".join(f"line {i}\n" for i in range(200)), encoding="utf-8")
    note = await open_note(client, "Long.md")
    scratch = await open_note(client, "Scratch.md", "[[Long]]")
    text = (await hover(client, scratch, 0, 3)).contents.value
    assert "truncated" in text and "line 150" not in text
    assert note


# ---------------------------------------------------------------- code actions


async def actions_for(client: LanguageClient, note: str, diagnostic: types.Diagnostic):
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=note),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )


async def test_quick_fix_rewrites_alias_link_to_target_with_alias(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "x [[Bonapartist]]")
    [diag] = await diagnostics_for(client, note, lambda d: len(d) == 1)
    actions = await actions_for(client, note, diag)
    fix = next(a for a in actions if "Bonapartism" in a.title)
    [edit] = fix.edit.changes[note]
    assert edit.new_text == "[[Bonapartism|Bonapartist]]"
    assert (edit.range.start.character, edit.range.end.character) == (2, 17)


async def test_quick_fix_creates_the_missing_note_at_the_vault_root(client: LanguageClient):
    """Obsidian's default `newFileLocation` is the vault root (app.json: see test_create_note.py)."""
    note = await open_note(client, "People/Scratch.md", "[[Kuomintang]]")
    [diag] = await diagnostics_for(client, note, lambda d: len(d) == 1)
    actions = await actions_for(client, note, diag)
    create = next(a for a in actions if a.title.startswith("Create note"))
    created = create.edit.document_changes[0]
    assert isinstance(created, types.CreateFile)
    assert created.uri == uri(client, "Kuomintang.md")
    assert not (client.vault / "Kuomintang.md").exists()  # type: ignore[attr-defined]


async def test_quick_fix_creates_the_note_at_the_path_the_link_gives(client: LanguageClient):
    note = await open_note(client, "People/Scratch.md", "[[Events/New Event]]")
    [diag] = await diagnostics_for(client, note, lambda d: len(d) == 1)
    create = next(a for a in await actions_for(client, note, diag) if a.title.startswith("Create note"))
    assert create.edit.document_changes[0].uri == uri(client, "Events/New Event.md")


async def test_quick_fix_disambiguates_with_explicit_path(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Trotsky]]")
    [diag] = await diagnostics_for(client, note, lambda d: codes(d) == ["ambiguous-link"])
    actions = await actions_for(client, note, diag)
    fix = next(a for a in actions if "People/Trotsky.md" in a.title)
    new_texts = [e.new_text for e in fix.edit.changes[note]]
    assert new_texts == ["People/Trotsky", "|Trotsky"]


# ---------------------------------------------------------------- commands and settings


async def test_check_vault_command_returns_every_notes_problems(client: LanguageClient):
    await open_note(client, "Home.md")
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="vaultls.checkVault", arguments=[])
    )
    by_uri = {entry["uri"]: entry["diagnostics"] for entry in result}
    assert sorted(d["code"] for d in by_uri[uri(client, "Home.md")]) == [
        "ambiguous-link",
        "dangling-link",
        "dangling-link",
    ]
    assert uri(client, "Unicode.md") in by_uri
