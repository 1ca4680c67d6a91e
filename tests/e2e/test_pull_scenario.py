"""A VS Code-like client on a vault with whole-vault diagnostics: it pulls `workspace/diagnostic`
after edits, cancels pulls, and asks for completion meanwhile. Completion never waits for a
pull, a pull after one edit reports the untouched notes `unchanged`, a pull can be cancelled,
and with a `partialResultToken` the reports come as partial results. (Figures on 10,000 notes:
benchmarks/pull_scenario.py.) A fresh server for each test."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from tests.conftest import write_vault
from tests.e2e.conftest import VSCODE, open_note, start_client, start_session, uri
from tests.e2e.test_navigation_diagnostics import pull_capabilities

NOTES = 1500  # enough that a first whole-vault pull takes many slices


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    files = {".vaultls.toml": '[diagnostics]\nscope = "workspace"\n'}
    for i in range(NOTES):
        links = " ".join(f"[[Note {(i * 7 + k) % NOTES}]] [[Missing {i}-{k}#Part]]" for k in range(4))
        files[f"Folder {i % 20}/Note {i}.md"] = f"# Note {i}\n\n## Part\n\n{links}\n"
    return write_vault(tmp_path / "vault", files)


@pytest_asyncio.fixture
async def client(request: pytest.FixtureRequest, vault: Path):
    lsp_client = await start_client(request)
    try:
        await start_session(lsp_client, VSCODE, vault, pull_capabilities())
        await lsp_client.workspace_symbol_async(types.WorkspaceSymbolParams(query="Note"))  # indexed
        yield lsp_client
        await lsp_client.shutdown_session()
    finally:
        await lsp_client.stop()


def pull(client: LanguageClient, previous: list[types.PreviousResultId] | None = None, **extra: Any):
    params = types.WorkspaceDiagnosticParams(previous_result_ids=previous or [], **extra)
    return client.workspace_diagnostic_async(params)


def previous_ids(items: list[Any]) -> list[types.PreviousResultId]:
    return [types.PreviousResultId(uri=r.uri, value=r.result_id) for r in items]


async def complete_after_brackets(client: LanguageClient, note: str) -> types.CompletionList:
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(4, 2))
    )
    assert isinstance(result, types.CompletionList) and result.items
    return result


async def test_completion_answers_while_a_workspace_pull_is_in_progress(client: LanguageClient):
    note = await open_note(client, "Folder 0/Note 0.md", "# Note 0\n\n## Part\n\n[[\n")
    running = asyncio.ensure_future(pull(client))
    await asyncio.sleep(0.05)  # the pull has started
    await complete_after_brackets(client, note)
    assert not running.done()  # answered before the pull, not after it
    report = await running
    assert len(report.items) == NOTES - 1  # all but the open note, which has no problem now


async def test_a_pull_after_one_edit_reports_untouched_notes_unchanged(client: LanguageClient):
    first = await pull(client)
    note = await open_note(client, "Folder 3/Note 3.md")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=note, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="# Note 3\n\nNo links now.\n")],
        )
    )
    second = await pull(client, previous_ids(first.items))
    full = [r for r in second.items if isinstance(r, types.WorkspaceFullDocumentDiagnosticReport)]
    unchanged = [r for r in second.items if isinstance(r, types.WorkspaceUnchangedDocumentDiagnosticReport)]
    assert [(r.uri, list(r.items)) for r in full] == [(note, [])]
    assert len(unchanged) == NOTES - 1


async def test_a_note_whose_link_target_changed_is_reported_again(client: LanguageClient):
    first = await pull(client)
    target = await open_note(client, "Folder 1/Note 1.md")
    client.text_document_did_change(  # Note 1 loses its heading "Part": links to Note 1#Part break
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=target, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="# Note 1\n")],
        )
    )
    second = await pull(client, previous_ids(first.items))
    full = {r.uri for r in second.items if isinstance(r, types.WorkspaceFullDocumentDiagnosticReport)}
    assert full == {target}  # nobody links to `Note 1#Part`: nothing else changed
    (client.vault / "Linker.md").write_text("[[Note 1#Part]]\n", encoding="utf-8")  # type: ignore[attr-defined]
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri(client, "Linker.md"), type=types.FileChangeType.Created)]
        )
    )
    third = await pull(client, previous_ids(second.items))
    linker = [r for r in third.items if r.uri == uri(client, "Linker.md")]
    assert [d.code for d in linker[0].items] == ["missing-heading"]


async def test_a_workspace_pull_can_be_cancelled(client: LanguageClient):
    running = asyncio.ensure_future(
        client.protocol.send_request_async(
            types.WORKSPACE_DIAGNOSTIC, types.WorkspaceDiagnosticParams(previous_result_ids=[]), msg_id="the-pull"
        )
    )
    await asyncio.sleep(0.05)  # the pull has started
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="the-pull"))
    with pytest.raises(JsonRpcRequestCancelled):
        await running
    report = await pull(client)  # and the next pull is whole
    assert len(report.items) == NOTES


async def test_a_pull_with_a_partial_result_token_streams_its_reports(client: LanguageClient):
    partial: list[Any] = []
    handlers = client.protocol.fm.features
    record_work_done = handlers[types.PROGRESS]

    def progress(params: types.ProgressParams) -> None:
        if params.token != "pull-token":
            return record_work_done(params)
        partial.extend(params.value["items"])

    handlers[types.PROGRESS] = progress  # pytest-lsp's own reads work-done progress only
    report = await pull(client, partial_result_token="pull-token")
    assert list(report.items) == []  # everything came as partial results
    assert len(partial) == NOTES
    assert len({item["uri"] for item in partial}) == NOTES
