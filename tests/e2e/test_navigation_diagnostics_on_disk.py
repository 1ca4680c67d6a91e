"""Whole-vault diagnostics (`diagnostics.scope = "workspace"`, in the vault's `.vaultls.toml`)
pushed to a push client, and pull diagnostics following notes created on disk (announced as
watched-file events): a workspace pull reports what changed, and a pull client is asked to pull
again. A fresh server for each test."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import BOTH_PROFILES, answer_registrations, diagnostics_for, open_note, uri
from tests.e2e.test_navigation import rel_of
from tests.e2e.test_navigation_diagnostics import (
    as_check_json,
    check_json,
    key,
    nav_with_gaps,
    pull_capabilities,
    workspace_pull,
)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return nav_with_gaps(tmp_path)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "vaultls", "serve"]))
async def pull_client(lsp_client: LanguageClient, vault: Path):
    answer_registrations(lsp_client)
    lsp_client.vault = vault  # type: ignore[attr-defined]
    lsp_client.profile = "visual-studio-code (pull)"  # type: ignore[attr-defined]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=pull_capabilities(),
            root_uri=vault.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=vault.as_uri(), name="nav")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_a_pull_client_is_asked_to_pull_again_when_another_note_changes(pull_client: LanguageClient):
    root: Path = pull_client.vault  # type: ignore[attr-defined]
    await open_note(pull_client, "Home.md")
    await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri(pull_client, "Home.md")))
    )
    before = pull_client.diagnostic_refresh_count
    (root / "Missing Page.md").write_text("# Missing Page\n", encoding="utf-8")
    pull_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(root / "Missing Page.md").as_uri(), type=types.FileChangeType.Created)]
        )
    )
    for _ in range(100):
        if pull_client.diagnostic_refresh_count > before:
            break
        await asyncio.sleep(0.02)
    assert pull_client.diagnostic_refresh_count > before
    result = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri(pull_client, "Home.md")))
    )
    assert list(result.items) == []


async def test_workspace_diagnostics_follow_a_note_created_on_disk(pull_client: LanguageClient):
    client = pull_client
    root: Path = client.vault  # type: ignore[attr-defined]
    first = await workspace_pull(client)
    assert "Home.md" in {rel_of(client, r.uri) for r in first.items}
    (root / "Missing Page.md").write_text("# Missing Page\n", encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(root / "Missing Page.md").as_uri(), type=types.FileChangeType.Created)]
        )
    )
    previous = [types.PreviousResultId(uri=r.uri, value=r.result_id) for r in first.items]
    for _ in range(100):
        second = await workspace_pull(client, previous)
        home = [r for r in second.items if rel_of(client, r.uri) == "Home.md"]
        if home and isinstance(home[0], types.WorkspaceFullDocumentDiagnosticReport):
            break
        await asyncio.sleep(0.05)
    assert list(home[0].items) == []  # both of Home's dangling links now resolve
    fresh = await workspace_pull(client)
    assert sorted(map(key, as_check_json(client, fresh.items))) == sorted(map(key, check_json(root)))


async def pushed_until_complete(client: LanguageClient, rels: list[str]) -> None:
    for rel in rels:
        await diagnostics_for(client, uri(client, rel), lambda d: len(d) > 0)


@BOTH_PROFILES
async def test_pushed_diagnostics_of_the_whole_vault_are_identical_to_vaultls_check(client: LanguageClient):
    expected = check_json(client.vault)  # type: ignore[attr-defined]
    await pushed_until_complete(client, sorted({p["path"] for p in expected}))
    reports = [
        types.WorkspaceFullDocumentDiagnosticReport(uri=u, items=list(d)) for u, d in client.diagnostics.items() if d
    ]
    assert sorted(map(key, as_check_json(client, reports))) == sorted(map(key, expected))
    assert {p["code"] for p in expected} == {"dangling-link", "missing-heading"}
    assert any(p["path"] == "Ünïcode Gaps.md" for p in expected)
