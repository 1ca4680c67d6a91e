"""Renaming what a link's `#` part names: a heading (with the `#Heading#Sub` chains that pass
through it) or a `^block-id`, together with every link to it."""

from __future__ import annotations

import re
from urllib.parse import unquote

from vaultls.vault import names
from vaultls.vault.index import Vault
from vaultls.vault.model import Block, Heading, Link, Range
from vaultls.vault.refactor.links import fragment_parts, in_angles, md_escape, percent_encoded
from vaultls.vault.refactor.plan import LinesOf, RenameError, RenamePlan
from vaultls.vault.refactor.verify import verify_subpaths
from vaultls.vault.references import links_into

_BLOCK_ID = re.compile(r"[A-Za-z0-9-]+")


def validate_heading_text(text: str) -> str:
    """`text` stripped, if a link could name a heading with it; else `RenameError`."""
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
                plan.add(
                    source,
                    Range.on_line(link.target_range.start.line, start, end),
                    _heading_part(link, line, raw, heading.text, new_text),
                )
    verify_subpaths(vault, path, plan, lines_of)
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
    return text if in_angles(link, line) else md_escape(text, full=percent_encoded(raw))


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
    verify_subpaths(vault, path, plan, lines_of)
    return plan
