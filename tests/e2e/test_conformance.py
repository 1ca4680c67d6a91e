"""The server's diagnostics for every note of the conformance vault are exactly the problems of
its manifest (tests/data/conformance.json), as `vaultls check` reports them
(tests/cli/test_conformance.py): one checker, two faces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_lsp import LanguageClient

from tests.e2e.conftest import ONE_PROFILE, SHARED_SERVER, copy_of, diagnostics_for, open_note

pytestmark = [*SHARED_SERVER, ONE_PROFILE]

MANIFEST = json.loads((Path(__file__).parents[1] / "data" / "conformance.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_of(MANIFEST["vault"], tmp_path_factory.mktemp("conformance"))


async def test_server_reports_exactly_the_manifests_problems(client: LanguageClient, vault: Path) -> None:
    notes = sorted(p.relative_to(vault).as_posix() for p in vault.rglob("*.md") if ".obsidian" not in p.parts)
    got: list[tuple[str, int, str]] = []
    for rel in notes:
        wanted = sum(1 for p in MANIFEST["problems"] if p["note"] == rel)
        note = await open_note(client, rel)
        diags = await diagnostics_for(client, note, lambda d, n=wanted: len(d) == n)
        got.extend((rel, d.range.start.line + 1, str(d.code)) for d in diags)
    assert sorted(got) == sorted((p["note"], p["line"], p["code"]) for p in MANIFEST["problems"])
