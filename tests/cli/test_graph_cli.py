"""`vaultls graph`: the vault's link graph as json (the server's answer), html, dot or graphml,
the whole vault or a note's local graph, counted as `vaultls check --stats` counts."""

from __future__ import annotations

import io
import os
from collections import Counter
from pathlib import Path

import networkx as nx
import pydot
import pytest

from tests.cli.ci_helpers import Run, check
from vaultls.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "vault"
LINKED = {
    "Hub.md": "[[A]] [[B#Part]] ![[pic.png]] [[Gone]] [[gone]] #topic\n",
    "A.md": "# A\n[[Hub]] [[Gone]]\n",
    "B.md": "# Part\n[[Hub]] [[#Part]]\n",
    "Far.md": "[[A]]\n",
    "Lonely.md": "",
    "pic.png": b"\x89PNG",
}


def graph(capsys, *args: str) -> Run:
    capsys.readouterr()
    try:
        code = main(["graph", *args])
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def test_json_counts_what_check_stats_counts_on_the_example_vault(capsys):
    data = graph(capsys, str(EXAMPLE), "--attachments").json()
    stats = check(capsys, str(EXAMPLE), "--stats", "--format", "json").json()["stats"]
    kinds = Counter(n["kind"] for n in data["nodes"])
    assert (kinds["note"], kinds["attachment"], kinds["dangling"]) == (
        stats["notes"],
        stats["attachments"],
        len(stats["dangling_names"]),
    )
    dangling = {n["id"] for n in data["nodes"] if n["kind"] == "dangling"}
    assert sum(e["count"] for e in data["edges"] if e["target"] in dangling) == stats["dangling_links"]


def test_json_is_the_whole_vault_by_default(make_vault, capsys):
    data = graph(capsys, str(make_vault(LINKED))).json()
    assert {n["id"] for n in data["nodes"]} == {"A.md", "B.md", "Far.md", "Hub.md", "Lonely.md", "dangling:gone"}
    assert set(data) == {"nodes", "edges"}


def test_note_and_depth_give_the_local_graph(make_vault, capsys):
    root = str(make_vault(LINKED))
    one = graph(capsys, root, "--note", "A", "--no-dangling").json()
    two = graph(capsys, root, "--note", "A.md", "--depth", "2", "--no-dangling").json()
    assert {n["id"] for n in one["nodes"]} == {"A.md", "Hub.md", "Far.md"}
    assert {n["id"] for n in two["nodes"]} == {"A.md", "Hub.md", "Far.md", "B.md"}


def test_a_note_given_as_path_is_its_local_graph(make_vault, capsys):
    root = make_vault(LINKED)
    data = graph(capsys, str(root / "B.md"), "--no-dangling").json()
    assert {n["id"] for n in data["nodes"]} == {"B.md", "Hub.md"}


def test_tags_and_attachments_are_options(make_vault, capsys):
    root = str(make_vault(LINKED))
    plain = {n["kind"] for n in graph(capsys, root).json()["nodes"]}
    full = {n["kind"] for n in graph(capsys, root, "--tags", "--attachments").json()["nodes"]}
    assert (plain, full) == ({"note", "dangling"}, {"note", "dangling", "tag", "attachment"})


def test_dot_opens_in_graphviz_s_grammar(make_vault, capsys):
    run = graph(capsys, str(make_vault(LINKED)), "--format", "dot")
    (parsed,) = pydot.graph_from_dot_data(run.out)
    assert run.code == 0 and len(parsed.get_edges()) == len(graph(capsys, str(make_vault(LINKED))).json()["edges"])


def test_graphml_written_to_a_file_reads_back_with_networkx(make_vault, capsys, tmp_path):
    out = tmp_path / "graph.graphml"
    run = graph(capsys, str(make_vault(LINKED)), "--format", "graphml", "--tags", "-o", str(out))
    assert (run.code, run.out) == (0, "")
    read = nx.read_graphml(io.BytesIO(out.read_bytes()))
    assert read.nodes["Hub.md"]["label"] == "Hub" and read.nodes["tag:topic"]["kind"] == "tag"


def test_html_is_one_page_that_holds_the_graph(make_vault, capsys, tmp_path):
    out = tmp_path / "graph.html"
    run = graph(capsys, str(make_vault(LINKED)), "--format", "html", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert run.code == 0 and page.lstrip().lower().startswith("<!doctype html")
    assert "Lonely.md" in page and "dangling:gone" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page


def test_an_unknown_note_is_an_error(make_vault, capsys):
    run = graph(capsys, str(make_vault(LINKED)), "--note", "Nope")
    assert run.code == 2 and "Nope: no such note" in run.err and run.out == ""


def test_a_missing_path_is_an_error(capsys, tmp_path):
    run = graph(capsys, str(tmp_path / "nowhere"))
    assert run.code == 2 and "no such file or folder" in run.err


@pytest.mark.parametrize("fmt", ["svg", "text"])
def test_an_unknown_format_is_a_usage_error(make_vault, capsys, fmt):
    assert graph(capsys, str(make_vault(LINKED)), "--format", fmt).code == 2


def test_json_ids_are_the_same_on_every_run(make_vault, capsys):
    root = str(make_vault(LINKED))
    assert graph(capsys, root, "--tags", "--attachments").out == graph(capsys, root, "--tags", "--attachments").out


def test_json_holds_an_undecodable_file_name_as_its_escape(make_vault, capsys):
    root = make_vault({"A.md": "[[B]]\n"})
    with open(os.fsencode(root) + b"/B\xff.md", "wb"):
        pass
    run = graph(capsys, str(root))
    run.out.encode("utf-8")  # no lone surrogate: valid UTF-8
    assert "B\\xff.md" in {n["id"] for n in run.json()["nodes"]}
