"""`rename.updateTitleHeading` (off by default, as Obsidian never rewrites a heading on a
rename): when on, a note's title heading follows its new name the same way from a link
(textDocument/rename) and from the file explorer (workspace/willRenameFiles)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import ONE_PROFILE, copy_of, open_note, uri

pytestmark = [ONE_PROFILE]


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = copy_of("basic", tmp_path)
    (root / ".vaultls.toml").write_text("[rename]\nupdate_title_heading = true\n", encoding="utf-8")
    return root


def title_edits(edit: types.WorkspaceEdit | None, note_uri: str) -> list[str]:
    """The new texts of the edits to line 0 (the title heading) of `note_uri`."""
    assert edit is not None
    return [
        e.new_text
        for change in edit.document_changes or []
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == note_uri
        for e in change.edits
        if isinstance(e, types.TextEdit) and e.range.start.line == 0
    ]


async def test_rename_from_a_link_renames_the_title_heading_when_asked(client: LanguageClient):
    note = await open_note(client, "Home.md")
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(5, 30), new_name="Peter"
        )
    )  # on [[People/Kropotkin]]
    assert title_edits(edit, uri(client, "People/Kropotkin.md")) == ["Peter"]


async def test_rename_from_the_explorer_renames_the_title_heading_when_asked(client: LanguageClient):
    edit = await client.workspace_will_rename_files_async(
        types.RenameFilesParams(
            files=[types.FileRename(old_uri=uri(client, "People/Kropotkin.md"), new_uri=uri(client, "People/Peter.md"))]
        )
    )
    assert title_edits(edit, uri(client, "People/Kropotkin.md")) == ["Peter"]
