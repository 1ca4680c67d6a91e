"""The problems of links, for a check over many notes of a vault that does not change meanwhile.

The problems of a link depend on little: where it leads depends only on the folder of the note
it is written in, its kind and its target (`Vault.resolve`), and whether its heading or block
exists only on the note it leads to. `LinkChecker` remembers both for one check run, so a whole
vault's ~300,000 links cost ~30,000 resolutions, and each note's headings are normalised once
rather than once per link to them. The messages are written here, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from vaultls.vault import names, parse
from vaultls.vault.index import Resolution, Vault, heading_index, heading_keys, normalise_path
from vaultls.vault.model import Position, Range
from vaultls.vault.parse import LinkRow
from vaultls.vault.problems import ProblemRow, Severity

# A problem of a link without its place: (severity, code, message, data). `data` is shared by
# every link the template is used for, so each problem gets its own copy (`fresh_data`).
Template = tuple[Severity, str, str, "dict[str, Any] | None"]
# What links to a note may name in it: its headings as (level, `names.strip_heading`,
# `names.slug`), in order, and the keys (`names.key`) of its block ids.
Anchors = tuple[tuple[tuple[int, str, str], ...], frozenset[str]]
# Where a link leads (None: nowhere) and the problems that has, whatever its heading or block.
Resolved = tuple["str | None", tuple[Template, ...]]
_NO_TEMPLATES: tuple[Template, ...] = ()
_NOWHERE = Range(Position(0, 0), Position(0, 0))


def fresh_data(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """A problem's own copy of a template's data (lists copied too): a quick fix may keep or
    change what it is given without touching another problem's."""
    if data is None:
        return None
    return {k: list(v) if isinstance(v, list) else v for k, v in data.items()}


def note_anchors(headings: Iterable[tuple[int, str]], block_ids: Iterable[str]) -> Anchors:
    """The `Anchors` of a note from its headings' (level, text) and its block ids."""
    return (
        tuple((level, names.strip_heading(text), names.slug(text)) for level, text in headings),
        frozenset(names.key(b) for b in block_ids),
    )


def has_heading(
    headings: tuple[tuple[int, str, str], ...],
    chain: tuple[str, ...],
    wanted: list[tuple[str, str]] | None = None,
    slugs: bool = False,
) -> bool:
    """Whether `index.find_heading` finds the `#A#B` chain among headings given as `Anchors`
    keys (computed once per note rather than per link to it). `wanted`: the chain's
    `heading_keys`, when known; `slugs`: the link is a Markdown link."""
    return heading_index(headings, heading_keys(chain, slugs) if wanted is None else wanted) is not None


class LinkChecker:
    """The problems of links, for one check run over a vault that does not change meanwhile:
    resolution is remembered per (folder of the linking note, kind, target), for most
    wikilinks once for all folders (`_resolve_in`), and the heading/block part per (note
    linked, headings, block). Same rules and results as `Vault.resolve`, which it calls for
    each distinct case (tests/unit/test_check_fast.py compares the two from many folders).

    `anchors` gives the `Anchors` of a note path (None for anything that is not a note); by
    default they are made from the vault's notes, decoding each target note once."""

    def __init__(self, vault: Vault, anchors: Callable[[str], Anchors | None] | None = None) -> None:
        self.vault = vault
        self.dangling = Severity.from_name(vault.settings.dangling_links)
        self._anchors_of = anchors if anchors is not None else self._note_anchors
        self._anchors: dict[str, Anchors | None] = {}
        # (folder, kind, target) → (target note or None when dangling, templates)
        self._resolved: dict[tuple[str, str, str], Resolved] = {}
        # (kind, target) → (the folders it does not hold for, resolution): see `_resolve_in`
        self._general: dict[tuple[str, str], tuple[frozenset[str], Resolved]] = {}
        self._self: dict[str, Resolved] = {}
        # (note linked, kind, heading chain, block) → templates of the heading or block part
        self._parts: dict[tuple[str, str, tuple[str, ...], str | None], tuple[Template, ...]] = {}
        self._wanted: dict[tuple[tuple[str, ...], bool], list[tuple[str, str]]] = {}  # `heading_keys`

    def templates(
        self, source: str, folder: str, kind: str, target: str, subpath: tuple[str, ...], block: str | None
    ) -> tuple[Template, ...]:
        """The problems of one link (as written in note `source`, in `folder`), in the order
        the check reports them: a missing heading or block, then ambiguity."""
        if target:
            found = None
            general = self._general.get((kind, target))
            if general is not None and folder not in general[0]:
                found = general[1]
            else:
                found = self._resolved.get((folder, kind, target))
                if found is None:
                    found = self._resolve_in(source, folder, kind, target)
        else:
            found = self._self.get(source)
            if found is None:
                found = self._self[source] = self._resolve(source, kind, target)[1]
        goal, base = found
        if goal is None or (block is None and not subpath):
            return base
        part = self._parts.get((goal, kind, subpath, block))
        if part is None:
            part = self._parts[(goal, kind, subpath, block)] = self._part(goal, kind, subpath, block)
        return part + base if part else base

    def add_problem_rows(self, source: str, links: Iterable[LinkRow], out: list[ProblemRow]) -> None:
        """`templates` of the links of note `source`, appended to `out` as problem rows at
        each link's target range. Links are rows (`parse.LinkRow`), as the parser makes them
        and the cache holds them, so that a check makes no `Link`.

        The common case, a link resolved before from a folder like this one, and its heading
        or block looked up before, is answered here without a call: a vault has ~30 links per
        note."""
        folder = source.rpartition("/")[0]
        general = self._general
        parts = self._parts
        templates = self.templates
        append = out.append
        for kind, target, subpath, block, _, _, _, _, _, _, a, b, c, d, _ in links:
            found = general.get((kind, target))
            if found is not None and folder not in found[0]:
                goal, base = found[1]
                if goal is not None and (block is not None or subpath):
                    part = parts.get((goal, kind, subpath, block))
                    if part is None:
                        base = templates(source, folder, kind, target, subpath, block)
                    elif part:
                        base = part + base
            else:
                base = templates(source, folder, kind, target, subpath, block)
            for severity, code, message, data in base:
                append((a, b, c, d, int(severity), code, message, fresh_data(data)))

    def _resolve_in(self, source: str, folder: str, kind: str, target: str) -> Resolved:
        """Resolve a link not seen in this folder before, and remember for which folders the
        result holds.

        A wikilink whose target does not start with `./` or `../` is looked up from the vault
        root (`Vault.resolve`); the linking note's folder only orders several candidates
        (`index._rank`: those under that folder first). So its resolution is the same from
        every folder that none of the candidates lies under: remembered once for all of them,
        and per folder for the candidates' folders and their ancestors. Other links (Markdown links, `./`, `../`)
        are relative to the folder and remembered per folder."""
        if kind == "markdown":
            found = self._as_wikilink(source, folder, target)
            if found is not None:
                self._resolved[(folder, kind, target)] = found
                return found
        res, found = self._resolve(source, kind, target)
        if kind == "wiki" and not target.replace("\\", "/").startswith(("./", "../")):
            # The order of several candidates depends on which lie under the linking note's
            # folder (`index._rank`): it differs from the general order only in a folder that
            # some candidates lie under and others not (the vault root holds them all).
            under = [frozenset(ancestor_folders(t)) for t in res.targets]
            folders = frozenset().union(*under) - frozenset.intersection(*under) if under else frozenset()
            if folder not in folders and (kind, target) not in self._general:
                self._general[(kind, target)] = (folders, found)
                return found
        self._resolved[(folder, kind, target)] = found
        return found

    def _as_wikilink(self, source: str, folder: str, target: str) -> Resolved | None:
        """A Markdown link to a path that is not relative to its folder (no `/`, `./`, `../`
        in front) is looked up there first (`Vault.resolve`); when nothing is there, it is
        looked up exactly as the wikilink with that target. Then this is that wikilink's
        resolution (remembered for all folders as said in `_resolve_in`); None when the link is
        anything else or names a file in its folder."""
        written = names.nfc(target.replace("\\", "/"))
        if written.startswith(("/", "./", "../")):
            return None
        joined = normalise_path(f"{folder}/{written}" if folder else written)
        if joined is None or self.vault.exact_path(joined) is not None:
            return None
        general = self._general.get(("wiki", target))
        if general is not None and folder not in general[0]:
            return general[1]
        found = self._resolved.get((folder, "wiki", target))
        return found if found is not None else self._resolve_in(source, folder, "wiki", target)

    def _resolve(self, source: str, kind: str, target: str) -> tuple[Resolution, Resolved]:
        link = parse.make_link(kind, target, (), None, None, False, _NOWHERE, _NOWHERE)
        res = self.vault.resolve(source, link)
        return res, self._outcome(target, res)

    def _outcome(self, target: str, res: Resolution) -> Resolved:
        if res.dangling:
            if self.dangling is None:
                return None, _NO_TEMPLATES
            return None, (dangling_template(self.vault, target, res, self.dangling),)
        if res.ambiguous:
            return res.targets[0], (ambiguous_template(target, res),)
        return res.targets[0], _NO_TEMPLATES

    def _part(self, goal: str, kind: str, subpath: tuple[str, ...], block: str | None) -> tuple[Template, ...]:
        anchors = self._anchors.get(goal, _NO_ANCHORS)
        if anchors is _NO_ANCHORS:
            anchors = self._anchors[goal] = self._anchors_of(goal)
        if anchors is None:
            return _NO_TEMPLATES  # an attachment: `#page=3` and the like are not ours to check
        name = _display_name(self.vault, goal)
        if block is not None:
            if names.key(block) in anchors[1]:
                return _NO_TEMPLATES
            return ((Severity.WARNING, "missing-block", f'"{name}" has no block "^{block}"', None),)
        slugs = kind == "markdown"
        wanted = self._wanted.get((subpath, slugs))
        if wanted is None:
            wanted = self._wanted[(subpath, slugs)] = heading_keys(subpath, slugs)
        if has_heading(anchors[0], subpath, wanted):
            return _NO_TEMPLATES
        return ((Severity.WARNING, "missing-heading", f'"{name}" has no heading "{"#".join(subpath)}"', None),)

    def _note_anchors(self, path: str) -> Anchors | None:
        note = self.vault.notes.get(path)
        if note is None:
            return None
        parsed = note.parsed
        return note_anchors(((h.level, h.text) for h in parsed.headings), (b.id for b in parsed.blocks))


_NO_ANCHORS: Any = object()


def ancestor_folders(path: str) -> list[str]:
    """Every folder `path` lies under: `A/B/x.md` → `A/B`, `A`, and the root `""`."""
    folders = [""]
    at = path.find("/")
    while at >= 0:
        folders.append(path[:at])
        at = path.find("/", at + 1)
    return folders


def ambiguous_template(target: str, res: Resolution) -> Template:
    listed = ", ".join(res.targets[:8]) + (", …" if len(res.targets) > 8 else "")
    what = "notes" if names.is_note_path(res.targets[0]) else "files"
    return (
        Severity.HINT,
        "ambiguous-link",
        f'"{target}" matches {len(res.targets)} {what}; Obsidian opens {res.targets[0]} (those under this'
        f" note's folder first, then the shortest path). Candidates: {listed}",
        {"candidates": list(res.targets)},
    )


def dangling_template(vault: Vault, target: str, res: Resolution, severity: Severity) -> Template:
    if res.outside:
        return (severity, "dangling-link", f'"{target}" points outside the vault', None)
    what = "note" if not _looks_like_file(target) else "file"
    message = f'no {what} named "{target}" in the vault'
    data: dict[str, Any] = {"target": target}
    owners = vault.alias_owners(target)
    if owners:
        owner = vault.notes[owners[0]].name
        message += f'; "{target}" is an alias of "{owner}" (Obsidian does not resolve aliases)'
        data["alias_of"] = vault.shortest_link(owners[0])
    return (severity, "dangling-link", message, data)


def _looks_like_file(target: str) -> bool:
    last = names.last_component(target)
    return "." in last and not names.is_note_path(last)


def _display_name(vault: Vault, path: str) -> str:
    note = vault.notes.get(path)
    return note.name if note is not None else names.last_component(path)
