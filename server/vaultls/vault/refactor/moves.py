"""Renaming and moving notes and attachments, with every link to them (and every relative link
in a moved note) rewritten in its old form.

A link the old form would not keep resolving is written in its most explicit form (full path
for wikilinks, relative path for Markdown links); if even that fails the rename is refused with
a `RenameError` rather than break a link.
"""

from __future__ import annotations

import re

from vaultls.vault import names
from vaultls.vault.index import Note, Vault, normalise_path
from vaultls.vault.model import Heading, Link, Range
from vaultls.vault.refactor.links import in_angles, link_form, new_path_text, path_span
from vaultls.vault.refactor.plan import LinesOf, RenameError, RenamePlan
from vaultls.vault.refactor.subpaths import rename_heading
from vaultls.vault.refactor.verify import broken_by_moves, future_vault
from vaultls.vault.references import lookup_keys

BAD_NAME_CHARS = re.compile(r'[#^\[\]|\\:*?"<>\x00-\x1f]')
"""Characters a note name cannot hold and still be linked to (they end or split a wikilink), and
those file systems refuse; Obsidian refuses the same set."""

_ROUNDS = 3  # each round writes the links the previous one broke in their explicit form


def validate_note_name(name: str) -> None:
    """Raise `RenameError` unless `name` (a name or vault path, without `.md`) can be linked to."""
    if not name.strip():
        raise RenameError("a note name cannot be empty")
    for part in name.split("/"):
        if not part.strip() or part.startswith("."):
            raise RenameError(f'"{name}" is not a usable note path')
    bad = BAD_NAME_CHARS.search(name)
    if bad:
        raise RenameError(f'a note name cannot contain "{bad.group()}": links to it would break')


def new_note_path(vault: Vault, path: str, new_name: str) -> str:
    """Where `path` goes when the user renames it to `new_name`: a bare name keeps the folder;
    a name with `/` is a path from the vault root. `.md` is optional."""
    new_name = new_name.strip()
    validate_note_name(names.strip_note_suffix(new_name))
    suffix = path[len(names.strip_note_suffix(path)) :] or ".md"
    bare = names.strip_note_suffix(new_name)
    if "/" in bare:
        rel = normalise_path(bare.lstrip("/"))
        if not rel:
            raise RenameError(f'"{new_name}" is outside the vault')
    else:
        folder = path.rpartition("/")[0]
        rel = f"{folder}/{bare}" if folder else bare
    return rel + suffix


def title_heading(note: Note) -> Heading | None:
    """The note's title: its first level-1 heading, when that heading says the note's name."""
    first = next((h for h in note.parsed.headings if h.level == 1), None)
    if first is not None and names.strip_heading(first.text) == names.strip_heading(note.name):
        return first
    return None


def rename_note(
    vault: Vault, path: str, new_name: str, lines_of: LinesOf, *, title_heading: bool = False
) -> RenamePlan:
    """Rename (or move, when `new_name` has a `/`) the note at `path`. With `title_heading`
    its title heading, when it repeats the note's name, follows the new name, and links to
    that heading with it; without (Obsidian's way) headings stay as they are."""
    if path not in vault.notes:
        raise RenameError(f"{path} is not a note of this vault")
    new_path = new_note_path(vault, path, new_name)
    if new_path == path:
        return RenamePlan()
    plan = move_files(vault, {path: new_path}, lines_of)
    if title_heading:
        plan.merge(retitle(vault, {path: new_path}, lines_of))
    return plan


def retitle(vault: Vault, moves: dict[str, str], lines_of: LinesOf) -> RenamePlan:
    """The title headings of the notes `moves` gives a new name, renamed to it (and the links to
    them): what `rename.update_title_heading` adds to a rename, from a link or a file explorer."""
    plan = RenamePlan()
    for old, new in sorted(moves.items()):
        note = vault.notes.get(old)
        title = title_heading(note) if note is not None and names.is_note_path(new) else None
        new_title = names.strip_note_suffix(names.last_component(new))
        if title is None or names.strip_heading(new_title) == names.strip_heading(title.text):
            continue
        try:
            plan.merge(rename_heading(vault, old, title, new_title, lines_of))
        except RenameError:
            pass  # another heading already says the new name: the title stays as it is
    return plan


def changed_links(vault: Vault, plan: RenamePlan) -> tuple[int, int]:
    """(links, notes): how many links the plan rewrites, in how many notes; what a rename tells
    the user. A change inside a link counts once per link; other changes (a heading, a tag)
    are not links."""
    links = notes = 0
    for path, changes in plan.edits.items():
        note = vault.notes.get(path)
        if note is None:
            continue
        hit = sum(1 for link in note.parsed.links if any(_inside(c.range, link.range) for c in changes))
        links += hit
        notes += 1 if hit else 0
    return links, notes


def _inside(inner: Range, outer: Range) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def move_files(vault: Vault, moves: dict[str, str], lines_of: LinesOf) -> RenamePlan:
    """The link edits for moving notes and attachments (`old path → new path`, vault-relative),
    as the editor's file explorer does or as a rename asks. Moves of unknown files, of notes to
    non-note names, and moves onto another existing file are left out (no edit can keep links
    to them working: the caller refuses or lets them dangle)."""
    moves = {
        old: new
        for old, new in moves.items()
        if old != new and (old in vault.attachments or (old in vault.notes and names.is_note_path(new)))
    }
    if not moves:
        return RenamePlan(moves={})
    staying = {names.key(p) for p in (*vault.notes, *vault.attachments) if p not in moves}
    for new in moves.values():
        if names.key(new) in staying:
            raise RenameError(f"{new} already exists")
    sources = _affected_sources(vault, moves)
    future = future_vault(vault, moves, {})
    explicit: set[tuple[str, int]] = set()
    for _round in range(_ROUNDS):
        plan = RenamePlan(moves=dict(moves))
        for source in sorted(sources):
            _rewrite_links_in(vault, future, moves, source, lines_of, plan, explicit)
        failures = broken_by_moves(vault, plan, sources, lines_of, future)
        if not failures:
            return plan
        fresh = {f for f in failures if f not in explicit}
        if not fresh:
            break
        explicit |= fresh
    listed = ", ".join(f"{p} (link {i + 1})" for p, i in sorted(failures)[:5])
    raise RenameError(f"the rename would break links in {listed}")


def _affected_sources(vault: Vault, moves: dict[str, str]) -> set[str]:
    """Notes with a link whose resolution may change: links to a moved file's old or new name
    (and aliases, when they resolve), and every link in a moved note (its folder changes)."""
    keys: set[str] = set()
    for old, new in moves.items():
        keys |= lookup_keys(vault, old)
        keys.add(names.link_lookup_key(names.last_component(new)))
    sources = {old for old in moves if old in vault.notes}
    for key in keys:
        sources |= vault.linkers_of(key)
    return {s for s in sources if s in vault.notes}


def _rewrite_links_in(
    vault: Vault,
    future: Vault,
    moves: dict[str, str],
    source: str,
    lines_of: LinesOf,
    plan: RenamePlan,
    explicit: set[tuple[str, int]],
) -> None:
    """Add to `plan` the edits of `source`'s links; `explicit` names the links (source, index)
    to write in their most explicit form."""
    note = vault.notes[source]
    new_source = moves.get(source, source)
    lines: list[str] | None = None
    for index, link in enumerate(note.parsed.links):
        if link.is_self:
            continue
        res = vault.resolve(source, link)
        if res.dangling or res.target is None:
            continue
        target = res.target
        new_target = moves.get(target, target)
        explicit_form = (source, index) in explicit
        if not explicit_form and (target not in moves or res.via_alias):
            # Not a link to a moved file (or one through an alias, which moves with its note):
            # it changes only if it would stop resolving as before, or if it is a relative path
            # from a note that moves (GitHub and VS Code previews follow only relative paths).
            written = link.target.replace("\\", "/")
            relative = source in moves and link_form(link, written, source, target) == "relative"
            if not relative and _resolves_to(future, new_source, link, new_target):
                continue
        if lines is None:
            lines = lines_of(source)
        line_no = link.target_range.start.line
        line = lines[line_no] if line_no < len(lines) else ""
        start, end = path_span(link, line)
        raw = line[start:end]
        text = new_path_text(
            vault, future, link, raw, in_angles(link, line), source, new_source, target, new_target, explicit_form
        )
        if text != raw:
            plan.add(source, Range.on_line(line_no, start, end), text)


def _resolves_to(vault: Vault, source: str, link: Link, expected: str) -> bool:
    return vault.resolve(source, link).target == expected
