"""Reading a schema file: JSON or YAML, inside the vault, and never more than it may cost.

A schema file is read only inside the vault (`contained.read_contained`, which also caps its
size). Its YAML is refused when its aliases expand to more than `MAX_SCHEMA_VALUES` values (the
frontmatter's limit; a 1 KB "billion laughs" would otherwise be gigabytes), counted on the
parser's events before any node is made, so that refusing takes no memory; a document (YAML or
JSON) nested deeper than `MAX_SCHEMA_DEPTH` or with more than `MAX_SCHEMA_VALUES` values is
refused too. YAML is read as frontmatter is, by YAML 1.2 (parse/yaml12.py), so a schema's
`enum: [no, yes]` means the words a note's `no` and `yes` are. The values come back as JSON
would have them (`obsidian_types.to_json`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from vaultls.vault.contained import NotReadable, read_contained
from vaultls.vault.parse.yaml12 import Yaml12Loader
from vaultls.vault.schema.budget import MAX_SCHEMA_DEPTH, MAX_SCHEMA_VALUES
from vaultls.vault.schema.obsidian_types import to_json

# YAML as a note's frontmatter is read (1.2's core schema: `on`, `no` and `10:30` are text), with
# libyaml's parser when PyYAML was built with it.
YAML_LOADER: Any = Yaml12Loader


class SchemaFileError(Exception):
    """A schema file that cannot be used; the message says why, in the user's words."""


class Unusable(Exception):
    """A schema document vaultls will not use (too large, too deep); the message says why."""


def load_document(root: Path, file: Path) -> Any:
    """The schema document in `file` (inside the vault at `root`), as JSON values; raises
    `SchemaFileError` when it is missing, unreadable, invalid or too costly."""
    try:
        raw = read_contained(root, file)
    except FileNotFoundError:
        raise SchemaFileError("file not found") from None
    except NotReadable as exc:
        raise SchemaFileError(str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SchemaFileError("is not UTF-8 text") from None
    if file.suffix.lower() == ".json":
        try:
            return load_json(text)
        except json.JSONDecodeError as exc:
            raise SchemaFileError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        except Unusable as exc:
            raise SchemaFileError(str(exc)) from None
    try:
        # Aliases, size and depth are counted on the parser's events before anything is built.
        check_yaml(text, YAML_LOADER)
        loader = YAML_LOADER(text)
        try:
            return to_json(loader.get_single_data())
        finally:
            loader.dispose()
    except Unusable as exc:
        raise SchemaFileError(str(exc)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SchemaFileError(f"invalid YAML{where}: {exc.problem or exc.context}") from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise SchemaFileError(f"invalid YAML: {exc}") from None


def load_json(text: str) -> Any:
    """A JSON schema document; `Unusable` when nested too deeply or too large,
    `json.JSONDecodeError` when invalid."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise Unusable(f"it is nested more than {MAX_SCHEMA_DEPTH} levels deep") from None
    _check_tree(data)
    return data


def _check_tree(data: Any) -> None:
    count = 0
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_SCHEMA_VALUES:
            raise Unusable(f"it has more than {MAX_SCHEMA_VALUES:,} values")
        if depth > MAX_SCHEMA_DEPTH:
            raise Unusable(f"it is nested more than {MAX_SCHEMA_DEPTH} levels deep")
        if isinstance(value, dict):
            for item in value.values():
                count += 1
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def check_yaml(text: str, loader: Any) -> None:
    """Raise `Unusable` when the YAML must not be loaded: aliases that expand to more than
    `MAX_SCHEMA_VALUES` values, an alias inside the value it names, or nesting deeper than
    `MAX_SCHEMA_DEPTH` (aliases expanded). Counted on the parser's events, with each anchor's
    size remembered, so neither the count nor a refusal makes a node. YAML errors are left
    to the loading that follows."""
    sizes: dict[str, tuple[int, int]] = {}  # anchor → (values, depth), once its value ended
    open_anchors: set[str] = set()
    stack: list[list[Any]] = []  # open collections: [values, anchor, depth below]
    aliases = False
    parser = loader(text)

    def add(size: int, depth: int) -> None:
        if not stack:
            return
        top = stack[-1]
        top[0] += size
        if depth > top[2]:
            top[2] = depth
        if top[0] > MAX_SCHEMA_VALUES:
            raise Unusable(
                f"aliases expand to more than {MAX_SCHEMA_VALUES:,} values"
                if aliases
                else f"it has more than {MAX_SCHEMA_VALUES:,} values"
            )
        if len(stack) + depth > MAX_SCHEMA_DEPTH:
            raise Unusable(f"it is nested more than {MAX_SCHEMA_DEPTH} levels deep")

    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            if isinstance(event, yaml.ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = (1, 0)
                add(1, 0)
            elif isinstance(event, yaml.AliasEvent):
                aliases = True
                if event.anchor in open_anchors:
                    raise Unusable("an alias refers to a value that contains it")
                if event.anchor not in sizes:
                    return  # an undefined alias: loading says so
                add(*sizes[event.anchor])
            elif isinstance(event, yaml.CollectionStartEvent):
                if event.anchor is not None:
                    open_anchors.add(event.anchor)
                stack.append([1, event.anchor, 0])
                if len(stack) > MAX_SCHEMA_DEPTH:
                    raise Unusable(f"it is nested more than {MAX_SCHEMA_DEPTH} levels deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                size, anchor, below = stack.pop()
                if anchor is not None:
                    open_anchors.discard(anchor)
                    sizes[anchor] = (size, below + 1)
                add(size, below + 1)
    finally:
        parser.dispose()
