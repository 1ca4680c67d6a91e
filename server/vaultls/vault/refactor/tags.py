"""Renaming a tag everywhere it is used, nested tags included."""

from __future__ import annotations

from vaultls.vault.index import Vault
from vaultls.vault.model import Range
from vaultls.vault.parse import parse
from vaultls.vault.refactor.plan import LinesOf, RenameError, RenamePlan
from vaultls.vault.references import tag_matches


def validate_tag(name: str) -> str:
    """`name` without `#` or outer `/`, if the parser reads `#name` as exactly that tag; else
    `RenameError` (asking the parser keeps this in step with what it accepts)."""
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
