"""Templates and YAML 1.2 through the real server (tests/vaults/templates): a note in a template
folder has no diagnostics, a note outside one gets the problems `vaultls check` reports for it,
and changing `.obsidian/templates.json` while the server runs takes effect."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import ONE_PROFILE, codes, copy_of, diagnostics_for, open_note
from vaultls.vault.check_run import check_files
from vaultls.vault.settings import build_settings

pytestmark = [ONE_PROFILE]


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A copy of tests/vaults/templates (overrides the basic vault of tests/e2e/conftest.py)."""
    return copy_of("templates", tmp_path)


def checked(vault: Path) -> dict[str, list[tuple[int, str, str]]]:
    """What `vaultls check` reports, by note: (line, code, message)."""
    settings, _ = build_settings(vault)
    return {
        path: sorted((row[0], row[5], row[6]) for row in rows) for path, rows in check_files(vault, settings).by_note
    }


def shown(diags: list[types.Diagnostic]) -> list[tuple[int, str, str]]:
    return sorted((d.range.start.line, str(d.code), d.message) for d in diags)


async def test_server_and_check_agree_on_templates_and_yaml_1_2(client: LanguageClient, vault: Path) -> None:
    expected = checked(vault)
    assert list(expected) == ["Journal.md"]
    for rel in ("Templates/Daily.md", "Meta/Templater/Meeting.md", "Times.md", "Journal.md"):
        note = await open_note(client, rel)
        wanted = expected.get(rel, [])
        count = len(wanted)
        diags = await diagnostics_for(client, note, lambda d, n=count: len(d) == n)
        assert shown(diags) == wanted, rel
    journal = await diagnostics_for(client, (vault / "Journal.md").as_uri())
    assert {d.severity for d in journal} == {types.DiagnosticSeverity.Warning}  # never an error
    assert any('Obsidian shows {"[object Object]":null}' in d.message for d in journal)


async def test_changing_templates_json_while_the_server_runs_takes_effect(client: LanguageClient, vault: Path) -> None:
    note = await open_note(client, "Templates/Daily.md")
    assert await diagnostics_for(client, note, lambda d: d == []) == []
    settings = vault / ".obsidian" / "templates.json"
    settings.write_text('{"folder": "Elsewhere"}', encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=settings.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    diags = await diagnostics_for(client, note, lambda d: "dangling-link" in codes(d))
    assert "frontmatter-yaml" in codes(diags)
    assert shown(diags) == checked(vault)["Templates/Daily.md"]
