"""Extracting a heading's section into a new note (Obsidian's Note composer, "extract this
heading"), as a plan.

The new note sits next to the old one, named after the heading; the section is replaced by a
link to it. Links anywhere that pointed into the section (its heading, the headings under it,
its block ids) are pointed at the new note, and the moved text's own `[[#...]]` links to the rest
of the old note get the old note's name, so nothing that resolved breaks.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from vaultls.vault import names
from vaultls.vault.index import Vault
from vaultls.vault.model import Heading, Link, Position, Range
from vaultls.vault.parse import parse
from vaultls.vault.refactor.links import md_escape, path_span
from vaultls.vault.refactor.moves import BAD_NAME_CHARS
from vaultls.vault.refactor.plan import LinesOf, RenameError, RenamePlan, TextChange, apply_changes
from vaultls.vault.refactor.verify import future_vault
from vaultls.vault.references import links_into
from vaultls.vault.symbols import section_end


@dataclass
class Extraction:
    """The new note (path and text) and the edits to existing notes that go with it."""

    new_path: str
    new_text: str
    plan: RenamePlan  # edits to existing notes


def note_name_for(text: str) -> str:
    """A file name from a heading: characters no note name may hold become spaces."""
    name = BAD_NAME_CHARS.sub(" ", names.link_text_for_heading(text)).replace("/", " ")
    return re.sub(r"\s+", " ", name).strip().lstrip(".").strip()


def extract_section(vault: Vault, path: str, heading: Heading, lines_of: LinesOf) -> Extraction:
    """Plan moving `heading`'s section of the note at `path` into a new note; `RenameError` when
    the heading has no usable name or a link would break."""
    note = vault.notes[path]
    lines = lines_of(path)
    headings = note.parsed.headings
    end = section_end(headings, headings.index(heading), len(lines))
    while end > heading.line and not lines[end].strip():
        end -= 1
    first, last = heading.line, end
    name = note_name_for(heading.text)
    if not name:
        raise RenameError("this heading has no text to name a note after")
    taken = {names.key(p) for p in (*vault.notes, *vault.attachments)}
    folder = note.folder
    base, n = name, 1
    while names.key(f"{folder}/{name}.md" if folder else f"{name}.md") in taken:
        n += 1
        name = f"{base} {n}"
    new_path = f"{folder}/{name}.md" if folder else f"{name}.md"
    link_text = name if not vault.notes_named(name) else names.strip_note_suffix(new_path)
    old_link_text = vault.shortest_link(path)

    def inside(line: int) -> bool:
        return first <= line <= last

    moved_headings = [h for h in headings if inside(h.line)]
    plan = RenamePlan()
    body_changes: list[tuple[Range, str]] = []  # edits inside the moved text, old coordinates
    for source, link, res in links_into(vault, path):
        into = (res.heading is not None and res.heading in moved_headings) or (
            res.block is not None and inside(res.block.line)
        )
        at_line = link.target_range.start.line
        from_inside = source == path and inside(at_line)
        if link.is_self:
            at = Range(link.target_range.start, link.target_range.start)
            if from_inside and not into and (res.heading is not None or res.block is not None):
                body_changes.append((at, _prefix(link, old_link_text, path)))
            elif not from_inside and into:
                plan.add(path, at, _prefix(link, link_text, new_path))
            continue
        if not into:
            continue
        line = lines_of(source)[at_line]
        start, stop = path_span(link, line)
        if link.kind == "markdown":
            folder_of = (new_path if from_inside else source).rpartition("/")[0]
            text = md_escape(posixpath.relpath(new_path, folder_of or "."))
        else:
            text = link_text
        change = (Range.on_line(at_line, start, stop), text)
        if from_inside:
            body_changes.append(change)
        else:
            plan.add(source, *change)
    moved = lines[first + 1 : last + 1]
    shifted = [
        TextChange(
            Range(
                Position(r.start.line - first - 1, r.start.character),
                Position(r.end.line - first - 1, r.end.character),
            ),
            t,
        )
        for r, t in body_changes
    ]
    body = apply_changes(moved, shifted) if moved else ""
    new_text = f"# {heading.text}\n" + (body + "\n" if moved else "")
    plan.add(path, Range(Position(first, 0), Position(last, len(lines[last]))), f"[[{link_text}]]")
    _verify_extraction(vault, path, new_path, new_text, plan, lines_of, moved_headings, (first, last))
    return Extraction(new_path, new_text, plan)


def _prefix(link: Link, note_text: str, note_path: str) -> str:
    """What goes before `#` to turn a self-link into a link to `note_path`."""
    if link.kind == "markdown":
        return md_escape(names.last_component(note_path))
    return note_text


def _verify_extraction(
    vault: Vault,
    path: str,
    new_path: str,
    new_text: str,
    plan: RenamePlan,
    lines_of: LinesOf,
    moved_headings: list[Heading],
    span: tuple[int, int],
) -> None:
    """Every link into `path` that resolved must, after the extraction, resolve to the same
    heading or block, in the new note if it moved there; else `RenameError`."""
    texts = {p: apply_changes(lines_of(p), c) for p, c in plan.edits.items()}
    future = future_vault(vault, {}, texts)
    new_parsed = parse(new_text)
    future.upsert(new_path, new_parsed)
    moved_keys = {names.strip_heading(h.text) for h in moved_headings}
    for source, link, res in links_into(vault, path):
        if res.missing:
            continue
        from_inside = source == path and span[0] <= link.target_range.start.line <= span[1]
        after_source = new_path if from_inside else source
        # The copy keeps no links for notes that are not edited (see `future_vault`).
        after_note = (
            new_parsed
            if from_inside
            else (future.notes[source].parsed if source in texts else vault.notes[source].parsed)
        )
        candidates = [
            c for c in after_note.links if c.subpath == link.subpath and c.block == link.block and c.embed == link.embed
        ]
        ok = False
        for after in candidates:
            new = future.resolve(after_source, after)
            if res.heading is not None and new.heading is not None:
                into = names.strip_heading(res.heading.text) in moved_keys and res.heading in moved_headings
                ok = new.target == (new_path if into else path) and (
                    names.strip_heading(new.heading.text) == names.strip_heading(res.heading.text)
                )
            elif res.block is not None and new.block is not None:
                into = span[0] <= res.block.line <= span[1]
                ok = new.target == (new_path if into else path) and names.key(new.block.id) == names.key(res.block.id)
            elif res.heading is None and res.block is None:
                ok = new.target == path
            if ok:
                break
        if not ok:
            raise RenameError(
                f"extracting this section would break a link in {source} (line {link.range.start.line + 1})"
            )
