"""Obsidian's property types (`.obsidian/types.json`) and YAML values as JSON.

Obsidian records the type the user gave each property in `.obsidian/types.json`:
`{"types": {"due": "date", "done": "checkbox", "tags": "tags", ...}}`. vaultls honours those
types as checks even when no JSON Schema is configured, with the same messages the schema
checks use, so a vault that only uses Obsidian's property editor still gets them.

`to_json` turns what PyYAML constructed into what JSON Schema validates: YAML dates and
timestamps become ISO strings (JSON has no date type, and JSON Schema's `format: date` expects
`YYYY-MM-DD` text), keys become strings, tuples and sets lists.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vaultls.vault.contained import NotReadable, read_json

TYPES_FILE = ".obsidian/types.json"

# Obsidian's names, and the older/alternative ones it still reads.
KNOWN_TYPES = ("text", "number", "checkbox", "date", "datetime", "multitext", "list", "tags", "aliases")

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# What Obsidian writes for a date-and-time property (`2024-01-15T10:30`), and the longer ISO
# forms people and other tools write: seconds, fractions, a zone.
DATETIME_RE = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|z|[+-]\d{2}:?\d{2})?\Z")

DATE_HINT = "a date (YYYY-MM-DD)"
DATETIME_HINT = "a date and time (YYYY-MM-DDTHH:MM)"


def to_json(value: Any) -> Any:
    """A YAML value as a JSON-compatible value (dates as ISO strings)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return [to_json(v) for v in sorted(value, key=repr)]
    if isinstance(value, bytes):  # `!!binary`
        return base64.b64encode(value).decode("ascii")
    return str(value)


def is_date(value: Any) -> bool:
    if isinstance(value, dt.datetime):
        return False
    if isinstance(value, dt.date):
        return True
    if isinstance(value, str) and DATE_RE.match(value):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


def is_datetime(value: Any) -> bool:
    if isinstance(value, dt.datetime):
        return True
    if isinstance(value, str):
        m = DATETIME_RE.match(value)
        if not m:
            return False
        try:
            dt.date.fromisoformat(m.group(1))
        except ValueError:
            return False
        hour, minute, second = int(m.group(2)), int(m.group(3)), int(m.group(4) or 0)
        return hour < 24 and minute < 60 and second < 61
    return False


@dataclass(frozen=True)
class TypesFile:
    """The parsed `.obsidian/types.json`: property name → Obsidian type."""

    types: dict[str, str] = field(default_factory=dict)  # as written in the file
    error: str | None = None  # why the file could not be used
    _folded: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, kind in self.types.items():
            self._folded.setdefault(name.casefold(), kind)

    def type_of(self, name: str) -> str | None:
        """The Obsidian type of a property; names match case-insensitively, as in Obsidian."""
        found = self.types.get(name)
        if found is None:
            found = self._folded.get(name.casefold())
        return found if found in KNOWN_TYPES else None


def read_types(root: Path) -> TypesFile | None:
    """`.obsidian/types.json` of a vault root; None when there is none."""
    try:
        data = read_json(root, root / TYPES_FILE)
    except FileNotFoundError:
        return None
    except NotReadable as exc:
        return TypesFile(error=f"{TYPES_FILE} {exc}; property types are not checked")
    types = data.get("types") if isinstance(data, dict) else None
    if not isinstance(types, dict):
        return TypesFile(error=f'{TYPES_FILE} has no "types" object; property types are not checked')
    table: dict[str, str] = {}
    for name, kind in types.items():
        if isinstance(kind, str):
            table[str(name)] = kind
    return TypesFile(types=table)


def _is_tag(item: Any) -> str | None:
    """Why a list item of a `tags` property is not a tag, or None when it is one."""
    if not isinstance(item, (str, int, float)) or isinstance(item, bool):
        return "is not a tag"
    text = str(item).lstrip("#")
    if not text:
        return "is empty"
    if any(ch.isspace() for ch in text):
        return "is not a tag (tags cannot contain spaces)"
    if text.replace("/", "").isdigit():
        return "is not a tag (a tag needs at least one character that is not a digit)"
    return None


def type_problem(name: str, kind: str, value: Any) -> str | None:
    """The message for a value that does not fit Obsidian type `kind`, or None when it fits.

    An empty value (`due: `) fits every type, as it does in Obsidian: it is an unset property."""
    if value is None:
        return None
    quoted = json.dumps(name, ensure_ascii=False)
    if kind == "text":
        if isinstance(value, (list, dict)):
            return f"{quoted} must be text"
        return None
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{quoted} must be a number"
        return None
    if kind == "checkbox":
        if not isinstance(value, bool):
            return f"{quoted} must be true or false"
        return None
    if kind == "date":
        return None if is_date(value) else f"{quoted} must be {DATE_HINT}"
    if kind == "datetime":
        return None if is_datetime(value) or is_date(value) else f"{quoted} must be {DATETIME_HINT}"
    if kind in ("multitext", "list", "aliases", "tags"):
        if isinstance(value, str):
            return None  # Obsidian reads a single string as a one-item list
        if not isinstance(value, list):
            return f"{quoted} must be a list"
        for index, item in enumerate(value):
            if isinstance(item, (list, dict)):
                return f"{quoted} must be a list of text items (item {index + 1} is not)"
            if kind == "tags":
                why = _is_tag(item)
                if why is not None and item is not None:
                    return f"{quoted} item {json.dumps(to_json(item), ensure_ascii=False)} {why}"
        return None
    return None
