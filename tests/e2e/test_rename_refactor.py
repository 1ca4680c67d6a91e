"""End-to-end refactoring code actions on the `nav` vault: "Extract section to new note" (under
both client profiles: its edits land in non-ASCII text) and "Add alias". Edits are applied to
the files on disk, put back after each test (one server per client profile for the module)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import BOTH_PROFILES, ONE_PROFILE, SHARED_SERVER, uri
from tests.e2e.test_navigation import at, copy_nav
from tests.e2e.test_rename import apply_edit, broken_links, read, snapshot

pytestmark = [*SHARED_SERVER, ONE_PROFILE]


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_nav(tmp_path_factory.mktemp("refactor"))


async def actions_at(client: LanguageClient, rel: str, position: types.Position) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, rel)),
            range=types.Range(start=position, end=position),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def resolved(client: LanguageClient, action: types.CodeAction) -> types.CodeAction:
    if action.edit is None:
        action = await client.code_action_resolve_async(action)
    assert action.edit is not None
    return action


@BOTH_PROFILES
async def test_extract_section_creates_a_note_leaves_a_link_and_keeps_links_working(client: LanguageClient):
    before = snapshot(client.vault)  # type: ignore[attr-defined]
    actions = await actions_at(client, "Notes/Alpha.md", at(client, "Notes/Alpha.md", "## Details", 4))
    extract = next(a for a in actions if a.kind == types.CodeActionKind.RefactorExtract)
    apply_edit(client, (await resolved(client, extract)).edit)
    assert read(client, "Notes/Details.md") == "# Details\n\nDetail text with #Project/sub.\n\n### Deeper\n\nMore.\n"
    alpha = read(client, "Notes/Alpha.md")
    assert "Some text. ^key-point\n\n[[Details]]\n\n## Related" in alpha
    assert "[[Details#Details|the details]]" in read(client, "Home.md")
    assert "[[Details#Details]]" in read(client, "Notes/Sub/Gamma.md")
    assert "😀 [[Details#Details|détails]]" in read(client, "Unicode.md")
    assert broken_links(snapshot(client.vault)) == broken_links(before)  # type: ignore[attr-defined]


async def test_no_extract_action_on_a_notes_title(client: LanguageClient):
    actions = await actions_at(client, "Notes/Alpha.md", at(client, "Notes/Alpha.md", "# Alpha", 3))
    assert not any(a.kind == types.CodeActionKind.RefactorExtract for a in actions)


async def test_add_alias_from_a_links_display_text(client: LanguageClient):
    actions = await actions_at(client, "Home.md", at(client, "Home.md", "[[Alpha#Details|the details]]", 3))
    add = next(a for a in actions if a.kind == types.CodeActionKind.RefactorRewrite)
    assert add.title == 'Add alias "the details" to Alpha'
    apply_edit(client, (await resolved(client, add)).edit)
    assert read(client, "Notes/Alpha.md").startswith("---\naliases: [First Letter, the details]\ntags: project\n---\n")
