"""Quiet by default: the editor gets the problems of open notes only, unless the vault's
`diagnostics.scope` is `workspace`; and a link still being typed is not reported. A fresh
server for each test, on a small vault where every note has a problem."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import write_vault
from tests.e2e.conftest import VSCODE, codes, diagnostics_for, open_note, start_client, start_session, uri
from tests.e2e.test_navigation_diagnostics import pull_capabilities

pytestmark = pytest.mark.profiles(VSCODE)

NOTES = {
    "Home.md": "# Home\n\nSee [[Nowhere]] and [[Other]].\n",
    "Other.md": "# Other\n\nSee [[Missing]].\n",
    "Third.md": "# Third\n\nSee [[Absent]].\n",
}
WHOLE_VAULT = '[diagnostics]\nscope = "workspace"\n'


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "vault", NOTES)


@pytest.fixture
def whole_vault(vault: Path) -> Path:
    (vault / ".vaultls.toml").write_text(WHOLE_VAULT, encoding="utf-8")
    return vault


@pytest_asyncio.fixture
async def pull_client(request: pytest.FixtureRequest, vault: Path):
    """A client that pulls and can be asked to pull again (VS Code)."""
    lsp_client = await start_client(request)
    try:
        await start_session(lsp_client, VSCODE, vault, pull_capabilities())
        yield lsp_client
        await lsp_client.shutdown_session()
    finally:
        await lsp_client.stop()


async def settle(client: LanguageClient) -> None:
    """Whatever the server was going to send by now has arrived (a request answered after it)."""
    await asyncio.sleep(0.3)
    await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))


async def workspace_pull(client: LanguageClient, previous: list[types.PreviousResultId] | None = None):
    return await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=previous or []))


def previous_ids(report: types.WorkspaceDiagnosticReport) -> list[types.PreviousResultId]:
    return [types.PreviousResultId(uri=r.uri, value=r.result_id) for r in report.items]


# ----------------------------------------------------------------------------- scope


async def test_by_default_only_open_notes_get_pushed_diagnostics(client: LanguageClient):
    home = await open_note(client, "Home.md")
    await diagnostics_for(client, home, lambda d: "dangling-link" in codes(d))
    await settle(client)
    assert set(client.diagnostics) == {home}


async def test_by_default_a_workspace_pull_reports_open_notes_only(pull_client: LanguageClient):
    home = await open_note(pull_client, "Home.md")
    report = await workspace_pull(pull_client)
    assert [r.uri for r in report.items] == [home]
    assert codes(list(report.items[0].items)) == ["dangling-link"]


async def test_by_default_a_document_pull_of_a_closed_note_is_empty(pull_client: LanguageClient):
    result = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri(pull_client, "Other.md")))
    )
    assert list(result.items) == []


async def test_closing_a_note_clears_its_problems(client: LanguageClient):
    home = await open_note(client, "Home.md")
    await diagnostics_for(client, home, lambda d: "dangling-link" in codes(d))
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(home)))
    await diagnostics_for(client, home, lambda d: d == [])


async def test_closing_a_note_clears_its_problems_for_a_pull_client(pull_client: LanguageClient):
    home = await open_note(pull_client, "Home.md")
    first = await workspace_pull(pull_client)
    pull_client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(home))
    )
    second = await workspace_pull(pull_client, previous_ids(first))
    [report] = second.items
    assert isinstance(report, types.WorkspaceFullDocumentDiagnosticReport)
    assert (report.uri, list(report.items)) == (home, [])


async def test_scope_workspace_pushes_every_notes_problems(request: pytest.FixtureRequest, whole_vault: Path):
    client = await start_client(request)
    try:
        await start_session(client, VSCODE, whole_vault)
        for rel in NOTES:
            await diagnostics_for(client, uri(client, rel), lambda d: "dangling-link" in codes(d))
        await client.shutdown_session()
    finally:
        await client.stop()


async def test_scope_workspace_keeps_a_closed_notes_problems(request: pytest.FixtureRequest, whole_vault: Path):
    client = await start_client(request)
    try:
        await start_session(client, VSCODE, whole_vault)
        home = await open_note(client, "Home.md", "# Home\n\nNow [[Gone]] only.\n")
        await diagnostics_for(client, home, lambda d: any("Gone" in x.message for x in d))
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(home))
        )
        found = await diagnostics_for(client, home, lambda d: any("Nowhere" in x.message for x in d))
        assert codes(found) == ["dangling-link"]  # the file's problems, not none
        await client.shutdown_session()
    finally:
        await client.stop()


async def test_scope_workspace_pulls_every_notes_problems(request: pytest.FixtureRequest, whole_vault: Path):
    client = await start_client(request)
    try:
        await start_session(client, VSCODE, whole_vault, pull_capabilities())
        report = await workspace_pull(client)
        assert sorted(r.uri for r in report.items) == sorted(uri(client, rel) for rel in NOTES)
        await client.shutdown_session()
    finally:
        await client.stop()


# ----------------------------------------------------------------------------- half-typed links


def typed(note: str, version: int, line: int, column: int, text: str) -> types.DidChangeTextDocumentParams:
    """An insertion of `text` at (line, column), as an editor sends a keystroke."""
    at = types.Position(line, column)
    return types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=note, version=version),
        content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text=text)],
    )


async def test_a_link_being_typed_is_not_reported_until_the_cursor_leaves_it(client: LanguageClient):
    note = await open_note(client, "Home.md", "# Home\n\nSee [[Nowhere]].\n")
    await diagnostics_for(client, note, lambda d: "dangling-link" in codes(d))
    # The editor closes the brackets (`[[]]`), then the name is typed between them.
    client.text_document_did_change(typed(note, 2, 3, 0, "[[]]"))
    for k, ch in enumerate("Perm"):
        client.text_document_did_change(typed(note, 3 + k, 3, 2 + k, ch))
    await settle(client)
    assert not any("Perm" in d.message for d in client.diagnostics[note])
    client.text_document_did_change(typed(note, 7, 3, 8, " and on."))  # typing goes on after it
    found = await diagnostics_for(client, note, lambda d: any('"Perm"' in x.message for x in d))
    assert codes(found) == ["dangling-link", "dangling-link"]


async def test_a_link_left_with_the_cursor_inside_is_reported_once_typing_pauses(client: LanguageClient):
    note = await open_note(client, "Home.md", "# Home\n\nSee [[Nowhere]].\n")
    await diagnostics_for(client, note, lambda d: "dangling-link" in codes(d))
    client.text_document_did_change(typed(note, 2, 3, 0, "[[]]"))
    for k, ch in enumerate("Perm"):
        client.text_document_did_change(typed(note, 3 + k, 3, 2 + k, ch))
    await settle(client)
    assert not any("Perm" in d.message for d in client.diagnostics[note])
    # No further edit: after the pause the link counts as written.
    found = await diagnostics_for(client, note, lambda d: any('"Perm"' in x.message for x in d), timeout=10)
    assert codes(found) == ["dangling-link", "dangling-link"]


async def test_a_link_being_typed_is_left_out_of_a_document_pull(pull_client: LanguageClient):
    note = await open_note(pull_client, "Home.md", "# Home\n\n")
    pull_client.text_document_did_change(typed(note, 2, 2, 0, "[[Perm]]"))
    pull_client.text_document_did_change(typed(note, 3, 2, 6, "a"))  # `[[Perma]]`, cursor inside
    params = types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=note))
    result = await pull_client.text_document_diagnostic_async(params)
    assert list(result.items) == []
    pull_client.text_document_did_change(typed(note, 4, 2, 9, "\n"))  # past `]]`: finished
    result = await pull_client.text_document_diagnostic_async(params)
    assert [d.message for d in result.items] == ['no note named "Perma" in the vault']
