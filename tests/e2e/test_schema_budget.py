"""The real server with a hostile schema (2**25 steps of `anyOf`) named by many notes: it keeps
answering, the notes get one clear problem each, and a whole-vault pull ends in seconds."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import write_vault
from tests.e2e.conftest import VSCODE, diagnostics_for, open_note, start_client, start_session
from tests.e2e.test_navigation_diagnostics import pull_capabilities

NOTES = 30
TIMED_OUT = 'schema "slow.json" named by $schema took longer than 0.5 s to check this note; not checked'
SET_ASIDE = 'schema "slow.json" named by $schema took longer than 0.5 s on 3 notes; not checked any more'


def nested_any_of(levels: int) -> dict:
    defs: dict = {"l0": {"type": "integer"}}
    for i in range(1, levels + 1):
        below = {"$ref": f"#/$defs/l{i - 1}"}
        defs[f"l{i}"] = {"anyOf": [below, {"allOf": [below, {"minimum": 5}]}]}
    return {"$defs": defs, "properties": {"x": {"$ref": f"#/$defs/l{levels}"}}}


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    files = {"slow.json": json.dumps(nested_any_of(25)), "Home.md": "# Home\n\nSee [[n00]].\n"}
    files.update({f"n{i:02}.md": "---\n$schema: slow.json\nx: text\n---\n# Note\n" for i in range(NOTES)})
    return write_vault(tmp_path / "vault", files)


async def hover(client: LanguageClient, note: str) -> types.Hover | None:
    return await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(2, 7))
    )


async def test_the_server_keeps_answering(client: LanguageClient):
    home = await open_note(client, "Home.md")
    slow = [await open_note(client, f"n{i:02}.md") for i in range(5)]
    await asyncio.sleep(0.3)  # their diagnostics are being computed now
    started = time.monotonic()
    answer = await asyncio.wait_for(hover(client, home), timeout=10)
    assert answer is not None
    assert time.monotonic() - started < 5
    for note in slow:
        found = await diagnostics_for(client, note, lambda d: any("slow.json" in x.message for x in d))
        [problem] = [d for d in found if "slow.json" in d.message]
        assert problem.message in (TIMED_OUT, SET_ASIDE)
        assert problem.severity == types.DiagnosticSeverity.Error


@pytest_asyncio.fixture
async def pull_client(request: pytest.FixtureRequest, vault: Path):
    """A client that pulls (as VS Code does), on the vault with whole-vault diagnostics."""
    (vault / ".vaultls.toml").write_text('[diagnostics]\nscope = "workspace"\n', encoding="utf-8")
    lsp_client = await start_client(request)
    try:
        await start_session(lsp_client, VSCODE, vault, pull_capabilities())
        yield lsp_client
        await lsp_client.shutdown_session()
    finally:
        await lsp_client.stop()


async def test_a_workspace_pull_ends_in_seconds(pull_client: LanguageClient):
    client = pull_client
    started = time.monotonic()
    report = await asyncio.wait_for(
        client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[])), timeout=30
    )
    assert time.monotonic() - started < 15
    messages = [
        d.message
        for item in report.items
        if isinstance(item, types.WorkspaceFullDocumentDiagnosticReport)
        for d in item.items
        if "slow.json" in d.message
    ]
    # Every note gets its one problem.
    assert len(messages) == NOTES
    assert set(messages) <= {TIMED_OUT, SET_ASIDE}
