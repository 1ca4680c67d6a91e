"""End-to-end tests: the real server over stdio, driven by pytest-lsp with the capabilities of
VS Code and of Neovim (UTF-16 vs UTF-8 positions, progress, dynamic registration)."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import VAULTS

CLIENTS = ["visual-studio-code", "neovim"]


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A copy of tests/vaults/basic that the test may change."""
    target = tmp_path / "basic"
    shutil.copytree(VAULTS / "basic", target)
    return target


@pytest_lsp.fixture(
    params=CLIENTS,
    config=ClientServerConfig(server_command=[sys.executable, "-m", "vaultls", "serve", "--log-level", "DEBUG"]),
)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, vault: Path):
    answer_registrations(lsp_client)
    await start_session(lsp_client, request.param, vault)
    yield
    await lsp_client.shutdown_session()


async def start_session(lsp_client: LanguageClient, profile: str, vault: Path) -> None:
    """Initialize as the editor `profile` would, with `vault` as the one workspace folder."""
    lsp_client.vault = vault  # type: ignore[attr-defined]
    lsp_client.profile = profile  # type: ignore[attr-defined]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(profile),
            root_uri=vault.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=vault.as_uri(), name=vault.name)],
        )
    )


def answer_registrations(lsp_client: LanguageClient) -> None:
    """pytest-lsp's client does not answer `client/registerCapability`; an editor does. Record
    what the server registers in `lsp_client.registrations`."""
    registrations: list[types.Registration] = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    lsp_client.registrations = registrations  # type: ignore[attr-defined]


def uri(client: LanguageClient, rel: str) -> str:
    return (client.vault / rel).as_uri()  # type: ignore[attr-defined]


def utf8(client: LanguageClient) -> bool:
    return client.profile == "neovim"  # type: ignore[attr-defined]


async def open_note(client: LanguageClient, rel: str, text: str | None = None) -> str:
    path = client.vault / rel  # type: ignore[attr-defined]
    if text is None:
        text = path.read_text(encoding="utf-8")
    note_uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=note_uri, language_id="markdown", version=1, text=text)
        )
    )
    return note_uri


async def diagnostics_for(
    client: LanguageClient, note_uri: str, predicate=lambda d: True, timeout: float = 10.0
) -> list[types.Diagnostic]:
    """Wait until the diagnostics published for `note_uri` satisfy `predicate`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if note_uri in client.diagnostics and predicate(list(client.diagnostics[note_uri])):
            return list(client.diagnostics[note_uri])
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out; last diagnostics: {client.diagnostics.get(note_uri)}")
        await asyncio.sleep(0.02)


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)
