"""Completion and hover inside a note's frontmatter.

Completion offers, on a property-name position, the properties the applying schemas declare
(with their descriptions), those `.obsidian/types.json` types and those other notes use; on a
value position, the schema's enum values, `true`/`false` for booleans and checkboxes, today's
date for dates, tag names under `tags:`, and the values other notes give the same property.
Quoted `"[[` links are left to link completion (completion.py), which handles them as in the
body, and values of `tags:` to tag completion (tags.py) unless a schema lists allowed tags.
Hover on a property name shows what the schemas say about it.

The frontmatter is read from the current line text, not only from the parsed YAML, because
while the user types it is often invalid (`genre: [fic`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import yaml
from lsprotocol import types

from vaultls.lsp.cursor import Cursor
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import schema
from vaultls.vault.index import Vault
from vaultls.vault.model import Range
from vaultls.vault.parse.yaml12 import Yaml12Loader
from vaultls.vault.plural import counted
from vaultls.vault.preview import code_span, inert_markdown, inline_text
from vaultls.vault.schema import is_date, is_datetime, to_json

MAX_ITEMS = 100
_KEY_LINE = re.compile(
    r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#:'"\-][^:]*?|-[^\s:][^:]*?))[ \t]*:(?=[ \t]|$)"""
)
_LISTISH = re.compile(r"[ \t]*(?:-[ \t]|-$|#|$)")
TAG_PROPERTIES = ("tags", "tag")


# --------------------------------------------------------------------------- where we are


def bounds(lines: list[str]) -> tuple[int, int] | None:
    """(opening line, closing line) of the frontmatter; the closing line is `len(lines)` while
    the user has not typed it yet, if everything so far looks like YAML properties."""
    if not lines or lines[0].lstrip("\ufeff").rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return (0, i)
    if all(_KEY_LINE.match(line) or _LISTISH.match(line) or line[:1] in (" ", "\t") for line in lines[1:]):
        return (0, len(lines))
    return None


def inside(cursor: Cursor) -> bool:
    found = bounds(cursor.lines)
    return found is not None and found[0] < cursor.pos.line < found[1]


def _key_at(line: str) -> tuple[str, int, int] | None:
    """The property name a line starts with: (name, start, end) in code points."""
    m = _KEY_LINE.match(line)
    if not m:
        return None
    if m.group(1) is not None:
        return (json.loads(f'"{m.group(1)}"') if "\\" in m.group(1) else m.group(1), m.start(1) - 1, m.end(1) + 1)
    if m.group(2) is not None:
        return (m.group(2).replace("''", "'"), m.start(2) - 1, m.end(2) + 1)
    name = m.group(3).rstrip()
    return (name, m.start(3), m.start(3) + len(name))


def _parent_key(lines: list[str], line: int, top: int) -> str | None:
    """The property a list item line (`  - value`) belongs to."""
    for i in range(line - 1, top, -1):
        text = lines[i]
        if not text.strip() or text[:1] in (" ", "\t") or text.lstrip().startswith("- ") or text.strip() == "-":
            continue
        found = _key_at(text)
        return found[0] if found else None
    return None


@dataclass
class ValueSpot:
    key: str
    start: int  # first column of the value being typed
    end: int  # last column (exclusive) that the completion replaces
    typed: str
    item: bool  # a list item (`- x` or inside `[...]`), not the whole value
    space: bool  # the value starts right after `:`; insert a space first


def _value_spot(lines: list[str], line: int, col: int, top: int) -> ValueSpot | str | None:
    """What is being typed at (line, col): a `ValueSpot`, or the name typed so far (a str) on
    a property-name position, or None."""
    text = lines[line]
    before = text[:col]
    stripped = before.lstrip(" \t")
    if stripped.startswith("-") and (stripped == "-" or stripped[1:2] in (" ", "\t")):
        key = _parent_key(lines, line, top)
        if key is None:
            return None
        start = len(before) - len(stripped) + 1
        while start < len(text) and text[start] in " \t":
            start += 1
        start = min(start, col)
        return ValueSpot(
            key,
            start,
            _token_end(text, col, flow=False),
            text[start:col],
            True,
            start == len(before) and not before.endswith((" ", "\t")),
        )
    if before[:1] in (" ", "\t"):
        return None  # nested mappings and continuation lines: nothing to offer
    found = _key_at(text)
    if found is None or col <= found[2]:
        if ":" in before:
            return None
        return before  # a property name being typed
    name, _, key_end = found
    colon = text.index(":", key_end)
    if col <= colon:
        return before
    after = text[colon + 1 : col]
    value_start = colon + 1 + (len(after) - len(after.lstrip(" \t")))
    flow_at = text.find("[", value_start, col) if text[value_start : value_start + 1] == "[" else -1
    if flow_at >= 0:
        cut = max(text.rfind(",", flow_at, col), flow_at)
        start = cut + 1
        while start < col and text[start] in " \t":
            start += 1
        return ValueSpot(name, start, _token_end(text, col, flow=True), text[start:col], True, False)
    return ValueSpot(
        name, value_start, _token_end(text, col, flow=False), text[value_start:col], False, value_start == colon + 1
    )


def _token_end(text: str, col: int, flow: bool) -> int:
    end = col
    stop = ",]" if flow else ""
    while end < len(text) and text[end] not in stop and not text.startswith(" #", end):
        end += 1
    while end > col and text[end - 1] in " \t":
        end -= 1
    return end


# --------------------------------------------------------------------------- completion


def complete(ls: VaultLanguageServer, cursor: Cursor) -> types.CompletionList | None:
    found = bounds(cursor.lines)
    if found is None:
        return None
    spot = _value_spot(cursor.lines, cursor.pos.line, cursor.pos.character, found[0])
    if spot is None:
        return None
    vault = cursor.ref.vault
    infos = schema.properties(vault, cursor.note)
    if isinstance(spot, str):
        return _name_items(ls, cursor, vault, infos, spot)
    return _value_items(ls, cursor, vault, infos, spot)


def _present_keys(cursor: Cursor, bounds_: tuple[int, int]) -> set[str]:
    keys = set()
    for i in range(bounds_[0] + 1, min(bounds_[1], len(cursor.lines))):
        if i == cursor.pos.line:
            continue
        found = _key_at(cursor.lines[i]) if cursor.lines[i][:1] not in (" ", "\t") else None
        if found:
            keys.add(found[0])
    return keys


def _name_items(
    ls: VaultLanguageServer, cursor: Cursor, vault: Vault, infos: dict[str, schema.PropertyInfo], typed: str
) -> types.CompletionList:
    line = cursor.lines[cursor.pos.line]
    start = len(typed) - len(typed.lstrip())
    end = cursor.pos.character
    while end < len(line) and line[end] not in ": \t":
        end += 1
    has_colon = ":" in line[end:]
    present = _present_keys(cursor, bounds(cursor.lines) or (0, 0))
    rng = ls.codec.range_to_client(cursor.lines, Range.on_line(cursor.pos.line, start, end))
    items: list[types.CompletionItem] = []
    for index, (name, info) in enumerate(infos.items()):
        if name in present or name == schema.SCHEMA_KEY:
            continue
        group = "0" if info.required else ("1" if info.sources else "2")
        items.append(_name_item(name, info, rng, has_colon, f"{group}{index:04d}"))
    # Until the whole vault is parsed, the other notes' properties are not offered: reading
    # them would parse every file on the spot (see `VaultLanguageServer.index_all`).
    seen = (
        Counter(
            key
            for note in vault.notes.values()
            if note.parsed.frontmatter is not None
            for key in note.parsed.frontmatter.data
        )
        if ls.indexed.is_set()
        else Counter()
    )
    for rank, (name, count) in enumerate(seen.most_common()):
        if name in infos or name in present or name == schema.SCHEMA_KEY:
            continue
        if len(items) >= MAX_ITEMS:
            return types.CompletionList(is_incomplete=True, items=items)
        items.append(
            types.CompletionItem(
                label=name,
                kind=types.CompletionItemKind.Property,
                detail=f"used in {counted(count, 'note')}",
                sort_text=f"3{rank:05d}",
                filter_text=name,
                text_edit=types.TextEdit(range=rng, new_text=_key_text(name) + ("" if has_colon else ": ")),
            )
        )
    return types.CompletionList(is_incomplete=not ls.indexed.is_set(), items=items)


def _key_text(name: str) -> str:
    plain = re.fullmatch(r"[^\s#:'\"\-\[\]{},&*!|>%@`?][^:#]*", name) and name == name.strip()
    return name if plain else json.dumps(name, ensure_ascii=False)


def _name_item(
    name: str, info: schema.PropertyInfo, rng: types.Range, has_colon: bool, sort: str
) -> types.CompletionItem:
    detail = " · ".join(x for x in (info.title, info.summary_type(), "required" if info.required else None) if x)
    return types.CompletionItem(
        label=name,
        kind=types.CompletionItemKind.Property,
        detail=detail or None,
        documentation=(
            types.MarkupContent(kind=types.MarkupKind.Markdown, value=inert_markdown(info.description))
            if info.description
            else None
        ),
        deprecated=info.deprecated or None,
        sort_text=sort,
        filter_text=name,
        text_edit=types.TextEdit(range=rng, new_text=_key_text(name) + ("" if has_colon else ": ")),
    )


def _find_info(infos: dict[str, schema.PropertyInfo], key: str) -> schema.PropertyInfo | None:
    if key in infos:
        return infos[key]
    folded = key.casefold()
    return next((info for name, info in infos.items() if name.casefold() == folded), None)


def _value_items(
    ls: VaultLanguageServer, cursor: Cursor, vault: Vault, infos: dict[str, schema.PropertyInfo], spot: ValueSpot
) -> types.CompletionList | None:
    info = _find_info(infos, spot.key)
    if spot.key.casefold() in TAG_PROPERTIES and not (info is not None and (info.enum or info.item_enum)):
        return None  # `tags:` values are tag completion's (features/tags.py), called next
    candidates: list[tuple[Any, str | None, str]] = []  # (value, detail, sort group)
    if info is not None:
        allowed = info.item_enum if spot.item and info.item_enum else info.enum
        candidates += [(value, "allowed value", "0") for value in allowed]
        if info.booleans and not spot.item:
            candidates += [
                (True, "checkbox" if info.obsidian_type == "checkbox" else "boolean", "0"),
                (False, "checkbox" if info.obsidian_type == "checkbox" else "boolean", "0"),
            ]
        if (info.format == "date" or info.obsidian_type in ("date", "datetime")) and not spot.item:
            candidates.append((dt.date.today().isoformat(), "today", "1"))
    incomplete = False
    # Other properties typed `tags` in .obsidian/types.json, or `tags` restricted by a schema.
    is_tags = spot.key.casefold() in TAG_PROPERTIES or (info is not None and info.obsidian_type == "tags")
    if is_tags and ls.indexed.is_set():
        tags = Counter(t.name for note in vault.notes.values() for t in note.parsed.tags)
        for name, count in tags.most_common():
            candidates.append((name, f"tag · {counted(count, 'use')}", "1"))
    used = _values_in_vault(vault, spot.key, cursor.ref.path) if ls.indexed.is_set() else Counter()
    incomplete = not ls.indexed.is_set()
    for value, count in used.most_common():
        candidates.append((value, f"used in {counted(count, 'note')}", "2"))

    quote = spot.typed[:1] if spot.typed[:1] in ("'", '"') else ""
    rng = ls.codec.range_to_client(cursor.lines, Range.on_line(cursor.pos.line, spot.start, spot.end))
    items: list[types.CompletionItem] = []
    seen: set[str] = set()
    for index, (value, detail, group) in enumerate(candidates):
        text = _yaml_text(value, quote)
        if text in seen:
            continue
        seen.add(text)
        if len(items) >= MAX_ITEMS:
            incomplete = True
            break
        label = value if isinstance(value, str) else _yaml_text(value, "")
        items.append(
            types.CompletionItem(
                label=label,
                kind=types.CompletionItemKind.EnumMember if group == "0" else types.CompletionItemKind.Value,
                detail=detail,
                sort_text=f"{group}{index:05d}",
                filter_text=text,
                text_edit=types.TextEdit(range=rng, new_text=(" " if spot.space else "") + text),
            )
        )
    return types.CompletionList(is_incomplete=incomplete, items=items)


def _values_in_vault(vault: Vault, key: str, skip: str) -> Counter[Any]:
    """How often each value (list items counted one by one) is given to `key` in other notes."""
    counts: Counter[Any] = Counter()
    for path, note in vault.notes.items():
        fm = note.parsed.frontmatter
        if fm is None or path == skip or key not in fm.data:
            continue
        value = fm.data[key]
        values = value if isinstance(value, list) else [value]
        for item in values:
            item = to_json(item)
            if item is None or isinstance(item, (dict, list)) or item == "":
                continue
            counts[item] += 1
    return counts


def _yaml_text(value: Any, quote: str) -> str:
    """A value as YAML would read it back: plain when that is unambiguous, else quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if not quote and (is_date(text) or is_datetime(text)) and " " not in text:
        return text  # unquoted, as Obsidian writes dates; vaultls reads YAML dates as ISO text
    if quote == "'":
        return "'" + text.replace("'", "''") + "'"
    if quote == '"':
        return json.dumps(text, ensure_ascii=False)
    try:
        # Plain only when YAML 1.2 (Obsidian, vaultls) and 1.1 (PyYAML-based tools) both read the
        # text back: `1e3` and `0o7` are numbers in 1.2, `yes` a boolean in 1.1.
        plain = (
            yaml.safe_load(text) == text
            and yaml.load(text, Loader=Yaml12Loader) == text
            and "\n" not in text
            and text == text.strip()
            and "#" not in text
        )
    except (yaml.YAMLError, ValueError, TypeError):  # `2024-13-45` fails as a YAML date
        plain = False
    if plain and not text.startswith(("[", "{", "&", "*", "!", "|", ">", "%", "@", "`", '"', "'")):
        return text
    return json.dumps(text, ensure_ascii=False)


# --------------------------------------------------------------------------- hover


def hover(ls: VaultLanguageServer, cursor: Cursor) -> types.Hover | None:
    found = bounds(cursor.lines)
    if found is None or not found[0] < cursor.pos.line < found[1]:
        return None
    line = cursor.lines[cursor.pos.line]
    if line[:1] in (" ", "\t"):
        return None
    key = _key_at(line)
    if key is None or not key[1] <= cursor.pos.character <= key[2]:
        return None
    name = key[0]
    info = _find_info(schema.properties(cursor.ref.vault, cursor.note), name)
    if info is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=describe(info)),
        range=ls.codec.range_to_client(cursor.lines, Range.on_line(cursor.pos.line, key[1], key[2])),
    )


def describe(info: schema.PropertyInfo) -> str:
    """Markdown for a property: title, type, description, allowed values, where it comes from.
    Everything in it comes from the vault's schemas, which a stranger may have written: shown
    as text, with remote images and unsafe links made inert (vault/preview.py)."""
    head = f"**{inline_text(info.title)}** ({code_span(info.name)})" if info.title else f"**{inline_text(info.name)}**"
    facts = []
    kind = info.summary_type()
    if kind:
        facts.append(f"Type: `{kind}`")
    if info.required:
        facts.append("required")
    if info.deprecated:
        facts.append("deprecated")
    parts = [head]
    if facts:
        parts.append(" · ".join(facts))
    if info.description:
        parts.append(inert_markdown(info.description))
    allowed = info.enum or info.item_enum
    if allowed:
        shown = ", ".join(code_span(json.dumps(v, ensure_ascii=False)) for v in allowed[:20])
        parts.append(f"{'Items' if not info.enum else 'Values'}: {shown}{', …' if len(allowed) > 20 else ''}")
    if info.sources:
        parts.append("*Schema: " + ", ".join(code_span(s) for s in info.sources) + "*")
    elif info.obsidian_type:
        parts.append("*From `.obsidian/types.json`*")
    return "\n\n".join(parts)
