"""Who points at what: the backlinks of a note, the links to one of its headings or blocks,
every use of a tag, and the other links to a name that does not exist yet.

Pure model: answers are (path, range) pairs in code points, found through the index's
reverse map (`Vault.linkers_of`) so a backlink query reads only the notes that can hold one,
never the whole vault. A link counts as pointing at a note when Obsidian's best match for it
is that note (`Vault.resolve(...).target`): the other candidates of an ambiguous link are not
its target.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass

from vaultls.vault import names
from vaultls.vault.index import Note, Resolution, Vault
from vaultls.vault.model import Block, Heading, Link, ParsedNote, Position, Range, Tag


@dataclass(frozen=True, slots=True)
class Ref:
    """One place that points at something: a link (with how it resolved) or a tag."""

    path: str
    range: Range
    link: Link | None = None
    tag: Tag | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """What the cursor is on. `kind` is one of "link", "tag", "block", "heading", "note"."""

    kind: str
    link: Link | None = None
    tag: Tag | None = None
    block: Block | None = None
    heading: Heading | None = None


def target_at(note: Note, pos: Position) -> Target:
    """The thing under a cursor: a link wins over a tag, a tag over a block id, a block id over
    a heading line; anywhere else it is the note itself."""
    parsed = note.parsed
    for link in parsed.links:
        if link.range.start.line == pos.line and link.range.contains(pos):
            return Target("link", link=link)
    for tag in parsed.tags:
        if tag.range.start.line <= pos.line <= tag.range.end.line and tag.range.contains(pos):
            return Target("tag", tag=tag)
    for block in parsed.blocks:
        if block.range.start.line == pos.line and block.range.contains(pos):
            return Target("block", block=block)
    for heading in parsed.headings:
        if heading.line == pos.line:
            return Target("heading", heading=heading)
    return Target("note")


# --------------------------------------------------------------------------- links


def lookup_keys(vault: Vault, path: str) -> set[str]:
    """The `link_lookup_key`s under which links to `path` are indexed: its name, and its
    aliases when the vault resolves aliases."""
    note = vault.notes.get(path)
    if note is None:
        return {names.key(names.last_component(path))}
    keys = {names.key(note.name)}
    if vault.settings.resolve_aliases:
        keys |= {names.link_lookup_key(alias) for alias in note.parsed.aliases}
    return keys


def resolved_links(
    vault: Vault, keys: Set[str], extra: Set[str] = frozenset()
) -> Iterator[tuple[str, Link, Resolution]]:
    """Every non-self link (with its resolution) whose lookup key is one of `keys`, in the notes
    that the index says hold one, plus the notes in `extra`; by path, in text order."""
    sources: set[str] = set(extra)
    for key in keys:
        sources |= vault.linkers_of(key)
    for source in sorted(sources):
        note = vault.notes.get(source)
        if note is None:
            continue
        for link in note.parsed.links:
            if link.is_self or names.link_lookup_key(link.target) not in keys:
                continue
            yield source, link, vault.resolve(source, link)


def links_to_note(vault: Vault, path: str) -> list[Ref]:
    """Backlinks: every wikilink, embed, Markdown link and frontmatter link whose best match is
    the note (or attachment) at `path`. Links from a note to itself by name count; `[[#H]]`
    self-links do not (they are not links *to the note*)."""
    return [
        Ref(source, link.range, link)
        for source, link, res in resolved_links(vault, lookup_keys(vault, path))
        if res.target == path
    ]


def links_into(vault: Vault, path: str) -> Iterator[tuple[str, Link, Resolution]]:
    """Links to `path` including its own `[[#...]]` self-links, which can name its headings."""
    yield from ((s, link, r) for s, link, r in resolved_links(vault, lookup_keys(vault, path)) if r.target == path)
    note = vault.notes.get(path)
    if note is not None:
        for link in note.parsed.links:
            if link.is_self:
                yield path, link, vault.resolve(path, link)


def links_to_heading(vault: Vault, path: str, heading: Heading) -> list[Ref]:
    return sorted(
        (Ref(s, link.range, link) for s, link, r in links_into(vault, path) if r.heading == heading),
        key=lambda ref: (ref.path, ref.range.start),
    )


def links_to_block(vault: Vault, path: str, block: Block) -> list[Ref]:
    return sorted(
        (Ref(s, link.range, link) for s, link, r in links_into(vault, path) if r.block == block),
        key=lambda ref: (ref.path, ref.range.start),
    )


def missing_key(target: str) -> str:
    """Two dangling links name the same missing note when this is equal: `[[Kuomintang]]`,
    `[[kuomintang]]` and `[[Kuomintang.md]]` do; `[[A/Kuomintang]]` and `[[B/Kuomintang]]` do not."""
    return names.key(names.strip_note_suffix(target.replace("\\", "/").strip().lstrip("/")))


def links_to_missing(vault: Vault, source: str, link: Link) -> list[Ref]:
    """Every dangling link (the one given included) to the same missing name."""
    wanted = missing_key(link.target)
    lookup = names.link_lookup_key(link.target)
    return [
        Ref(s, other.range, other)
        for s, other, r in resolved_links(vault, {lookup})
        if r.dangling and not r.outside and missing_key(other.target) == wanted
    ]


# --------------------------------------------------------------------------- tags


def tag_matches(name: str, wanted: str) -> bool:
    """Obsidian's tag search: case-insensitive, and a parent tag includes its nested tags
    (`#politics` finds `#Politics/left`, not `#politicsx`)."""
    key, want = names.key(name), names.key(wanted)
    return key == want or key.startswith(want + "/")


def tag_uses(vault: Vault, wanted: str) -> list[Ref]:
    """Every `#tag` in text and every `tags:` entry in frontmatter that is `wanted` or nested
    under it, by path and position."""
    refs: list[Ref] = []
    for path in sorted(vault.notes):
        for tag in vault.notes[path].parsed.tags:
            if tag_matches(tag.name, wanted):
                refs.append(Ref(path, tag.range, tag=tag))
    return refs


@dataclass(slots=True)
class TagCount:
    name: str  # the most used spelling
    notes: int  # how many notes use it
    uses: int  # how many times it is written


def tag_counts(vault: Vault, skip: tuple[str, Range] | None = None) -> dict[str, TagCount]:
    """Every tag of the vault by key (casefolded), with the spelling most often written and the
    number of notes using it. `skip` leaves out one use (the half-typed tag at the cursor)."""
    spellings: dict[str, dict[str, int]] = {}
    notes: dict[str, int] = {}
    for path, note in vault.notes.items():
        _count_into(note.parsed.tags, spellings, notes, skip[1] if skip is not None and path == skip[0] else None)
    return _totals(spellings, notes)


class TagCounter:
    """`tag_counts` for completion while the user types in one note: the other notes' part is
    kept between requests and recounted only when one of them changed (the index replaces a
    note's `ParsedNote` on every change), so a keystroke costs one pass of identity checks
    rather than a recount of every tag in the vault."""

    def __init__(self) -> None:
        self._path: str | None = None
        self._parsed: list[ParsedNote] = []
        self._spellings: dict[str, dict[str, int]] = {}
        self._notes: dict[str, int] = {}

    def counts(self, vault: Vault, path: str, skip: Range | None = None) -> dict[str, TagCount]:
        others = [note.parsed for p, note in vault.notes.items() if p != path]
        if (
            path != self._path
            or len(others) != len(self._parsed)
            or any(a is not b for a, b in zip(others, self._parsed, strict=True))
        ):
            self._path, self._parsed = path, others
            self._spellings, self._notes = {}, {}
            for parsed in others:
                _count_into(parsed.tags, self._spellings, self._notes, None)
        spellings = {k: dict(v) for k, v in self._spellings.items()}
        notes = dict(self._notes)
        own = vault.notes.get(path)
        if own is not None:
            _count_into(own.parsed.tags, spellings, notes, skip)
        return _totals(spellings, notes)


def _count_into(
    tags: Iterable[Tag], spellings: dict[str, dict[str, int]], notes: dict[str, int], skip: Range | None
) -> None:
    seen: set[str] = set()
    for tag in tags:
        if skip is not None and tag.range == skip:
            continue
        key = names.key(tag.name)
        by_spelling = spellings.setdefault(key, {})
        by_spelling[tag.name] = by_spelling.get(tag.name, 0) + 1
        if key not in seen:
            seen.add(key)
            notes[key] = notes.get(key, 0) + 1


def _totals(spellings: dict[str, dict[str, int]], notes: dict[str, int]) -> dict[str, TagCount]:
    counts: dict[str, TagCount] = {}
    for key, by_spelling in spellings.items():
        name = max(by_spelling, key=lambda s: (by_spelling[s], s))
        counts[key] = TagCount(name, notes[key], sum(by_spelling.values()))
    return counts
