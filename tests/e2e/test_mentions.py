"""Unlinked mentions end to end on a copy of examples/vault with one more note that names others
in plain text: "Link to [[Name]]" on a mention, "Link all N unlinked mentions" on a note's
title or frontmatter (applied to the files: no mention left, no link broken), and the command
`vaultls.unlinkedMentions`. One server per client profile for the module."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import EXAMPLES
from tests.e2e.conftest import BOTH_PROFILES, ONE_PROFILE, SHARED_SERVER, open_note, uri
from tests.e2e.test_navigation import at, span
from tests.e2e.test_rename import apply_edit, broken_links
from vaultls.vault.mentions import MentionIndex
from vaultls.vault.settings import Settings
from vaultls.vault.store.loader import load_vault

pytestmark = [*SHARED_SERVER, ONE_PROFILE]

MENTIONS = """# Mentions

lenin wrote to Leon Trotsky from petrograd.
🙂 Méthode and the Paris Commune; Trotsky again.
`Lenin` in code and [[Lenin]] linked.
"""


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mentions") / "vault"
    shutil.copytree(EXAMPLES, root)
    (root / "Mentions.md").write_text(MENTIONS, encoding="utf-8")
    return root


async def actions_at(client: LanguageClient, rel: str, position: types.Position) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, rel)),
            range=types.Range(start=position, end=position),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def link_all_at(client: LanguageClient, rel: str, position: types.Position) -> types.CodeAction:
    """The "Link all" action at a place, asked for again until the server has found the
    mentions (a request looks for a few milliseconds; the rest is found in the background)."""
    for _ in range(100):
        actions = await actions_at(client, rel, position)
        found = [a for a in actions if a.title.startswith(("Link all", "Link the unlinked"))]
        if found:
            [action] = found
            if action.edit is None:  # VS Code resolves the edit when the action is chosen
                action = await client.code_action_resolve_async(action)
            return action
        await asyncio.sleep(0.1)
    raise AssertionError(f"no Link all action at {rel}:{position}")


def edits_of(action: types.CodeAction) -> dict[str, list[types.TextEdit]]:
    """The text edits of an action's WorkspaceEdit, by URI (either form of WorkspaceEdit)."""
    assert action.edit is not None
    found = {u: list(e) for u, e in (action.edit.changes or {}).items()}
    for change in action.edit.document_changes or []:
        assert isinstance(change, types.TextDocumentEdit)
        found[change.text_document.uri] = [e for e in change.edits if isinstance(e, types.TextEdit)]
    return found


async def mentions_of(client: LanguageClient, rel: str) -> list[types.Location]:
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="vaultls.unlinkedMentions", arguments=[uri(client, rel)])
    )
    return [client.protocol._converter.structure(found, types.Location) for found in result]


def unlinked_mentions_on_disk(root: Path, rel: str) -> list[str]:
    """The unlinked mentions of a note in the vault as the files are now, loaded afresh."""
    vault = load_vault(root, Settings())[0]
    found = MentionIndex().mentions_of(vault, rel, lambda p: (root / p).read_text(encoding="utf-8"))
    return [f"{m.path}:{m.range.start.line}" for m in found]


# ---------------------------------------------------------------- "Link to" on one mention


async def test_link_to_a_mention_keeps_its_case_as_display_text(client: LanguageClient):
    [action] = await actions_at(client, "Mentions.md", at(client, "Mentions.md", "lenin", 2))
    assert action.title == "Link to [[Lenin]]"
    assert action.kind == types.CodeActionKind.RefactorRewrite
    lenin = types.TextEdit(range=span(client, "Mentions.md", "lenin"), new_text="[[Lenin|lenin]]")
    assert edits_of(action) == {uri(client, "Mentions.md"): [lenin]}


async def test_link_to_an_alias_links_its_note_with_the_alias_as_display_text(client: LanguageClient):
    [action] = await actions_at(client, "Mentions.md", at(client, "Mentions.md", "Leon Trotsky", 7))
    assert action.title == "Link to [[People/Trotsky]]"
    [edit] = edits_of(action)[uri(client, "Mentions.md")]
    assert edit.new_text == "[[People/Trotsky|Leon Trotsky]]"
    assert edit.range == span(client, "Mentions.md", "Leon Trotsky")


async def test_a_name_two_notes_share_offers_a_link_to_each(client: LanguageClient):
    actions = await actions_at(client, "Mentions.md", at(client, "Mentions.md", "Trotsky again"))
    assert sorted(a.title for a in actions) == ["Link to [[Archive/Trotsky]]", "Link to [[People/Trotsky]]"]
    texts = sorted(edits_of(a)[uri(client, "Mentions.md")][0].new_text for a in actions)
    assert texts == ["[[Archive/Trotsky|Trotsky]]", "[[People/Trotsky|Trotsky]]"]


async def test_the_longest_name_at_a_place_is_the_mention(client: LanguageClient):
    [action] = await actions_at(client, "Mentions.md", at(client, "Mentions.md", "Paris Commune"))
    assert action.title == "Link to [[Paris Commune]]"


async def test_code_and_links_hold_no_mention(client: LanguageClient):
    assert await actions_at(client, "Mentions.md", at(client, "Mentions.md", "Lenin` in code", 1)) == []
    assert await actions_at(client, "Mentions.md", at(client, "Mentions.md", "[[Lenin]]", 3)) == []


@pytest.mark.profiles(*BOTH_PROFILES.args)
async def test_a_mention_after_a_wide_character_is_at_the_clients_columns(client: LanguageClient):
    [action] = await actions_at(client, "Mentions.md", at(client, "Mentions.md", "Méthode", 1))
    [edit] = edits_of(action)[uri(client, "Mentions.md")]
    assert edit.range == span(client, "Mentions.md", "Méthode")
    assert edit.new_text == "[[Méthode]]"


# ---------------------------------------------------------------- the command


async def test_the_command_lists_every_unlinked_mention_of_a_note(client: LanguageClient):
    found = await mentions_of(client, "Places/Petrograd.md")
    assert found == [
        types.Location(uri=uri(client, "Mentions.md"), range=span(client, "Mentions.md", "petrograd")),
        types.Location(uri=uri(client, "People/Trotsky.md"), range=span(client, "People/Trotsky.md", "Petrograd")),
    ]


async def test_the_command_counts_aliases_and_leaves_out_the_note_itself(client: LanguageClient):
    found = await mentions_of(client, "People/Trotsky.md")
    assert [(f.uri, f.range.start.line) for f in found] == [
        (uri(client, "Mentions.md"), 2),
        (uri(client, "Mentions.md"), 3),
    ]


async def test_the_command_answers_nothing_for_a_uri_outside_the_vault(client: LanguageClient, tmp_path: Path):
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="vaultls.unlinkedMentions", arguments=[(tmp_path / "x.md").as_uri()])
    )
    assert result == []


# ---------------------------------------------------------------- "Link all N unlinked mentions"


@pytest.mark.profiles(*BOTH_PROFILES.args)
async def test_link_all_on_the_title_applied_leaves_no_mention_and_breaks_no_link(client: LanguageClient):
    root = client.vault  # type: ignore[attr-defined]
    before = broken_links(load_vault(root, Settings())[0])
    link_all = await link_all_at(client, "Places/Petrograd.md", at(client, "Places/Petrograd.md", "# Petrograd", 3))
    assert link_all.title == "Link all 2 unlinked mentions of this note"
    apply_edit(client, link_all.edit)  # type: ignore[arg-type]
    assert "[[Petrograd|petrograd]]" in (root / "Mentions.md").read_text(encoding="utf-8")
    assert unlinked_mentions_on_disk(root, "Places/Petrograd.md") == []
    assert broken_links(load_vault(root, Settings())[0]) == before


async def test_link_all_in_the_frontmatter_links_names_and_aliases_with_the_open_notes_version(client: LanguageClient):
    note = await open_note(client, "Mentions.md")
    link_all = await link_all_at(client, "People/Trotsky.md", at(client, "People/Trotsky.md", "aliases"))
    assert link_all.title == "Link all 2 unlinked mentions of this note"
    [change] = link_all.edit.document_changes  # type: ignore[union-attr, misc]
    assert isinstance(change, types.TextDocumentEdit)
    assert (change.text_document.uri, change.text_document.version) == (note, 1)
    assert [e.new_text for e in change.edits] == ["[[People/Trotsky|Leon Trotsky]]", "[[People/Trotsky|Trotsky]]"]


async def test_no_link_all_elsewhere_in_the_note(client: LanguageClient):
    await link_all_at(client, "Places/Petrograd.md", at(client, "Places/Petrograd.md", "# Petrograd", 3))
    actions = await actions_at(client, "Places/Petrograd.md", at(client, "Places/Petrograd.md", "Capital"))
    assert [a for a in actions if a.title.startswith("Link all")] == []
