"""Settings layers reach the server, changes apply without restart, and every workspace folder
is a vault of its own (a fresh server for each test; under both client profiles where the
settings change, as the two register for configuration changes differently)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import write_vault
from tests.e2e.conftest import BOTH_PROFILES, ONE_PROFILE, diagnostics_for, open_note, start_client

pytestmark = ONE_PROFILE

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "vaultls", "serve"])
DANGLING = {".obsidian/app.json": "{}", "a.md": "[[Nowhere]]", "Alias Owner.md": "---\naliases: [Nick]\n---\n"}


@pytest.fixture
def roots(tmp_path: Path) -> tuple[Path, Path]:
    first = write_vault(
        tmp_path / "first", {**DANGLING, "Shared.md": "# Shared\n", "b.md": "[[Shared]] [[Only Second]]"}
    )
    second = write_vault(tmp_path / "second", {".obsidian/app.json": "{}", "Only Second.md": "", "c.md": "[[Shared]]"})
    return first, second


@pytest_asyncio.fixture
async def client(request: pytest.FixtureRequest, profile: str, roots: tuple[Path, Path]):
    first, second = roots
    lsp_client = await start_client(request, SERVER)
    try:
        lsp_client.vault = first  # type: ignore[attr-defined]
        lsp_client.set_configuration({"vaultls": {"links": {"resolveAliases": False}}})
        await lsp_client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities(profile),
                initialization_options={"diagnostics": {"danglingLinks": "error"}},
                workspace_folders=[
                    types.WorkspaceFolder(uri=first.as_uri(), name="first"),
                    types.WorkspaceFolder(uri=second.as_uri(), name="second"),
                ],
            )
        )
        yield lsp_client
        await lsp_client.shutdown_session()
    finally:
        await lsp_client.stop()


async def test_initialization_options_set_the_dangling_severity(client: LanguageClient):
    note = await open_note(client, "a.md")
    [diag] = await diagnostics_for(client, note, lambda d: len(d) == 1)
    assert diag.severity == types.DiagnosticSeverity.Error


@BOTH_PROFILES
async def test_configuration_change_applies_without_restart(client: LanguageClient):
    note = await open_note(client, "a.md", "[[Nowhere]] [[Nick]]")
    await diagnostics_for(client, note, lambda d: len(d) == 2)
    client.set_configuration({"vaultls": {"links": {"resolveAliases": True}, "diagnostics": {"danglingLinks": "hint"}}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    [diag] = await diagnostics_for(client, note, lambda d: len(d) == 1)
    assert diag.severity == types.DiagnosticSeverity.Hint and "Nowhere" in diag.message


@BOTH_PROFILES
async def test_bad_setting_is_reported_once_and_the_rest_works(client: LanguageClient):
    client.set_configuration({"vaultls": {"diagnostics": {"danglingLinks": "loud"}}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    note = await open_note(client, "a.md")
    await diagnostics_for(client, note, lambda d: len(d) == 1)
    complaints = [m for m in client.messages if "dangling_links" in m.message]
    assert len(complaints) == 1 and "loud" in complaints[0].message


async def test_each_workspace_folder_is_its_own_vault(client: LanguageClient, roots: tuple[Path, Path]):
    first, second = roots
    b = await open_note(client, "b.md")
    c_path = second / "c.md"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=c_path.as_uri(), language_id="markdown", version=1, text="[[Shared]]"
            )
        )
    )
    [in_first] = await diagnostics_for(client, b, lambda d: len(d) == 1)
    assert "Only Second" in in_first.message
    [in_second] = await diagnostics_for(client, c_path.as_uri(), lambda d: len(d) == 1)
    assert "Shared" in in_second.message
