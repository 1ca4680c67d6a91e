"""`vaultls check` reports exactly the problems of the conformance vault's manifest
(tests/data/conformance.json): Obsidian's rules, one note per rule. The server's diagnostics
are held to the same manifest in tests/e2e/test_conformance.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import VAULTS
from vaultls import cli

MANIFEST = json.loads((Path(__file__).parents[1] / "data" / "conformance.json").read_text(encoding="utf-8"))
VAULT = VAULTS / MANIFEST["vault"]


def expected() -> list[tuple[str, int, str]]:
    return sorted((p["note"], p["line"], p["code"]) for p in MANIFEST["problems"])


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    out = tmp_path_factory.mktemp("conformance") / "problems.json"
    code = cli.main(["check", str(VAULT), "--format", "json", "--output", str(out)])
    assert code == 1
    return json.loads(out.read_text(encoding="utf-8"))


def test_check_reports_exactly_the_manifests_problems(reported: list[dict]) -> None:
    got = sorted((p["path"], p["range"]["start"]["line"] + 1, p["code"]) for p in reported)
    assert got == expected()


@pytest.mark.parametrize("problem", MANIFEST["problems"], ids=lambda p: f"{p['note']}:{p['line']}")
def test_each_problem_says_what_the_manifest_says(reported: list[dict], problem: dict) -> None:
    messages = [
        p["message"]
        for p in reported
        if p["path"] == problem["note"]
        and p["range"]["start"]["line"] + 1 == problem["line"]
        and p["code"] == problem["code"]
    ]
    assert any(problem["says"] in m for m in messages), (problem["rule"], messages)
