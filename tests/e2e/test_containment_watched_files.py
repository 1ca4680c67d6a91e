"""vaultls never reads a file outside its vault through symbolic links that appear in it later
and are announced as watched-file events (a fresh server for each test)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import ONE_PROFILE, open_note
from tests.e2e.test_containment import _completion, _definition, _hover, _labels, _secret_free, hostile_vault

pytestmark = ONE_PROFILE


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return hostile_vault(tmp_path)


async def test_watched_file_events_do_not_follow_links_out(client: LanguageClient):
    root: Path = client.vault  # type: ignore[attr-defined]
    outside = root.parent / "outside"
    (root / "later").symlink_to(outside / "dir", target_is_directory=True)
    (root / "later.md").symlink_to(outside / "secret.md")
    (root / "later.png").symlink_to(outside / "dir" / "secretpic.png")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=(root / name).as_uri(), type=kind)
                for name in ("later", "later.md", "later.png", "secretlink.md", "linked")
                for kind in (types.FileChangeType.Created, types.FileChangeType.Changed)
            ]
        )
    )
    note = await open_note(client, "Probe.md", "[[later]] [[inner]] [[later/inner]] [[secretlink]] ![[later.png]]")
    for character in (3, 13, 25, 40, 58):
        assert _secret_free(await _hover(client, note, 0, character))
        assert not await _definition(client, note, 0, character)
    note = await open_note(client, "Scratch.md", "see [[")
    labels = _labels(await _completion(client, note, 0, 6))
    assert not any("secret" in label.lower() or "inner" in label.lower() for label in labels), labels
