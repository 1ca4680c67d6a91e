"""Two refactorings as plans (pure model, nothing written):

- `extract_section`: a heading's section becomes a new note next to the old one, named after
  the heading (Obsidian's Note composer, "extract this heading"); the section is replaced by a
  link to the new note. Links anywhere that pointed into the section (its heading, the headings
  under it, its block ids) are pointed at the new note, and the moved text's own `[[#...]]`
  links to the rest of the old note get the old note's name, so nothing that resolved breaks.
- `add_alias`: a name added to a note's `aliases` property, whatever form the property has
  (flow list, block list, single string, missing, or no frontmatter at all).
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass

from vaultls.vault import names
from vaultls.vault.index import Vault
from vaultls.vault.model import Heading, Link, Position, Range
from vaultls.vault.parse import parse
from vaultls.vault.references import links_into
from vaultls.vault.rename import (
    LinesOf,
    RenameError,
    RenamePlan,
    TextChange,
    _BAD_NAME,
    _future_vault,
    apply_changes,
    md_escape,
    path_span,
)
from vaultls.vault.symbols import section_end


@dataclass
class Extraction:
    new_path: str
    new_text: str
    plan: RenamePlan  # edits to existing notes


def note_name_for(text: str) -> str:
    """A file name from a heading: characters no note name may hold become spaces."""
    name = _BAD_NAME.sub(" ", names.link_text_for_heading(text)).replace("/", " ")
    return re.sub(r"\s+", " ", name).strip().lstrip(".").strip()


def extract_section(vault: Vault, path: str, heading: Heading, lines_of: LinesOf) -> Extraction:
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

    inside = lambda line: first <= line <= last  # noqa: E731
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
            if from_inside and not into and (res.heading is not None or res.block is not None):
                body_changes.append((Range(link.target_range.start, link.target_range.start), _prefix(link, old_link_text, path)))
            elif not from_inside and into:
                plan.add(path, Range(link.target_range.start, link.target_range.start), _prefix(link, link_text, new_path))
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
        TextChange(Range(Position(r.start.line - first - 1, r.start.character),
                             Position(r.end.line - first - 1, r.end.character)), t)
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
    texts = {p: apply_changes(lines_of(p), c) for p, c in plan.edits.items()}
    future = _future_vault(vault, {}, texts)
    new_parsed = parse(new_text)
    future.upsert(new_path, new_parsed)
    moved_keys = {names.strip_heading(h.text) for h in moved_headings}
    for source, link, res in links_into(vault, path):
        if res.missing:
            continue
        from_inside = source == path and span[0] <= link.target_range.start.line <= span[1]
        after_source = new_path if from_inside else source
        # The copy keeps no links for notes that are not edited (see `_future_vault`).
        after_note = new_parsed if from_inside else (
            future.notes[source].parsed if source in texts else vault.notes[source].parsed
        )
        candidates = [
            l for l in after_note.links if l.subpath == link.subpath and l.block == link.block and l.embed == link.embed
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
            raise RenameError(f"extracting this section would break a link in {source} (line {link.range.start.line + 1})")


# --------------------------------------------------------------------------- aliases

_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}]*")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "~"}


def yaml_item(text: str) -> str:
    """`text` as an item of a YAML flow list: plain when that reads back as the same string,
    else double-quoted."""
    if _PLAIN.fullmatch(text) and text == text.strip() and text.lower() not in _YAML_WORDS:
        try:
            float(text)
        except ValueError:
            return text
    return json.dumps(text, ensure_ascii=False)


def add_alias(vault: Vault, path: str, alias: str, lines_of: LinesOf) -> RenamePlan:
    alias = alias.strip()
    if not alias or "\n" in alias:
        raise RenameError("an alias cannot be empty or span lines")
    note = vault.notes[path]
    if names.key(alias) in {names.key(a) for a in note.parsed.aliases} or names.key(alias) == names.key(note.name):
        raise RenameError(f'"{alias}" already names {note.name}')
    lines = lines_of(path)
    item = yaml_item(alias)
    plan = RenamePlan()
    fm = note.parsed.frontmatter
    if fm is None:
        plan.add(path, Range.on_line(0, 0, 0), f"---\naliases: [{item}]\n---\n")
        return plan
    if fm.error is not None:
        raise RenameError("the frontmatter is not valid YAML")
    key = next((k for k in ("aliases", "alias") if k in fm.value_ranges), None)
    if key is None:
        plan.add(path, Range.on_line(fm.end_line, 0, 0), f"aliases: [{item}]\n")
        return plan
    value, vr = fm.data.get(key), fm.value_ranges[key]
    start_line = lines[vr.start.line]
    if isinstance(value, list) and start_line[vr.start.character : vr.start.character + 1] == "[":
        close = Position(vr.end.line, vr.end.character - 1)
        plan.add(path, Range(close, close), f", {item}" if value else item)
    elif isinstance(value, list):
        last = vr.end.line if vr.end.character > 0 else vr.end.line - 1
        while last > vr.start.line and not lines[last].strip():
            last -= 1
        indent = lines[last][: len(lines[last]) - len(lines[last].lstrip())]
        plan.add(path, Range.on_line(last, len(lines[last]), len(lines[last])), f"\n{indent}- {item}")
    else:
        existing = [a for a in note.parsed.aliases]
        flow = "[" + ", ".join(yaml_item(a) for a in [*existing, alias]) + "]"
        if value is None:
            key_range = fm.key_ranges[key]
            line = lines[key_range.start.line]
            colon = line.find(":", key_range.end.character)
            plan.add(path, Range.on_line(key_range.start.line, colon + 1, len(line)), " " + flow)
        else:
            plan.add(path, vr, flow)
    return plan
