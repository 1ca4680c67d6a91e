"""The server's log reaches the editor (`window/logMessage`) at the client's `logLevel`, and
its `logFile`, from `initializationOptions` only (a fresh server for each test)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import write_vault
from tests.e2e.conftest import ONE_PROFILE, VSCODE, start_client

pytestmark = ONE_PROFILE

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "vaultls", "serve"])
ADOPTED = "no workspace folder given"  # what the server logs, at INFO, when a note opens with no workspace


@pytest.fixture
def note(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "vault", {".obsidian/app.json": "{}", "a.md": "# A\n"}) / "a.md"


@pytest_asyncio.fixture
async def session(request: pytest.FixtureRequest, profile: str):
    clients: list[LanguageClient] = []

    async def start(options: dict | None, configuration: dict | None = None) -> LanguageClient:
        client = await start_client(request, SERVER)
        clients.append(client)
        if configuration is not None:
            client.set_configuration({"vaultls": configuration})
        await client.initialize_session(
            types.InitializeParams(capabilities=client_capabilities(VSCODE), initialization_options=options)
        )
        return client

    yield start
    for client in clients:
        await client.shutdown_session()


async def _open_and_wait(client: LanguageClient, note: Path) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=note.as_uri(), language_id="markdown", version=1, text="# A\n")
        )
    )
    await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=note.as_uri()))
    )
    await asyncio.sleep(0.2)


def _logged(client: LanguageClient) -> list[str]:
    return [m.message for m in client.log_messages]


async def test_info_records_reach_the_client_by_default(session, note):
    client = await session(None)
    await _open_and_wait(client, note)
    assert any(ADOPTED in message for message in _logged(client))


async def test_log_level_warning_keeps_info_records_back(session, note):
    client = await session({"logLevel": "warning"})
    await _open_and_wait(client, note)
    assert not any(ADOPTED in message for message in _logged(client))


async def test_log_file_from_initialization_options_gets_the_log(session, note, tmp_path):
    log_file = tmp_path / "server.log"
    client = await session({"logFile": str(log_file)})
    await _open_and_wait(client, note)
    assert ADOPTED in log_file.read_text(encoding="utf-8")


async def test_log_file_from_workspace_configuration_is_not_written(session, note, tmp_path):
    log_file = tmp_path / "planted.log"
    client = await session(None, {"logFile": str(log_file)})
    await _open_and_wait(client, note)
    assert not log_file.exists()


async def test_a_bad_log_level_is_reported(session, note):
    client = await session({"logLevel": "chatty"})
    await _open_and_wait(client, note)
    assert any("setting `logLevel` must be one of" in m.message for m in client.messages)
