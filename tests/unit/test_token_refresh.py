"""The client is asked for semantic tokens again (`lsp.token_refresh`) when links of open notes
may lead elsewhere, once per burst, and only when it can be asked."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from vaultls.lsp import token_refresh
from vaultls.lsp.roots import doc_key
from vaultls.lsp.token_refresh import TokenRefresh
from vaultls.vault.index import Vault

VAULT = Vault(Path("/vault"))


class FakeHost:
    def __init__(self, open_paths: list[str], supports: bool = True) -> None:
        self.documents: dict[str, Any] = {doc_key(self.uri_of(VAULT, p)): None for p in open_paths}
        self.supports = supports
        self.sent = 0

    def client_supports(self, field: str, default: Any = None) -> Any:
        return self.supports if field == "workspace.semantic_tokens.refresh_support" else default

    def uri_of(self, vault: Vault, path: str) -> str:
        return (vault.root / path).as_uri()

    def workspace_semantic_tokens_refresh(self, params: None, callback: Any = None) -> Future[None]:
        self.sent += 1
        future: Future[None] = Future()
        future.set_result(None)
        return future


def run(host: FakeHost, *changes: list[str]) -> int:
    """How many refreshes `changes` (each a list of affected notes) make."""

    async def go() -> None:
        refresh = TokenRefresh(host)
        for affected in changes:
            refresh.changed([(VAULT, p) for p in affected])
        await asyncio.sleep(token_refresh.TOKEN_REFRESH_DELAY * 3)

    asyncio.run(go())
    return host.sent


def test_a_note_created_that_an_open_note_links_to_asks_for_tokens_again():
    assert run(FakeHost(["a.md"]), ["New.md", "a.md"]) == 1


def test_a_note_changed_alone_asks_nothing_the_editor_asks_for_it_already():
    assert run(FakeHost(["a.md"]), ["a.md"]) == 0


def test_changes_of_closed_notes_only_ask_nothing():
    assert run(FakeHost(["a.md"]), ["New.md", "b.md"]) == 0


def test_a_burst_of_changes_asks_once():
    assert run(FakeHost(["a.md"]), *[[f"n{i}.md", "a.md"] for i in range(50)]) == 1


def test_a_client_that_cannot_be_asked_is_not():
    assert run(FakeHost(["a.md"], supports=False), ["New.md", "a.md"]) == 0
