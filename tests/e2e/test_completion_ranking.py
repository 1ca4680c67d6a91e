"""Completion after `[[` over the wire, as the suggester ranks it (`vault/suggest.py`): aliases
whose words match, match quality then backlinks, an order every client keeps (`sortText`,
`filterText` starting with what was typed, always incomplete), and only files Obsidian shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import BOTH_PROFILES, diagnostics_for, open_note

pytestmark = BOTH_PROFILES

NOTES = {
    "People/Lenin.md": "---\naliases: [Vladimir Lenin]\n---\n# Lenin\n",
    "Lenient.md": "# Lenient\n",
    "Concepts/Silent Lens.md": "# Silent Lens\n",
    "Marxism.md": "",
    "Marx and Engels.md": "",
    "a.md": "[[Marx and Engels]]\n",
    "b.md": "[[Marx and Engels]]\n",
    "c.md": "[[Lenin]]\n",
}


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    for rel, text in NOTES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "data.json").write_text("{}", encoding="utf-8")
    (root / "data.png").write_bytes(b"\x89PNG")
    return root


async def complete_line(client: LanguageClient, text: str) -> types.CompletionList:
    """Completion at the end of `text`, the last line of a scratch note."""
    note = await open_note(client, "Scratch.md", f"# Scratch\n\n{text}")
    await diagnostics_for(client, note)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(2, len(text))
        )
    )
    assert isinstance(result, types.CompletionList)
    return result


async def test_an_alias_is_offered_when_a_word_of_it_matches_and_inserts_note_and_alias(client: LanguageClient):
    result = await complete_line(client, "See [[Len")
    labels = [item.label for item in result.items]
    assert labels[:2] == ["Lenin", "Lenient"]  # prefix matches first, the linked one before
    alias = next(item for item in result.items if item.label == "Vladimir Lenin")
    assert alias.detail == "alias of Lenin"
    assert alias.text_edit is not None and alias.text_edit.new_text == "Lenin|Vladimir Lenin]]"
    assert labels.index("Vladimir Lenin") < labels.index("Silent Lens")  # a word before a substring


async def test_more_linked_notes_come_first_within_a_match_tier(client: LanguageClient):
    result = await complete_line(client, "[[marx")
    assert [item.label for item in result.items] == ["Marx and Engels", "Marxism"]


async def test_items_keep_the_servers_order_in_every_client(client: LanguageClient):
    result = await complete_line(client, "[[len")
    assert result.is_incomplete  # asked again on the next keystroke, never filtered by the client
    sort_texts = [item.sort_text for item in result.items]
    assert sort_texts == sorted(sort_texts) and len(set(sort_texts)) == len(sort_texts)
    for item in result.items:
        assert item.filter_text is not None and item.filter_text.startswith("len"), item
    lenin = next(item for item in result.items if item.label == "Lenin")
    assert lenin.filter_text == "lenin"  # the label in the case it was typed


async def test_files_obsidian_does_not_show_are_offered_only_when_app_json_says_so(client: LanguageClient):
    assert [item.label for item in (await complete_line(client, "[[data")).items] == ["data.png"]
    (client.vault / ".obsidian").mkdir()  # type: ignore[attr-defined]
    (client.vault / ".obsidian" / "app.json").write_text(  # type: ignore[attr-defined]
        '{"showUnsupportedFiles": true}', encoding="utf-8"
    )
    labels = [item.label for item in (await complete_line(client, "[[data")).items]
    assert sorted(labels) == ["data.json", "data.png"]
