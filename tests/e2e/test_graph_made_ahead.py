"""A client that says it will show a graph (`initializationOptions` `{"graph": {"prepare":
true}}`) has the whole vault's graph made after the first scan, before it asks: the answer is
the one asked for, and the option is no unknown setting."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import ONE_PROFILE, VSCODE, start_client
from tests.e2e.test_graph_request import graph
from vaultls.vault.graph_data import graph_data
from vaultls.vault.settings import build_settings
from vaultls.vault.store.loader import load_vault

pytestmark = ONE_PROFILE


@pytest_asyncio.fixture
async def preparing(request, vault: Path):
    client = await start_client(request)
    client.vault = vault  # type: ignore[attr-defined]
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(VSCODE),
            root_uri=vault.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=vault.as_uri(), name=vault.name)],
            initialization_options={"graph": {"prepare": True}},
        )
    )
    yield client
    await client.shutdown_session()
    await client.stop()


async def test_the_graph_made_ahead_is_the_whole_graph(preparing: LanguageClient):
    root: Path = preparing.vault  # type: ignore[attr-defined]
    await asyncio.sleep(0.5)  # made meanwhile
    answer = await graph(preparing)
    vault, _ = load_vault(root, build_settings(root)[0], use_cache=False)
    assert answer.pop("root") == root.as_uri()
    assert answer == graph_data(vault)
    assert answer["nodes"] and answer["edges"]


async def test_the_option_to_make_the_graph_ahead_is_no_unknown_setting(preparing: LanguageClient):
    await graph(preparing)
    said = [m.message for m in preparing.messages] + [m.message for m in preparing.log_messages]
    assert not [m for m in said if "graph" in m and "unknown setting" in m]
