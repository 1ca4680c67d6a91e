"""Hover on an embed through the real server (issue 21): `![[Note#Heading]]` shows the whole
embedded section (longer than a link's page preview, made inert), `![[Note#^id]]` the block,
and an image embed (`![[pic.png]]`, `![](pic.png)`) the image by the URI of its file in the
vault; a remote image embed shows nothing to fetch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import write_vault
from tests.e2e.conftest import ONE_PROFILE, open_note
from vaultls.vault.page_preview import MAX_LINES

pytestmark = ONE_PROFILE

PNG = b"\x89PNG\r\n\x1a\n"
IMAGE = re.compile(r"(?<!\\)!\[((?:[^\]\\]|\\.)*)\]\(([^)\s]*)\)")
LONG = "\n".join(f"Line {n} of the section." for n in range(MAX_LINES + 10))
SOURCE = "![[Essay#Long part]]\n![[Essay#^quoted]]\n![[pic.png]]\n![](pic.png)\n![](https://tracker.example/p.png)\n"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(
        tmp_path / "notes",
        {
            ".obsidian/app.json": "{}",
            "Source.md": SOURCE,
            "Essay.md": (
                f"# Essay\n\n## Long part\n\n{LONG}\n<img src=https://tracker.example/x.gif>\n\n"
                "## Next part\n\nA quoted paragraph. ^quoted\n\nNot embedded.\n"
            ),
            "pic.png": PNG,
        },
    )


async def hover_text(client: LanguageClient, note: str, line: int, character: int) -> str | None:
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(line, character)
        )
    )
    if hover is None:
        return None
    assert isinstance(hover.contents, types.MarkupContent)
    return hover.contents.value


async def test_hover_on_a_section_embed_shows_the_whole_section_made_inert(client: LanguageClient):
    source = await open_note(client, "Source.md")
    text = await hover_text(client, source, 0, 5)
    assert text is not None
    assert f"Line {MAX_LINES + 9} of the section." in text and "truncated" not in text
    assert "Next part" not in text
    assert re.search(r"(?<!\\)<img", text) is None and "\\<img" in text  # HTML shows as text


async def test_hover_on_a_block_embed_shows_the_block(client: LanguageClient):
    source = await open_note(client, "Source.md")
    text = await hover_text(client, source, 1, 5)
    assert text is not None
    assert "A quoted paragraph." in text and "^quoted" not in text and "Not embedded" not in text


@pytest.mark.parametrize("line", [2, 3])
async def test_hover_on_an_image_embed_shows_the_image_of_the_vault_file(client: LanguageClient, vault: Path, line):
    source = await open_note(client, "Source.md")
    text = await hover_text(client, source, line, 5)
    assert text is not None
    assert IMAGE.findall(text) == [("pic.png", (vault / "pic.png").as_uri())]


async def test_hover_on_a_remote_image_embed_shows_no_image(client: LanguageClient):
    source = await open_note(client, "Source.md")
    text = await hover_text(client, source, 4, 5)
    assert text is None or IMAGE.findall(text) == []
