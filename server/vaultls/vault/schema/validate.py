"""Checking a note's frontmatter: which schemas apply to it, and what they (and Obsidian's
property types) say is wrong with it.

Configuration (`[frontmatter]` in `.vaultls.toml`, see settings.py): `schema` applies to every
note, each `[[frontmatter.rules]]` whose `glob` matches the note's path applies too, and a note
may name one more with a `$schema:` property (a path relative to the note's folder, else to the
vault root). The schemas come from the vault's `SchemaStore` (`Vault.schemas`), compiled once.

Problems come back as `SchemaIssue`s with a model range; check.py turns them into `Problem`s
with the code `frontmatter-schema`. One note's schema checks run within the store's note budget
(budget.py): a schema past it is one problem, and the note's other checks still happen.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultls.vault.model import Frontmatter, Range
from vaultls.vault.schema import budget
from vaultls.vault.schema.compile import Broken, Compiled
from vaultls.vault.schema.messages import SchemaIssue, issues_for, quote, seconds
from vaultls.vault.schema.obsidian_types import to_json, type_problem
from vaultls.vault.schema.store import Applied, SchemaStore, rule_origin

if TYPE_CHECKING:  # pragma: no cover
    from vaultls.vault.index import Note, Vault
    from vaultls.vault.settings import Settings

log = logging.getLogger(__name__)

SCHEMA_KEY = "$schema"
MAX_ERRORS_PER_SCHEMA = 50
NO_JSONSCHEMA = (
    "frontmatter schemas are configured, but the Python package `jsonschema` is not installed "
    "where this vaultls runs (`pip install jsonschema`); schemas are not checked"
)


@dataclass(frozen=True)
class ConfigProblem:
    """A configured schema (or `.obsidian/types.json`) that cannot be used. `fatal` ones make
    `vaultls check` stop with exit status 2."""

    message: str
    fatal: bool = True


@functools.cache
def jsonschema_available() -> bool:
    """Whether `jsonschema` can be imported. A server bundled without it (the VS Code
    extension's, which must run on any Python) still checks `.obsidian/types.json`; it says
    once that schemas are off instead of putting an error on every note."""
    try:
        import jsonschema  # noqa: F401
        import referencing  # noqa: F401
    except ImportError:
        return False
    return True


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
    store = vault.schemas
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
        origin = rule_origin(number, globs.patterns)
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
        vault.schemas.refresh()  # `applicable` does it when schemas are configured
    schemas, named_range = applicable(vault, note)
    top = _top_range(fm)
    if schemas:
        issues.extend(_validate(vault.schemas, note, fm, schemas, named_range, top))
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
    (see budget.py)."""
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
                        found.extend(issues_for(error, fm, top))
                    except budget.TimedOut:
                        raise
                    except Exception:  # noqa: BLE001 - an odd error: jsonschema's own words will do
                        log.info("describing a schema error failed", exc_info=True)
                        found.append(SchemaIssue(top, str(getattr(error, "message", error))))
                budget.check()
                store.spent(compiled.file, time.monotonic() - started, budget.FREE_NOTE_SECONDS)
            except budget.TimedOut:
                log.info(
                    "checking %s with %s took longer than %s", note.path, compiled.path, seconds(store.note_budget)
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


def _named(applied: Applied, path: str) -> str:
    """A schema as the messages name it: with the setting or property that applies it."""
    if applied.origin == SCHEMA_KEY:
        return f"schema {quote(path)} named by {SCHEMA_KEY}"
    return f"schema {quote(path)} (setting {applied.origin})"


def _timeout_message(applied: Applied, store: SchemaStore, skipped: list[str]) -> str:
    also = ""
    if skipped:
        also = " (nor with " + ", ".join(quote(p) for p in skipped) + ")"
    return (
        f"{_named(applied, applied.path)} took longer than {seconds(store.note_budget)} to check this note; "
        f"not checked{also}"
    )


def broken_message(applied: Applied, broken: Broken) -> str:
    """Why a schema cannot be used, naming the setting or property that applies it."""
    if applied.origin == SCHEMA_KEY:
        return f"schema {quote(broken.path)} named by {SCHEMA_KEY} cannot be used: {broken.reason}"
    return f"schema {quote(broken.path)} (setting {applied.origin}) cannot be used: {broken.reason}"


def configuration_problems(store: SchemaStore, settings: Settings) -> list[ConfigProblem]:
    """The configured schemas (and `.obsidian/types.json`, and the files naming template
    folders) that cannot be used, one message each, naming the setting; for `vaultls check`
    (exit 2) and the server (a message)."""
    store.refresh(force=True)
    problems: list[ConfigProblem] = []
    # Asked only when schemas are configured: importing jsonschema is a noticeable part of a start.
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
    if not settings.templates_check:
        problems += [ConfigProblem(message, fatal=False) for message in store.templates().problems]
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


def _type_issues(vault: Vault, fm: Frontmatter, reported: set[str]) -> list[SchemaIssue]:
    """Checks from `.obsidian/types.json`, for properties no schema already complained about."""
    types = vault.schemas.types()
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
