"""A client that says it will show a graph (`initializationOptions` `{"graph": {"prepare":
true}}`, or with its view's flags) has the whole vault's graph made after the first scan,
before it asks: the answer is the one asked for, and the option is no unknown setting."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import ONE_PROFILE, VSCODE, start_client
from tests.e2e.test_graph_request import graph
from vaultls.vault.graph_data import graph_data
from vaultls.vault.settings import build_settings
from vaultls.vault.store.loader import load_vault

pytestmark = [ONE_PROFILE]


@pytest_asyncio.fixture
async def preparing(request, vault: Path):
    clients: list[LanguageClient] = []

    async def start(prepare: Any) -> LanguageClient:
        client = await start_client(request)
        clients.append(client)
        client.vault = vault  # type: ignore[attr-defined]
        await client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities(VSCODE),
                root_uri=vault.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=vault.as_uri(), name=vault.name)],
                initialization_options={"graph": {"prepare": prepare}},
            )
        )
        await asyncio.sleep(0.5)  # the graph made meanwhile
        return client

    yield start
    for client in clients:
        await client.shutdown_session()
        await client.stop()


def whole_graph(root: Path, **options: Any) -> dict[str, Any]:
    vault, _ = load_vault(root, build_settings(root)[0], use_cache=False)
    return {**graph_data(vault, **options), "root": root.as_uri()}


async def test_the_graph_made_ahead_is_the_whole_graph(preparing, vault: Path):
    client = await preparing(True)
    answer = await graph(client)
    assert answer == whole_graph(vault)
    assert answer["nodes"] and answer["edges"]


async def test_the_graph_made_ahead_with_a_view_s_flags_is_the_graph_with_those_flags(preparing, vault: Path):
    flags = {"includeAttachments": True, "includeTags": True}
    client = await preparing(flags)
    answer = await graph(client, **flags)
    assert answer == whole_graph(vault, include_attachments=True, include_tags=True)
    assert any(node["kind"] == "tag" for node in answer["nodes"])


async def test_the_option_to_make_the_graph_ahead_is_no_unknown_setting(preparing):
    client = await preparing(True)
    await graph(client)
    said = [m.message for m in client.messages] + [m.message for m in client.log_messages]
    assert not [m for m in said if "graph" in m and "unknown setting" in m]
