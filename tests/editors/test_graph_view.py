"""The graph view (editors/graph-view) in the page of `vaultls graph --format html`, opened in
headless Chromium (the one the VS Code tests use) by tests/editors/vscode_e2e/graph_page.mjs:
it draws, it reports as many nodes as the graph's json has, search centres the note it names,
clicking a note shows its panel, and it asks nothing of the network. Screenshots of the page,
light and dark, go to test-artifacts/. Also: the committed build of the view is what its
sources build, and the view's own unit tests (`npm test` there) pass.

What they need comes from `.ci/install-vscode.sh` (Chromium, playwright-core, the view's
node_modules); when something is missing they skip locally and FAIL when $CI is set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from vaultls.report.graph_html import render_html
from vaultls.vault.graph_data import graph_data
from vaultls.vault.settings import Settings
from vaultls.vault.store.loader import load_vault

REPO = Path(__file__).resolve().parents[2]
VIEW = REPO / "editors" / "graph-view"
E2E = Path(__file__).resolve().parent / "vscode_e2e"
EXAMPLE_VAULT = REPO / "examples" / "vault"
CHROMIUM = os.environ.get("VAULTLS_CHROMIUM") or "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
SEARCHED = "Permanent Revolution"  # a note of examples/vault that several notes link to
SEARCHED_ID = "Concepts/Permanent Revolution.md"


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI is set, so this is a failure, not a skip; run .ci/install-vscode.sh)")
    pytest.skip(f"{what}; run `bash .ci/install-vscode.sh`")


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        _missing("node not found")
    return node  # type: ignore[return-value]


def _chromium_tools() -> str:
    node = _node()
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        _missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    if not (E2E / "node_modules" / "playwright-core").is_dir():
        _missing("playwright-core is not installed in tests/editors/vscode_e2e (npm ci there)")
    return node


def open_page(node: str, html: Path, work: Path, name: str, **options: Any) -> dict[str, Any]:
    """Runs graph_page.mjs on `html`; returns what it reports."""
    ARTIFACTS.mkdir(exist_ok=True)
    config = {"html": str(html), "chromium": CHROMIUM, "artifacts": str(ARTIFACTS), "name": name, **options}
    config_file = work / f"{name}.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    result = subprocess.run(
        [node, str(E2E / "graph_page.mjs"), str(config_file)], cwd=E2E, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-4000:]
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    vault, _ = load_vault(EXAMPLE_VAULT, Settings(), use_cache=False)
    return graph_data(vault, include_attachments=True, include_tags=True)


@pytest.fixture(scope="module")
def light(example: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    node = _chromium_tools()
    work = tmp_path_factory.mktemp("graph-page")
    html = work / "graph.html"
    html.write_text(render_html(example, "examples/vault"), encoding="utf-8")
    return open_page(
        node, html, work, "light", scheme="light", search=SEARCHED, screenshot=str(ARTIFACTS / "graph-page-light.png")
    )


@pytest.fixture(scope="module")
def dark(example: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    node = _chromium_tools()
    work = tmp_path_factory.mktemp("graph-page-dark")
    html = work / "graph.html"
    html.write_text(render_html(example, "examples/vault"), encoding="utf-8")
    return open_page(node, html, work, "dark", scheme="dark", screenshot=str(ARTIFACTS / "graph-page-dark.png"))


def test_the_page_draws_the_graph(light: dict[str, Any]) -> None:
    assert light["errors"] == []
    # Nodes, edges and labels: thousands of pixels unlike the background (a blank canvas has none).
    assert light["inkPixels"] > 5000, light


def test_the_page_draws_in_the_dark_scheme_too(dark: dict[str, Any]) -> None:
    assert dark["errors"] == []
    assert dark["inkPixels"] > 5000, dark


def test_the_page_reports_as_many_nodes_and_links_as_the_json_has(light: dict[str, Any], example: dict) -> None:
    assert light["nodes"] == len(example["nodes"])
    assert light["edges"] == len({(e["source"], e["target"]) for e in example["edges"] if e["source"] != e["target"]})
    assert light["status"].startswith(f"{len(example['nodes'])} nodes")


def test_search_centres_the_named_note(light: dict[str, Any]) -> None:
    assert light["focused"] == SEARCHED_ID
    # With its panel closed, a click in the middle of the graph lands on it.
    assert light["selected"] == SEARCHED_ID


def test_clicking_a_note_shows_its_path_and_backlinks(light: dict[str, Any], example: dict) -> None:
    labels = {n["id"]: n["label"] for n in example["nodes"]}
    linking = sorted(
        {labels[e["source"]] for e in example["edges"] if e["target"] == SEARCHED_ID and e["kind"] != "tag"}
    )
    assert light["panel"]["title"] == SEARCHED
    assert light["panel"]["path"] == SEARCHED_ID
    assert sorted(light["panel"]["lists"]["Linked from"]) == linking
    assert len(linking) >= 2


def _view_tools() -> str:
    node = _node()
    if not (VIEW / "node_modules" / "sigma").is_dir():
        _missing("editors/graph-view/node_modules is missing (npm ci there)")
    return node


def test_the_committed_view_is_what_its_sources_build() -> None:
    result = subprocess.run(
        [_view_tools(), "build.mjs", "--check"], cwd=VIEW, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_view_unit_tests() -> None:
    """editors/graph-view's own tests of its model (filters, search, neighbourhood, bad data)."""
    result = subprocess.run([_view_tools(), "test.mjs"], cwd=VIEW, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    passed = re.search(r"^# pass (\d+)$", output, re.M)
    assert passed and int(passed.group(1)) > 0, output[-4000:]
