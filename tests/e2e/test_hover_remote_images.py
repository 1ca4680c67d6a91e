"""Hovering a link in a stranger's vault fetches nothing: the preview the real server sends
shows remote images as their alt text, HTML and autolinks as text, and no `command:` link,
while a vault image (by the URI of its file in the vault) and ordinary text and links stay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import write_vault
from tests.e2e.conftest import ONE_PROFILE, open_note

pytestmark = ONE_PROFILE

HOST = "tracker.example"
TARGET = f"""---
tags: [template]
---
# Welcome

Thanks for using this template! ![tracking pixel](https://{HOST}/p.gif?u=me)
![](http://{HOST}/blank.gif) ![proto](//{HOST}/proto.png) ![ref image][px] ![px]
<img src="https://{HOST}/html.gif" width=1>
<picture><source srcset="https://{HOST}/s.webp"></picture>
[![badge](https://{HOST}/badge.svg)](https://example.org/project)
<https://{HOST}/auto.png> and [run me](command:workbench.action.terminal.new)
[also me][cmd] and <a href="command:workbench.action.quit">quit</a>
Local: ![diagram](attachments/diagram.png) and a `<code>` span.

[px]: https://{HOST}/ref.gif
[cmd]: command:workbench.action.terminal.new
"""


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A downloaded template vault (this replaces the e2e `vault` fixture)."""
    return write_vault(
        tmp_path / "template",
        {
            ".obsidian/app.json": "{}",
            "Start here.md": "Read [[Welcome]] first.\n",
            "Welcome.md": TARGET,
            "attachments/diagram.png": b"\x89PNG\r\n\x1a\n",
        },
    )


def image_destinations(markdown: str) -> list[str]:
    """Destinations of the Markdown images a renderer would show (`![` not escaped)."""
    return re.findall(r"(?<!\\)!\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)", markdown)


async def test_a_hover_preview_fetches_nothing_and_runs_nothing(client: LanguageClient, vault: Path):
    note = await open_note(client, "Start here.md")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(0, 9))
    )
    assert hover is not None
    text = hover.contents.value
    # The preview is there, readable, with alt texts where the images were.
    assert "**Welcome**" in text and "Thanks for using this template!" in text
    assert "tracking pixel" in text and "proto" in text and "ref image" in text
    assert "[badge](https://example.org/project)" in text
    # No image but the vault's own; no raw HTML or autolink; no command link, inline or by reference.
    assert image_destinations(text) == [(vault / "attachments" / "diagram.png").as_uri()]
    assert not re.search(r"(?<!\\)<[A-Za-z/!?]", re.sub("`[^`]*`", "", text)), text
    assert "](command:" not in text and "]: command:" not in text
    assert "`<code>`" in text  # a code span is left as written
