"""Quick fixes and renames as a note-taker meets them (issue 24): "Create note" puts the note
where Obsidian would and opens it, the actions of a link are that link's, ambiguous links
offer only candidates that have the linked heading, and renames say what they changed.
One server per client for the module, on a copy of tests/vaults/basic."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import ONE_PROFILE, SHARED_SERVER, codes, copy_of, diagnostics_for, open_note, uri

pytestmark = [*SHARED_SERVER, ONE_PROFILE]


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_of("basic", tmp_path_factory.mktemp("note-actions"))


def app_json(client: LanguageClient, text: str) -> None:
    """Obsidian's `.obsidian/app.json` (read when a quick fix is asked for)."""
    folder = client.vault / ".obsidian"  # type: ignore[attr-defined]
    folder.mkdir(exist_ok=True)
    (folder / "app.json").write_text(text, encoding="utf-8")


async def actions_at(
    client: LanguageClient, note: str, position: types.Position, diagnostics: list[types.Diagnostic]
) -> list[types.CodeAction]:
    """The code actions at a cursor, with the diagnostics a client sends along (Neovim sends
    every diagnostic of the line)."""
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=note),
            range=types.Range(start=position, end=position),
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def create_action(client: LanguageClient, rel: str, text: str) -> types.CodeAction:
    note = await open_note(client, rel, text)
    [diag] = await diagnostics_for(client, note, lambda d: codes(d) == ["dangling-link"])
    actions = await actions_at(client, note, diag.range.start, [diag])
    return next(a for a in actions if a.title.startswith("Create note"))


def created_uri(action: types.CodeAction) -> str:
    created = action.edit.document_changes[0]  # type: ignore[union-attr, index]
    assert isinstance(created, types.CreateFile)
    return created.uri


# ---------------------------------------------------------------- where "Create note" puts it


async def test_create_note_goes_to_the_linking_notes_folder_with_new_file_location_current(client: LanguageClient):
    app_json(client, '{"newFileLocation": "current"}')
    action = await create_action(client, "People/Scratch.md", "[[Kuomintang]]")
    assert created_uri(action) == uri(client, "People/Kuomintang.md")


async def test_create_note_goes_to_the_folder_app_json_names(client: LanguageClient):
    app_json(client, '{"newFileLocation": "folder", "newFileFolderPath": "Inbox/"}')
    action = await create_action(client, "People/Scratch.md", "[[Kuomintang]]")
    assert created_uri(action) == uri(client, "Inbox/Kuomintang.md")


async def test_create_note_goes_to_the_root_when_app_json_is_not_json(client: LanguageClient):
    app_json(client, '{"newFileLocation": "current",')
    action = await create_action(client, "People/Scratch.md", "[[Kuomintang]]")
    assert created_uri(action) == uri(client, "Kuomintang.md")


async def test_create_note_of_a_link_with_a_path_goes_to_that_path_whatever_app_json_says(client: LanguageClient):
    app_json(client, '{"newFileLocation": "folder", "newFileFolderPath": "Inbox"}')
    action = await create_action(client, "People/Scratch.md", "[[Events/New Event]]")
    assert created_uri(action) == uri(client, "Events/New Event.md")


# ---------------------------------------------------------------- "Create note" opens the note


async def test_create_note_runs_the_open_note_command_after_its_edit(client: LanguageClient):
    action = await create_action(client, "Scratch.md", "[[Kuomintang]]")
    assert action.command is not None
    assert action.command.command == "vaultls.openNote"
    assert list(action.command.arguments or []) == [uri(client, "Kuomintang.md")]


async def test_open_note_command_asks_the_editor_to_show_the_note(client: LanguageClient):
    client.shown_documents.clear()  # pytest-lsp's client shows every document it is asked to
    target = uri(client, "Kuomintang.md")
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="vaultls.openNote", arguments=[target])
    )
    assert result is True
    assert [(p.uri, p.take_focus) for p in client.shown_documents] == [(target, True)]


async def test_open_note_command_never_shows_a_file_outside_the_vault(client: LanguageClient, tmp_path: Path):
    client.shown_documents.clear()
    outside = (tmp_path / "elsewhere.md").as_uri()
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="vaultls.openNote", arguments=[outside])
    )
    assert result is False and client.shown_documents == []


# ---------------------------------------------------------------- the actions of one link


async def test_code_actions_are_for_the_link_under_the_cursor_not_the_rest_of_the_line(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Nowhere]] and [[Kuomintang]]")
    diags = await diagnostics_for(client, note, lambda d: codes(d) == ["dangling-link", "dangling-link"])
    actions = await actions_at(client, note, types.Position(0, 4), diags)  # in [[Nowhere]]
    titles = [a.title for a in actions]
    assert "Create note Nowhere.md" in titles
    assert not any("Kuomintang" in t for t in titles)


async def test_disambiguation_offers_only_the_candidates_with_the_linked_heading(client: LanguageClient):
    await open_note(client, "Archive/Trotsky.md", "# Trotsky\n\n## Exile\n\nThe archived one.\n")
    note = await open_note(client, "Scratch.md", "[[Trotsky#Exile]]")
    diags = await diagnostics_for(client, note, lambda d: "ambiguous-link" in codes(d))
    [ambiguous] = [d for d in diags if d.code == "ambiguous-link"]
    actions = await actions_at(client, note, types.Position(0, 4), [ambiguous])
    assert [a.title for a in actions if a.title.startswith("Link to")] == ["Link to Archive/Trotsky.md explicitly"]


# ---------------------------------------------------------------- counts in messages


async def test_hover_on_a_name_one_note_links_to_says_so_grammatically(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Zanzibar]]")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(0, 4))
    )
    assert hover is not None and "1 note links to this name" in str(hover.contents)


# ---------------------------------------------------------------- renames say what they changed


async def test_rename_from_a_link_says_how_many_links_in_how_many_notes_it_updates(client: LanguageClient):
    note = await open_note(client, "Home.md")
    client.messages.clear()
    await client.text_document_rename_async(
        types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(5, 30), new_name="Peter"
        )
    )  # on [[People/Kropotkin]]: it, [[Kropotkin#Life|his life]], and [[Kropotkin]] in Anarchism
    await _until(lambda: client.messages)
    assert [m.message for m in client.messages] == ["vaultls: updated 3 links in 2 notes"]


async def test_rename_from_the_explorer_says_how_many_links_it_updates(client: LanguageClient):
    await open_note(client, "Scratch.md", "[[Bonapartism]]")  # the one link to it
    client.messages.clear()
    await client.workspace_will_rename_files_async(
        types.RenameFilesParams(
            files=[types.FileRename(old_uri=uri(client, "Concepts/Bonapartism.md"), new_uri=uri(client, "B.md"))]
        )
    )
    await _until(lambda: client.messages)
    assert [m.message for m in client.messages] == ["vaultls: updated 1 link in 1 note"]


async def test_rename_from_the_explorer_leaves_the_title_heading_by_default(client: LanguageClient):
    edit = await client.workspace_will_rename_files_async(
        types.RenameFilesParams(
            files=[types.FileRename(old_uri=uri(client, "People/Kropotkin.md"), new_uri=uri(client, "People/Peter.md"))]
        )
    )
    assert edit is not None
    edited = {c.text_document.uri for c in edit.document_changes or [] if isinstance(c, types.TextDocumentEdit)}
    assert uri(client, "People/Kropotkin.md") not in edited


async def _until(condition, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)
