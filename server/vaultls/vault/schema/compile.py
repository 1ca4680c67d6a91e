"""Compiling one schema file into a validator, once: its dialect, its `$ref`s (followed now,
within the vault), its patterns (compiled now), and a guarded validator for the notes.

Schemas are JSON Schema, draft 2020-12 unless their `$schema` says draft 7 (or another draft
jsonschema knows), written as JSON or YAML; `$ref` between local schema files is resolved with
`referencing`, the library `jsonschema` itself uses. Nothing is fetched from the network, and
no file outside the vault is read: a cloned vault's settings, or a note's `$schema:`, must not
make vaultls read (and reveal in its messages) a file elsewhere on the machine.

Whatever is wrong comes back as a `Broken` saying why, never as an exception: a schema must
never take vaultls down. Only `TimedOut` and `RecursionError` go through, for the caller's
budget accounting (store.py).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from vaultls.vault import uris
from vaultls.vault.contained import is_inside
from vaultls.vault.schema import bounded_regex, budget, guarded
from vaultls.vault.schema.documents import SchemaFileError
from vaultls.vault.schema.messages import json_type, quote
from vaultls.vault.schema.obsidian_types import is_datetime


@dataclass
class Compiled:
    """A loaded, checked schema: its validator and what completion and hover need."""

    path: str
    file: Path
    uri: str
    contents: Any
    validator: Any
    registry: Any
    resource: Any

    def resolver(self) -> Any:
        """A `referencing` resolver rooted at the schema, to follow its `$ref`s."""
        return self.registry.resolver_with_root(self.resource)


@dataclass(frozen=True)
class Broken:
    """A schema that cannot be used, and why (in the user's words)."""

    path: str
    reason: str


def _file_uri(file: Path) -> str:
    return uris.from_path(file.absolute())


def _uri_file(uri: str) -> Path | None:
    path = uris.to_path(uri)
    return None if path is None else Path(path)


@functools.cache
def _format_checker() -> Any:
    """jsonschema's format checker, with a `date-time` that accepts what Obsidian writes
    (`2024-01-15T10:30`, no seconds or zone) as well as RFC 3339; jsonschema's own needs an
    optional package and is stricter than any note-taker. Made once: it holds no state."""
    import jsonschema

    checker = jsonschema.FormatChecker()

    @checker.checks("date-time")
    def _date_time(value: object) -> bool:
        return not isinstance(value, str) or is_datetime(value)

    # `re` syntax, as jsonschema checks it, but without compiling (which expands counted
    # repeats, and can take long).
    checker.checks("regex")(bounded_regex.is_valid)
    return checker


Read = Callable[[Path], Any]  # a schema file's document; `SchemaFileError` when unusable


def compile_schema(root: Path, file: Path, written: str, read: Read) -> Compiled | Broken:
    """The schema in `file` (`written` as the setting or note wrote it), with every file it
    `$ref`s, read with `read` (the store's, which remembers what was read); a `Broken` saying
    why it cannot be used. Runs under the caller's deadline."""
    try:
        import jsonschema
        import referencing
        import referencing.jsonschema
    except ImportError:
        return Broken(written, "the Python package `jsonschema` is not installed")
    try:
        contents = read(file)
    except SchemaFileError as exc:
        return Broken(written, str(exc))
    if not isinstance(contents, (dict, bool)):
        return Broken(written, f"a schema must be a JSON object, not {json_type(contents)}")
    default = referencing.jsonschema.DRAFT202012
    validator_cls = jsonschema.validators.validator_for(contents, default=jsonschema.Draft202012Validator)
    try:
        guarded.check_schema(validator_cls, contents)
    except jsonschema.SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path)
        return Broken(written, f"not a valid JSON Schema{f' at {where}' if where else ''}: {exc.message}")
    except (budget.TimedOut, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 - an unknown `$schema` dialect and the like
        return Broken(written, f"not a valid JSON Schema: {exc}")
    allowed = (root.absolute(), file.absolute().parent)
    retrieved: dict[str, Any] = {}
    uri = _file_uri(file)
    own_id = contents.get("$id") if isinstance(contents, dict) else None
    if isinstance(contents, dict) and not isinstance(own_id, str):
        # Relative `$ref`s resolve against the schema's own file.
        contents = {**contents, "$id": uri}
    # A schema that names itself by URL (`"$id": "https://example.org/schemas/book.json"`)
    # refers to its siblings by that URL: they are the files next to it.
    id_base = own_id.rpartition("/")[0] + "/" if isinstance(own_id, str) and "/" in own_id else None

    def retrieve(uri: str) -> Any:
        target = _uri_file(uri)
        if target is None and id_base and uri.startswith(id_base):
            target = file.absolute().parent.joinpath(*unquote(uri[len(id_base) :].split("#")[0]).split("/"))
        if target is None:
            raise SchemaFileError(f"{uri} is not a local file (vaultls fetches nothing from the network)")
        target = Path(os.path.normpath(target))
        if not any(target == base or base in target.parents for base in allowed) or not is_inside(root, target):
            raise SchemaFileError(f"{target} is outside the vault")
        try:
            document = read(target)
        except SchemaFileError as exc:
            raise SchemaFileError(f"{_shown_path(target, root)}: {exc}") from None
        if not isinstance(document, (dict, bool)):
            raise SchemaFileError(f"{target.name} is not a JSON Schema object")
        resource = _resource(document, default)
        retrieved[uri] = resource
        return resource

    siblings = "$dynamicRef" in validator_cls.VALIDATORS or "$recursiveRef" in validator_cls.VALIDATORS
    try:
        # The validator sees the documents without `$schema` (see guarded.py).
        resource = _resource(contents, default)
        contents = resource.contents
        # `retrieve` is the documented argument, an attrs alias of the field `_retrieve`, which
        # mypy's attrs plugin does not see.
        registry: Any = referencing.Registry(retrieve=retrieve).with_resource(uri, resource)  # type: ignore[call-arg]
        _follow_refs(registry.resolver_with_root(resource), contents, siblings)
        # Keep what the walk read, so validating never reads a file again.
        registry = registry.with_resources([*guarded.meta_resources(), *retrieved.items()])
    except _RefError as exc:
        return Broken(written, str(exc))
    for document in [contents, *(r.contents for r in retrieved.values())]:
        for pattern in _patterns(document):
            try:
                budget.precompile(pattern)  # kept, so that notes do not pay for it
            except re.error as exc:
                return Broken(written, f"its pattern {quote(pattern)} cannot be used: {exc}")
    validator = guarded.timed(validator_cls)(contents, registry=registry, format_checker=_format_checker())
    return Compiled(written, file, uri, contents, validator, registry, resource)


class _RefError(Exception):
    pass


def _resource(document: Any, default: Any) -> Any:
    """The `referencing.Resource` of a schema document, of the dialect its `$schema` names,
    holding a copy without `$schema`."""
    import referencing.jsonschema

    dialect = document.get("$schema") if isinstance(document, dict) else None
    specification = default
    if isinstance(dialect, str):
        specification = referencing.jsonschema.specification_with(dialect, default=default)
    return specification.create_resource(guarded.strip_dialect(document))


def _follow_refs(resolver: Any, contents: Any, siblings: bool = True) -> None:
    """Resolve every `$ref` now, so that a missing or broken referenced file is reported when
    the schema is loaded (once, clearly) rather than in the middle of a validation; and refuse
    `$ref`s that lead back to themselves without the value changing (`{"$ref": "#"}`), which
    would recurse without end on every note. `siblings`: keywords next to a `$ref` apply
    (draft 2019-09 and later)."""
    import referencing.exceptions

    visited: set[int] = {id(contents)}
    queue: list[tuple[Any, Any]] = [(resolver, contents)]
    targets: dict[int, tuple[str, Any]] = {}  # id of a subschema with a `$ref` → (ref, what it names)
    holders: list[Any] = []  # those subschemas (their ids stay theirs while this runs)
    while queue:
        current_resolver, node = queue.pop()
        for holder, ref, sub_resolver in _refs(node, current_resolver):
            budget.check()
            try:
                resolved = sub_resolver.lookup(ref)
            except referencing.exceptions.Unresolvable as exc:
                raise _RefError(f"$ref {quote(ref)} cannot be resolved: {_cause(exc)}") from None
            except SchemaFileError as exc:
                raise _RefError(f"$ref {quote(ref)} cannot be resolved: {exc}") from None
            targets[id(holder)] = (ref, resolved.contents)
            holders.append(holder)
            if id(resolved.contents) not in visited:
                visited.add(id(resolved.contents))
                queue.append((resolved.resolver, resolved.contents))
    endless = _endless_ref(holders, targets, siblings)
    if endless is not None:
        raise _RefError(f"$ref {quote(endless)} leads back to itself without end")


def _endless_ref(holders: list[Any], targets: dict[int, tuple[str, Any]], siblings: bool) -> str | None:
    """A `$ref` on a cycle of subschemas that apply to the same value, each always (`$ref`,
    `allOf`, `not`): validating anything with it never ends."""

    def successors(node: Any) -> list[Any]:
        out = []
        if isinstance(node, dict):
            hit = targets.get(id(node))
            if hit is not None:
                out.append(hit[1])
                if not siblings:
                    return out
            all_of = node.get("allOf")
            if isinstance(all_of, list):
                out.extend(item for item in all_of if isinstance(item, dict))
            if isinstance(node.get("not"), dict):
                out.append(node["not"])
        return out

    done: set[int] = set()
    for start in holders:
        if id(start) in done:
            continue
        path = [start]
        on_path = {id(start)}
        stack = [iter(successors(start))]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                finished = path.pop()
                on_path.discard(id(finished))
                done.add(id(finished))
                continue
            if id(child) in on_path:
                first = next(i for i, node in enumerate(path) if node is child)
                return next(targets[id(node)][0] for node in path[first:] if id(node) in targets)
            if id(child) in done:
                continue
            path.append(child)
            on_path.add(id(child))
            stack.append(iter(successors(child)))
    return None


def _patterns(document: Any) -> Iterator[str]:
    """The regular expressions of a schema document (`pattern`, `patternProperties`)."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                yield node["pattern"]
            if isinstance(node.get("patternProperties"), dict):
                yield from (key for key in node["patternProperties"] if isinstance(key, str))
            for key, value in node.items():
                if key not in ("enum", "const", "examples", "default") and isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(item for item in node if isinstance(item, (dict, list)))


def _cause(exc: BaseException) -> str:
    """The reason a `$ref` failed: our own message from `retrieve` when that is what failed."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SchemaFileError):
            return str(seen)
        seen = seen.__cause__ or seen.__context__
    name = type(exc).__name__
    if name == "PointerToNowhere":
        return "no such place in the schema"
    return str(exc) or name


def _refs(node: Any, resolver: Any) -> Iterator[tuple[Any, str, Any]]:
    """Every `$ref` in a schema document, with the subschema holding it and the resolver its
    base URI gives (a subschema with `$id` moves the base)."""
    import referencing
    import referencing.jsonschema

    stack = [(node, resolver)]
    while stack:
        current, res = stack.pop()
        if isinstance(current, dict):
            if isinstance(current.get("$id"), str) and current is not node:
                try:
                    res = res.in_subresource(
                        referencing.Resource.from_contents(
                            current, default_specification=referencing.jsonschema.DRAFT202012
                        )
                    )
                except Exception:  # noqa: BLE001 - an odd `$id`: keep the outer base
                    pass
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield current, ref, res
            for key, value in current.items():
                if key in ("enum", "const", "examples", "default"):
                    continue
                if isinstance(value, (dict, list)):
                    stack.append((value, res))
        elif isinstance(current, list):
            stack.extend((item, res) for item in current if isinstance(item, (dict, list)))


def _shown_path(file: Path, root: Path) -> str:
    try:
        return file.relative_to(root.absolute()).as_posix()
    except ValueError:
        return str(file)
