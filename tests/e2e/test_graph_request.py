"""`vaultls/graph` over the wire: the whole vault's graph and a note's local graph, the same
data as `vaultls graph --format json`, and `vaultls/graphChanged` once the links change."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import ONE_PROFILE, open_note, uri
from vaultls.lsp.graph_changes import GRAPH_CHANGED
from vaultls.vault.graph_data import graph_data
from vaultls.vault.settings import build_settings
from vaultls.vault.store.loader import load_vault

pytestmark = [ONE_PROFILE]


async def graph(client: LanguageClient, **params: Any) -> dict[str, Any]:
    answer = plain(await client.protocol.send_request_async("vaultls/graph", params))
    assert isinstance(answer, dict)
    return answer


def plain(value: Any) -> Any:
    """The answer as JSON reads it (pygls's client makes namedtuples of the objects of an
    answer to a method it does not know)."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def node_ids(answer: dict[str, Any]) -> set[str]:
    return {n["id"] for n in answer["nodes"]}


def changes_seen(client: LanguageClient) -> list[float]:
    """The times `vaultls/graphChanged` arrived, as they arrive."""
    seen: list[float] = []

    @client.feature(GRAPH_CHANGED)
    def changed(params: Any) -> None:
        seen.append(asyncio.get_running_loop().time())

    return seen


def edit(client: LanguageClient, note: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=note, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def wait_for(seen: list[float], count: int, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while len(seen) < count and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    assert len(seen) >= count, f"{GRAPH_CHANGED} did not arrive"


async def test_the_whole_graph_is_the_data_vaultls_graph_writes(client: LanguageClient):
    root: Path = client.vault  # type: ignore[attr-defined]
    answer = await graph(client, includeAttachments=True)
    vault, _ = load_vault(root, build_settings(root)[0], use_cache=False)
    assert answer.pop("root") == root.as_uri()
    assert answer == graph_data(vault, include_attachments=True)
    assert answer["nodes"] and answer["edges"]


async def test_the_local_graph_of_a_note_grows_with_its_depth(client: LanguageClient):
    root: Path = client.vault  # type: ignore[attr-defined]
    vault, _ = load_vault(root, build_settings(root)[0], use_cache=False)
    one = await graph(client, uri=uri(client, "Home.md"))
    two = await graph(client, uri=uri(client, "Home.md"), depth=2)
    assert node_ids(one) == node_ids(graph_data(vault, note="Home.md", depth=1))
    assert node_ids(two) == node_ids(graph_data(vault, note="Home.md", depth=2))
    assert "Home.md" in node_ids(one) and len(node_ids(one)) > 1
    assert node_ids(one) < node_ids(two)


async def test_the_graph_of_what_is_no_note_is_empty(client: LanguageClient):
    answer = await graph(client, uri=uri(client, "Attachments/nope.md"))
    assert (answer["nodes"], answer["edges"]) == ([], [])


async def test_bad_params_get_the_defaults(client: LanguageClient):
    answer = await graph(client, depth="deep", includeDangling="yes")
    assert answer == await graph(client)


async def test_graph_changed_arrives_after_a_link_is_added_and_the_graph_has_it(client: LanguageClient):
    seen = changes_seen(client)
    await graph(client)
    note = await open_note(client, "Home.md")
    text = (client.vault / "Home.md").read_text(encoding="utf-8")  # type: ignore[attr-defined]
    edit(client, note, 2, text + "\n[[A brand new name]]\n")
    await wait_for(seen, 1)
    after = await graph(client)
    assert "dangling:a brand new name" in node_ids(after)


async def test_graph_changed_comes_once_for_a_burst_of_edits(client: LanguageClient):
    seen = changes_seen(client)
    await graph(client)
    note = await open_note(client, "Home.md")
    await asyncio.sleep(1.5)  # the open itself may change nothing, but let it pass
    seen.clear()
    for version in range(2, 8):
        edit(client, note, version, f"[[Name {version}]]\n")
        await asyncio.sleep(0.2)
    await wait_for(seen, 1)
    await asyncio.sleep(1.5)
    assert len(seen) == 1


async def test_typing_prose_sends_no_graph_changed(client: LanguageClient):
    seen = changes_seen(client)
    await graph(client)
    note = await open_note(client, "Home.md")
    text = (client.vault / "Home.md").read_text(encoding="utf-8")  # type: ignore[attr-defined]
    await asyncio.sleep(1.5)
    seen.clear()
    edit(client, note, 2, text + "\nJust some prose.\n")
    await graph(client, uri=note)  # the edit is in the model once a request is answered
    await asyncio.sleep(2.0)
    assert seen == []


async def test_no_graph_changed_before_a_graph_was_asked_for(client: LanguageClient):
    seen = changes_seen(client)
    note = await open_note(client, "Home.md")
    edit(client, note, 2, "[[Another new name]]\n")
    await asyncio.sleep(2.5)
    assert seen == []


@pytest.mark.parametrize("whole", [True, False], ids=["vault folder", "no uri"])
async def test_the_uri_of_the_vault_folder_or_none_asks_for_the_whole_vault(client: LanguageClient, whole: bool):
    root: Path = client.vault  # type: ignore[attr-defined]
    answer = await graph(client, **({"uri": root.as_uri()} if whole else {}))
    assert answer["root"] == root.as_uri()
    assert {n["id"] for n in answer["nodes"] if n["kind"] == "note"} == {
        p.relative_to(root).as_posix() for p in root.rglob("*.md")
    }


async def test_graph_changed_arrives_after_a_note_is_created_on_disk(client: LanguageClient):
    seen = changes_seen(client)
    await graph(client)
    root: Path = client.vault  # type: ignore[attr-defined]
    (root / "Made Outside.md").write_text("[[Home]]\n", encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(root / "Made Outside.md").as_uri(), type=types.FileChangeType.Created)]
        )
    )
    await wait_for(seen, 1)
    after = await graph(client)
    assert ("Made Outside.md", "Home.md") in {(e["source"], e["target"]) for e in after["edges"]}
