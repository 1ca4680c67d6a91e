"""A large vault's first scan in two passes, through the real server.

On a large vault the server is `ready` once every note's name and aliases are indexed, and the
rest (who links where, tags, the parse of notes not cached) follows. Here the split is forced on
a small vault (`split_min_notes=0`) and the second pass held back for a while
(`second_pass_delay`), both through the test launcher (`launch_server.py`), so that requests
land between the passes: each must answer as it would after both."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import answer_registrations, codes, diagnostics_for, open_note, start_session, uri
from tests.e2e.launch_server import server_command
from tests.e2e.test_navigation import ALPHA_BACKLINKS, at, copy_nav, references, where

HOLD = 1.5  # seconds between the passes


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return copy_nav(tmp_path)


@pytest_lsp.fixture(
    params=["visual-studio-code"],
    config=ClientServerConfig(
        server_command=server_command(
            "--log-level", "DEBUG", "--split-min-notes", "0", "--second-pass-delay", str(HOLD)
        ),
    ),
)
async def split(lsp_client: LanguageClient, request: pytest.FixtureRequest, vault: Path):
    answer_registrations(lsp_client)
    await start_session(lsp_client, request.param, vault)
    yield
    await lsp_client.shutdown_session()


def progress_ended(client: LanguageClient) -> bool:
    return any(getattr(r, "kind", None) == "end" for reports in client.progress_reports.values() for r in reports)


async def until_indexed(client: LanguageClient, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if progress_ended(client):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the indexing progress never ended")


async def test_diagnostics_come_after_the_first_pass_and_are_complete(split: LanguageClient):
    note = await open_note(split, "Home.md")
    diags = await diagnostics_for(split, note, lambda d: "dangling-link" in codes(d))
    assert not progress_ended(split)  # published between the passes
    # The heading and block links into Alpha (parsed on the spot) resolve; only the two dangle.
    assert codes(diags).count("dangling-link") == 2 and "missing-heading" not in codes(diags)
    await until_indexed(split)


async def test_references_between_the_passes_wait_for_the_whole_index(split: LanguageClient):
    note = await open_note(split, "Home.md")
    await diagnostics_for(split, note)
    found = await references(split, "Home.md", at(split, "Home.md", "[[Alpha]]", 3))
    assert progress_ended(split)
    assert where(split, found) == ALPHA_BACKLINKS


async def test_a_dangling_hover_between_the_passes_counts_every_linker(split: LanguageClient):
    note = await open_note(split, "Home.md")
    await diagnostics_for(split, note)
    text = (split.vault / "Home.md").read_text()  # type: ignore[attr-defined]
    line, col = next((n, row.index("Missing Page")) for n, row in enumerate(text.split("\n")) if "Missing Page" in row)
    found = await split.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(line, col))
    )
    assert found is not None and "does not exist" in found.contents.value
    assert "2 notes link" in found.contents.value  # Home.md and Beta Note.md (not parsed at the hover)


async def test_tag_completion_is_incomplete_until_the_tags_are_known(split: LanguageClient):
    note = await open_note(split, "Scratch.md", "#pro")
    await diagnostics_for(split, note)
    params = types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(0, 4))
    early = await split.text_document_completion_async(params)
    assert isinstance(early, types.CompletionList) and early.is_incomplete and not early.items
    await until_indexed(split)
    later = await split.text_document_completion_async(params)
    assert "#project" in [item.label for item in later.items]  # type: ignore[union-attr]


async def test_a_note_edited_between_the_passes_keeps_its_edit(split: LanguageClient):
    home = await open_note(split, "Home.md")
    await diagnostics_for(split, home)
    text = "# Alpha\n\n[[Nowhere]]\n"
    alpha = await open_note(split, "Notes/Alpha.md", text)
    await until_indexed(split)
    diags = await diagnostics_for(split, alpha, lambda d: "dangling-link" in codes(d))
    assert codes(diags) == ["dangling-link"]
    assert uri(split, "Notes/Alpha.md") == alpha
