"""Diagnostics pushed for open notes, and kept right as the notes are edited (one server per
client profile for the module; notes changed on disk: test_diagnostics_on_disk.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import (
    BOTH_PROFILES,
    ONE_PROFILE,
    SHARED_SERVER,
    codes,
    copy_of,
    diagnostics_for,
    open_note,
    uri,
    utf8,
)

pytestmark = [*SHARED_SERVER, ONE_PROFILE]


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_of("basic", tmp_path_factory.mktemp("diagnostics"))


async def test_open_note_gets_its_link_problems(client: LanguageClient):
    note = await open_note(client, "Home.md")
    diags = await diagnostics_for(client, note, lambda d: "dangling-link" in codes(d))
    assert codes(diags) == ["ambiguous-link", "dangling-link", "dangling-link"]
    assert all(d.source == "vaultls" for d in diags)


async def test_every_diagnostic_links_to_the_page_of_its_code(client: LanguageClient):
    note = await open_note(client, "Home.md")
    diags = await diagnostics_for(client, note, lambda d: "dangling-link" in codes(d))
    assert diags and all(
        d.code_description is not None and d.code_description.href.endswith(f"/docs/codes/{d.code}.md") for d in diags
    )


async def test_dangling_alias_message_names_the_note(client: LanguageClient):
    note = await open_note(client, "Home.md")
    diags = await diagnostics_for(client, note, lambda d: "dangling-link" in codes(d))
    alias = next(d for d in diags if "Bonapartist" in d.message)
    assert 'alias of "Bonapartism"' in alias.message


@BOTH_PROFILES
async def test_columns_follow_the_negotiated_encoding(client: LanguageClient):
    note = await open_note(client, "Unicode.md")
    [diag] = await diagnostics_for(client, note, lambda d: len(d) == 1)
    # `日本語 🎉 [[Nowhere]]`: the target starts after 8 code points, 9 UTF-16 units, 17 bytes.
    expected = 17 if utf8(client) else 9
    assert diag.range.start == types.Position(line=2, character=expected)


@BOTH_PROFILES
async def test_fixing_a_link_clears_its_diagnostic(client: LanguageClient):
    note = await open_note(client, "Unicode.md")
    await diagnostics_for(client, note, lambda d: len(d) == 1)
    start = 17 if utf8(client) else 9
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=note, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(2, start), end=types.Position(2, start + 7)),
                    text="Anarchism",
                )
            ],
        )
    )
    assert await diagnostics_for(client, note, lambda d: d == []) == []


async def test_editing_a_heading_in_one_open_note_updates_another(client: LanguageClient):
    home = await open_note(client, "Home.md")
    kropotkin = await open_note(client, "People/Kropotkin.md")
    await diagnostics_for(client, home, lambda d: "dangling-link" in codes(d))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=kropotkin, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="# Kropotkin\n\n## Youth\n")],
        )
    )
    await diagnostics_for(client, home, lambda d: "missing-heading" in codes(d))


async def test_closing_a_note_falls_back_to_the_file_on_disk(client: LanguageClient):
    scratch = await open_note(client, "Kuomintang.md", "# Kuomintang\n")
    home = await open_note(client, "Home.md")
    await diagnostics_for(client, home, lambda d: codes(d).count("dangling-link") == 1)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=scratch))
    )
    # Never saved: the note does not exist on disk, so the link dangles again.
    await diagnostics_for(client, home, lambda d: codes(d).count("dangling-link") == 2)


@BOTH_PROFILES
async def test_watchers_are_registered_exactly_when_the_client_allows(client: LanguageClient):
    await open_note(client, "Home.md")
    await diagnostics_for(client, uri(client, "Home.md"))
    watched = client.capabilities.workspace.did_change_watched_files
    allowed = bool(watched and watched.dynamic_registration)
    methods = [r.method for r in client.registrations]  # type: ignore[attr-defined]
    assert (types.WORKSPACE_DID_CHANGE_WATCHED_FILES in methods) == allowed


@BOTH_PROFILES
async def test_index_progress_is_reported(client: LanguageClient):
    note = await open_note(client, "Home.md")
    await diagnostics_for(client, note)  # after the first pass; the progress ends after the second

    def kinds() -> list[str | None]:
        return [getattr(r, "kind", None) for reports in client.progress_reports.values() for r in reports]

    for _ in range(200):
        if "end" in kinds():
            break
        await asyncio.sleep(0.05)
    assert "begin" in kinds() and "end" in kinds()
