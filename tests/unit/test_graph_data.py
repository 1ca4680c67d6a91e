"""The vault's link graph as data (`vault/graph_data.py`): what `vaultls/graph` answers and
`vaultls graph` renders. Counted as `vaultls check --stats` counts (vault/graph.py)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.unit.vaults import vault_of
from vaultls.vault import names
from vaultls.vault.graph import link_stats, orphans
from vaultls.vault.graph_data import GraphCache, build_link_graph, find_note, graph_data
from vaultls.vault.index import Vault
from vaultls.vault.parse import parse
from vaultls.vault.settings import build_settings
from vaultls.vault.store.loader import load_vault

REPO = Path(__file__).resolve().parents[2]
VAULTS = [REPO / "examples" / "vault", *sorted(p for p in (REPO / "tests" / "vaults").iterdir() if p.is_dir())]

CHAIN = {
    "A.md": "[[B]] [[B]] ![[B]]\n",
    "B.md": "[[C]]\n",
    "C.md": "[[D]]\n",
    "D.md": "",
    "E.md": "[[A]]\n",
    "Far.md": "[[E]]\n",
}


def loaded(root: Path) -> Vault:
    settings, _ = build_settings(root)
    vault, _ = load_vault(root, settings, use_cache=False)
    return vault


def ids(data: dict, kind: str | None = None) -> set[str]:
    return {n["id"] for n in data["nodes"] if kind is None or n["kind"] == kind}


def edges(data: dict) -> set[tuple[str, str, str]]:
    return {(e["source"], e["target"], e["kind"]) for e in data["edges"]}


def left_out(vault: Vault) -> tuple[int, int]:
    """(links of the graph's notes that are no edge: into the note itself, out of the vault or
    to a note not drawn; of those, the ones out of the vault, which --stats counts dangling)."""
    graph = build_link_graph(vault)
    drawn = set(graph.notes)
    skipped = outside = 0
    for path in graph.notes:
        for link in vault.notes[path].parsed.links:
            res = vault.resolve(path, link)
            outside += res.outside
            if (
                link.is_self
                or res.outside
                or res.target == path
                or (res.target is not None and res.target not in drawn and res.target not in vault.attachments)
            ):
                skipped += 1
    return skipped, outside


@pytest.mark.parametrize("root", VAULTS, ids=lambda p: p.name)
def test_nodes_and_edges_count_what_check_stats_counts(root):
    vault = loaded(root)
    stats = link_stats(vault)
    data = graph_data(vault, include_attachments=True)
    kinds = Counter(n["kind"] for n in data["nodes"])
    assert kinds["note"] == stats.notes
    assert kinds["attachment"] == stats.attachments
    assert kinds["dangling"] == len(stats.dangling_names)
    skipped, outside = left_out(vault)
    assert sum(e["count"] for e in data["edges"]) == stats.links - skipped
    dangling = ids(data, "dangling")
    assert sum(e["count"] for e in data["edges"] if e["target"] in dangling) == stats.dangling_links - outside


@pytest.mark.parametrize("root", VAULTS, ids=lambda p: p.name)
def test_each_dangling_name_is_the_one_stats_ranks_with_its_linking_notes(root):
    vault = loaded(root)
    data = graph_data(vault)
    nodes = {n["label"]: n["backlinks"] for n in data["nodes"] if n["kind"] == "dangling"}
    assert nodes == {d.name: d.notes for d in link_stats(vault).dangling_names}


def test_the_example_vault_has_the_counts_check_stats_prints():
    data = graph_data(loaded(REPO / "examples" / "vault"), include_attachments=True)
    kinds = Counter(n["kind"] for n in data["nodes"])
    assert (kinds["note"], kinds["attachment"], kinds["dangling"]) == (31, 6, 3)


@pytest.mark.parametrize("root", VAULTS, ids=lambda p: p.name)
def test_the_notes_without_backlinks_are_the_orphans(root):
    vault = loaded(root)
    unlinked = sorted(n["id"] for n in graph_data(vault)["nodes"] if n["kind"] == "note" and n["backlinks"] == 0)
    assert unlinked == orphans(vault)


@pytest.mark.parametrize("root", VAULTS, ids=lambda p: p.name)
def test_ids_are_stable_across_calls_and_loads(root):
    first = graph_data(loaded(root), include_attachments=True, include_tags=True)
    again = graph_data(loaded(root), include_attachments=True, include_tags=True)
    assert json.dumps(first) == json.dumps(again)


def test_ids_do_not_depend_on_the_order_notes_were_indexed():
    forward = vault_of(CHAIN)
    backward = vault_of(dict(reversed(list(CHAIN.items()))))
    assert json.dumps(graph_data(forward)) == json.dumps(graph_data(backward))


def test_a_node_is_a_note_with_its_label_path_folder_and_counts():
    vault = vault_of({"Topics/Hub.md": "#Project [[A]] [[B]]\n", "A.md": "[[Hub]]\n", "B.md": "[[Hub]]\n"})
    hub = next(n for n in graph_data(vault)["nodes"] if n["id"] == "Topics/Hub.md")
    assert hub == {
        "id": "Topics/Hub.md",
        "label": "Hub",
        "path": "Topics/Hub.md",
        "kind": "note",
        "tags": ["Project"],
        "folder": "Topics",
        "backlinks": 2,
        "outlinks": 2,
    }


def test_links_of_one_kind_to_one_target_are_one_edge_with_their_count():
    data = graph_data(vault_of(CHAIN))
    from_a = [e for e in data["edges"] if e["source"] == "A.md"]
    assert from_a == [
        {"source": "A.md", "target": "B.md", "count": 2, "kind": "link"},
        {"source": "A.md", "target": "B.md", "count": 1, "kind": "embed"},
    ]


def test_a_link_into_the_note_itself_is_no_edge():
    data = graph_data(vault_of({"Self.md": "# Top\n[[Self]] [[#Top]] [[Self#Top]]\n"}))
    assert data == {"nodes": [data["nodes"][0]], "edges": []}
    assert data["nodes"][0]["backlinks"] == data["nodes"][0]["outlinks"] == 0


def test_a_link_out_of_the_vault_is_no_node():
    data = graph_data(vault_of({"Sub/Deep.md": "[[../../outside]] [[Gone]]\n"}))
    assert ids(data) == {"Sub/Deep.md", "dangling:gone"}


def test_dangling_names_are_one_node_per_name_whatever_its_case():
    data = graph_data(vault_of({"A.md": "[[Gone]] [[Gone.md]]\n", "B.md": "[[gone]]\n", "C.md": "[[Gone]]"}))
    gone = [n for n in data["nodes"] if n["kind"] == "dangling"]
    assert gone == [
        {
            "id": "dangling:gone",
            "label": "Gone",
            "kind": "dangling",
            "tags": [],
            "folder": "",
            "backlinks": 3,
            "outlinks": 0,
        }
    ]
    assert ("A.md", "dangling:gone", "link") in edges(data)
    assert next(e["count"] for e in data["edges"] if e["source"] == "A.md") == 2


def test_dangling_names_can_be_left_out():
    data = graph_data(vault_of({"A.md": "[[Gone]] [[B]]\n", "B.md": ""}), include_dangling=False)
    assert ids(data) == {"A.md", "B.md"}
    assert edges(data) == {("A.md", "B.md", "link")}


def test_attachments_are_shown_only_when_asked_for():
    vault = vault_of({"A.md": "![[pic.png]] [[B]]\n", "B.md": "", "pic.png": "", "unused.pdf": ""})
    assert ids(graph_data(vault)) == {"A.md", "B.md"}
    with_files = graph_data(vault, include_attachments=True)
    assert ids(with_files, "attachment") == {"pic.png", "unused.pdf"}
    assert ("A.md", "pic.png", "embed") in edges(with_files)
    pic = next(n for n in with_files["nodes"] if n["id"] == "pic.png")
    assert (pic["label"], pic["path"], pic["backlinks"]) == ("pic.png", "pic.png", 1)


def test_tags_are_nodes_joined_to_the_notes_that_use_them_only_when_asked_for():
    vault = vault_of({"A.md": "#Project #project #area/sub\n", "B.md": "---\ntags: [project]\n---\n"})
    assert ids(graph_data(vault)) == {"A.md", "B.md"}
    data = graph_data(vault, include_tags=True)
    tags = {n["id"]: (n["label"], n["backlinks"]) for n in data["nodes"] if n["kind"] == "tag"}
    assert tags == {"tag:project": ("#project", 2), "tag:area/sub": ("#area/sub", 1)}
    assert [e for e in data["edges"] if e["source"] == "A.md"] == [
        {"source": "A.md", "target": "tag:project", "count": 2, "kind": "tag"},
        {"source": "A.md", "target": "tag:area/sub", "count": 1, "kind": "tag"},
    ]


def test_the_local_graph_of_depth_one_holds_the_notes_linked_either_way():
    data = graph_data(vault_of(CHAIN), note="B.md", depth=1)
    assert ids(data) == {"A.md", "B.md", "C.md"}
    assert edges(data) == {("A.md", "B.md", "link"), ("A.md", "B.md", "embed"), ("B.md", "C.md", "link")}


def test_the_local_graph_of_depth_two_goes_one_link_further():
    data = graph_data(vault_of(CHAIN), note="B.md", depth=2)
    assert ids(data) == {"A.md", "B.md", "C.md", "D.md", "E.md"}
    assert ("E.md", "A.md", "link") in edges(data)
    assert all(e["source"] in ids(data) and e["target"] in ids(data) for e in data["edges"])


def test_the_local_graph_of_depth_zero_is_the_note_alone():
    assert ids(graph_data(vault_of(CHAIN), note="B.md", depth=0)) == {"B.md"}


def test_the_local_graph_goes_through_a_dangling_name_the_notes_share():
    vault = vault_of({"A.md": "[[Gone]]\n", "B.md": "[[Gone]]\n", "C.md": ""})
    assert ids(graph_data(vault, note="A.md", depth=2)) == {"A.md", "B.md", "dangling:gone"}
    assert ids(graph_data(vault, note="A.md", depth=2, include_dangling=False)) == {"A.md"}


def test_the_local_graph_of_no_note_is_empty():
    assert graph_data(vault_of(CHAIN), note="Nope.md") == {"nodes": [], "edges": []}


def test_templates_that_are_not_checked_are_not_drawn(tmp_path):
    root = REPO / "tests" / "vaults" / "templates"
    vault = loaded(root)
    drawn = ids(graph_data(vault))
    assert len([p for p in vault.notes if p not in drawn]) == len(vault.notes) - link_stats(vault).notes > 0


def test_find_note_takes_a_path_with_or_without_md_or_a_name():
    vault = vault_of({"Topics/Hub.md": "", "A.md": ""})
    assert [find_note(vault, w) for w in ("Topics/Hub.md", "Topics/Hub", "Hub", "hub", "Nope")] == [
        "Topics/Hub.md",
        "Topics/Hub.md",
        "Topics/Hub.md",
        "Topics/Hub.md",
        None,
    ]


def test_the_cached_graph_survives_an_edit_of_prose_only():
    vault = vault_of(CHAIN)
    cache = GraphCache()
    graph = cache.graph_of(vault)
    vault.upsert("B.md", parse("Some prose. [[C]]\n"))
    assert not cache.changed(vault, ["B.md"])
    assert cache.graph_of(vault) is graph


@pytest.mark.parametrize(
    "change",
    [
        lambda v: (v.upsert("B.md", parse("[[D]]\n")), ["B.md"]),
        lambda v: (v.upsert("B.md", parse("---\naliases: [Bee]\n---\n[[C]]\n")), ["B.md"]),
        lambda v: (v.upsert("B.md", parse("[[C]] #tag\n")), ["B.md"]),
        lambda v: (v.remove("D.md"), ["C.md"]),
        lambda v: (v.upsert("New.md", parse("")), ["New.md"]),
        lambda v: (v.add_attachment("pic.png"), []),
    ],
    ids=["link", "alias", "tag", "note removed", "note added", "attachment added"],
)
def test_the_cached_graph_is_made_again_when_links_tags_or_files_change(change):
    vault = vault_of(CHAIN)
    cache = GraphCache()
    cache.graph_of(vault)
    _, paths = change(vault)
    assert cache.changed(vault, paths)
    assert cache.graph is None
    assert graph_data(vault, graph=cache.graph_of(vault), include_tags=True, include_attachments=True) == graph_data(
        vault, include_tags=True, include_attachments=True
    )


def test_the_cache_keeps_the_same_graph_until_the_vault_changes():
    vault = vault_of(CHAIN)
    cache = GraphCache()
    first = cache.graph_of(vault)
    assert cache.graph_of(vault) is first
    vault.upsert("D.md", parse("[[Far]]\n"))
    assert cache.changed(vault, ["D.md"])
    assert cache.graph_of(vault) is not first
    assert graph_data(vault, graph=cache.graph_of(vault), note="B.md", depth=2) == graph_data(
        vault, note="B.md", depth=2
    )


def test_a_graph_made_in_steps_while_the_vault_changes_answers_once_and_is_made_again():
    vault = vault_of({f"N{k}.md": f"[[N{k + 1}]]\n" for k in range(600)})
    cache = GraphCache()
    steps = cache.steps(vault)
    next(steps)
    vault.upsert("N0.md", parse("[[Elsewhere]]\n"))
    assert cache.changed(vault, ["N0.md"])
    for _ in steps:
        pass
    assert cache.graph is not None
    assert cache.changed(vault, [])  # made while the vault changed: not kept as it is
    assert graph_data(vault, graph=cache.graph_of(vault)) == graph_data(vault)


def expected_edges(vault: Vault) -> Counter:
    """(source, target, kind) → count, from `Vault.resolve` link by link."""
    drawn = set(build_link_graph(vault).notes)
    out: Counter = Counter()
    for path in drawn:
        for link in vault.notes[path].parsed.links:
            res = vault.resolve(path, link)
            if link.is_self or res.outside or res.target == path:
                continue
            target = res.target
            if target is None:
                target = "dangling:" + names.key(names.strip_note_suffix(link.target.strip()))
            elif target not in drawn and target not in vault.attachments:
                continue
            out[(path, target, "embed" if link.embed else "link")] += 1
    return out


@pytest.mark.parametrize("root", VAULTS, ids=lambda p: p.name)
def test_every_edge_leads_where_vault_resolve_leads(root):
    vault = loaded(root)
    data = graph_data(vault, include_attachments=True)
    assert Counter({(e["source"], e["target"], e["kind"]): e["count"] for e in data["edges"]}) == expected_edges(vault)


def test_an_ambiguous_name_leads_to_the_candidate_under_the_linking_notes_folder():
    vault = vault_of(
        {
            "A/Dup.md": "",
            "Old/Dup.md": "",
            "Index.md": "[[Dup]]\n",
            "Old/Link.md": "[[Dup]]\n",
            "New/Link.md": "[[Dup]]",
        }
    )
    assert edges(graph_data(vault)) == {
        ("Index.md", "A/Dup.md", "link"),
        ("Old/Link.md", "Old/Dup.md", "link"),
        ("New/Link.md", "A/Dup.md", "link"),
    }


def test_a_graph_made_before_a_note_was_removed_still_answers():
    vault = vault_of(CHAIN)
    graph = build_link_graph(vault)
    vault.remove("D.md")
    assert "D.md" in ids(graph_data(vault, graph=graph))
