"""The vault index: every note and attachment under one root, with the lookups that make
resolution and "who is affected by this change" dictionary lookups rather than scans.
`upsert`, `remove`, `add_attachment` and `remove_attachment` are the only ways the index
changes; each returns the set of notes whose problems may have changed, so the server
re-checks exactly those and never rebuilds the vault for one event."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from vaultls.vault import names
from vaultls.vault.model import Block, Heading, Link, ParsedNote
from vaultls.vault.path_filter import PathFilter
from vaultls.vault.schema.store import SchemaStore
from vaultls.vault.settings import Settings


class Deferred(Protocol):
    """A note known by its summary, whose `ParsedNote` is made on first use (`store.loader.DeferredNote`)."""

    aliases: list[str]
    link_keys: tuple[str, ...]

    def materialise(self) -> ParsedNote: ...


class Note:
    """One note of the index. The index itself needs only the note's aliases and the lookup
    keys of its links; `parsed`, the whole note, may be deferred and is then made on first
    use, so that loading 10,000 cached notes does not build millions of objects nobody asks
    for."""

    __slots__ = ("path", "name", "valid_utf8", "aliases", "link_keys", "_parsed", "_deferred")

    def __init__(
        self, path: str, name: str, parsed: ParsedNote | None, valid_utf8: bool = True, deferred: Deferred | None = None
    ) -> None:
        self.path = path  # relative to the vault root, `/`-separated, with its extension
        self.name = name  # file name without the extension
        self.valid_utf8 = valid_utf8
        self._parsed = parsed
        self._deferred = deferred
        if parsed is not None:
            self.aliases: list[str] = parsed.aliases
            self.link_keys: tuple[str, ...] = note_link_keys(parsed)
        elif deferred is not None:
            self.aliases, self.link_keys = deferred.aliases, deferred.link_keys
        else:
            raise ValueError("a note needs its parsed form or a deferred one")

    @property
    def parsed(self) -> ParsedNote:
        parsed = self._parsed
        if parsed is None:
            parsed = self._parsed = self._deferred.materialise()  # type: ignore[union-attr]
            self._deferred = None
        return parsed

    def links_and_tags(self) -> object:
        """The deferred note's links and tags without its model (`DeferredNote.links_and_tags`), or None."""
        return getattr(self._deferred, "links_and_tags", lambda: None)()

    @property
    def is_materialised(self) -> bool:
        return self._parsed is not None

    @property
    def folder(self) -> str:
        return self.path.rpartition("/")[0]

    def __repr__(self) -> str:
        return f"Note({self.path!r}, materialised={self.is_materialised})"


def note_name(path: str) -> str:
    """The name of the note at a vault path: its file name without the extension."""
    return names.strip_note_suffix(names.last_component(path))


def note_link_keys(parsed: ParsedNote) -> tuple[str, ...]:
    """The distinct lookup keys (`names.link_lookup_key`) of a note's links to other notes:
    what the index files the note under as a linker."""
    return link_keys(link.target for link in parsed.links)


def link_keys(targets: Iterable[str]) -> tuple[str, ...]:
    """`note_link_keys` of the links with these targets (`""`: a link into the note itself)."""
    return tuple(dict.fromkeys(map(names.link_lookup_key, filter(None, targets))))


@dataclass(slots=True)
class Resolution:
    """Where a link leads. `targets` is empty for a dangling link, best candidate first."""

    targets: list[str] = field(default_factory=list)
    heading: Heading | None = None
    block: Block | None = None
    missing: str | None = None  # "heading" or "block" when the note exists but that part not
    via_alias: bool = False
    outside: bool = False  # the link climbs out of the vault (`../../etc/passwd`)

    @property
    def target(self) -> str | None:
        return self.targets[0] if self.targets else None

    @property
    def dangling(self) -> bool:
        return not self.targets

    @property
    def ambiguous(self) -> bool:
        return len(self.targets) > 1


class Vault:
    def __init__(self, root: Path, settings: Settings | None = None) -> None:
        self.root = root
        self.settings = settings or Settings()
        self.notes: dict[str, Note] = {}
        self.attachments: set[str] = set()
        self._notes_by_name: dict[str, list[str]] = defaultdict(list)
        # key(path without .md) → paths; a list because `Note.md` and `note.md` can both exist
        # on a case-sensitive file system.
        self._notes_by_path: dict[str, list[str]] = defaultdict(list)
        self._files_by_name: dict[str, list[str]] = defaultdict(list)  # attachments, with extension
        self._files_by_path: dict[str, list[str]] = defaultdict(list)
        self._linkers: dict[str, set[str]] = defaultdict(set)  # link lookup key → linking notes
        self._alias_owners: dict[str, set[str]] = defaultdict(set)  # key(alias) → notes
        # The frontmatter schemas of this vault, compiled once: they live as long as the vault.
        self.schemas = SchemaStore(root)
        self._files: PathFilter | None = None

    @property
    def files(self) -> PathFilter:
        """Which files of the root folder are this vault's (for the settings it has now)."""
        if self._files is None or self._files.settings is not self.settings:
            self._files = PathFilter(self.root, self.settings)
        return self._files

    # ------------------------------------------------------------------ changes

    def upsert(self, path: str, parsed: ParsedNote, valid_utf8: bool = True) -> set[str]:
        """Add or replace a note; returns the notes whose problems may have changed."""
        return self._put(Note(path, note_name(path), parsed, valid_utf8))

    def add_deferred(
        self, path: str, deferred: Deferred, valid_utf8: bool = True, remember_links: bool = True
    ) -> set[str]:
        """`upsert` of a note whose `ParsedNote` is made only when first used. Without
        `remember_links`, the note is not yet filed as a linker of its targets: a server's
        first pass leaves that (~300,000 set insertions at 10,000 notes) until after it is
        ready, and then calls `remember_links` for each note."""
        return self._put(Note(path, note_name(path), None, valid_utf8, deferred), remember_links)

    def remember_links(self, path: str) -> None:
        """File a note added with `remember_links=False` as a linker (again: harmless)."""
        note = self.notes.get(path)
        if note is not None:
            self._remember_links(note)

    def _put(self, note: Note, remember_links: bool = True) -> set[str]:
        path, name = note.path, note.name
        old = self.notes.get(path)
        affected = {path}
        if old is None:
            self._notes_by_name[names.key(name)].append(path)
            self._notes_by_path[names.key(names.strip_note_suffix(path))].append(path)
            affected |= self._linkers.get(names.key(name), set())
        else:
            self._forget_links(old)
            # A deferred side is not decoded just to compare: its linkers are re-checked.
            if not (old.is_materialised and note.is_materialised) or _targets_changed(old.parsed, note.parsed):
                affected |= self._linkers.get(names.key(name), set())
        old_aliases = set(map(names.key, old.aliases)) if old else set()
        new_aliases = set(map(names.key, note.aliases))
        for alias in old_aliases - new_aliases:
            self._alias_owners[alias].discard(path)
        for alias in new_aliases - old_aliases:
            self._alias_owners[alias].add(path)
        for alias in old_aliases ^ new_aliases:
            affected |= self._linkers.get(alias, set())
        self.notes[path] = note
        if remember_links:
            self._remember_links(note)
        return affected

    def restore(self, notes: dict[str, Note], maps: tuple[Any, Any, Any, Any]) -> None:
        """Take notes and the maps `_put` would make of them at once (`store.index_blob`): into an empty vault."""
        self.notes, (self._notes_by_name, self._notes_by_path, self._alias_owners, self._linkers) = notes, maps

    def remove(self, path: str) -> set[str]:
        old = self.notes.pop(path, None)
        if old is None:
            return set()
        name_key = names.key(old.name)
        _discard(self._notes_by_name, name_key, path)
        _discard(self._notes_by_path, names.key(names.strip_note_suffix(path)), path)
        self._forget_links(old)
        affected = set(self._linkers.get(name_key, set()))
        for alias in map(names.key, old.aliases):
            self._alias_owners[alias].discard(path)
            affected |= self._linkers.get(alias, set())
        affected.discard(path)
        return affected

    def add_attachment(self, path: str) -> set[str]:
        if path in self.attachments:
            return set()
        self.attachments.add(path)
        file_key = names.key(names.last_component(path))
        self._files_by_name[file_key].append(path)
        self._files_by_path[names.key(path)].append(path)
        return set(self._linkers.get(file_key, set()))

    def remove_attachment(self, path: str) -> set[str]:
        if path not in self.attachments:
            return set()
        self.attachments.discard(path)
        file_key = names.key(names.last_component(path))
        _discard(self._files_by_name, file_key, path)
        _discard(self._files_by_path, names.key(path), path)
        return set(self._linkers.get(file_key, set()))

    def _remember_links(self, note: Note) -> None:
        linkers, path = self._linkers, note.path
        for lookup in note.link_keys:
            linkers[lookup].add(path)

    def _forget_links(self, note: Note) -> None:
        for lookup in note.link_keys:
            linkers = self._linkers.get(lookup)
            if linkers is not None:
                linkers.discard(note.path)
                if not linkers:
                    del self._linkers[lookup]

    # ------------------------------------------------------------------ lookups

    def notes_named(self, name: str) -> list[str]:
        return list(self._notes_by_name.get(names.key(name), ()))

    def alias_owners(self, alias: str) -> list[str]:
        return sorted(self._alias_owners.get(names.key(alias), ()))

    def linkers_of(self, lookup_key: str) -> set[str]:
        """Notes with a link whose lookup key (`names.link_lookup_key`) is this."""
        return set(self._linkers.get(lookup_key, ()))

    def linker_count(self, lookup_key: str) -> int:
        return len(self._linkers.get(lookup_key, ()))  # without the copy `linkers_of` makes

    def is_note(self, path: str) -> bool:
        return path in self.notes

    def abspath(self, path: str) -> Path:
        return self.root.joinpath(*path.split("/"))

    def relpath(self, file: Path) -> str | None:
        """The vault-relative path of a file, or None when it is outside this vault."""
        return file.relative_to(self.root).as_posix() if file.is_relative_to(self.root) else None

    def shortest_link(self, path: str) -> str:
        """The shortest text that links to `path` unambiguously (Obsidian's "shortest path when
        possible"): the bare name when no other note shares it, else the shortest unique path
        suffix, else the full path. Attachments keep their extension."""
        is_note = path in self.notes
        bare = names.strip_note_suffix(path) if is_note else path
        parts = bare.split("/")
        siblings = (
            self._notes_by_name.get(names.key(parts[-1]), [])
            if is_note
            else self._files_by_name.get(names.key(parts[-1]), [])
        )
        if len(siblings) <= 1:
            return parts[-1]
        others = [names.key(names.strip_note_suffix(p) if is_note else p) for p in siblings if p != path]
        for n in range(2, len(parts) + 1):
            suffix = names.key("/".join(parts[-n:]))
            if not any(o == suffix or o.endswith("/" + suffix) for o in others):
                return "/".join(parts[-n:])
        return bare

    # ------------------------------------------------------------------ resolution

    def resolve(self, source: str, link: Link) -> Resolution:
        """Obsidian's "best match" for a link written in note `source`."""
        if link.is_self:
            targets = [source] if source in self.notes else []
        else:
            targets, outside = self._candidates(source, link)
            if outside:
                return Resolution(outside=True)
        result = Resolution(targets=targets)
        if not targets and self.settings.resolve_aliases and not link.is_self:
            owners = self.alias_owners(link.target)
            if owners:
                result = Resolution(targets=owners, via_alias=True)
        if result.targets:
            self._resolve_subpath(result, link)
        return result

    def _candidates(self, source: str, link: Link) -> tuple[list[str], bool]:
        """Obsidian's `getLinkpathDest`: an absolute path (`/Folder/Note`) names exactly that
        path; a relative one (`./`, `../`, and every Markdown link) is first looked up from the
        linking note's folder; then the path is looked up from the vault root, and then by its
        last name among all files, keeping those whose path ends with what was written.
        Returns (candidates, whether the link climbed above the vault root and found nothing)."""
        target = names.nfc(link.target.replace("\\", "/"))
        if target.startswith("/"):
            exact = normalise_path(target)
            found = self.exact_path(exact) if exact else None
            return ([found] if found else []), exact is None
        source_folder = source.rpartition("/")[0]
        climbed = False
        if link.kind == "markdown" or target.startswith(("./", "../")):
            joined, climbed = clamp_path(f"{source_folder}/{target}" if source_folder else target)
            found = self.exact_path(joined) if joined else None
            if found:
                return [found], False
            target = strip_relative_prefix(target)
        normalised = normalise_path(target)
        if not normalised:
            return [], climbed
        found = self.exact_path(normalised)
        if found:
            return [found], False
        bare = names.strip_note_suffix(normalised)
        last = names.last_component(bare)
        candidates = list(self._notes_by_name.get(names.key(last), ()))
        files = False
        if not candidates:
            candidates = list(self._files_by_name.get(names.key(names.last_component(normalised)), ()))
            files = True
        if "/" in normalised:
            wanted = names.key(normalised if files else bare)
            candidates = [
                p for p in candidates if names.key(p if files else names.strip_note_suffix(p)).endswith("/" + wanted)
            ]
        if len(candidates) > 1:
            candidates.sort(key=lambda p: _rank(p, last, source_folder, files))
        return candidates, climbed and not candidates

    def exact_path(self, path: str) -> str | None:
        """A note or attachment at exactly this vault path (case-insensitively; the exact case
        first when several differ only by case)."""
        if _has_extension(path) and not names.is_note_path(path):
            # `[[Report.pdf]]` is the file itself before any note called `Report.pdf.md`.
            found = _pick(self._files_by_path.get(names.key(path)), path)
            if found is not None:
                return found
        bare = names.strip_note_suffix(path)
        return _pick(self._notes_by_path.get(names.key(bare)), bare, strip=True)

    def _resolve_subpath(self, result: Resolution, link: Link) -> None:
        target = result.targets[0]
        note = self.notes.get(target)
        if note is None:
            return  # an attachment: `#page=3` and the like are not ours to check
        if link.block is not None:
            wanted = names.key(link.block)
            result.block = next((b for b in note.parsed.blocks if names.key(b.id) == wanted), None)
            if result.block is None:
                result.missing = "block"
        elif link.subpath:
            result.heading = find_heading(note.parsed.headings, link.subpath, link.kind == "markdown")
            if result.heading is None:
                result.missing = "heading"


def _discard(mapping: dict[str, list[str]], key: str, path: str) -> None:
    paths = mapping.get(key)
    if paths is not None and path in paths:
        paths.remove(path)
        if not paths:
            del mapping[key]


def _pick(paths: list[str] | None, written: str, strip: bool = False) -> str | None:
    if not paths:
        return None
    if len(paths) == 1:
        return paths[0]
    exact = [p for p in paths if names.nfc(names.strip_note_suffix(p) if strip else p) == names.nfc(written)]
    return (exact or sorted(paths))[0]


def find_heading(headings: list[Heading], chain: tuple[str, ...], slugs: bool = False) -> Heading | None:
    """The heading a `#A#B` chain names (see `heading_index`); `slugs`: the link is a Markdown
    link, whose parts may also be GitHub-style slugs."""
    keys = [(h.level, names.strip_heading(h.text), names.slug(h.text)) for h in headings]
    found = heading_index(keys, heading_keys(chain, slugs))
    return None if found is None else headings[found]


# A heading as links are compared with it: (level, `names.strip_heading`, `names.slug`).
HeadingKey = tuple[int, str, str]
_NO_SLUG = "\0"  # no heading's slug: wikilinks are compared by `strip_heading` only


def heading_keys(chain: tuple[str, ...], slugs: bool = False) -> list[tuple[str, str]]:
    """What each part of a `#A#B` chain is compared with: Obsidian's `stripHeading` form, and,
    for a Markdown link (`slugs`), the GitHub slug that VS Code and GitHub write
    (`[x](Note.md#my-heading)`). Obsidian itself knows no slugs: a wikilink never matches one."""
    return [(names.strip_heading(part), names.nfc(part).lower().strip() if slugs else _NO_SLUG) for part in chain]


def heading_index(headings: list[HeadingKey] | tuple[HeadingKey, ...], wanted: list[tuple[str, str]]) -> int | None:
    """The index of the heading a chain names, given by keys computed once (a whole-vault
    check compares a note's headings with every link to it), as Obsidian's `resolveSubpath`
    finds it: the first heading matching the first part, then the first matching the next
    part inside that heading's section (so deeper), and so on; None when any part is
    missing."""
    start, section_level = 0, 0
    found: int | None = None
    for strip_key, slug_key in wanted:
        found = None
        for idx in range(start, len(headings)):
            level, h_strip, h_slug = headings[idx]
            if level <= section_level:
                break  # the section of the part before ends here
            if h_strip == strip_key or h_slug == slug_key:
                found = idx
                break
        if found is None:
            return None
        start, section_level = found + 1, headings[found][0]
    return found


def _targets_changed(old: ParsedNote, new: ParsedNote) -> bool:
    """Whether links *to* this note could resolve differently: its headings or blocks moved."""
    return [h.text for h in old.headings] != [h.text for h in new.headings] or [b.id for b in old.blocks] != [
        b.id for b in new.blocks
    ]


def normalise_path(path: str) -> str | None:
    """Collapse `.` and `..`; None when the path climbs above the vault root."""
    # Split as a string, not through `PurePosixPath`: this runs for every link of a check.
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def clamp_path(path: str) -> tuple[str, bool]:
    """Collapse `.` and `..` as Obsidian joins a relative link to its note's folder: a `..` at
    the vault root stays there. Returns (path, whether some `..` climbed above the root)."""
    parts: list[str] = []
    climbed = False
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            else:
                climbed = True
        else:
            parts.append(part)
    return "/".join(parts), climbed


def strip_relative_prefix(path: str) -> str:
    """`../../D/pic.png` → `D/pic.png`: what a relative link names when it is looked up by
    the end of its path."""
    while path.startswith(("./", "../")):
        path = path[2:] if path.startswith("./") else path[3:]
    return path


def _has_extension(path: str) -> bool:
    return "." in names.last_component(path).lstrip(".")


def _rank(path: str, written: str, source_folder: str, files: bool) -> tuple[int, int, int, str]:
    """How Obsidian orders the files a name matches: those under the linking note's folder
    (its subfolders too) first, then the shortest path. Ties (Obsidian keeps its own file
    order there) go to the exact case written, then alphabetical order, to be deterministic."""
    name = names.last_component(path if files else names.strip_note_suffix(path))
    return (
        0 if not source_folder or path.startswith(source_folder + "/") else 1,
        len(path),
        0 if names.nfc(name) == names.nfc(written) else 1,
        path,
    )
