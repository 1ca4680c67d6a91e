"""Whole-vault diagnostics (the vault's `.vaultls.toml` sets `diagnostics.scope = "workspace"`):
the whole vault's problems, identical to `vaultls check`, pulled (`workspace/diagnostic`) or
pushed; push or pull, never the same problem twice. (The default scope, open notes only:
test_diagnostics_scope.py.)

The two standard profiles (VS Code 1.65, Neovim 0.11) get diagnostics pushed; a third client
here declares pull support with refresh (as current VS Code does) and gets them only by pull.
One server per client for the module (notes created on disk:
test_navigation_diagnostics_on_disk.py)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import (
    BOTH_PROFILES,
    ONE_PROFILE,
    SHARED_SERVER,
    SharedServers,
    codes,
    diagnostics_for,
    open_note,
    uri,
    utf8,
)
from tests.e2e.test_navigation import copy_nav, rel_of

pytestmark = [*SHARED_SERVER, ONE_PROFILE]

EXTRA = {
    "Ünïcode Gaps.md": "# Gaps\n\n日本語 🎉 [[Nowhere]] and [[Alpha#No Such Heading]]\n",
    ".vaultls.toml": '[diagnostics]\nscope = "workspace"\n',
}


def nav_with_gaps(tmp_path: Path) -> Path:
    root = copy_nav(tmp_path)
    for rel, text in EXTRA.items():
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return nav_with_gaps(tmp_path_factory.mktemp("navigation-diagnostics"))


def check_json(root: Path) -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-m", "vaultls", "check", "--format", "json", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode in (0, 1), out.stderr
    # Each problem names its vault (from the current folder): an editor knows that already.
    return [{k: v for k, v in problem.items() if k != "vault"} for problem in json.loads(out.stdout)]


def as_utf16(root: Path, rel: str, pos: types.Position, from_utf8: bool) -> dict:
    if not from_utf8:
        return {"line": pos.line, "character": pos.character}
    line = (root / rel).read_text(encoding="utf-8").split("\n")[pos.line]
    prefix = line.encode("utf-8")[: pos.character].decode("utf-8")
    return {"line": pos.line, "character": len(prefix.encode("utf-16-le")) // 2}


SEVERITY = {1: "error", 2: "warning", 3: "information", 4: "hint"}


def as_check_json(client: LanguageClient, report_items) -> list[dict]:
    """Workspace pull results in `vaultls check --format json`'s shape (UTF-16 columns)."""
    root: Path = client.vault  # type: ignore[attr-defined]
    out = []
    for report in report_items:
        rel = rel_of(client, report.uri)
        for d in report.items:
            out.append(
                {
                    "path": rel,
                    "range": {
                        "start": as_utf16(root, rel, d.range.start, utf8(client)),
                        "end": as_utf16(root, rel, d.range.end, utf8(client)),
                    },
                    "severity": SEVERITY[int(d.severity)],
                    "code": d.code,
                    "message": d.message,
                }
            )
    return out


async def workspace_pull(client: LanguageClient, previous: list[types.PreviousResultId] | None = None):
    return await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=previous or []))


def key(problem: dict) -> str:
    return json.dumps(problem, sort_keys=True)


# ----------------------------------------------------------------------------- push clients


@BOTH_PROFILES
async def test_a_push_clients_workspace_pull_repeats_no_pushed_problem(client: LanguageClient):
    note = await open_note(client, "Home.md")
    pushed = await diagnostics_for(client, note, lambda d: "dangling-link" in codes(d))
    assert codes(pushed) == ["dangling-link", "dangling-link"]
    report = await workspace_pull(client)
    assert [list(r.items) for r in report.items if list(r.items)] == []


@BOTH_PROFILES
async def test_document_pull_of_an_open_note_is_empty_because_it_is_pushed(client: LanguageClient):
    note = await open_note(client, "Home.md")
    await diagnostics_for(client, note, lambda d: "dangling-link" in codes(d))
    result = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=note))
    )
    assert list(result.items) == []


# ----------------------------------------------------------------------------- a pull client


def pull_capabilities() -> types.ClientCapabilities:
    caps = client_capabilities("visual-studio-code")
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(dynamic_registration=False)
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return caps


@pytest_asyncio.fixture(loop_scope="module")
async def pull_client(shared_servers: SharedServers):
    async with shared_servers.lend("visual-studio-code (pull)", pull_capabilities()) as lsp_client:
        yield lsp_client


async def test_a_pull_client_gets_no_pushed_diagnostics(pull_client: LanguageClient):
    note = await open_note(pull_client, "Home.md")
    result = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=note))
    )
    assert codes(list(result.items)) == ["dangling-link", "dangling-link"]
    await asyncio.sleep(0.5)
    assert note not in pull_client.diagnostics


async def test_a_pull_clients_workspace_pull_includes_open_notes(pull_client: LanguageClient):
    await open_note(pull_client, "Home.md")
    report = await workspace_pull(pull_client)
    home = [r for r in report.items if rel_of(pull_client, r.uri) == "Home.md"]
    assert codes(list(home[0].items)) == ["dangling-link", "dangling-link"]


async def test_workspace_diagnostics_are_identical_to_vaultls_check(pull_client: LanguageClient):
    report = await workspace_pull(pull_client)
    expected = check_json(pull_client.vault)  # type: ignore[attr-defined]
    assert sorted(map(key, as_check_json(pull_client, report.items))) == sorted(map(key, expected))


async def test_workspace_diagnostics_leave_out_notes_without_problems(pull_client: LanguageClient):
    report = await workspace_pull(pull_client)
    assert sorted(rel_of(pull_client, r.uri) for r in report.items) == [
        "Home.md",
        "Notes/Beta Note.md",
        "Ünïcode Gaps.md",
    ]


async def test_workspace_diagnostics_answer_unchanged_for_known_results(pull_client: LanguageClient):
    first = await workspace_pull(pull_client)
    previous = [types.PreviousResultId(uri=r.uri, value=r.result_id) for r in first.items]
    second = await workspace_pull(pull_client, previous)
    assert all(isinstance(r, types.WorkspaceUnchangedDocumentDiagnosticReport) for r in second.items)
    assert len(second.items) == len(first.items)


async def test_document_pull_of_a_closed_note_has_its_problems(pull_client: LanguageClient):
    result = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri(pull_client, "Ünïcode Gaps.md"))
        )
    )
    assert codes(list(result.items)) == ["dangling-link", "missing-heading"]
    start = result.items[0].range.start.character
    assert start == 7 + 2  # the target, after `[[` (UTF-16 columns)
