"""The vault's link graph as data for a picture: the answer of the server's `vaultls/graph`
request and of `vaultls graph` (json, and what dot, graphml and html are made from).

`graph_data` returns `{"nodes": [...], "edges": [...]}`:
- a node is `{id, label, path?, kind, tags, folder, backlinks, outlinks}`, `kind` one of
  "note", "attachment", "dangling", "tag"; ids are stable across calls: the vault path of a
  note or attachment, `dangling:<name>` and `tag:<name>` with the name lowercased (NFC), as
  vaultls compares names; `label` is the name as most often written (`#tag` for a tag).
  `folder` is the folder the file lies in (`""` at the root and for names and tags).
  `backlinks` counts the other notes linking to the node (using it, for a tag), `outlinks`
  the distinct other notes, attachments and names a note links to; both are counted over the
  whole vault, whatever is shown.
- an edge is `{source, target, count, kind}`, one per (linking note, target, kind): `kind`
  "link", "embed" (`![[...]]`) or "tag" (note → its tag), `count` how many such links the note
  has (tag: uses).

What counts is what `vaultls check --stats` counts (vault/graph.py): the notes, less templates
that are not checked, and their links, resolved as Obsidian follows them (the best candidate
when ambiguous), frontmatter links included; dangling links grouped by name as `--stats`
ranks them. Choices where Obsidian's graph is the guide:
- a link from a note to itself (`[[#Heading]]`, its own name) is no edge: it connects nothing;
- a link that climbs out of the vault names no note: no edge, no node;
- dangling names are shown by default, attachments and tags are not (Obsidian's defaults);
  a link to an attachment is an edge only when attachments are shown.
The local graph of a note (`note`) holds the nodes up to `depth` edges away from it, following
edges either way and through any node shown (a dangling name or a tag joins the notes that
share it), with the edges among them.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from vaultls.vault import names, parse
from vaultls.vault.check import is_exempt_template
from vaultls.vault.index import Note, Vault, normalise_path, note_name
from vaultls.vault.link_check import ancestor_folders
from vaultls.vault.model import Position, Range

_NOWHERE = Range(Position(0, 0), Position(0, 0))
SLICE = 250  # notes per step when the graph is made in steps
STEP = 10_000  # nodes or edges per step when an answer is made in steps
DANGLING = "dangling:"
TAG = "tag:"
# A note's own facts, as the graph reads them: its links as (kind, target, embed) and its tags.
NoteFacts = tuple[tuple[tuple[str, str, bool], ...], tuple[str, ...]]


@dataclass
class LinkGraph:
    """The whole vault's graph, from which each answer is cut (`graph_data`): built once per
    state of the vault and kept by the server between requests."""

    notes: list[str] = field(default_factory=list)  # sorted
    # source note → (target id, edge kind) → count, targets in the order first linked
    links: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)
    tags: dict[str, dict[str, int]] = field(default_factory=dict)  # note → tag id → uses
    tag_spellings: dict[str, list[str]] = field(default_factory=dict)  # note → its tags as written, once each
    labels: dict[str, str] = field(default_factory=dict)  # dangling and tag ids → label
    attachments: list[str] = field(default_factory=list)  # sorted
    backlinks: Counter[str] = field(default_factory=Counter)
    outlinks: Counter[str] = field(default_factory=Counter)
    note_set: set[str] = field(default_factory=set)
    _linkers: dict[str, list[str]] | None = None

    def linkers(self) -> dict[str, list[str]]:
        """Each node's notes linking to it (using it, for a tag), made when first asked for
        (a local graph walks edges both ways)."""
        if self._linkers is None:
            self._linkers = {}
            for source in self.notes:
                for target in dict.fromkeys(target for target, _ in self.links[source]):
                    self._linkers.setdefault(target, []).append(source)
                for tag in self.tags[source]:
                    self._linkers.setdefault(tag, []).append(source)
        return self._linkers


def note_facts(note: Note) -> NoteFacts:
    """What the graph needs of one note (its links and tags as written): read from its cache
    encoding while its model is not made (making 10,000 notes' models takes seconds)."""
    rows = note.links_and_tags()
    if isinstance(rows, tuple):
        return rows  # `encoding.links_and_tags`: NoteFacts
    parsed = note.parsed
    return (
        tuple((link.kind, link.target, link.embed) for link in parsed.links),
        tuple(tag.name for tag in parsed.tags),
    )


class LinkTargets:
    """Where links lead, each distinct (folder, kind, target) resolved once (`Vault.resolve`,
    without its heading or block part). A wikilink looked up from the vault root leads to the
    same note from every folder but those that hold some of its candidates and not others
    (`index._rank` puts those first): resolved once for all of them, as `LinkChecker` does."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        # (kind, target) → (the folders it does not hold for, (path or None, out of the vault))
        self.general: dict[tuple[str, str], tuple[frozenset[str], tuple[str | None, bool]]] = {}
        self._by_folder: dict[tuple[str, str, str], tuple[str | None, bool]] = {}

    def __call__(self, source: str, folder: str, kind: str, target: str) -> tuple[str | None, bool]:
        """(the path it leads to or None, whether it climbs out of the vault)."""
        general = self.general.get((kind, target))
        if general is not None and folder not in general[0]:
            return general[1]
        found = self._by_folder.get((folder, kind, target))
        if found is not None:
            return found
        if kind == "markdown" and self._names_no_file_here(folder, target):
            # Looked up as the wikilink with this target (`index._candidates`), for all folders.
            found = self._by_folder[(folder, kind, target)] = self(source, folder, "wiki", target)
            return found
        res = self.vault.resolve(source, parse.make_link(kind, target, (), None, None, False, _NOWHERE, _NOWHERE))
        found = (res.target, res.outside)
        if kind == "wiki" and general is None and not target.replace("\\", "/").startswith(("./", "../")):
            under = [frozenset(ancestor_folders(t)) for t in res.targets]
            folders = frozenset().union(*under) - frozenset.intersection(*under) if len(under) > 1 else frozenset()
            if folder not in folders:
                self.general[(kind, target)] = (folders, found)
                return found
        self._by_folder[(folder, kind, target)] = found
        return found

    def _names_no_file_here(self, folder: str, target: str) -> bool:
        """Whether a Markdown link in `folder` is not relative (`/`, `./`, `../`) and names no
        file there, so that it leads where the wikilink with its target leads."""
        written = names.nfc(target.replace("\\", "/"))
        if written.startswith(("/", "./", "../")):
            return False
        joined = normalise_path(f"{folder}/{written}" if folder else written)
        return joined is not None and self.vault.exact_path(joined) is None


def build_link_graph(vault: Vault, facts: dict[str, NoteFacts] | None = None) -> LinkGraph:
    """The whole graph of `vault`. `facts`: the notes' `note_facts` where already known."""
    graph = LinkGraph()
    for _ in build_steps(vault, graph, facts):
        pass
    return graph


def build_steps(vault: Vault, graph: LinkGraph, facts: dict[str, NoteFacts] | None = None) -> Iterator[None]:
    """`build_link_graph` into `graph`, yielding after each `SLICE` notes."""
    graph.notes = sorted(p for p in vault.notes if not is_exempt_template(vault, p))
    graph.note_set = set(graph.notes)
    graph.attachments = sorted(vault.attachments)
    targets = LinkTargets(vault)
    # (kind, target) → (the folders it does not hold for, (the node it leads to, "" for no edge,
    # and a dangling name as written)): most links lead to the same node from every folder.
    ways: dict[tuple[str, str], tuple[frozenset[str], tuple[str, str]]] = {}
    spelt: list[tuple[str, str]] = []  # (dangling or tag id, as written), once a use
    tag_ids: dict[str, tuple[str, str]] = {}  # a tag as written → (its id, "#" and it)
    for k, path in enumerate(graph.notes):
        if k % SLICE == SLICE - 1:
            yield
        if facts is not None and path in facts:
            links, tags = facts[path]
        elif path in vault.notes:
            links, tags = note_facts(vault.notes[path])
        else:
            links, tags = (), ()  # removed while the graph was made in slices
        folder = path.rpartition("/")[0]
        found: list[tuple[str, str]] = []
        for kind, target, embed in links:
            if not target:
                continue  # into the note itself
            known = ways.get((kind, target))
            if known is not None and folder not in known[0]:
                goal, written = known[1]
            else:
                goal, written = _goal(targets(path, folder, kind, target), target)
                general = targets.general.get((kind, target))
                if known is None and general is not None and folder not in general[0]:
                    ways[(kind, target)] = (general[0], (goal, written))
            if not goal or (not written and goal == path):
                continue
            if written:
                spelt.append((goal, written))
            found.append((goal, "embed" if embed else "link"))
        edges = graph.links[path] = Counter(found)
        linked = {goal for goal, _ in edges}
        graph.outlinks[path] = len(linked)
        graph.backlinks.update(linked)
        used: dict[str, int] = {}
        firsts: dict[str, str] = {}
        for name in tags:
            tag = tag_ids.get(name)
            if tag is None:
                tag = tag_ids[name] = (TAG + names.key(name), "#" + name)
            used[tag[0]] = used.get(tag[0], 0) + 1
            firsts.setdefault(tag[0], name)
            spelt.append(tag)
        graph.tags[path] = used
        graph.tag_spellings[path] = list(firsts.values())
        graph.backlinks.update(used.keys())
    # The spelling used most, the first written among equals (as `Counter.most_common`).
    best: dict[str, int] = {}
    for (node, written), count in Counter(spelt).items():
        if count > best.get(node, 0):
            best[node] = count
            graph.labels[node] = written


def _goal(way: tuple[str | None, bool], target: str) -> tuple[str, str]:
    """(the node a link leads to, "" for none, and for a dangling name how it is written)."""
    goal, outside = way
    if outside:
        return "", ""
    if goal is not None:
        return goal, ""
    written = names.strip_note_suffix(target.strip())
    return DANGLING + names.key(written), written


def graph_data(
    vault: Vault,
    *,
    note: str | None = None,
    depth: int = 1,
    include_dangling: bool = True,
    include_attachments: bool = False,
    include_tags: bool = False,
    graph: LinkGraph | None = None,
) -> dict[str, Any]:
    """The graph of the whole vault, or with `note` (a vault path) the local graph of that note
    to `depth` edges; empty when `note` is not a note of the graph. `graph`: the vault's
    `build_link_graph`, when it is at hand."""
    steps = graph_data_steps(
        vault,
        note=note,
        depth=depth,
        include_dangling=include_dangling,
        include_attachments=include_attachments,
        include_tags=include_tags,
        graph=graph if graph is not None else build_link_graph(vault),
    )
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]


def graph_data_steps(
    vault: Vault,
    *,
    note: str | None,
    depth: int,
    include_dangling: bool,
    include_attachments: bool,
    include_tags: bool,
    graph: LinkGraph,
) -> Generator[None, None, dict[str, Any]]:
    """`graph_data`, yielding now and then (`STEP` nodes or edges made): a server answers
    other requests meanwhile; it returns the answer."""
    attachments = set(graph.attachments) if include_attachments else set()
    note_set = graph.note_set

    def shown(target: str) -> bool:
        if target in note_set or target in attachments:
            return True
        return include_dangling and target.startswith(DANGLING)

    nodes: set[str] | None = None
    sources = graph.notes
    if note is not None:
        if note not in note_set:
            return {"nodes": [], "edges": []}
        nodes = _neighbourhood(graph, note, max(0, depth), shown, include_tags)
        sources = [s for s in graph.notes if s in nodes]
    edges: list[tuple[str, str, int, str]] = []
    for k, source in enumerate(sources):
        if k % SLICE == SLICE - 1:
            yield
        for (target, kind), count in graph.links[source].items():
            if shown(target) and (nodes is None or target in nodes):
                edges.append((source, target, count, kind))
        if include_tags:
            edges.extend(
                (source, tag, count, "tag")
                for tag, count in graph.tags[source].items()
                if nodes is None or tag in nodes
            )

    listed: list[str] = list(sources)
    listed += [a for a in graph.attachments if nodes is None or a in nodes] if include_attachments else []
    # Names and tags are nodes only as the targets of edges shown.
    listed += sorted({t for _, t, _, k in edges if k != "tag" and t.startswith(DANGLING) and t not in note_set})
    listed += sorted({t for _, t, _, k in edges if k == "tag"})
    made: list[dict[str, Any]] = []
    for start in range(0, len(listed), STEP):
        yield
        made += [_node(vault, graph, node) for node in listed[start : start + STEP]]
    links: list[dict[str, Any]] = []
    for start in range(0, len(edges), STEP):
        yield
        links += [{"source": s, "target": t, "count": c, "kind": k} for s, t, c, k in edges[start : start + STEP]]
    return {"nodes": made, "edges": links}


def _neighbourhood(graph: LinkGraph, start: str, depth: int, shown: Callable[[str], bool], tags: bool) -> set[str]:
    """The nodes shown at most `depth` edges from `start`, edges followed either way."""
    linkers = graph.linkers()
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        node, far = queue.popleft()
        if far == depth:
            continue
        around: list[str] = [s for s in linkers.get(node, ()) if tags or not node.startswith(TAG)]
        if node in graph.links:
            around += [target for target, _ in graph.links[node] if shown(target)]
            around += list(graph.tags[node]) if tags else []
        for other in around:
            if other not in seen:
                seen.add(other)
                queue.append((other, far + 1))
    return seen


def _node(vault: Vault, graph: LinkGraph, node: str) -> dict[str, Any]:
    if node in graph.note_set:
        kind, label = "note", note_name(node)  # not the vault's note: it may be gone since
    elif node.startswith(TAG) and node not in vault.attachments:
        kind, label = "tag", graph.labels.get(node, "#" + node[len(TAG) :])
    elif node.startswith(DANGLING) and node not in vault.attachments:
        kind, label = "dangling", graph.labels.get(node, node[len(DANGLING) :])
    else:
        kind, label = "attachment", names.last_component(node)
    out: dict[str, Any] = {"id": node, "label": label}
    if kind in ("note", "attachment"):
        out["path"] = node
    out["kind"] = kind
    out["tags"] = list(graph.tag_spellings.get(node, ())) if kind == "note" else []
    out["folder"] = node.rpartition("/")[0] if kind in ("note", "attachment") else ""
    out["backlinks"] = graph.backlinks.get(node, 0)
    out["outlinks"] = graph.outlinks.get(node, 0) if kind == "note" else 0
    return out


def find_note(vault: Vault, written: str) -> str | None:
    """The note `written` names: its vault path (with or without `.md`), or a name or path as
    a wikilink from the vault root would name it; None when it names no note."""
    written = written.strip().replace("\\", "/").strip("/")
    if written in vault.notes:
        return written
    if not written:
        return None
    found = vault.exact_path(written)
    if found is None or found not in vault.notes:
        link = parse.make_link("wiki", written, (), None, None, False, _NOWHERE, _NOWHERE)
        found = vault.resolve("", link).target
    return found if found in vault.notes else None


class GraphCache:
    """One vault's `LinkGraph`, kept between requests until the vault changes in a way that
    may change the picture (`changed`); on a rebuild, the facts of notes that are the same
    objects as before are not read again (the index replaces a note's object on every change).
    A server makes it in slices (`steps`): reading 10,000 notes' models takes seconds."""

    def __init__(self) -> None:
        self.graph: LinkGraph | None = None
        self._facts: dict[str, tuple[Note, NoteFacts, tuple[str, ...]]] = {}
        self._sizes = (0, 0)
        self._changes = 0  # how many times `changed` said so
        self._stale = False  # the graph was made while the vault changed: made again next time

    def graph_of(self, vault: Vault) -> LinkGraph:
        if self.graph is None:
            for _ in self.steps(vault):
                pass
        assert self.graph is not None
        return self.graph

    def steps(self, vault: Vault) -> Iterator[None]:
        """Make the graph unless it is kept, yielding after each `SLICE` notes (a server
        answers other requests meanwhile). Should the vault change meanwhile, the graph is
        still kept, for the answer being made, and made again when next asked for."""
        if self.graph is not None and not self._stale:
            return
        changes = self._changes
        sizes = (len(vault.notes), len(vault.attachments))
        known = self._facts
        facts: dict[str, tuple[Note, NoteFacts, tuple[str, ...]]] = {}
        for k, (path, note) in enumerate(list(vault.notes.items())):
            old = known.get(path)
            facts[path] = old if old is not None and old[0] is note else _facts_of(note)
            if k % SLICE == SLICE - 1:
                yield
        graph = LinkGraph()
        yield from build_steps(vault, graph, {path: entry[1] for path, entry in facts.items()})
        self.graph, self._facts, self._sizes = graph, facts, sizes
        self._stale = changes != self._changes

    def changed(self, vault: Vault, paths: Iterable[str] | None) -> bool:
        """Whether the graph may have changed, now that the notes `paths` (None: anything)
        changed; forgets the graph if so. Edits that leave a note's links, tags and aliases
        as they were (typing prose) change nothing; notes or attachments added or removed do."""
        same = self.graph is not None and not self._stale and paths is not None
        same = same and self._sizes == (len(vault.notes), len(vault.attachments))
        for path in paths or () if same else ():
            note, old = vault.notes.get(path), self._facts.get(path)
            if note is None or old is None or (old[0] is not note and _facts_of(note)[1:] != old[1:]):
                same = False
                break
        if not same:
            self.graph = None
            self._changes += 1
        return not same


def _facts_of(note: Note) -> tuple[Note, NoteFacts, tuple[str, ...]]:
    return note, note_facts(note), tuple(note.aliases)
