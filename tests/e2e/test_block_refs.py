"""Block references to any paragraph through the real server (issue 21): after `[[Target#^` the
completion lists the target's paragraphs without an id, besides its block ids; words typed after
`^` filter them. Choosing one inserts a new id in the link, and its command asks the editor to
add ` ^id` to the paragraph in the target note (the test client applies the edit to the file, as
an editor would, and reports the change); the link then resolves with no diagnostic. Both
client profiles: the paragraph holds a character beyond U+FFFF before the id's place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import write_vault
from tests.e2e.conftest import BOTH_PROFILES, ONE_PROFILE, diagnostics_for, open_note
from tests.e2e.test_rename import apply_edit

pytestmark = [BOTH_PROFILES]

TARGET = "# Target\n\nThe first paragraph 🎉\nruns over two lines.\n\n- an item ^known\n- another item\n"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "notes", {".obsidian/app.json": "{}", "Target.md": TARGET, "Source.md": ""})


def applying(client: LanguageClient) -> list[types.WorkspaceEdit]:
    """Apply every `workspace/applyEdit` to the files, and tell the server they changed."""
    edits: list[types.WorkspaceEdit] = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def applied(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        edits.append(params.edit)
        apply_edit(client, params.edit)
        changed = [c.text_document.uri for c in params.edit.document_changes or [] if hasattr(c, "text_document")]
        changed += list((params.edit.changes or {}).keys())
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=u, type=types.FileChangeType.Changed) for u in changed]
            )
        )
        return types.ApplyWorkspaceEditResult(applied=True)

    return edits


async def complete(client: LanguageClient, note: str, line: str) -> list[types.CompletionItem]:
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(0, len(line))
        )
    )
    assert isinstance(result, types.CompletionList)
    return result.items


async def test_the_target_paragraphs_are_offered_besides_its_block_ids(client: LanguageClient):
    source = await open_note(client, "Source.md", "See [[Target#^")
    labels = [item.label for item in await complete(client, source, "See [[Target#^")]
    assert labels == ["^known", "The first paragraph 🎉 runs over two lines.", "another item"]


@ONE_PROFILE
async def test_words_typed_after_the_caret_filter_the_paragraphs(client: LanguageClient):
    line = "See [[Target#^two LINES"
    source = await open_note(client, "Source.md", line)
    items = await complete(client, source, line)
    paragraphs = [item for item in items if not item.label.startswith("^")]  # block ids: the client filters
    assert [item.label for item in paragraphs] == ["The first paragraph 🎉 runs over two lines."]
    assert paragraphs[0].filter_text is not None and paragraphs[0].filter_text.startswith("two LINES")


async def test_choosing_a_paragraph_links_it_and_adds_the_id_to_the_target(client: LanguageClient, vault: Path):
    edits = applying(client)
    line = "See [[Target#^"
    source = await open_note(client, "Source.md", line)
    [item] = [i for i in await complete(client, source, line) if i.label.startswith("The first")]
    assert isinstance(item.text_edit, types.TextEdit) and item.command is not None
    ident = item.text_edit.new_text.removesuffix("]]")
    assert re.fullmatch(r"[a-z0-9]{6}", ident)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=source, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=f"{line}{ident}]]")],
        )
    )
    done = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=item.command.command, arguments=item.command.arguments)
    )
    assert done is True and len(edits) == 1
    assert (vault / "Target.md").read_text(encoding="utf-8") == TARGET.replace("two lines.\n", f"two lines. ^{ident}\n")
    assert await diagnostics_for(client, source, lambda d: d == []) == []


@ONE_PROFILE
async def test_the_id_is_not_added_when_the_target_changed_since(client: LanguageClient, vault: Path):
    edits = applying(client)
    line = "See [[Target#^"
    source = await open_note(client, "Source.md", line)
    [item] = [i for i in await complete(client, source, line) if i.label == "another item"]
    assert item.command is not None
    target = await open_note(client, "Target.md")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=target, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=TARGET.replace("another", "other"))],
        )
    )
    done = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=item.command.command, arguments=item.command.arguments)
    )
    assert done is False and edits == []


@ONE_PROFILE
async def test_an_open_target_gets_an_edit_of_its_version(client: LanguageClient):
    edits = applying(client)
    target = await open_note(client, "Target.md")
    line = "See [[Target#^"
    source = await open_note(client, "Source.md", line)
    [item] = [i for i in await complete(client, source, line) if i.label == "another item"]
    assert item.command is not None
    done = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=item.command.command, arguments=item.command.arguments)
    )
    assert done is True
    [change] = edits[0].document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    assert (change.text_document.uri, change.text_document.version) == (target, 1)
