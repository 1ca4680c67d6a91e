"""Daily notes and notes from templates through the real server (issue 21): `[[tom` completes to
tomorrow's daily note in the vault's format; `vaultls.openDailyNote` asks the editor for one
workspace edit (CreateFile, then the filled template) and then shows the note, or only shows a
note that exists; `vaultls.newNote`, `vaultls.listTemplates` and the "Create note … from
template" quick fix. The client applies edits to the vault on disk as an editor would."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import (
    BOTH_PROFILES,
    ONE_PROFILE,
    codes,
    diagnostics_for,
    open_note,
    start_client,
    start_session,
    uri,
)
from tests.e2e.test_rename import apply_edit

pytestmark = [ONE_PROFILE]

DAILY_TEMPLATE = "---\ntags:\n  - daily\ncreated: '{{date:YYYY-MM-DD}}'\n---\n# {{title}}\n\n## Tasks\n"
PERSON_TEMPLATE = "# {{title}}\n\nBorn: \n"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A vault with Obsidian's Daily notes and Templates settings and two templates."""
    root = tmp_path / "daily"
    (root / ".obsidian").mkdir(parents=True)
    (root / ".obsidian" / "daily-notes.json").write_text(
        '{"folder": "Journal", "format": "YYYY-MM-DD dddd", "template": "Templates/Daily"}', encoding="utf-8"
    )
    (root / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}', encoding="utf-8")
    (root / "Templates").mkdir()
    (root / "Templates" / "Daily.md").write_text(DAILY_TEMPLATE, encoding="utf-8")
    (root / "Templates" / "Person.md").write_text(PERSON_TEMPLATE, encoding="utf-8")
    (root / "Journal").mkdir()
    (root / "Home.md").write_text("# Home\n", encoding="utf-8")
    return root


def record_edits(client: LanguageClient) -> list[tuple[types.WorkspaceEdit, int]]:
    """Answer `workspace/applyEdit` as an editor does (applied to the files); each edit is kept
    with the number of documents shown before it came."""
    edits: list[tuple[types.WorkspaceEdit, int]] = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def applied(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        edits.append((params.edit, len(client.shown_documents)))
        apply_edit(client, params.edit)
        return types.ApplyWorkspaceEditResult(applied=True)

    return edits


async def run(client: LanguageClient, command: str, *arguments: object) -> object:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments))
    )


def created_with(edit: types.WorkspaceEdit) -> tuple[str, str]:
    """(URI created, text inserted) of a create-and-fill edit, which must be exactly that."""
    create, insert = edit.document_changes or []  # type: ignore[misc]
    assert isinstance(create, types.CreateFile) and isinstance(insert, types.TextDocumentEdit)
    assert insert.text_document.uri == create.uri
    [text_edit] = insert.edits
    assert isinstance(text_edit, types.TextEdit) and text_edit.range.start == text_edit.range.end == types.Position(
        0, 0
    )
    return create.uri, text_edit.new_text


# ---------------------------------------------------------------- completion


@BOTH_PROFILES
async def test_typing_tom_after_brackets_completes_to_tomorrows_daily_note_in_the_vaults_format(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "See [[tom")
    before = dt.date.today()
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(0, 9))
    )
    assert isinstance(result, types.CompletionList)
    [item] = [i for i in result.items if i.label == "tomorrow"]
    days = {before + dt.timedelta(days=1), dt.date.today() + dt.timedelta(days=1)}  # midnight may pass
    wanted = {f"{d.isoformat()} {d.strftime('%A')}]]" for d in days}
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text in wanted
    assert item.text_edit.range == types.Range(start=types.Position(0, 6), end=types.Position(0, 9))
    assert any(d.isoformat() in (item.detail or "") for d in days)


async def test_typing_a_note_name_that_names_no_day_completes_only_notes(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Home")
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(0, 6))
    )
    assert isinstance(result, types.CompletionList)
    assert [i.label for i in result.items] == ["Home"]  # no day is called "home"


# ---------------------------------------------------------------- vaultls.openDailyNote


async def test_open_daily_note_creates_the_missing_note_from_the_template_in_one_edit_then_shows_it(
    client: LanguageClient, vault: Path
):
    edits = record_edits(client)
    client.shown_documents.clear()
    answer = await run(client, "vaultls.openDailyNote", "2026-12-24")
    path = vault / "Journal" / "2026-12-24 Thursday.md"
    assert answer == {"uri": path.as_uri(), "created": True}
    [(edit, shown_before)] = edits
    assert shown_before == 0
    assert created_with(edit) == (
        path.as_uri(),
        "---\ntags:\n- daily\ncreated: '2026-12-24'\n---\n# 2026-12-24 Thursday\n\n## Tasks\n",
    )
    assert [p.uri for p in client.shown_documents] == [path.as_uri()]
    assert path.read_text(encoding="utf-8").startswith("---\ntags:\n- daily\n")


async def test_open_daily_note_only_shows_a_note_that_exists(client: LanguageClient, vault: Path):
    path = vault / "Journal" / "2026-12-24 Thursday.md"
    path.write_text("Already written.\n", encoding="utf-8")
    edits = record_edits(client)
    client.shown_documents.clear()
    answer = await run(client, "vaultls.openDailyNote", "2026-12-24")
    assert answer == {"uri": path.as_uri(), "created": False}
    assert edits == []
    assert [p.uri for p in client.shown_documents] == [path.as_uri()]
    assert path.read_text(encoding="utf-8") == "Already written.\n"


async def test_open_daily_note_with_an_offset_opens_that_day(client: LanguageClient, vault: Path):
    record_edits(client)
    before = dt.date.today()
    answer = await run(client, "vaultls.openDailyNote", -1)
    days = {before - dt.timedelta(days=1), dt.date.today() - dt.timedelta(days=1)}
    assert isinstance(answer, dict)
    assert answer["uri"] in {(vault / "Journal" / f"{d.isoformat()} {d.strftime('%A')}.md").as_uri() for d in days}


async def test_open_daily_note_of_a_word_that_names_no_day_says_so(client: LanguageClient):
    client.messages.clear()
    assert await run(client, "vaultls.openDailyNote", "someday") is None
    await until(lambda: client.messages)
    assert "'someday' names no day" in client.messages[0].message


async def test_open_daily_note_tells_an_editor_that_cannot_create_files(request: pytest.FixtureRequest, vault: Path):
    capabilities = client_capabilities("visual-studio-code")
    assert capabilities.workspace and capabilities.workspace.workspace_edit
    capabilities.workspace.workspace_edit.resource_operations = []
    lsp_client = await start_client(request)
    try:
        await start_session(lsp_client, "visual-studio-code", vault, capabilities)
        assert await run(lsp_client, "vaultls.openDailyNote", "2026-12-24") is None
        await until(lambda: lsp_client.messages)
        assert "cannot create files" in lsp_client.messages[-1].message
        await lsp_client.shutdown_session()
    finally:
        await lsp_client.stop()


# ---------------------------------------------------------------- templates


async def test_list_templates_names_the_notes_of_the_template_folder(client: LanguageClient):
    assert await run(client, "vaultls.listTemplates") == ["Daily", "Person"]


async def test_new_note_creates_the_note_from_the_template_and_shows_it(client: LanguageClient, vault: Path):
    edits = record_edits(client)
    client.shown_documents.clear()
    answer = await run(client, "vaultls.newNote", {"title": "Kropotkin", "folder": "People", "template": "person"})
    path = vault / "People" / "Kropotkin.md"
    assert answer == {"uri": path.as_uri(), "created": True}
    [(edit, _)] = edits
    assert created_with(edit) == (path.as_uri(), "# Kropotkin\n\nBorn: \n")
    assert [p.uri for p in client.shown_documents] == [path.as_uri()]


async def test_new_note_refuses_a_title_that_leaves_the_vault(client: LanguageClient):
    edits = record_edits(client)
    client.messages.clear()
    assert await run(client, "vaultls.newNote", {"title": "../Outside"}) is None
    await until(lambda: client.messages)
    assert edits == [] and "cannot hold /" in client.messages[0].message


async def test_a_dangling_link_offers_to_create_the_note_from_each_template(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "[[Bakunin]]")
    [diag] = await diagnostics_for(client, note, lambda d: codes(d) == ["dangling-link"])
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=note),
            range=types.Range(start=diag.range.start, end=diag.range.start),
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )
    by_title = {a.title: a for a in actions or [] if isinstance(a, types.CodeAction)}
    assert {
        "Create note Bakunin.md",
        "Create note Bakunin.md from template Daily",
        "Create note Bakunin.md from template Person",
    } <= set(by_title)
    person = by_title["Create note Bakunin.md from template Person"]
    assert person.edit is not None
    assert created_with(person.edit) == (uri(client, "Bakunin.md"), "# Bakunin\n\nBorn: \n")
    assert person.command is not None and person.command.command == "vaultls.openNote"


async def until(condition, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)
