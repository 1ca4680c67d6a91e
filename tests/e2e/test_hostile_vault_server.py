"""The server on a vault made to hurt it: a settings file linked to `/dev/zero` or to a file
outside the vault, globs that would backtrack or do not parse, a FIFO that appears as a note.
It starts, says what it refused, and keeps answering."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.conftest import write_vault
from tests.e2e.conftest import answer_registrations, diagnostics_for, open_note, start_session, uri

SECRET = "TOPSECRET-51c0"


def hostile_vault(root: Path, config: str | None = None) -> Path:
    write_vault(root, {"Home.md": "# Home\n\n[[Other]] [[Missing]]\n", "Other.md": "# Other\n", "a" * 120 + ".md": "x"})
    if config is not None:
        (root / ".vaultls.toml").write_text(config, encoding="utf-8")
    return root


@pytest.fixture
def vault(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    kind = request.node.get_closest_marker("vault_kind").args[0]
    root = tmp_path / "vault"
    if kind == "dev-zero":
        hostile_vault(root)
        (root / ".vaultls.toml").symlink_to("/dev/zero")
        (root / ".obsidian").mkdir()
        (root / ".obsidian" / "types.json").symlink_to("/dev/zero")
    elif kind == "outside":
        (tmp_path / "secret.toml").write_text(f'{SECRET} = "{SECRET}"\n', encoding="utf-8")
        hostile_vault(root)
        (root / ".vaultls.toml").symlink_to(tmp_path / "secret.toml")
    elif kind == "globs":
        hostile_vault(root, 'exclude = ["*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "[z-a]", "**/[", "Other*"]\n')
    else:
        hostile_vault(root)
    return root


@pytest_lsp.fixture(
    params=["visual-studio-code"], config=ClientServerConfig(server_command=[sys.executable, "-m", "vaultls", "serve"])
)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, vault: Path):
    answer_registrations(lsp_client)
    await asyncio.wait_for(start_session(lsp_client, request.param, vault), 30)
    yield
    await lsp_client.shutdown_session()


async def dangling(client: LanguageClient) -> list[str]:
    home = await open_note(client, "Home.md")
    found = await diagnostics_for(client, home, lambda d: any(x.code == "dangling-link" for x in d))
    return sorted(str(d.message) for d in found if d.code == "dangling-link")


@pytest.mark.vault_kind("dev-zero")
async def test_settings_linked_to_dev_zero_are_refused_and_the_server_works(client: LanguageClient) -> None:
    assert len(await dangling(client)) == 1
    assert any("outside the vault" in m.message for m in client.messages)


@pytest.mark.vault_kind("outside")
async def test_settings_linked_outside_the_vault_are_not_echoed(client: LanguageClient) -> None:
    assert len(await dangling(client)) == 1
    assert any("outside the vault" in m.message for m in client.messages)
    assert not any(SECRET in m.message for m in client.messages)
    assert not any(SECRET in str(m) for m in client.log_messages)


@pytest.mark.vault_kind("globs")
async def test_hostile_globs_neither_hang_nor_stop_the_start(client: LanguageClient) -> None:
    # `Other*` still excludes Other.md: its link dangles too.
    assert len(await dangling(client)) == 2


@pytest.mark.vault_kind("plain")
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
async def test_a_fifo_note_appearing_later_does_not_block_the_server(client: LanguageClient, vault: Path) -> None:
    assert len(await dangling(client)) == 1
    os.mkfifo(vault / "Missing.md")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri(client, "Missing.md"), type=types.FileChangeType.Created)]
        )
    )
    symbols = await asyncio.wait_for(
        client.workspace_symbol_async(types.WorkspaceSymbolParams(query="Other")), timeout=10
    )
    assert symbols and any(s.name == "Other" for s in symbols)
