"""Frontmatter schemas: which JSON Schemas apply to a note, and what is wrong with its
frontmatter according to them and to Obsidian's property types.

Configuration (`[frontmatter]` in `.vaultls.toml`, see settings.py): `schema` applies to every
note, each `[[frontmatter.rules]]` whose `glob` matches the note's path applies too, and a note
may name one more with a `$schema:` property (a path relative to the note's folder, else to the
vault root). Schemas are JSON Schema, draft 2020-12 unless their `$schema` says draft 7 (or
another draft jsonschema knows), written as JSON or YAML; `$ref` between local schema files is
resolved with `referencing`, the library `jsonschema` itself uses. Nothing is fetched from the
network.

The expensive parts happen once: a schema file is read, checked and compiled into a validator
the first time a note needs it, and kept until one of the files it was built from changes
(their modification times are compared at most every `RECHECK_SECONDS`, or at once after
`invalidate`, which the server calls on a watched-file event). A vault with no schema settings
and no `.obsidian/types.json` costs one dictionary lookup per note.

Problems come back as `SchemaIssue`s with a model range; check.py turns them into `Problem`s
with the code `frontmatter-schema`.

A schema may come from a stranger: what it may cost in time and memory is bounded as
schema_budget.py describes (no `re` on its patterns, a deadline for each note's checks, slow
schemas set aside).
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import yaml

from vaultls.vault import bounded_regex
from vaultls.vault import schema_budget as budget
from vaultls.vault.contained import NotReadable, is_inside, read_contained
from vaultls.vault.model import Frontmatter, Range
from vaultls.vault.property_types import (
    DATE_HINT,
    DATETIME_HINT,
    TYPES_FILE,
    TypesFile,
    is_datetime,
    read_types,
    to_json,
    type_problem,
)

if TYPE_CHECKING:  # pragma: no cover
    from vaultls.vault.index import Note, Vault
    from vaultls.vault.settings import Settings

log = logging.getLogger(__name__)

RECHECK_SECONDS = 0.5
SCHEMA_KEY = "$schema"
MAX_ERRORS_PER_SCHEMA = 50
_EMPTY_VALIDATORS = {"minLength", "minItems", "minProperties", "enum", "const", "pattern", "format"}
_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of properties",
    "null": "empty",
}
_FORMAT_HINTS = {
    "date": DATE_HINT,
    "date-time": DATETIME_HINT,
    "time": "a time (HH:MM:SS)",
    "email": "an email address",
    "uri": "a URI",
    "uri-reference": "a URI reference",
    "uuid": "a UUID",
    "regex": "a regular expression",
}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class SchemaIssue:
    """One problem found by the schema checks. `broken` marks a schema that cannot be used at
    all (missing, unreadable, invalid): always an error, whatever the configured severity."""

    range: Range
    message: str
    broken: bool = False
    prop: str | None = field(default=None, compare=False)  # the top-level property concerned


@dataclass(frozen=True)
class ConfigProblem:
    """A configured schema (or `.obsidian/types.json`) that cannot be used. `fatal` ones make
    `vaultls check` stop with exit status 2."""

    message: str
    fatal: bool = True


@dataclass(frozen=True)
class Applied:
    """A schema that applies to a note, and why (the setting or property that names it)."""

    path: str  # vault-relative (or absolute, when configured so), as written
    origin: str  # "frontmatter.schema", 'frontmatter.rules[2] (glob "People/**")', "$schema"


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
        return self.registry.resolver_with_root(self.resource)


@dataclass(frozen=True)
class Broken:
    path: str
    reason: str


# --------------------------------------------------------------------------- loading


class _SchemaError(Exception):
    pass


def _load_document(root: Path, file: Path) -> Any:
    try:
        raw = read_contained(root, file)
    except FileNotFoundError:
        raise _SchemaError("file not found") from None
    except NotReadable as exc:
        raise _SchemaError(str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _SchemaError("is not UTF-8 text") from None
    if file.suffix.lower() == ".json":
        try:
            return budget.load_json(text)
        except json.JSONDecodeError as exc:
            raise _SchemaError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        except budget.Unusable as exc:
            raise _SchemaError(str(exc)) from None
    try:
        # Aliases, size and depth are counted on the parser's events before anything is built.
        budget.check_yaml(text, _YAML_LOADER)
        loader = _YAML_LOADER(text)
        try:
            return to_json(loader.get_single_data())
        finally:
            loader.dispose()
    except budget.Unusable as exc:
        raise _SchemaError(str(exc)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise _SchemaError(f"invalid YAML{where}: {exc.problem or exc.context}") from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise _SchemaError(f"invalid YAML: {exc}") from None


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _file_uri(file: Path) -> str:
    return file.absolute().as_uri()


def _uri_file(uri: str) -> Path | None:
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return None
    return Path(unquote(parts.path))


def _format_checker(jsonschema: Any) -> Any:
    """jsonschema's format checker, with a `date-time` that accepts what Obsidian writes
    (`2024-01-15T10:30`, no seconds or zone) as well as RFC 3339; jsonschema's own needs an
    optional package and is stricter than any note-taker."""
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time")
    def _date_time(value: object) -> bool:
        return not isinstance(value, str) or is_datetime(value)

    # `re` syntax, as jsonschema checks it, but without compiling (which can take seconds).
    checker.checks("regex")(bounded_regex.is_valid)
    return checker


class SchemaStore:
    """Compiled schemas and `.obsidian/types.json` of one vault root, cached by the files'
    modification times. Safe to use from the server's threads.

    It also keeps account of the time schemas take (schema_budget.py): a schema that timed out
    on `slow_strikes` notes, or spent `slow_strikes` x `note_budget` seconds beyond what checking
    a note should cost, is not run again; after `max_timeouts` timeouts, or `max_excess` such
    seconds in all (loading included), no schema is; until a schema file changes
    (`invalidate`). The budgets default to schema_budget's."""

    def __init__(
        self,
        root: Path,
        *,
        note_budget: float | None = None,
        compile_budget: float | None = None,
        slow_strikes: int | None = None,
        max_timeouts: int | None = None,
    ) -> None:
        self.root = root
        self.note_budget = budget.NOTE_BUDGET if note_budget is None else note_budget
        self.compile_budget = budget.COMPILE_BUDGET if compile_budget is None else compile_budget
        self.slow_strikes = budget.SLOW_STRIKES if slow_strikes is None else slow_strikes
        self.max_timeouts = budget.MAX_TIMEOUTS if max_timeouts is None else max_timeouts
        self.max_excess = budget.MAX_EXCESS_SECONDS
        self._timeouts: dict[Path, int] = {}  # schema file → notes it timed out on
        self._timeouts_total = 0  # in this vault, loading or checking
        self._excess: dict[Path, tuple[float, int]] = {}  # schema file → (seconds beyond the free ones, notes)
        self._excess_total = 0.0
        self._lock = threading.RLock()
        self._schemas: dict[Path, Compiled | Broken] = {}
        self._documents: dict[Path, Any] = {}  # every schema file read, by absolute path
        self._stamps: dict[Path, tuple[int, int, int] | None] = {}  # file → (mtime, size, inode)
        self._types: TypesFile | None = None
        self._types_loaded = False
        self._checked_at = 0.0
        self._format_checker: Any = None

    # ------------------------------------------------------------------ freshness

    def invalidate(self) -> None:
        with self._lock:
            self._schemas.clear()
            self._documents.clear()
            self._stamps.clear()
            self._types, self._types_loaded = None, False
            self._timeouts.clear()
            self._timeouts_total = 0
            self._excess.clear()
            self._excess_total = 0.0

    # ------------------------------------------------------------------ time budgets

    def exhausted(self) -> str | None:
        """Why no schema is run any more, if schemas took too long too often."""
        if self._timeouts_total >= self.max_timeouts:
            return f"schemas of this vault ran past their time budget {self._timeouts_total} times already"
        if self._excess_total >= self.max_excess:
            return (
                f"schemas of this vault took {_seconds(round(self._excess_total, 1))} longer than they should already"
            )
        return None

    def slow(self, file: Path) -> str | None:
        """Why the schema `file` is not run any more, if it took too long on too many notes."""
        timeouts = self._timeouts.get(file, 0)
        if timeouts >= self.slow_strikes:
            return f"took longer than {_seconds(self.note_budget)} on {timeouts} notes"
        excess, notes = self._excess.get(file, (0.0, 0))
        if excess >= self.slow_strikes * self.note_budget:
            return f"took {_seconds(round(excess, 1))} longer than it should on {notes} notes"
        return None

    def timed_out(self, file: Path | None) -> None:
        """Count a schema that ran past its budget (checking a note, or loading: None)."""
        with self._lock:
            self._timeouts_total += 1
            if file is not None:
                self._timeouts[file] = self._timeouts.get(file, 0) + 1

    def spent(self, file: Path | None, seconds: float, free: float) -> None:
        """Account for `seconds` spent loading a schema (None) or checking a note with it,
        of which `free` are what that should cost at most; only the rest counts."""
        over = seconds - free
        if over <= 0:
            return
        with self._lock:
            self._excess_total += over
            if file is not None:
                excess, notes = self._excess.get(file, (0.0, 0))
                self._excess[file] = (excess + over, notes + 1)

    def refresh(self, force: bool = False) -> None:
        """Forget everything built from a file that changed since it was read."""
        now = time.monotonic()
        if not force and now - self._checked_at < RECHECK_SECONDS:
            return
        self._checked_at = now
        with self._lock:
            if any(_stamp(file) != stamp for file, stamp in self._stamps.items()):
                self.invalidate()

    def watches(self, file: Path) -> bool:
        """Whether a change to `file` can change what this store says."""
        with self._lock:
            return file in self._stamps or file == self.root / TYPES_FILE

    def _remember(self, file: Path) -> None:
        self._stamps[file] = _stamp(file)

    # ------------------------------------------------------------------ types.json

    def types(self) -> TypesFile | None:
        with self._lock:
            if not self._types_loaded:
                file = self.root / TYPES_FILE
                self._remember(file)
                self._types = read_types(self.root)
                self._types_loaded = True
            return self._types

    # ------------------------------------------------------------------ schemas

    def resolve_path(self, written: str, note_folder: str | None = None) -> Path:
        """The file a schema path names: absolute, else relative to the note's folder (for a
        `$schema:` property) when such a file exists, else relative to the vault root."""
        path = Path(written)
        if path.is_absolute():
            return path
        if note_folder is not None and not written.startswith("/"):
            near = self.root.joinpath(*note_folder.split("/"), written) if note_folder else self.root / written
            if near.exists():
                return Path(os.path.normpath(near))
        return Path(os.path.normpath(self.root / written.lstrip("/")))

    def schema(self, file: Path, written: str) -> Compiled | Broken:
        with self._lock:
            found = self._schemas.get(file)
            if found is None and not is_inside(self.root, file):
                # A cloned vault's settings or a note's `$schema:` must not make vaultls read
                # (and reveal in messages) a file elsewhere on the machine.
                found = Broken(written, "it is outside the vault, and vaultls reads no file outside it")
                self._schemas[file] = found
            exhausted = self.exhausted() if found is None else None
            if exhausted is not None:
                found = Broken(written, f"not loaded: {exhausted}")
                self._schemas[file] = found
            if found is None:
                started = time.monotonic()
                try:
                    with budget.within(self.compile_budget):
                        found = self._compile(file, written)
                    self.spent(None, time.monotonic() - started, budget.FREE_LOAD_SECONDS)
                except budget.TimedOut:
                    self.timed_out(None)
                    found = Broken(written, f"loading and checking it took longer than {_seconds(self.compile_budget)}")
                except RecursionError:
                    found = Broken(written, "it is nested too deeply, or its $refs lead back to themselves without end")
                except Exception as exc:  # noqa: BLE001 - a schema must never take vaultls down
                    log.warning("compiling schema %s failed", file, exc_info=True)
                    found = Broken(written, f"it could not be loaded ({exc!r})")
                self._schemas[file] = found
            return found

    def _document(self, file: Path) -> Any:
        if file not in self._documents:
            self._remember(file)
            try:
                self._documents[file] = _load_document(self.root, file)
            except _SchemaError as exc:
                self._documents[file] = exc
        found = self._documents[file]
        if isinstance(found, _SchemaError):
            raise found
        return found

    def _compile(self, file: Path, written: str) -> Compiled | Broken:
        try:
            import jsonschema
            import referencing
            import referencing.exceptions  # noqa: F401 - `_follow_refs` uses it through `referencing`
            import referencing.jsonschema
        except ImportError:
            return Broken(written, "the Python package `jsonschema` is not installed")
        try:
            contents = self._document(file)
        except _SchemaError as exc:
            return Broken(written, str(exc))
        if not isinstance(contents, (dict, bool)):
            return Broken(written, f"a schema must be a JSON object, not {_json_type(contents)}")
        default = referencing.jsonschema.DRAFT202012
        validator_cls = jsonschema.validators.validator_for(contents, default=jsonschema.Draft202012Validator)
        try:
            budget.check_schema(validator_cls, contents)
        except jsonschema.SchemaError as exc:
            where = "/".join(str(p) for p in exc.absolute_path)
            return Broken(written, f"not a valid JSON Schema{f' at {where}' if where else ''}: {exc.message}")
        except (budget.TimedOut, RecursionError):
            raise
        except Exception as exc:  # noqa: BLE001 - an unknown `$schema` dialect and the like
            return Broken(written, f"not a valid JSON Schema: {exc}")
        allowed = (self.root.absolute(), file.absolute().parent)
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
                raise _SchemaError(f"{uri} is not a local file (vaultls fetches nothing from the network)")
            target = Path(os.path.normpath(target))
            if not any(target == base or base in target.parents for base in allowed) or not is_inside(
                self.root, target
            ):
                raise _SchemaError(f"{target} is outside the vault")
            try:
                document = self._document(target)
            except _SchemaError as exc:
                raise _SchemaError(f"{_shown_path(target, self.root)}: {exc}") from None
            if not isinstance(document, (dict, bool)):
                raise _SchemaError(f"{target.name} is not a JSON Schema object")
            resource = _resource(document, default, referencing)
            retrieved[uri] = resource
            return resource

        siblings = "$dynamicRef" in validator_cls.VALIDATORS or "$recursiveRef" in validator_cls.VALIDATORS
        try:
            # The validator sees the documents without `$schema` (see schema_budget.py).
            resource = _resource(contents, default, referencing)
            contents = resource.contents
            registry = referencing.Registry(retrieve=retrieve).with_resource(uri, resource)
            _follow_refs(registry.resolver_with_root(resource), contents, referencing, siblings)
            # Keep what the walk read, so validating never reads a file again.
            registry = registry.with_resources([*budget.meta_resources(), *retrieved.items()])
        except _RefError as exc:
            return Broken(written, str(exc))
        for document in [contents, *(r.contents for r in retrieved.values())]:
            for pattern in _patterns(document):
                try:
                    budget.precompile(pattern)  # kept, so that notes do not pay for it
                except re.error as exc:
                    return Broken(written, f"its pattern {_quote(pattern)} cannot be used: {exc}")
        if self._format_checker is None:
            self._format_checker = _format_checker(jsonschema)
        validator = budget.timed(validator_cls)(contents, registry=registry, format_checker=self._format_checker)
        return Compiled(written, file, uri, contents, validator, registry, resource)

    def configured(self, settings: Settings) -> list[tuple[Applied, Path]]:
        out = []
        if settings.frontmatter_schema:
            out.append(
                (
                    Applied(settings.frontmatter_schema, "frontmatter.schema"),
                    self.resolve_path(settings.frontmatter_schema),
                )
            )
        for number, (globs, written) in enumerate(settings.frontmatter_rules, 1):
            origin = _rule_origin(number, globs.patterns)
            out.append((Applied(written, origin), self.resolve_path(written)))
        return out


class _RefError(Exception):
    pass


def _resource(document: Any, default: Any, referencing: Any) -> Any:
    """The `referencing.Resource` of a schema document, of the dialect its `$schema` names,
    holding a copy without `$schema`."""
    dialect = document.get("$schema") if isinstance(document, dict) else None
    specification = default
    if isinstance(dialect, str):
        specification = referencing.jsonschema.specification_with(dialect, default=default)
    return specification.create_resource(budget.strip_dialect(document))


def _follow_refs(resolver: Any, contents: Any, referencing: Any, siblings: bool = True) -> None:
    """Resolve every `$ref` now, so that a missing or broken referenced file is reported when
    the schema is loaded (once, clearly) rather than in the middle of a validation; and refuse
    `$ref`s that lead back to themselves without the value changing (`{"$ref": "#"}`), which
    would recurse without end on every note. `siblings`: keywords next to a `$ref` apply
    (draft 2019-09 and later)."""
    visited: set[int] = {id(contents)}
    queue: list[tuple[Any, Any]] = [(resolver, contents)]
    targets: dict[int, tuple[str, Any]] = {}  # id of a subschema with a `$ref` → (ref, what it names)
    holders: list[Any] = []  # those subschemas (their ids stay theirs while this runs)
    while queue:
        current_resolver, node = queue.pop()
        for holder, ref, sub_resolver in _refs(node, current_resolver, referencing):
            budget.check()
            try:
                resolved = sub_resolver.lookup(ref)
            except referencing.exceptions.Unresolvable as exc:
                raise _RefError(f"$ref {_quote(ref)} cannot be resolved: {_cause(exc)}") from None
            except _SchemaError as exc:
                raise _RefError(f"$ref {_quote(ref)} cannot be resolved: {exc}") from None
            targets[id(holder)] = (ref, resolved.contents)
            holders.append(holder)
            if id(resolved.contents) not in visited:
                visited.add(id(resolved.contents))
                queue.append((resolved.resolver, resolved.contents))
    endless = _endless_ref(holders, targets, siblings)
    if endless is not None:
        raise _RefError(f"$ref {_quote(endless)} leads back to itself without end")


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
    seen = exc
    while seen is not None:
        if isinstance(seen, _SchemaError):
            return str(seen)
        seen = seen.__cause__ or seen.__context__
    name = type(exc).__name__
    if name == "PointerToNowhere":
        return "no such place in the schema"
    return str(exc) or name


def _refs(node: Any, resolver: Any, referencing: Any) -> Iterator[tuple[Any, str, Any]]:
    """Every `$ref` in a schema document, with the subschema holding it and the resolver its
    base URI gives (a subschema with `$id` moves the base)."""
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


def _rule_origin(number: int, patterns: tuple[str, ...]) -> str:
    return f"frontmatter.rules[{number}], glob {_quote(', '.join(patterns))}"


def _shown_path(file: Path, root: Path) -> str:
    try:
        return file.relative_to(root.absolute()).as_posix()
    except ValueError:
        return str(file)


def _stamp(file: Path) -> tuple[int, int, int] | None:
    try:
        st = file.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


_STORES: dict[Path, SchemaStore] = {}
_STORES_LOCK = threading.Lock()


def store_for(root: Path) -> SchemaStore:
    with _STORES_LOCK:
        store = _STORES.get(root)
        if store is None:
            store = _STORES[root] = SchemaStore(root)
        return store


def invalidate(root: Path) -> None:
    """Forget the cached schemas of a vault root (a schema file changed)."""
    store_for(root).invalidate()


def watches(root: Path, file: Path, settings: Settings) -> bool:
    """Whether a changed `file` may change the schema checks of the vault at `root`: a schema
    file read or configured, a file one `$ref`s, or `.obsidian/types.json`."""
    store = store_for(root)
    if store.watches(file):
        return True
    return any(path == file for _, path in store.configured(settings))


_AVAILABLE: bool | None = None
NO_JSONSCHEMA = (
    "frontmatter schemas are configured, but the Python package `jsonschema` is not installed "
    "where this vaultls runs (`pip install jsonschema`); schemas are not checked"
)


def jsonschema_available() -> bool:
    """Whether `jsonschema` can be imported. A server bundled without it (the VS Code
    extension's, which must run on any Python) still checks `.obsidian/types.json`; it says
    once that schemas are off instead of putting an error on every note."""
    global _AVAILABLE
    if _AVAILABLE is None:
        try:
            import jsonschema  # noqa: F401
            import referencing  # noqa: F401
        except ImportError:
            _AVAILABLE = False
        else:
            _AVAILABLE = True
    return _AVAILABLE


# --------------------------------------------------------------------------- applying


def applicable(vault: Vault, note: Note) -> tuple[list[tuple[Applied, Compiled | Broken]], Range | None]:
    """The schemas that apply to a note, loaded; and the range of its `$schema:` value when it
    names one (where problems with that schema file are reported)."""
    settings = vault.settings
    fm = note.parsed.frontmatter
    named = fm.data.get(SCHEMA_KEY) if fm is not None else None
    if not settings.frontmatter_schema and not settings.frontmatter_rules and named is None:
        return [], None
    if not jsonschema_available():
        return [], None  # said once by `configuration_problems`
    store = store_for(vault.root)
    store.refresh()
    out: list[tuple[Applied, Compiled | Broken]] = []
    seen: set[Path] = set()
    if settings.frontmatter_schema:
        file = store.resolve_path(settings.frontmatter_schema)
        seen.add(file)
        out.append(
            (
                Applied(settings.frontmatter_schema, "frontmatter.schema"),
                store.schema(file, settings.frontmatter_schema),
            )
        )
    for number, (globs, written) in enumerate(settings.frontmatter_rules, 1):
        if not globs.matches(note.path):
            continue
        file = store.resolve_path(written)
        if file in seen:
            continue
        seen.add(file)
        origin = _rule_origin(number, globs.patterns)
        out.append((Applied(written, origin), store.schema(file, written)))
    named_range = None
    if named is not None and fm is not None:
        named_range = fm.value_ranges.get(SCHEMA_KEY) or fm.key_ranges.get(SCHEMA_KEY)
        if not isinstance(named, str) or not named.strip():
            out.append((Applied(str(named), SCHEMA_KEY), Broken(str(named), "must be the path of a schema file")))
        elif re.match(r"[A-Za-z][A-Za-z0-9+.-]+://", named.strip()):
            out.append(
                (
                    Applied(named, SCHEMA_KEY),
                    Broken(named, "only schema files in the vault are used; nothing is fetched from the network"),
                )
            )
        else:
            file = store.resolve_path(named.strip(), note.folder)
            if file not in seen:
                out.append((Applied(named, SCHEMA_KEY), store.schema(file, named)))
    return out, named_range


def instance_of(fm: Frontmatter | None) -> dict[str, Any]:
    """The frontmatter as the JSON value schemas validate (without the `$schema` property)."""
    if fm is None:
        return {}
    return {k: to_json(v) for k, v in fm.data.items() if k != SCHEMA_KEY}


def check_frontmatter(vault: Vault, note: Note) -> list[SchemaIssue]:
    """Everything the schemas and `.obsidian/types.json` say is wrong with a note's
    frontmatter. Never raises for a bad schema: that becomes one `broken` issue."""
    fm = note.parsed.frontmatter
    if fm is not None and fm.error is not None:
        return []  # the YAML itself is broken: that is reported, and nothing here would be right
    settings = vault.settings
    issues: list[SchemaIssue] = []
    if settings.obsidian_types and not settings.frontmatter_schema and not settings.frontmatter_rules:
        store_for(vault.root).refresh()  # `applicable` does it when schemas are configured
    schemas, named_range = applicable(vault, note)
    top = _top_range(fm)
    if schemas:
        issues.extend(_validate(store_for(vault.root), note, fm, schemas, named_range, top))
    if settings.obsidian_types and fm is not None and fm.data:
        issues.extend(_type_issues(vault, fm, {i.prop for i in issues if i.prop is not None}))
    return _dedupe(issues)


def _validate(
    store: SchemaStore,
    note: Note,
    fm: Frontmatter | None,
    schemas: list[tuple[Applied, Compiled | Broken]],
    named_range: Range | None,
    top: Range,
) -> list[SchemaIssue]:
    """The problems the schemas find in a note, all within the store's note budget: the
    schema that runs past it gets one problem and the note's remaining schemas are not run
    (see schema_budget.py)."""
    issues: list[SchemaIssue] = []
    instance: dict[str, Any] | None = None
    with budget.within(store.note_budget):
        for number, (applied, compiled) in enumerate(schemas):
            where = named_range if applied.origin == SCHEMA_KEY and named_range is not None else top
            if isinstance(compiled, Broken):
                issues.append(SchemaIssue(where, broken_message(applied, compiled), broken=True))
                continue
            slow = store.slow(compiled.file)
            if slow is not None:
                issues.append(
                    SchemaIssue(where, f"{_named(applied, applied.path)} {slow}; not checked any more", broken=True)
                )
                continue
            exhausted = store.exhausted()
            if exhausted is not None:
                issues.append(
                    SchemaIssue(where, f"{_named(applied, applied.path)} not checked: {exhausted}", broken=True)
                )
                continue
            started = time.monotonic()
            try:
                if instance is None:
                    instance = instance_of(fm)
                found: list[SchemaIssue] = []
                for error in _limited(compiled.validator.iter_errors(instance), MAX_ERRORS_PER_SCHEMA):
                    try:
                        found.extend(_issues_for(error, fm, instance, top))
                    except budget.TimedOut:
                        raise
                    except Exception:  # noqa: BLE001 - an odd error: jsonschema's own words will do
                        log.info("describing a schema error failed", exc_info=True)
                        found.append(SchemaIssue(top, str(getattr(error, "message", error))))
                budget.check()
                store.spent(compiled.file, time.monotonic() - started, budget.FREE_NOTE_SECONDS)
            except budget.TimedOut:
                log.info(
                    "checking %s with %s took longer than %s", note.path, compiled.path, _seconds(store.note_budget)
                )
                store.timed_out(compiled.file)
                skipped = [a.path for a, c in schemas[number + 1 :] if isinstance(c, Compiled)]
                issues.append(SchemaIssue(where, _timeout_message(applied, store, skipped), broken=True))
                break
            except RecursionError:
                issues.append(
                    SchemaIssue(
                        where,
                        broken_message(
                            applied,
                            Broken(
                                compiled.path,
                                "checking this note with it recursed without end (its $refs lead back to "
                                "themselves, or the note or the schema is nested too deeply)",
                            ),
                        ),
                        broken=True,
                    )
                )
                continue
            except Exception as exc:  # noqa: BLE001 - e.g. a `$ref` that only fails when taken
                log.info("validating %s with %s failed", note.path, compiled.path, exc_info=True)
                issues.append(
                    SchemaIssue(top, broken_message(applied, Broken(compiled.path, str(exc) or repr(exc))), broken=True)
                )
                continue
            issues.extend(found)
    return issues


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _named(applied: Applied, path: str) -> str:
    if applied.origin == SCHEMA_KEY:
        return f"schema {_quote(path)} named by {SCHEMA_KEY}"
    return f"schema {_quote(path)} (setting {applied.origin})"


def _timeout_message(applied: Applied, store: SchemaStore, skipped: list[str]) -> str:
    also = ""
    if skipped:
        also = " (nor with " + ", ".join(_quote(p) for p in skipped) + ")"
    return (
        f"{_named(applied, applied.path)} took longer than {_seconds(store.note_budget)} to check this note; "
        f"not checked{also}"
    )


def broken_message(applied: Applied, broken: Broken) -> str:
    if applied.origin == SCHEMA_KEY:
        return f"schema {_quote(broken.path)} named by {SCHEMA_KEY} cannot be used: {broken.reason}"
    return f"schema {_quote(broken.path)} (setting {applied.origin}) cannot be used: {broken.reason}"


def configuration_problems(root: Path, settings: Settings) -> list[ConfigProblem]:
    """The configured schemas (and `.obsidian/types.json`) that cannot be used, one message
    each, naming the setting; for `vaultls check` (exit 2) and the server (a message)."""
    store = store_for(root)
    store.refresh(force=True)
    problems: list[ConfigProblem] = []
    # Asked only when schemas are configured: importing jsonschema costs a start ~50 ms.
    configured = bool(settings.frontmatter_schema or settings.frontmatter_rules)
    if configured and not jsonschema_available():
        problems.append(ConfigProblem(NO_JSONSCHEMA))
    for applied, file in store.configured(settings) if configured and jsonschema_available() else []:
        compiled = store.schema(file, applied.path)
        if isinstance(compiled, Broken):
            problems.append(ConfigProblem(broken_message(applied, compiled)))
    if settings.obsidian_types:
        types = store.types()
        if types is not None and types.error is not None:
            problems.append(ConfigProblem(types.error, fatal=False))
    return problems


def _limited(errors: Iterable[Any], limit: int) -> Iterator[Any]:
    for count, error in enumerate(errors):
        if count >= limit:
            return
        yield error


def _top_range(fm: Frontmatter | None) -> Range:
    """Where a note-wide problem goes: the opening `---`, or the start of a note without
    frontmatter."""
    if fm is None:
        return Range.on_line(0, 0, 0)
    return Range.on_line(fm.start_line, 0, 3)


def _dedupe(issues: list[SchemaIssue]) -> list[SchemaIssue]:
    seen: set[tuple[Range, str]] = set()
    out = []
    for issue in issues:
        key = (issue.range, issue.message)
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return out


# --------------------------------------------------------------------------- messages


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _path_name(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _types_words(types: Any) -> str:
    if isinstance(types, str):
        types = [types]
    words = [_TYPE_WORDS.get(t, t) for t in types if t != "null"]
    if "null" in types:
        words.append("empty")
    if not words:
        return "empty"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _issues_for(error: Any, fm: Frontmatter | None, instance: dict[str, Any], top: Range) -> list[SchemaIssue]:
    """One jsonschema error as the messages a person understands, at the right ranges."""
    issues = _issues(error, fm, top)
    first = str(error.absolute_path[0]) if error.absolute_path else None
    return [SchemaIssue(i.range, i.message, i.broken, i.prop or first) for i in issues]


def _issues(error: Any, fm: Frontmatter | None, top: Range) -> list[SchemaIssue]:
    path = list(error.absolute_path)
    validator = error.validator
    value = error.instance

    def key_range(name: str) -> Range:
        if fm is not None and name in fm.key_ranges:
            return fm.key_ranges[name]
        return top

    def value_range(name: str) -> Range:
        if fm is not None and name in fm.value_ranges:
            rng = fm.value_ranges[name]
            if rng.start != rng.end:
                return rng
        return key_range(name)

    first = str(path[0]) if path else None
    if validator == "required":
        missing = [p for p in error.validator_value if isinstance(value, dict) and p not in value]
        where = key_range(first) if first is not None else top
        return [
            SchemaIssue(
                where,
                f"missing required property {_quote(_path_name([*path, m]))}",
                prop=first if first is not None else m,
            )
            for m in missing
        ]
    if validator == "dependentRequired" or (validator == "dependencies" and isinstance(error.validator_value, dict)):
        out = []
        for trigger, needed in error.validator_value.items():
            if not isinstance(value, dict) or trigger not in value or not isinstance(needed, list):
                continue
            for name in needed:
                if name not in value:
                    where = key_range(str(trigger)) if not path else key_range(first)
                    out.append(
                        SchemaIssue(
                            where,
                            f"missing required property {_quote(_path_name([*path, name]))} "
                            f"(required with {_quote(str(trigger))})",
                        )
                    )
        if out:
            return out
    if validator in ("additionalProperties", "unevaluatedProperties") and isinstance(value, dict):
        extras = _extra_properties(error)
        if extras:
            if path:
                return [
                    SchemaIssue(key_range(first), f"{_quote(_path_name([*path, e]))} is not an allowed property")
                    for e in extras
                ]
            return [SchemaIssue(key_range(e), f"{_quote(e)} is not an allowed property", prop=e) for e in extras]
    if first is None:
        # The whole frontmatter is wrong (e.g. `type: object` on a list, `minProperties`).
        return [SchemaIssue(top, f"frontmatter {_message(error, None)}")]
    name = _path_name(path)
    if value is None or (_is_empty(value) and validator in _EMPTY_VALIDATORS):
        return [SchemaIssue(key_range(first), f"{_quote(name)} is empty")]
    if (validator is None and error.schema is False) or validator == "not":
        return [SchemaIssue(key_range(first), f"{_quote(name)} is not allowed")]
    return [SchemaIssue(value_range(first), f"{_quote(name)} {_message(error, value)}")]


def _extra_properties(error: Any) -> list[str]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    if error.validator == "additionalProperties":
        declared = schema.get("properties", {}) or {}
        patterns = list((schema.get("patternProperties", {}) or {}).keys())
        extras = []
        for key in value:
            if key in declared:
                continue
            if any(_search(p, key) for p in patterns):
                continue
            extras.append(key)
        return extras
    # unevaluatedProperties: which ones jsonschema names in its message.
    named = re.findall(r"'((?:[^'\\]|\\.)*)'", error.message)
    return [n for n in named if n in value] or []


def _search(pattern: str, text: str) -> bool:
    try:
        return budget.search(pattern, text)
    except re.error:
        return False


def _message(error: Any, value: Any) -> str:
    """The predicate after the property name: `must be a number`, `must be one of ...`."""
    v = error.validator
    expected = error.validator_value
    if v == "type":
        return f"must be {_types_words(expected)}"
    if v == "enum":
        return "must be one of " + ", ".join(_show(e) for e in expected)
    if v == "const":
        return f"must be {_show(expected)}"
    if v == "format":
        return f"must be {_FORMAT_HINTS.get(expected, f'a valid {expected}')}"
    if v == "minimum":
        return f"must be at least {_show(expected)}"
    if v == "maximum":
        return f"must be at most {_show(expected)}"
    if v == "exclusiveMinimum":
        return f"must be greater than {_show(expected)}"
    if v == "exclusiveMaximum":
        return f"must be less than {_show(expected)}"
    if v == "multipleOf":
        return f"must be a multiple of {_show(expected)}"
    if v == "minLength":
        return f"must be at least {expected} character{'s' if expected != 1 else ''} long"
    if v == "maxLength":
        return f"must be at most {expected} character{'s' if expected != 1 else ''} long"
    if v == "pattern":
        return f"must match the pattern {expected}"
    if v == "minItems":
        return f"must have at least {expected} item{'s' if expected != 1 else ''}"
    if v == "maxItems":
        return f"must have at most {expected} item{'s' if expected != 1 else ''}"
    if v == "uniqueItems":
        return "must not list the same item twice"
    if v == "minProperties":
        return f"must have at least {expected} propert{'ies' if expected != 1 else 'y'}"
    if v == "maxProperties":
        return f"must have at most {expected} propert{'ies' if expected != 1 else 'y'}"
    if v in ("anyOf", "oneOf"):
        return _alternatives(error, value)
    if v == "contains":
        return "does not contain a matching item"
    return f"is invalid: {error.message}"


def _alternatives(error: Any, value: Any) -> str:
    """`anyOf`/`oneOf`: when every alternative is a type or enum, say what is allowed
    (`must be text or a list`); otherwise the most relevant alternative's message."""
    context = [e for e in (error.context or []) if list(e.relative_path) == []]
    if error.validator == "oneOf" and not context:
        return "matches more than one of the allowed forms"
    wanted: list[str] = []
    for sub in context:
        if sub.validator == "type":
            wanted.append(_types_words(sub.validator_value))
        elif sub.validator == "enum":
            wanted.append("one of " + ", ".join(_show(e) for e in sub.validator_value))
        elif sub.validator == "const":
            wanted.append(_show(sub.validator_value))
        elif sub.validator == "format":
            wanted.append(_FORMAT_HINTS.get(sub.validator_value, f"a valid {sub.validator_value}"))
        else:
            wanted = []
            break
    if wanted:
        unique = list(dict.fromkeys(wanted))
        return "must be " + (unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " or " + unique[-1])
    try:
        from jsonschema.exceptions import best_match

        best = best_match(error.context or [])
    except Exception:  # noqa: BLE001
        best = None
    if best is not None and best is not error:
        return _message(best, best.instance)
    return f"is invalid: {error.message}"


def _type_issues(vault: Vault, fm: Frontmatter, reported: set[str]) -> list[SchemaIssue]:
    """Checks from `.obsidian/types.json`, for properties no schema already complained about."""
    types = store_for(vault.root).types()
    if types is None or types.error is not None or not types.types:
        return []
    out = []
    for name, value in fm.data.items():
        kind = types.type_of(name)
        if kind is None or name in reported:
            continue
        message = type_problem(name, kind, value)
        if message is None:
            continue
        where = fm.value_ranges.get(name) or fm.key_ranges.get(name) or Range.on_line(fm.start_line, 0, 3)
        out.append(SchemaIssue(where, message, prop=name))
    return out


# --------------------------------------------------------------------------- what schemas say


@dataclass
class PropertyInfo:
    """What the applying schemas and types.json say about one property (completion, hover)."""

    name: str
    title: str | None = None
    description: str | None = None
    types: list[str] = field(default_factory=list)
    format: str | None = None
    enum: list[Any] = field(default_factory=list)
    item_enum: list[Any] = field(default_factory=list)  # allowed items of a list property
    item_types: list[str] = field(default_factory=list)
    required: bool = False
    deprecated: bool = False
    obsidian_type: str | None = None
    sources: list[str] = field(default_factory=list)

    @property
    def booleans(self) -> bool:
        return "boolean" in self.types or self.obsidian_type == "checkbox"

    def summary_type(self) -> str | None:
        parts = []
        if self.types:
            shown = [t for t in self.types]
            if "array" in shown and self.item_types:
                shown = [f"array of {'/'.join(self.item_types)}" if t == "array" else t for t in shown]
            parts.append(" | ".join(shown) + (f" ({self.format})" if self.format else ""))
        elif self.format:
            parts.append(f"({self.format})")
        if self.obsidian_type:
            parts.append(f"Obsidian: {self.obsidian_type}")
        return ", ".join(parts) or None


def properties(vault: Vault, note: Note) -> dict[str, PropertyInfo]:
    """Every property the applying schemas declare (and types.json types), with what they say
    about it; the schemas' order is kept, the first title/description wins."""
    out: dict[str, PropertyInfo] = {}
    schemas, _ = applicable(vault, note)
    for _applied, compiled in schemas:
        if not isinstance(compiled, Compiled):
            continue
        try:
            # A schema of wide `anyOf`s reached again and again through `$ref`s would take
            # forever to read: completion and hover get what it yields within the budget.
            with budget.within(store_for(vault.root).note_budget):
                _collect(compiled.contents, compiled.resolver(), out, compiled.path, required_context=True, depth=0)
        except Exception:  # noqa: BLE001 - completion must not fail on an odd schema (nor a slow one)
            log.info("reading properties of %s failed", compiled.path, exc_info=True)
    if vault.settings.obsidian_types:
        types = store_for(vault.root).types()
        if types is not None and types.error is None:
            folded = {name.casefold(): name for name in out}
            for name in types.types:
                kind = types.type_of(name)
                if kind is None:
                    continue
                info = (
                    out.get(name)
                    or out.get(folded.get(name.casefold(), ""))
                    or out.setdefault(name, PropertyInfo(name))
                )
                info.obsidian_type = kind
    return out


def _deref(node: Any, resolver: Any, depth: int) -> tuple[Any, Any]:
    """Follow `$ref`s (with sibling keywords merged over the target)."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 16:
        budget.check()
        resolved = resolver.lookup(node["$ref"])
        merged = dict(resolved.contents) if isinstance(resolved.contents, dict) else {}
        merged.update({k: v for k, v in node.items() if k != "$ref"})
        node, resolver = merged, resolved.resolver
        depth += 1
    return node, resolver


def _collect(
    node: Any, resolver: Any, out: dict[str, PropertyInfo], source: str, *, required_context: bool, depth: int
) -> None:
    if depth > 12 or not isinstance(node, dict):
        return
    budget.check()
    node, resolver = _deref(node, resolver, depth)
    if not isinstance(node, dict):
        return
    props = node.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            info = out.get(name) or out.setdefault(name, PropertyInfo(name))
            if source not in info.sources:
                info.sources.append(source)
            try:
                _describe(info, sub, resolver, depth + 1)
            except budget.TimedOut:
                raise
            except Exception:  # noqa: BLE001 - an unresolvable `$ref` inside one property
                log.debug("describing %s failed", name, exc_info=True)
    if required_context and isinstance(node.get("required"), list):
        for name in node["required"]:
            if isinstance(name, str):
                out.get(name) or out.setdefault(name, PropertyInfo(name))
                out[name].required = True
                if source not in out[name].sources:
                    out[name].sources.append(source)
    for key in ("allOf",):
        for sub in node.get(key) or []:
            _collect(sub, resolver, out, source, required_context=required_context, depth=depth + 1)
    for key in ("anyOf", "oneOf"):
        for sub in node.get(key) or []:
            _collect(sub, resolver, out, source, required_context=False, depth=depth + 1)
    for key in ("then", "else"):
        if isinstance(node.get(key), dict):
            _collect(node[key], resolver, out, source, required_context=False, depth=depth + 1)


def _describe(info: PropertyInfo, node: Any, resolver: Any, depth: int) -> None:
    budget.check()
    node, resolver = _deref(node, resolver, depth)
    if not isinstance(node, dict):
        return
    if info.title is None and isinstance(node.get("title"), str):
        info.title = node["title"]
    if info.description is None and isinstance(node.get("description"), str):
        info.description = node["description"]
    if node.get("deprecated") is True:
        info.deprecated = True
    types = node.get("type")
    for t in [types] if isinstance(types, str) else (types or []):
        if isinstance(t, str) and t not in info.types:
            info.types.append(t)
    if info.format is None and isinstance(node.get("format"), str):
        info.format = node["format"]
    if isinstance(node.get("enum"), list):
        info.enum.extend(e for e in node["enum"] if e not in info.enum)
    if "const" in node and node["const"] not in info.enum:
        info.enum.append(node["const"])
    items = node.get("items")
    if isinstance(items, dict):
        items, _ = _deref(items, resolver, depth + 1)
        if isinstance(items, dict):
            if isinstance(items.get("enum"), list):
                info.item_enum.extend(e for e in items["enum"] if e not in info.item_enum)
            item_type = items.get("type")
            for t in [item_type] if isinstance(item_type, str) else (item_type or []):
                if isinstance(t, str) and t not in info.item_types:
                    info.item_types.append(t)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key) or []:
            if depth < 12:
                _describe(info, sub, resolver, depth + 1)
