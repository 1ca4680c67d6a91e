"""Diagnostics of open notes kept right as notes are created and deleted on disk (the client
tells the server through watched-file events: a fresh server for each test)."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import ONE_PROFILE, codes, diagnostics_for, open_note

pytestmark = ONE_PROFILE


async def test_creating_the_missing_note_clears_dangling_links_in_every_open_note(client: LanguageClient):
    home = await open_note(client, "Home.md")
    other = await open_note(client, "Other.md", "[[Kuomintang]] again")
    await diagnostics_for(client, other, lambda d: codes(d) == ["dangling-link"])
    await diagnostics_for(client, home, lambda d: codes(d).count("dangling-link") == 2)
    path = client.vault / "Kuomintang.md"  # type: ignore[attr-defined]
    path.write_text("# Kuomintang\n", encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    assert await diagnostics_for(client, other, lambda d: d == []) == []
    await diagnostics_for(client, home, lambda d: codes(d).count("dangling-link") == 1)


async def test_deleting_a_note_on_disk_makes_links_to_it_dangle(client: LanguageClient):
    note = await open_note(client, "Concepts/Anarchism.md")
    await diagnostics_for(client, note, lambda d: d == [])
    path = client.vault / "People/Kropotkin.md"  # type: ignore[attr-defined]
    path.unlink()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Deleted)]
        )
    )
    diags = await diagnostics_for(client, note, lambda d: codes(d) == ["dangling-link"])
    assert "Kropotkin" in diags[0].message
