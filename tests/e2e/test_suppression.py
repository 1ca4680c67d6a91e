"""The server honours what a note silences (`vaultls-ignore`) and each code's severity
(`diagnostics.severity`), as `vaultls check` does (tests/unit/test_suppression.py). A fresh
server for each test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import write_vault
from tests.e2e.conftest import ONE_PROFILE, VSCODE, codes, diagnostics_for, open_note, start_client

pytestmark = ONE_PROFILE

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "vaultls", "serve"])
NOTES = {
    ".obsidian/app.json": "{}",
    "x/N.md": "",
    "y/N.md": "",
    "Quiet.md": "[[Gone]] <!-- vaultls-ignore -->\n[[Also gone]]\n\n[[Reported]] [[N]]\n",
    "Whole.md": "---\nvaultls-ignore: [dangling-link]\n---\n[[Gone]]\n[[N]]\n",
}


@pytest_asyncio.fixture
async def client(request: pytest.FixtureRequest, tmp_path: Path):
    vault = write_vault(tmp_path / "vault", NOTES)
    lsp_client = await start_client(request, SERVER)
    lsp_client.vault = vault  # type: ignore[attr-defined]
    lsp_client.set_configuration({"vaultls": {"diagnostics": {"severity": {"ambiguous-link": "error"}}}})
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(VSCODE),
            root_uri=vault.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
        )
    )
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_comments_silence_their_line_and_the_next(client: LanguageClient):
    note = await open_note(client, "Quiet.md")
    diags = await diagnostics_for(client, note, lambda d: len(d) == 2)
    assert sorted((d.range.start.line, str(d.code)) for d in diags) == [(3, "ambiguous-link"), (3, "dangling-link")]


async def test_the_property_silences_its_codes_in_the_whole_note(client: LanguageClient):
    note = await open_note(client, "Whole.md")
    diags = await diagnostics_for(client, note, lambda d: len(d) == 1)
    assert codes(diags) == ["ambiguous-link"]


async def test_the_severity_setting_sets_a_codes_severity(client: LanguageClient):
    note = await open_note(client, "Whole.md")
    [diag] = await diagnostics_for(client, note, lambda d: len(d) == 1)
    assert diag.severity == types.DiagnosticSeverity.Error
