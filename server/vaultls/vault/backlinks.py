"""The link graph around one note, as the editor's link views ask for it: who links to the note
or to one of its headings (grouped by linking note), what the note or one of its sections links
to (grouped by target, dangling names included), how many links each of its headings receives,
the links in it that lead where the one under the cursor leads, and the lines its backlinks
stand on.

Pure model. Every answer reads the note itself and the notes the index's reverse map says can
link to it (`references.resolved_links`): its cost follows the note and its backlinks, never
the size of the vault.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from vaultls.vault import names
from vaultls.vault.index import Note, Resolution, Vault
from vaultls.vault.model import Heading, Link, ParsedNote, Position, Range
from vaultls.vault.references import lookup_keys, missing_key

# What `linked_from` reads a note's current lines with (the open buffer or the file).
LinesOf = Callable[[str], list[str]]
# How many linking notes a hover on the title lists before "and N more".
HOVER_LINKERS = 5
# How much of a linking line a hover shows around the link, in characters each side.
EXCERPT_CONTEXT = 60


@dataclass(frozen=True, slots=True)
class Edge:
    """The links from note `source` to one target, at `ranges` in `source` (text order).
    `target` is the note or attachment they resolve to, None when they dangle; `missing` is
    then the name as first written."""

    source: str
    target: str | None
    ranges: tuple[Range, ...]
    missing: str | None = None


def note_title(parsed: ParsedNote, name: str) -> Heading | None:
    """The heading that stands for the note: its first level-1 heading (what Obsidian users
    write as the title, whatever its wording), else the first heading that says the note's
    name. None when there is neither."""
    first = next((h for h in parsed.headings if h.level == 1), None)
    if first is not None:
        return first
    wanted = names.strip_heading(name)
    return next((h for h in parsed.headings if names.strip_heading(h.text) == wanted), None)


def section_lines(parsed: ParsedNote, heading: Heading) -> tuple[int, int]:
    """The lines of a heading's section: from the heading to the next heading of its level or
    above (exclusive), or the end of the note."""
    end = next(
        (h.line for h in parsed.headings if h.line > heading.line and h.level <= heading.level), parsed.line_count
    )
    return heading.line, max(end, heading.line + 1)


def find_heading_again(parsed: ParsedNote, level: int, text: str, line: int) -> Heading | None:
    """A heading known by an earlier answer (a call hierarchy item's data): the one with this
    level and text nearest to `line`, as edits above it may have moved it."""
    same = [h for h in parsed.headings if h.level == level and h.text == text]
    return min(same, key=lambda h: abs(h.line - line), default=None)


def heading_of_data(parsed: ParsedNote, data: object) -> Heading | None:
    """`find_heading_again` for `[level, text, line]` as an editor sent it back (anything else
    names no heading)."""
    if not isinstance(data, list | tuple) or len(data) != 3:
        return None
    level, text, line = data
    if isinstance(level, int) and isinstance(text, str) and isinstance(line, int):
        return find_heading_again(parsed, level, text, line)
    return None


def heading_data(heading: Heading) -> list[object]:
    """What `heading_of_data` finds the heading by again."""
    return [heading.level, heading.text, heading.line]


# --------------------------------------------------------------------------- incoming, outgoing


_UNSEEN = "\0unseen"  # no path: what `links_into` finds for a link it has not resolved yet


def links_into(vault: Vault, path: str) -> Iterator[tuple[str, Link, Resolution]]:
    """`references.links_into` (the links whose best match is the note at `path`, its own
    `[[#...]]` links included), by linking note in path order and in text order.

    A common name has many linkers, most of whose links lead to another note of that name, so
    the work per link is kept to dictionary lookups: where a link leads depends on its text,
    its kind and the linking note's folder only (`Vault.resolve` ranks a shared name's
    candidates by that folder), so each such triple is resolved once per request, without its
    `#heading` part; only the links that lead here have that part resolved."""
    keys = lookup_keys(vault, path)
    sources: set[str] = set()
    for key in keys:
        sources |= vault.linkers_of(key)
    lookup_of: dict[str, str] = {}
    leads_to: dict[tuple[str, str, str], str | None] = {}
    lookup_get, leads_get = lookup_of.get, leads_to.get  # the loop runs for every link of every linker
    here = Resolution(targets=[path])
    notes = vault.notes
    for source in sorted(sources):
        note = notes.get(source)
        if note is None:
            continue
        folder = source.rpartition("/")[0]
        for link in note.parsed.links:
            target = link.target
            if not target:
                continue  # `[[#...]]`: into the linking note itself
            lookup = lookup_get(target)
            if lookup is None:
                lookup = lookup_of[target] = names.link_lookup_key(target)
            if lookup not in keys:
                continue
            triple = (folder, target, link.kind)
            leads = leads_get(triple, _UNSEEN)
            if leads is _UNSEEN:
                leads = leads_to[triple] = vault.resolve(source, replace(link, subpath=(), block=None)).target
            if leads == path:
                yield source, link, (vault.resolve(source, link) if link.subpath or link.block else here)
    note = vault.notes.get(path)
    if note is not None:
        for link in note.parsed.links:
            if link.is_self:
                yield path, link, vault.resolve(path, link)


def incoming(vault: Vault, path: str, heading: Heading | None = None) -> list[Edge]:
    """The notes that link to the note at `path` (or to its `heading`), by path, each with the
    ranges of those links in text order: the links `references.links_to_note` (or
    `links_to_heading`) finds."""
    by_source: dict[str, list[Range]] = {}
    for source, link, res in links_into(vault, path):
        if (res.heading == heading) if heading is not None else not link.is_self:
            by_source.setdefault(source, []).append(link.range)
    return [
        Edge(source, path, tuple(sorted(ranges, key=lambda r: r.start))) for source, ranges in sorted(by_source.items())
    ]


def outgoing(vault: Vault, path: str, heading: Heading | None = None) -> list[Edge]:
    """What the note at `path` (or the section under its `heading`) links to, in the order first
    linked: one edge per note or attachment, one per missing name (`references.missing_key`).
    Links into the note itself (`[[#Heading]]`) and links out of the vault are left out."""
    note = vault.notes.get(path)
    if note is None:
        return []
    links = note.parsed.links
    if heading is not None:
        start, end = section_lines(note.parsed, heading)
        links = [link for link in links if start <= link.range.start.line < end]
    edges: dict[tuple[bool, str], tuple[str | None, str | None, list[Range]]] = {}
    for link in links:
        if link.is_self:
            continue
        res = vault.resolve(path, link)
        if res.outside:
            continue
        if res.target is None:
            key = (True, missing_key(link.target))
            edges.setdefault(key, (None, link.target, []))[2].append(link.range)
        else:
            edges.setdefault((False, res.target), (res.target, None, []))[2].append(link.range)
    return [Edge(path, target, tuple(ranges), missing) for target, missing, ranges in edges.values()]


# --------------------------------------------------------------------------- counts (code lens)


@dataclass(frozen=True, slots=True)
class LinkCounts:
    """How many links lead to a note (`note`: its backlinks, as references lists them) and to
    each of its headings that has any (`headings`, in heading order, `[[#Heading]]` links in
    the note itself included)."""

    note: int
    headings: tuple[tuple[Heading, int], ...]


def link_counts(vault: Vault, path: str) -> LinkCounts:
    note_links = 0
    by_heading: Counter[Heading] = Counter()
    for _source, link, res in links_into(vault, path):
        if not link.is_self:
            note_links += 1
        if res.heading is not None:
            by_heading[res.heading] += 1
    note = vault.notes.get(path)
    order = note.parsed.headings if note is not None else []
    return LinkCounts(note_links, tuple((h, by_heading[h]) for h in order if by_heading[h]))


# --------------------------------------------------------------------------- highlights


@dataclass(frozen=True, slots=True)
class Highlight:
    """A place in the note to highlight: a link (`declaration` False) or the heading or block
    id the links name (True)."""

    range: Range
    declaration: bool = False


def _same_place(a: Resolution, b: Resolution) -> bool:
    """Whether two links lead to the same place: the same heading or block when the first names
    one that exists, else the same note."""
    if a.target != b.target:
        return False
    if a.heading is not None:
        return b.heading == a.heading
    if a.block is not None:
        return b.block == a.block
    return True


def highlights(vault: Vault, path: str, note: Note, pos: Position) -> list[Highlight]:
    """What a document highlight shows at `pos`: on a link, every link in the note that leads
    to the same place (the same missing name, for a dangling one), and the heading or block id
    it names when that is in this note; on a heading, the links in the note to it and the
    heading itself. Empty anywhere else."""
    parsed = note.parsed
    on_link = next(
        (link for link in parsed.links if link.range.start.line == pos.line and link.range.contains(pos)), None
    )
    if on_link is not None:
        return _link_highlights(vault, path, parsed, on_link)
    heading = next((h for h in parsed.headings if h.line == pos.line), None)
    if heading is None:
        return []
    found = [
        Highlight(link.range)
        for link in _links_maybe_to(vault, path, parsed, path)
        if (res := vault.resolve(path, link)).target == path and res.heading == heading
    ]
    return [Highlight(heading.range, declaration=True), *found]


def _links_maybe_to(vault: Vault, path: str, parsed: ParsedNote, target: str) -> list[Link]:
    """The links of the note at `path` that can lead to `target` (by its name or an alias, or
    into the note itself): only those are worth resolving."""
    keys = lookup_keys(vault, target)
    return [
        link
        for link in parsed.links
        if (link.is_self and target == path) or (not link.is_self and names.link_lookup_key(link.target) in keys)
    ]


def _link_highlights(vault: Vault, path: str, parsed: ParsedNote, link: Link) -> list[Highlight]:
    res = vault.resolve(path, link)
    if res.outside:
        return [Highlight(link.range)]
    found: list[Highlight] = []
    if res.dangling:
        wanted = missing_key(link.target)
        for other in parsed.links:
            if other.is_self or missing_key(other.target) != wanted:
                continue
            other_res = vault.resolve(path, other)
            if other_res.dangling and not other_res.outside:
                found.append(Highlight(other.range))
        return found or [Highlight(link.range)]
    candidates = _links_maybe_to(vault, path, parsed, res.target) if res.target is not None else []
    found = [Highlight(other.range) for other in candidates if _same_place(res, vault.resolve(path, other))]
    if res.target == path and res.heading is not None:
        found.insert(0, Highlight(res.heading.range, declaration=True))
    elif res.target == path and res.block is not None:
        found.insert(0, Highlight(res.block.range, declaration=True))
    return found


# --------------------------------------------------------------------------- hover


@dataclass(frozen=True, slots=True)
class Mention:
    """One linking note as a hover lists it: its first link to the note and the text around it
    (`before`, the link as written, `after`; cut to `EXCERPT_CONTEXT` characters each side)."""

    source: str
    line: int
    before: str
    link: str
    after: str


def linked_from(edges: list[Edge], lines_of: LinesOf, limit: int = HOVER_LINKERS) -> list[Mention]:
    """The first `limit` linking notes of `edges` (from `incoming`), each with the line of its
    first link to the note, read through `lines_of` (only for those notes)."""
    mentions: list[Mention] = []
    for edge in edges[:limit]:
        rng = edge.ranges[0]
        lines = lines_of(edge.source)
        line = lines[rng.start.line] if rng.start.line < len(lines) else ""
        end = rng.end.character if rng.end.line == rng.start.line else len(line)
        start = rng.start.character
        before = line[max(0, start - EXCERPT_CONTEXT) : start]
        after = line[end : end + EXCERPT_CONTEXT]
        mentions.append(
            Mention(
                edge.source,
                rng.start.line,
                ("…" if start > EXCERPT_CONTEXT else "") + before.lstrip(),
                line[start:end],
                after.rstrip() + ("…" if len(line) > end + EXCERPT_CONTEXT else ""),
            )
        )
    return mentions
