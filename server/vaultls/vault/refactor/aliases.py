"""Adding a name to a note's `aliases` property, as a plan, whatever form the property has (flow
list, block list, single string, missing, or no frontmatter at all)."""

from __future__ import annotations

import json
import re

from vaultls.vault import names
from vaultls.vault.index import Vault
from vaultls.vault.model import Position, Range
from vaultls.vault.refactor.plan import LinesOf, RenameError, RenamePlan

# A YAML plain scalar that cannot be read as anything but that string inside a flow list.
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}]*")
_YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "~"})


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
    """The edit that adds `alias` to the note at `path`, keeping the property's form;
    `RenameError` if it already names the note or the frontmatter cannot be read."""
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
        flow = "[" + ", ".join(yaml_item(a) for a in [*note.parsed.aliases, alias]) + "]"
        if value is None:
            key_range = fm.key_ranges[key]
            line = lines[key_range.start.line]
            colon = line.find(":", key_range.end.character)
            plan.add(path, Range.on_line(key_range.start.line, colon + 1, len(line)), " " + flow)
        else:
            plan.add(path, vr, flow)
    return plan
