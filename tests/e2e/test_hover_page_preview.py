"""The hover preview through the real server is Obsidian's page preview: its links lead to the
files the notes resolve to (at the heading's line), vault images show, and a file that has
since become a link out of the vault is neither linked nor shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import write_vault
from tests.e2e.conftest import ONE_PROFILE, open_note

pytestmark = ONE_PROFILE

LINK = re.compile(r"(?<![\\!])\[((?:[^\]\\]|\\.)*)\]\(([^)\s]*)\)")
IMAGE = re.compile(r"(?<!\\)!\[((?:[^\]\\]|\\.)*)\]\(([^)\s]*)\)")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(
        tmp_path / "history",
        {
            ".obsidian/app.json": "{}",
            "Reader.md": "[[Trotsky]] [[pic.png]]\n",
            "Trotsky.md": (
                "---\naliases: [Bronstein]\n---\n# Trotsky\n\n"
                "Led the [[Left Opposition|opposition]]. ^left-opposition\n"
                "Against [[Stalin#Rise]] and [[Nobody Yet]].\n\n![[pic.png]]\n"
            ),
            "Crlf.md": "# Crlf\r\n\r\nSee [[Stalin#Rise]]\r\n",
            "People/Left Opposition.md": "# Left Opposition\n",
            "Stalin.md": "# Stalin\n\n## Rise\n",
            "pic.png": PNG,
        },
    )


async def hover_text(client: LanguageClient, note: str, line: int, character: int) -> str:
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(line, character)
        )
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    return hover.contents.value


async def test_links_in_the_preview_lead_to_the_notes_they_resolve_to(client: LanguageClient, vault: Path):
    reader = await open_note(client, "Reader.md")
    text = await hover_text(client, reader, 0, 4)
    found = LINK.findall(text)
    assert ("opposition", (vault / "People" / "Left Opposition.md").as_uri()) in found
    assert ("Stalin \\> Rise", (vault / "Stalin.md").as_uri() + "#L3") in found
    assert "Nobody Yet" in text and "Nobody Yet" not in [t for t, _ in found]


async def test_the_preview_shows_a_page_not_markup(client: LanguageClient):
    reader = await open_note(client, "Reader.md")
    text = await hover_text(client, reader, 0, 4)
    assert "**Trotsky**\n" in text and "# Trotsky" not in text
    assert "^left-opposition" not in text and "[[" not in text


async def test_the_title_of_the_preview_opens_the_note(client: LanguageClient, vault: Path):
    reader = await open_note(client, "Reader.md")
    text = await hover_text(client, reader, 0, 4)
    assert text.startswith(f"[**Trotsky**]({(vault / 'Trotsky.md').as_uri()})")


async def test_an_image_embed_in_the_preview_shows_the_vault_image(client: LanguageClient, vault: Path):
    reader = await open_note(client, "Reader.md")
    text = await hover_text(client, reader, 0, 4)
    assert IMAGE.findall(text) == [("pic.png", (vault / "pic.png").as_uri())]


async def test_hovering_a_link_to_an_image_shows_the_image(client: LanguageClient, vault: Path):
    reader = await open_note(client, "Reader.md")
    text = await hover_text(client, reader, 0, 16)
    assert IMAGE.findall(text) == [("pic.png", (vault / "pic.png").as_uri())]


async def test_a_note_with_crlf_line_endings_links_to_the_right_line(client: LanguageClient, vault: Path):
    scratch = await open_note(client, "Scratch.md", "[[Crlf]]")
    text = await hover_text(client, scratch, 0, 3)
    assert LINK.findall(text)[1:] == [("Stalin \\> Rise", (vault / "Stalin.md").as_uri() + "#L3")]
    assert "\r" not in text


async def test_a_file_that_became_a_link_out_of_the_vault_is_neither_linked_nor_shown(
    client: LanguageClient, vault: Path, tmp_path: Path
):
    outside = write_vault(tmp_path / "outside", {"secret.png": PNG, "Secret.md": "# Secret\n"})
    reader = await open_note(client, "Reader.md")
    before = await hover_text(client, reader, 0, 4)  # once the vault is scanned
    assert IMAGE.findall(before) and "Stalin.md#L3" in before
    # Replaced after the scan, with no file event: the index still names them.
    for name, target in [("pic.png", "secret.png"), ("Stalin.md", "Secret.md")]:
        (vault / name).unlink()
        (vault / name).symlink_to(outside / target)
    text = await hover_text(client, reader, 0, 4)
    assert not IMAGE.findall(text)
    assert all("Stalin" not in dest and "outside" not in dest for _, dest in LINK.findall(text)), text
    assert "Stalin \\> Rise" in text  # shown as text instead
