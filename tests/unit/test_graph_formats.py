"""The graph as files other tools open (`report/graph_formats.py`): dot read back with pydot
(Graphviz's grammar), graphml with networkx, both with names a stranger's vault may hold."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pydot
import pytest

from tests.unit.vaults import vault_of
from vaultls.report.escape import printable
from vaultls.report.graph_formats import render_dot, render_graphml, render_json, renderer
from vaultls.vault.graph_data import graph_data
from vaultls.vault.settings import build_settings
from vaultls.vault.store.loader import load_vault

REPO = Path(__file__).resolve().parents[2]
HOSTILE = {
    'Quote "me".md': "[[Back\\slash]] [[a<b>&c]] ![[pic.png]] #tag\n",
    "Back\\slash.md": '[[Quote "me"]] [[Line\u2028break]]\n',
    "a<b>&c.md": "[[Ctrl\x01name]] [[Émile]]\n",
    "Émile.md": "",
    "pic.png": "",
}


def hostile() -> dict:
    return graph_data(vault_of(HOSTILE), include_attachments=True, include_tags=True)


def example() -> dict:
    root = REPO / "examples" / "vault"
    vault, _ = load_vault(root, build_settings(root)[0], use_cache=False)
    return graph_data(vault, include_attachments=True, include_tags=True)


def unquote(value: str) -> str:
    return value[1:-1].replace('\\"', '"').replace("\\\\", "\\") if value.startswith('"') else value


@pytest.mark.parametrize("data", [example(), hostile()], ids=["example", "hostile names"])
def test_dot_parses_with_every_node_and_edge(data):
    parsed = pydot.graph_from_dot_data(render_dot(data, 'a "vault"'))
    assert parsed is not None and len(parsed) == 1
    nodes = {unquote(n.get_name()): n.get_attributes() for n in parsed[0].get_nodes()}
    nodes = {k: v for k, v in nodes.items() if k not in ("graph", "node", "edge")}
    assert set(nodes) == {printable(n["id"]) for n in data["nodes"]}
    pairs = sorted((unquote(e.get_source()), unquote(e.get_destination())) for e in parsed[0].get_edges())
    assert pairs == sorted((printable(e["source"]), printable(e["target"])) for e in data["edges"])


def test_dot_carries_label_kind_folder_and_counts():
    data = graph_data(vault_of({"Topics/Hub.md": "[[A]] [[A]]\n", "A.md": "[[Hub]]\n"}))
    parsed = pydot.graph_from_dot_data(render_dot(data))[0]
    hub = next(n for n in parsed.get_nodes() if unquote(n.get_name()) == "Topics/Hub.md").get_attributes()
    assert (unquote(hub["label"]), unquote(hub["kind"]), unquote(hub["folder"]), hub["backlinks"]) == (
        "Hub",
        "note",
        "Topics",
        "1",
    )
    edge = next(e for e in parsed.get_edges() if unquote(e.get_source()) == "Topics/Hub.md").get_attributes()
    assert (unquote(edge["kind"]), edge["count"]) == ("link", "2")


def test_dot_strings_keep_quotes_and_backslashes_and_escape_control_characters():
    text = render_dot(hostile())
    assert '"Quote \\"me\\".md"' in text
    assert '"Back\\\\slash.md"' in text
    assert '"dangling:ctrl\\\\x01name"' in text
    assert "\u2028" not in text and "\x01" not in text


@pytest.mark.parametrize("data", [example(), hostile()], ids=["example", "hostile names"])
def test_graphml_parses_with_networkx_with_its_attributes(data):
    graph = nx.read_graphml(io.BytesIO(render_graphml(data).encode("utf-8")))
    assert graph.is_directed()
    assert set(graph.nodes) == {n["id"].replace("\x01", "\ufffd") for n in data["nodes"]}
    assert graph.number_of_edges() == len(data["edges"])
    for node in data["nodes"]:
        read = graph.nodes[node["id"].replace("\x01", "\ufffd")]
        assert (read["label"], read["kind"], read["backlinks"], read["outlinks"]) == (
            node["label"].replace("\x01", "\ufffd"),
            node["kind"],
            node["backlinks"],
            node["outlinks"],
        )
        assert read["tags"] == ", ".join(node["tags"])
    counts = sorted((s, t, d["count"], d["kind"]) for s, t, d in graph.edges(data=True))
    assert counts == sorted(
        (e["source"].replace("\x01", "\ufffd"), e["target"].replace("\x01", "\ufffd"), e["count"], e["kind"])
        for e in data["edges"]
    )


def test_graphml_keeps_both_edges_when_a_note_links_and_embeds_the_same_note():
    data = graph_data(vault_of({"A.md": "[[B]] ![[B]]\n", "B.md": ""}))
    graph = nx.read_graphml(io.BytesIO(render_graphml(data).encode("utf-8")))
    assert sorted(d["kind"] for _, _, d in graph.edges(data=True)) == ["embed", "link"]


def test_json_is_the_data_itself():
    data = hostile()
    assert json.loads(render_json(data, "title")) == data


def test_an_unknown_format_is_a_lookup_error():
    with pytest.raises(LookupError):
        renderer("svg")
