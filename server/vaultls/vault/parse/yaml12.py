"""YAML as Obsidian reads it: the YAML 1.2 core schema, for notes' frontmatter and schema files.

PyYAML resolves plain scalars by YAML 1.1, so `time: 10:30` is the integer 630 (base 60),
`country: NO` is false, `mode: 0755` the octal 493 and `2024-01-05` a date object, while
Obsidian (YAML 1.2) shows the text the user wrote, `755`, and `2024-01-05` as text its property
types then read. `Yaml12Loader` is PyYAML's loader (libyaml's C parser when present, the same
choice python-frontmatter makes) with YAML 1.2's core-schema resolution instead:

- null: `~`, `null`, `Null`, `NULL` and the empty value;
- booleans: `true`/`false` in three casings (`True`, `TRUE`), and nothing else (`yes`, `on`, `n`
  are text);
- integers: decimal (`0755` is 755), `0o` octal, `0x` hexadecimal;
- floats: decimal with a dot or an exponent (`1e3`), `.inf`, `-.inf`, `.nan`;
- everything else is a string, dates and times included; quoted scalars always are.

A mapping written as a key (`created: {{date}}`, a template placeholder left unquoted) is
valid YAML that PyYAML refuses ("unhashable key"); Obsidian's reader names such a key as
JavaScript prints it, `[object Object]`. This loader does the same and remembers each such key
(`collection_keys`) so that the frontmatter can warn about it. PyYAML's own loaders are never
changed: the tables below belong to this class alone, and are read, never written.
"""

from __future__ import annotations

import math
import re
from types import MappingProxyType
from typing import Any

import yaml
from frontmatter.default_handlers import SafeLoader as BaseLoader  # CSafeLoader when libyaml is present

__all__ = ("CORE_RESOLVERS", "OBJECT_KEY", "Yaml12Loader", "js_text")

NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
MERGE_TAG = "tag:yaml.org,2002:merge"
STR_TAG = "tag:yaml.org,2002:str"

# What JavaScript's `String()` makes of a mapping, and so what Obsidian names a mapping key.
OBJECT_KEY = "[object Object]"

_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
_INT = re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
_FLOAT = re.compile(
    r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z"
)
_MERGE = re.compile(r"<<\Z")


def _core_resolvers() -> MappingProxyType[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    """First character of a plain scalar (`""` for the empty one) → the (tag, pattern) pairs
    that may resolve it; a scalar no pattern matches is a string."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {"": [(NULL_TAG, _NULL)]}
    for tag, pattern, first in (
        (NULL_TAG, _NULL, "~nN"),
        (BOOL_TAG, _BOOL, "tTfF"),
        (INT_TAG, _INT, "-+0123456789"),
        (FLOAT_TAG, _FLOAT, "-+.0123456789"),
        (MERGE_TAG, _MERGE, "<"),
    ):
        for char in first:
            table.setdefault(char, []).append((tag, pattern))
    return MappingProxyType({char: tuple(pairs) for char, pairs in table.items()})


CORE_RESOLVERS = _core_resolvers()


def _construct_int(loader: Yaml12Loader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("-+")
    if digits.startswith("0o"):
        return sign * int(digits[2:], 8)
    if digits.startswith("0x"):
        return sign * int(digits[2:], 16)
    return sign * int(digits, 10)  # `0755` is 755 in YAML 1.2


class Yaml12Loader(BaseLoader):  # type: ignore[misc, valid-type]  # a class chosen at import
    """PyYAML's (C) safe loader with YAML 1.2 core-schema resolution; see the module."""

    yaml_constructors = MappingProxyType({**BaseLoader.yaml_constructors, INT_TAG: _construct_int})

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        # Keys that are mappings or sequences, in the order they were read, with the text
        # Obsidian names them by.
        self.collection_keys: list[tuple[yaml.Node, str]] = []

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        """The tag of a node without one: a plain scalar by `CORE_RESOLVERS`, the rest as
        PyYAML does (quoted scalars are strings). libyaml's parser calls this too."""
        if kind is yaml.ScalarNode and implicit[0]:
            for tag, pattern in CORE_RESOLVERS.get(value[:1], ()):
                if pattern.match(value):
                    return tag
            return STR_TAG
        return str(super().resolve(kind, value, implicit))

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """SafeConstructor's mapping, but a mapping or sequence as a key becomes the text
        JavaScript makes of it, as in Obsidian, instead of an "unhashable key" error."""
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping node, but found {node.id}", node.start_mark
            )
        self.flatten_mapping(node)  # `<<: *merged` keys moved in, as SafeConstructor does
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, (yaml.MappingNode, yaml.SequenceNode)):
                key: Any = js_text(self.construct_object(key_node, deep=True), top=True)
                self.collection_keys.append((key_node, key))
            else:
                key = self.construct_object(key_node, deep=deep)
                if not _hashable(key):
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark, "found unhashable key", key_node.start_mark
                    )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def js_text(value: Any, top: bool = False) -> str:
    """`String(value)` in JavaScript, for the values YAML makes: how Obsidian names a key that
    is not text. A mapping is `[object Object]`; a list its items joined by commas (an empty
    item for null inside a list, `null` for null alone)."""
    if isinstance(value, dict):
        return OBJECT_KEY
    if isinstance(value, (list, tuple)):
        return ",".join("" if item is None else js_text(item) for item in value)
    if value is None:
        return "null" if top else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    return str(value)
