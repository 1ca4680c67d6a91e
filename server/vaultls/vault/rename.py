"""Renames that keep a vault's links working: notes and attachments (renamed or moved), headings,
block ids and tags.

Each function returns a `RenamePlan`: text changes by note (paths as they are *before* any
move, code-point ranges) and the file moves. Nothing is written; the LSP layer turns a plan into
a WorkspaceEdit and the editor applies it.

A moved note's links are rewritten keeping their form: display text, `#heading`/`#^block`
parts and the embed `!` are never touched (only the path part of the link is replaced); a bare
name stays a bare name unless another note with the new name would make it ambiguous; a
folder path stays a full path, a path suffix stays a suffix, a relative path stays relative;
Markdown links keep `%20` encoding or `<...>` brackets and their `.md`.

Every plan is checked before it is returned: the edited notes are re-parsed, the moves applied
to a copy of the index, and every link that could be affected is resolved again. A link that
resolved before must resolve to the same note (moved, if it moved), and to the same heading or
block; a link that would not is written in its most explicit form (full path for wikilinks,
relative path for Markdown links), and if even that fails the rename is refused with a
`RenameError` rather than break a link.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable
from urllib.parse import quote, unquote

from vaultls.vault import names
from vaultls.vault.index import Note, Resolution, Vault, find_heading, normalise_path
from vaultls.vault.model import Block, Heading, Link, ParsedNote, Position, Range
from vaultls.vault.parse import parse
from vaultls.vault.references import links_into, lookup_keys, tag_matches

LinesOf = Callable[[str], list[str]]

# Characters a note name cannot hold and still be linked to (they end or split a wikilink), and
# those file systems refuse; Obsidian refuses the same set.
_BAD_NAME = re.compile(r'[#^\[\]|\\:*?"<>\x00-\x1f]')
_BLOCK_ID = re.compile(r"[A-Za-z0-9-]+")


class RenameError(Exception):
    """A rename that cannot be done without breaking something; the message is for the user."""


@dataclass(frozen=True, slots=True)
class TextChange:
    range: Range
    new_text: str


@dataclass
class RenamePlan:
    edits: dict[str, list[TextChange]] = field(default_factory=dict)  # by path before moves
    moves: dict[str, str] = field(default_factory=dict)  # old path → new path

    def add(self, path: str, rng: Range, new_text: str) -> None:
        changes = self.edits.setdefault(path, [])
        change = TextChange(rng, new_text)
        if change not in changes:
            changes.append(change)

    def merge(self, other: "RenamePlan") -> None:
        for path, changes in other.edits.items():
            for change in changes:
                self.add(path, change.range, change.new_text)
        self.moves.update(other.moves)

    def sorted_edits(self) -> dict[str, list[TextChange]]:
        return {p: sorted(c, key=lambda ch: ch.range.start) for p, c in sorted(self.edits.items())}


def apply_changes(lines: list[str], changes: Iterable[TextChange]) -> str:
    """The text of `lines` with `changes` applied (joined with `\\n`); overlapping changes are a
    bug and raise."""
    out = list(lines)
    ordered = sorted(changes, key=lambda c: (c.range.start, c.range.end), reverse=True)
    previous_start: Position | None = None
    for change in ordered:
        start, end = change.range.start, change.range.end
        if previous_start is not None and end > previous_start:
            raise ValueError(f"overlapping text changes at {start}")
        previous_start = start
        head = out[start.line][: start.character]
        tail = out[end.line][end.character :]
        out[start.line : end.line + 1] = (head + change.new_text + tail).split("\n")
    return "\n".join(out)


# --------------------------------------------------------------------------- where a link's parts are


def path_span(link: Link, line: str) -> tuple[int, int]:
    """Columns of the path part of a link as written: `Folder/Note` in `[[Folder/Note#H|x]]`,
    `My%20Note.md` in `[x](My%20Note.md#H)`."""
    tr = link.target_range
    raw = line[tr.start.character : tr.end.character]
    hash_at = raw.find("#")
    part = raw if hash_at < 0 else raw[:hash_at]
    return tr.start.character, tr.start.character + len(part.rstrip())


def fragment_parts(link: Link, line: str) -> list[tuple[int, int, str]]:
    """(start, end, raw text) of each non-empty `#` part of a link, in order; a `^block` part
    keeps its `^`."""
    tr = link.target_range
    raw = line[tr.start.character : tr.end.character]
    hash_at = raw.find("#")
    if hash_at < 0:
        return []
    parts: list[tuple[int, int, str]] = []
    pos = tr.start.character + hash_at + 1
    for piece in raw[hash_at + 1 :].split("#"):
        lead = len(piece) - len(piece.lstrip())
        start, end = pos + lead, pos + len(piece.rstrip())
        if end > start:
            parts.append((start, end, line[start:end]))
        pos += len(piece) + 1
    return parts


def _in_angles(link: Link, line: str) -> bool:
    col = link.target_range.start.character
    return link.kind == "markdown" and col > 0 and line[col - 1] == "<"


# --------------------------------------------------------------------------- notes and files


def validate_note_name(name: str) -> None:
    if not name.strip():
        raise RenameError("a note name cannot be empty")
    for part in name.split("/"):
        if not part.strip() or part.startswith("."):
            raise RenameError(f'"{name}" is not a usable note path')
    bad = _BAD_NAME.search(name)
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


def rename_note(vault: Vault, path: str, new_name: str, lines_of: LinesOf) -> RenamePlan:
    """Rename (or move, when `new_name` has a `/`) the note at `path`. Its title heading, when
    it repeats the note's name, follows the new name, and links to that heading with it."""
    if path not in vault.notes:
        raise RenameError(f"{path} is not a note of this vault")
    new_path = new_note_path(vault, path, new_name)
    if new_path == path:
        return RenamePlan()
    plan = move_files(vault, {path: new_path}, lines_of)
    title = title_heading(vault.notes[path])
    new_title = names.strip_note_suffix(names.last_component(new_path))
    if title is not None and names.strip_heading(new_title) != names.strip_heading(title.text):
        try:
            plan.merge(rename_heading(vault, path, title, new_title, lines_of))
        except RenameError:
            pass  # another heading already says the new name: the title stays as it is
    return plan


def move_files(vault: Vault, moves: dict[str, str], lines_of: LinesOf) -> RenamePlan:
    """The link edits for moving notes and attachments (`old path → new path`, vault-relative),
    as the editor's file explorer does or as a rename asks. Moves of unknown files, of notes to
    non-note names, and moves onto another existing file are left out (no edit can keep links
    to them working: the caller refuses or lets them dangle)."""
    moves = {
        old: new
        for old, new in moves.items()
        if old != new
        and (old in vault.attachments or (old in vault.notes and names.is_note_path(new)))
    }
    if not moves:
        return RenamePlan(moves={})
    staying = {names.key(p) for p in (*vault.notes, *vault.attachments) if p not in moves}
    for old, new in moves.items():
        if names.key(new) in staying:
            raise RenameError(f"{new} already exists")
    sources = _affected_sources(vault, moves)
    future = _future_vault(vault, moves, {})
    explicit: set[tuple[str, int]] = set()
    for _round in range(3):
        plan = RenamePlan(moves=dict(moves))
        for source in sorted(sources):
            _rewrite_links_in(vault, future, moves, source, lines_of, plan, explicit)
        failures = _verify(vault, plan, sources, lines_of, future)
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


def _future_vault(vault: Vault, moves: dict[str, str], texts: dict[str, str]) -> Vault:
    """A copy of the index as it will be after the moves and with `texts` for edited notes.
    Only what resolution reads is copied (names, paths, headings, blocks, aliases): the copy
    never answers "who links here", so the notes' own links are left out, which halves the
    cost on a large vault."""
    future = Vault(vault.root, vault.settings)
    for path in vault.attachments:
        future.add_attachment(moves.get(path, path))
    for path, note in vault.notes.items():
        parsed = parse(texts[path]) if path in texts else replace(note.parsed, links=[], tags=[])
        future.upsert(moves.get(path, path), parsed, note.valid_utf8)
    return future


def _rewrite_links_in(
    vault: Vault,
    future: Vault,
    moves: dict[str, str],
    source: str,
    lines_of: LinesOf,
    plan: RenamePlan,
    explicit: set[tuple[str, int]],
) -> None:
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
            relative = source in moves and _form(link, link.target.replace("\\", "/"), source, target) == "relative"
            if not relative and _resolves_to(future, new_source, link, new_target):
                continue
        if lines is None:
            lines = lines_of(source)
        line = lines[link.target_range.start.line] if link.target_range.start.line < len(lines) else ""
        start, end = path_span(link, line)
        text = _new_path_text(
            vault, future, link, line[start:end], _in_angles(link, line), source, new_source, target, new_target,
            explicit_form,
        )
        if text != line[start:end]:
            plan.add(source, Range.on_line(link.target_range.start.line, start, end), text)


def _resolves_to(vault: Vault, source: str, link: Link, expected: str) -> bool:
    return vault.resolve(source, link).target == expected


def _new_path_text(
    vault: Vault,
    future: Vault,
    link: Link,
    raw: str,
    angles: bool,
    source: str,
    new_source: str,
    target: str,
    new_target: str,
    explicit: bool,
) -> str:
    """The path part of `link`, written in its old form for its new target."""
    is_note = target in vault.notes
    written = link.target.replace("\\", "/")
    had_suffix = is_note and names.is_note_path(written)
    base = new_target if (had_suffix or not is_note) else names.strip_note_suffix(new_target)
    lead = "/" if written.startswith("/") else ""
    new_folder = new_source.rpartition("/")[0]

    def relative() -> str:
        rel = posixpath.relpath(base, new_folder or ".")
        if written.startswith("./") and not rel.startswith("../"):
            rel = "./" + rel
        return rel

    form = _form(link, written, source, target)
    if explicit:
        form = "relative" if link.kind == "markdown" else "root"
    if form == "relative":
        text = relative()
    elif form == "root":
        text = lead + base
    elif form == "suffix":
        depth = len([p for p in written.strip("/").split("/") if p])
        text = lead + "/".join(base.split("/")[-depth:])
    else:
        text = names.last_component(base)
        if future.shortest_link(new_target) != names.last_component(names.strip_note_suffix(new_target) if is_note else new_target):
            # Another note has the new name: a bare name would be ambiguous.
            text = future.shortest_link(new_target)
            if had_suffix:
                text += new_target[len(names.strip_note_suffix(new_target)) :]
    if link.kind == "markdown" and not angles:
        return md_escape(text, full=bool(re.search(r"%(?!20)[0-9A-Fa-f]{2}", raw)), keep="/")
    return text


def md_escape(text: str, full: bool = False, keep: str = "") -> str:
    """A path or heading as a Markdown link destination outside `<...>`: spaces as `%20` (as
    Obsidian writes them) and the characters that would end the destination escaped; `full`
    percent-encodes everything else too, for links that were written that way."""
    if full:
        return quote(text, safe=keep)
    for ch in "% <>()":
        text = text.replace(ch, f"%{ord(ch):02X}")
    return text


def _form(link: Link, written: str, source: str, target: str) -> str:
    """How a link names its target: "relative" to the linking note's folder, "root" (the full
    vault path), "suffix" (the end of the path) or "bare" (the name only)."""
    folder = source.rpartition("/")[0]
    target_key = names.key(names.strip_note_suffix(target))
    if link.kind == "markdown" or written.startswith(("./", "../")):
        if not written.startswith("/"):
            joined = normalise_path(f"{folder}/{written}" if folder else written)
            if joined is not None and names.key(names.strip_note_suffix(joined)) == target_key:
                return "relative" if (folder or written.startswith(("./", "../"))) else "root"
    stripped = normalise_path(written.lstrip("/")) or ""
    if names.key(names.strip_note_suffix(stripped)) == target_key and "/" in stripped:
        return "root"
    if "/" in stripped:
        return "suffix"
    return "bare"


# --------------------------------------------------------------------------- headings and blocks


def validate_heading_text(text: str) -> str:
    text = text.strip()
    if not text or "\n" in text or "\r" in text:
        raise RenameError("a heading cannot be empty or span lines")
    if not names.strip_heading(text):
        raise RenameError(f'"{text}" has nothing a link could name')
    return text


def rename_heading(vault: Vault, path: str, heading: Heading, new_text: str, lines_of: LinesOf) -> RenamePlan:
    """Change a heading's text and every `[[Note#Heading]]` (and `[x](Note.md#heading)`) link to
    it, including the parts of `#Heading#Sub` chains that pass through it."""
    new_text = validate_heading_text(new_text)
    note = vault.notes[path]
    headings = note.parsed.headings
    for other in headings:
        if other != heading and names.strip_heading(other.text) == names.strip_heading(new_text):
            raise RenameError(f'"{note.name}" already has a heading "{other.text}"; links could not tell them apart')
    plan = RenamePlan()
    plan.add(path, heading.range, new_text)
    section = _section_of(headings, heading)
    for source, link, res in list(links_into(vault, path)):
        if not link.subpath or res.heading is None:
            continue
        through = res.heading == heading or res.heading in section
        if not through:
            continue
        lines = lines_of(source)
        line = lines[link.target_range.start.line]
        parts = [p for p in fragment_parts(link, line) if not p[2].startswith("^")]
        for i, (start, end, raw) in enumerate(parts):
            last = i == len(parts) - 1
            decoded = unquote(raw) if link.kind == "markdown" else raw
            if (last and res.heading == heading) or (
                not last and res.heading in section and names.heading_matches(heading.text, decoded)
            ):
                plan.add(source, Range.on_line(link.target_range.start.line, start, end),
                         _heading_part(link, line, raw, heading.text, new_text))
    _verify_subpaths(vault, path, plan, lines_of)
    return plan


def _section_of(headings: list[Heading], heading: Heading) -> list[Heading]:
    """The headings nested under `heading`."""
    index = headings.index(heading)
    below: list[Heading] = []
    for h in headings[index + 1 :]:
        if h.level <= heading.level:
            break
        below.append(h)
    return below


def _heading_part(link: Link, line: str, raw: str, old_text: str, new_text: str) -> str:
    if link.kind == "wiki":
        return names.link_text_for_heading(new_text)
    decoded = unquote(raw)
    if decoded != old_text and decoded == names.slug(old_text):
        return names.slug(new_text)  # written GitHub/VS Code style: `#my-heading`
    text = names.link_text_for_heading(new_text)
    return text if _in_angles(link, line) else md_escape(text, full=bool(re.search(r"%(?!20)[0-9A-Fa-f]{2}", raw)))


def rename_block(vault: Vault, path: str, block: Block, new_id: str, lines_of: LinesOf) -> RenamePlan:
    """Change a `^block-id` and every `[[Note#^block-id]]` link to it."""
    new_id = new_id.strip().lstrip("^")
    if not _BLOCK_ID.fullmatch(new_id):
        raise RenameError("a block id holds only letters, digits and -")
    note = vault.notes[path]
    for other in note.parsed.blocks:
        if other != block and names.key(other.id) == names.key(new_id):
            raise RenameError(f'"{note.name}" already has a block "^{other.id}"')
    plan = RenamePlan()
    plan.add(path, block.range, "^" + new_id)
    for source, link, res in list(links_into(vault, path)):
        if res.block != block:
            continue
        line = lines_of(source)[link.target_range.start.line]
        for start, end, raw in fragment_parts(link, line):
            if raw.startswith("^"):
                plan.add(source, Range.on_line(link.target_range.start.line, start + 1, end), new_id)
    _verify_subpaths(vault, path, plan, lines_of)
    return plan


def _verify_subpaths(vault: Vault, path: str, plan: RenamePlan, lines_of: LinesOf) -> None:
    """After a heading or block rename, every link into `path` that named an existing heading
    or block must name the one on the same line."""
    before = list(links_into(vault, path))
    target_parsed = _edited(vault, path, plan, lines_of)
    edited: dict[str, ParsedNote] = {}
    for source, link, res in before:
        if res.missing or (res.heading is None and res.block is None):
            continue
        if source not in edited:
            edited[source] = _edited(vault, source, plan, lines_of)
        index = vault.notes[source].parsed.links.index(link)
        after_links = edited[source].links
        if index >= len(after_links):
            raise RenameError(f"the rename would change the links of {source}")
        after = after_links[index]
        if res.heading is not None:
            found = find_heading(target_parsed.headings, after.subpath) if after.subpath else None
            ok = found is not None and found.line == res.heading.line
        else:
            wanted = names.key(after.block or "")
            ok = any(b.line == res.block.line and names.key(b.id) == wanted for b in target_parsed.blocks)
        if not ok:
            raise RenameError(f"the rename would break a link in {source} (line {link.range.start.line + 1})")


def _edited(vault: Vault, path: str, plan: RenamePlan, lines_of: LinesOf) -> ParsedNote:
    if path not in plan.edits:
        return vault.notes[path].parsed
    return parse(apply_changes(lines_of(path), plan.edits[path]))


# --------------------------------------------------------------------------- tags


def validate_tag(name: str) -> str:
    name = name.strip().lstrip("#").strip("/")
    parsed = parse("#" + name)
    if len(parsed.tags) != 1 or parsed.tags[0].name != name or parsed.tags[0].range.end.character != len(name) + 1:
        raise RenameError(f'"{name}" is not a tag: use letters, digits, -, _ and / (no spaces), not only digits')
    return name


def rename_tag(vault: Vault, old: str, new: str, lines_of: LinesOf) -> RenamePlan:
    """Rename a tag everywhere (text and frontmatter, any case), with its nested tags:
    `#project` → `#work` also makes `#project/alpha` into `#work/alpha`."""
    new = validate_tag(new)
    old = old.strip().lstrip("#")
    plan = RenamePlan()
    for path in sorted(vault.notes):
        lines: list[str] | None = None
        for tag in vault.notes[path].parsed.tags:
            if not tag_matches(tag.name, old):
                continue
            if lines is None:
                lines = lines_of(path)
            line_no = tag.range.start.line
            line = lines[line_no] if line_no < len(lines) else ""
            written = line[tag.range.start.character : tag.range.end.character]
            start = tag.range.start.character + len(written) - len(written.lstrip("#"))
            plan.add(path, Range.on_line(line_no, start, start + len(old)), new)
    return plan


# --------------------------------------------------------------------------- checking a plan


def _verify(
    vault: Vault, plan: RenamePlan, sources: set[str], lines_of: LinesOf, future: Vault
) -> set[tuple[str, int]]:
    """(source, link index) of every link that resolved before and would not resolve to the
    same place after the plan. `future` already holds the moves; edited notes are re-parsed
    into it here (and put back afterwards, so it can be reused)."""
    moves = plan.moves
    texts = {p: apply_changes(lines_of(p), c) for p, c in plan.edits.items() if p in vault.notes}
    for path, text in texts.items():
        future.upsert(moves.get(path, path), parse(text), vault.notes[path].valid_utf8)
    failures: set[tuple[str, int]] = set()
    try:
        for source in sources:
            before_links = vault.notes[source].parsed.links
            new_source = moves.get(source, source)
            after_links = future.notes[new_source].parsed.links if source in texts else before_links
            if len(after_links) != len(before_links):
                failures |= {(source, i) for i in range(len(before_links))}
                continue
            for index, (before, after) in enumerate(zip(before_links, after_links)):
                res = vault.resolve(source, before)
                if res.dangling:
                    continue
                if not _same_place(res, future.resolve(new_source, after), moves):
                    failures.add((source, index))
    finally:
        for path in texts:
            note = vault.notes[path]
            future.upsert(moves.get(path, path), replace(note.parsed, links=[], tags=[]), note.valid_utf8)
    return failures


def _same_place(before: Resolution, after: Resolution, moves: dict[str, str]) -> bool:
    if before.target is None:
        return True
    if after.target != moves.get(before.target, before.target):
        return False
    if before.missing is None and after.missing is not None:
        return False
    if before.heading is not None and (after.heading is None or after.heading.line != before.heading.line):
        return False
    if before.block is not None and (after.block is None or after.block.line != before.block.line):
        return False
    return True
