"""The server's log (the editor's Output channel) stays quiet in an ordinary session: no pygls
warning for a cancelled request that had already finished, and no "cannot read" when a note
is renamed in the editor's file explorer (the old path is closed and announced as deleted
after the file has moved)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import VSCODE, open_note, start_client, start_session, uri


@pytest.fixture
async def logged(request: pytest.FixtureRequest, vault: Path, tmp_path: Path):
    """A client and the file its server logs to (at INFO, as an editor's Output channel)."""
    log = tmp_path / "server.log"
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "vaultls", "serve", "--log-level", "INFO", "--log-file", str(log)]
    )
    client = await start_client(request, config)
    try:
        await start_session(client, VSCODE, vault)
        yield client, log
        await client.shutdown_session()
    finally:
        await client.stop()


def warnings_in(log: Path) -> list[str]:
    return [line for line in log.read_text(encoding="utf-8").splitlines() if " WARNING " in line or " ERROR " in line]


async def test_cancelling_a_finished_request_logs_no_warning(logged: tuple[LanguageClient, Path]):
    client, log = logged
    note = await open_note(client, "Home.md")
    await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(5, 12))
    )
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=10_000))  # long answered, or never asked
    await client.text_document_hover_async(  # the notification is handled before this answer
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(5, 12))
    )
    assert warnings_in(log) == []


async def test_renaming_an_open_note_in_the_explorer_logs_no_error(logged: tuple[LanguageClient, Path]):
    client, log = logged
    root: Path = client.vault  # type: ignore[attr-defined]
    old, new = "People/Kropotkin.md", "People/Peter.md"
    await open_note(client, old)
    await client.workspace_will_rename_files_async(
        types.RenameFilesParams(files=[types.FileRename(old_uri=uri(client, old), new_uri=uri(client, new))])
    )
    os.rename(root / old, root / new)  # then what VS Code sends once the file has moved
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri(client, old)))
    )
    await open_note(client, new)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=uri(client, old), type=types.FileChangeType.Deleted),
                types.FileEvent(uri=uri(client, new), type=types.FileChangeType.Created),
            ]
        )
    )
    await client.text_document_hover_async(  # everything above is handled before this answer
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, new)), position=types.Position(0, 2)
        )
    )
    assert warnings_in(log) == []
