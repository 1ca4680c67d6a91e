"""Limits on what a frontmatter schema can cost: a schema may come from a stranger (a pull
request that CI checks with `vaultls check`, where any note can name one with `$schema:`),
and must not be able to hang vaultls or exhaust its memory.

- Reading: a schema file is at most `contained.MAX_CONFIG_BYTES`; its YAML is refused when its
  aliases expand to more than `MAX_SCHEMA_VALUES` values (the frontmatter's limit; a 1 KB
  "billion laughs" would otherwise be gigabytes), counted on the parser's events before any
  node is made, so refusing takes no memory; a schema (YAML or JSON) nested deeper than
  `MAX_SCHEMA_DEPTH` or with more than `MAX_SCHEMA_VALUES` values is refused too.
- Regular expressions (`pattern`, `patternProperties`, `format: regex`) are matched by
  `bounded_regex`, never by `re`, whose backtracking cannot be stopped.
- Time: validation runs under a deadline (`within`). The validator classes are jsonschema's,
  extended (`jsonschema.validators.extend`) so that every keyword looks at the clock before it
  runs and raises `TimedOut` past the deadline; the keywords that run regular expressions
  (`pattern`, `patternProperties`, `additionalProperties`, `unevaluatedProperties`) and
  `uniqueItems` (quadratic in jsonschema) are replaced by equivalents with the same messages.
  Loading a schema (checking it against its meta-schema, following its `$ref`s) has its own
  deadline, `COMPILE_BUDGET`.
- jsonschema picks a new validator class wherever a subschema has a `$schema`, which would
  leave the extended class (and its deadline) behind: the documents a validator sees are
  copies without `$schema` (`strip_dialect`; schema.py gives their resources the dialect they
  named), meta-schemas included (`meta_resources`). A document that names another draft than
  the schema using it is therefore checked with the first schema's draft.

How schema.py spends the budgets (see `check_frontmatter` and `SchemaStore`):
- One note's schema checks (every schema applying to it) get `NOTE_BUDGET` seconds. A note
  whose checks run past it gets one problem, "schema X took longer than 0.5 s to check this
  note; not checked", and every other check of the note still happens.
- A schema that timed out on `SLOW_STRIKES` notes is slow: for the rest of the run (until one
  of the schema files changes) it is not run again, and each note it applies to gets one
  problem saying so, at no cost. So is a schema that stays just under the budget: the time a
  note's check takes beyond `FREE_NOTE_SECONDS` is counted, and a schema with `SLOW_STRIKES` x
  `NOTE_BUDGET` such seconds is slow too.
- After `MAX_TIMEOUTS` timeouts in one vault (loading or checking, any schemas), or
  `MAX_EXCESS_SECONDS` counted seconds (loading counts beyond `FREE_LOAD_SECONDS`), schemas
  are not run or loaded any more in that run: a vault whose every note names a different slow
  schema still costs at most about `MAX_TIMEOUTS` x `COMPILE_BUDGET` seconds in all.
So a 10,000-note vault with hostile schemas finishes in bounded time: about `MAX_EXCESS_SECONDS`
plus `FREE_NOTE_SECONDS` per note and schema at worst (under a minute), and no single note's
check stalls the caller for more than `COMPILE_BUDGET` per schema loaded for it plus
`NOTE_BUDGET`. Real schemas check a note in well under a millisecond and never get near these.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml

from vaultls.vault import bounded_regex
from vaultls.vault.parse import MAX_FRONTMATTER_VALUES

NOTE_BUDGET = 0.5  # seconds for all the schema checks of one note
COMPILE_BUDGET = 1.0  # seconds to load one schema: meta-schema check, `$ref`s, patterns
SLOW_STRIKES = 3  # notes a schema may time out on before it is not run any more
MAX_TIMEOUTS = 10  # timeouts in one vault before no schema is run any more
# What checking one note with a schema, or loading one, should cost at most: real schemas take
# well under a millisecond per note and a few milliseconds to load. Time beyond it is counted.
FREE_NOTE_SECONDS = 0.005
FREE_LOAD_SECONDS = 0.2
MAX_EXCESS_SECONDS = 10.0  # counted seconds in one vault before no schema is run any more
MAX_SCHEMA_VALUES = MAX_FRONTMATTER_VALUES
MAX_SCHEMA_DEPTH = 100

TimedOut = bounded_regex.Timeout


class Unusable(Exception):
    """A schema document vaultls will not use; the message says why."""


# --------------------------------------------------------------------------- deadline


class _Deadline(threading.local):
    at = math.inf


_deadline = _Deadline()
_monotonic = time.monotonic


@contextmanager
def within(seconds: float) -> Iterator[float]:
    """Run the block under a deadline `seconds` from now (this thread only); yields it."""
    previous = _deadline.at
    _deadline.at = at = _monotonic() + seconds
    try:
        yield at
    finally:
        _deadline.at = previous


def check() -> None:
    """Raise `TimedOut` when the current deadline has passed."""
    if _monotonic() > _deadline.at:
        raise TimedOut()


def _regex_deadline() -> float:
    at = _deadline.at
    return at if at != math.inf else _monotonic() + NOTE_BUDGET


def search(pattern: str, text: str) -> bool:
    """`re.search(pattern, text) is not None`, in bounded time (`TimedOut` past the deadline,
    or `NOTE_BUDGET` from now without one)."""
    return bounded_regex.search(pattern, text, _regex_deadline())


def precompile(pattern: str) -> None:
    bounded_regex.compile_pattern(pattern, _regex_deadline())


# --------------------------------------------------------------------------- documents


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


# --------------------------------------------------------------------------- validators


_TIMED: dict[type, type] = {}
_TIMED_LOCK = threading.Lock()


def timed(validator_class: type) -> type:
    """`validator_class` extended so that validating stops at the deadline and runs no
    regular expression through `re` (one class per draft, made once)."""
    with _TIMED_LOCK:
        found = _TIMED.get(validator_class)
        if found is None:
            import jsonschema.validators

            keywords = dict(validator_class.VALIDATORS)  # type: ignore[attr-defined]
            draft2019 = "$recursiveRef" in keywords
            replaced = {
                "pattern": _pattern,
                "patternProperties": _pattern_properties,
                "additionalProperties": _additional_properties,
                "uniqueItems": _unique_items,
                "unevaluatedProperties": _unevaluated_properties_2019 if draft2019 else _unevaluated_properties,
            }
            for name, function in replaced.items():
                if name in keywords:
                    keywords[name] = function
            found = jsonschema.validators.extend(
                validator_class, {name: _on_time(function) for name, function in keywords.items()}
            )
            _TIMED[validator_class] = found
        return found


def _on_time(function: Any) -> Any:
    def keyword(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        if _monotonic() > _deadline.at:
            raise TimedOut()
        return function(validator, value, instance, schema)

    keyword.__name__ = getattr(function, "__name__", "keyword")
    return keyword


def format_checker(base: Any) -> Any:
    """A copy of the format checker `base` whose `regex` is `re`'s syntax, checked without
    compiling (compiling some expressions takes seconds)."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checkers.update(base.checkers)
    checker.checks("regex")(bounded_regex.is_valid)
    return checker


def strip_dialect(document: Any) -> Any:
    """A copy of a schema document without its `$schema`s (not inside `enum`, `const`,
    `examples` or `default`, which are values, not schemas)."""
    if isinstance(document, list):
        return [strip_dialect(item) for item in document]
    if not isinstance(document, dict):
        return document
    out = {}
    for key, value in document.items():
        if key == "$schema" and isinstance(value, str):
            continue
        out[key] = value if key in ("enum", "const", "examples", "default") else strip_dialect(value)
    return out


_META: list[tuple[str, Any]] | None = None
_META_LOCK = threading.Lock()


def meta_resources() -> list[tuple[str, Any]]:
    """jsonschema's meta-schemas as (URI, `referencing.Resource`), without `$schema`: a
    validator's registry holds them so that a `$dynamicRef` into one keeps the deadline."""
    global _META
    with _META_LOCK:
        if _META is None:
            import referencing.jsonschema
            from jsonschema_specifications import REGISTRY

            resources = []
            for uri in REGISTRY:
                contents = REGISTRY[uri].contents
                dialect = contents.get("$schema") if isinstance(contents, dict) else None
                specification = referencing.jsonschema.specification_with(
                    dialect or "", default=referencing.jsonschema.DRAFT202012
                )
                resources.append((uri, specification.create_resource(strip_dialect(contents))))
            _META = resources
        return _META


_META_VALIDATORS: dict[type, Any] = {}


def check_schema(validator_class: type, schema: Any) -> None:
    """`validator_class.check_schema(schema)` under the current deadline: raises
    `jsonschema.SchemaError` for the first problem, `TimedOut` past the deadline."""
    import jsonschema
    import referencing

    validator = _META_VALIDATORS.get(validator_class)
    if validator is None:
        meta_class = jsonschema.validators.validator_for(
            validator_class.META_SCHEMA,  # type: ignore[attr-defined]
            default=validator_class,
        )
        registry = referencing.Registry().with_resources(meta_resources())
        validator = timed(meta_class)(
            strip_dialect(validator_class.META_SCHEMA),  # type: ignore[attr-defined]
            registry=registry,
            format_checker=format_checker(meta_class.FORMAT_CHECKER),
        )
        _META_VALIDATORS[validator_class] = validator
    for error in validator.iter_errors(schema):
        raise jsonschema.exceptions.SchemaError.create_from(error)


# The keywords below are jsonschema's (4.18+), with `search` for `re.search` and the same
# messages, which schema.py turns into its own words.


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not search(pattern, instance):
        from jsonschema.exceptions import ValidationError

        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if search(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def additional_properties(instance: Any, schema: Any) -> Iterator[str]:
    """The properties of `instance` that neither `properties` nor `patternProperties` of
    `schema` name."""
    properties = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    for key in instance:
        if key not in properties and not any(search(pattern, key) for pattern in patterns):
            yield key


def _additional_properties(validator: Any, additional: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    from jsonschema.exceptions import ValidationError

    extras = set(additional_properties(instance, schema))
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        if "patternProperties" in schema:
            verb = "does" if len(extras) == 1 else "do"
            joined = ", ".join(repr(each) for each in sorted(extras))
            patterns = ", ".join(repr(each) for each in sorted(schema["patternProperties"]))
            yield ValidationError(f"{joined} {verb} not match any of the regexes: {patterns}")
        else:
            yield ValidationError(
                "Additional properties are not allowed ({} {} unexpected)".format(*_extras_msg(sorted(extras, key=str)))
            )


def _extras_msg(extras: list[Any]) -> tuple[str, str]:
    verb = "was" if len(extras) == 1 else "were"
    return ", ".join(repr(extra) for extra in extras), verb


def _canonical(value: Any) -> Any:
    """A hashable form of a JSON value, equal for values jsonschema calls equal (1 and 1.0,
    but not 1 and true; mappings whatever their order)."""
    if value is True or value is False:
        return ("bool", value)
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, dict):
        return ("object", frozenset((key, _canonical(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return ("array", tuple(_canonical(item) for item in value))
    if value is None:
        return ("null",)
    try:
        hash(value)
    except TypeError:
        return ("other", repr(value))
    return ("value", value)


def _unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if unique and validator.is_type(instance, "array"):
        seen = set()
        for item in instance:
            key = _canonical(item)
            if key in seen:
                from jsonschema.exceptions import ValidationError

                yield ValidationError(f"{instance!r} has non-unique elements")
                return
            seen.add(key)


def _unevaluated_properties(validator: Any, unevaluated: Any, instance: Any, schema: Any) -> Iterator[Any]:
    yield from _unevaluated(validator, unevaluated, instance, schema, draft2019=False)


def _unevaluated_properties_2019(validator: Any, unevaluated: Any, instance: Any, schema: Any) -> Iterator[Any]:
    yield from _unevaluated(validator, unevaluated, instance, schema, draft2019=True)


def _unevaluated(validator: Any, unevaluated: Any, instance: Any, schema: Any, draft2019: bool) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    from jsonschema.exceptions import ValidationError

    evaluated = _evaluated_keys(validator, instance, schema, draft2019)
    unevaluated_keys = []
    for key in instance:
        if key not in evaluated:
            for _ in validator.descend(instance[key], unevaluated, path=key, schema_path=key):
                unevaluated_keys.append(key)
    if unevaluated_keys:
        if unevaluated is False:
            yield ValidationError(
                "Unevaluated properties are not allowed ({} {} unexpected)".format(
                    *_extras_msg(sorted(unevaluated_keys, key=str))
                )
            )
        else:
            yield ValidationError(
                "Unevaluated properties are not valid under the given schema ({} {} unevaluated and invalid)".format(
                    *_extras_msg(unevaluated_keys)
                )
            )


def _is_valid(errors: Iterator[Any]) -> bool:
    return next(errors, None) is None


def _evaluated_keys(validator: Any, instance: Any, schema: Any, draft2019: bool) -> list[Any]:
    """The properties of `instance` that `schema` evaluates (jsonschema's
    `find_evaluated_property_keys_by_schema`, with the deadline and `search`)."""
    check()
    if validator.is_type(schema, "boolean"):
        return []
    keys: list[Any] = []

    def follow(resolved: Any) -> None:
        keys.extend(
            _evaluated_keys(
                validator.evolve(schema=resolved.contents, _resolver=resolved.resolver),
                instance,
                resolved.contents,
                draft2019,
            )
        )

    # The resolver in force here is private to jsonschema (its own helper reads it the same way).
    resolver = validator._resolver  # noqa: SLF001
    ref = schema.get("$ref")
    if ref is not None:
        follow(resolver.lookup(ref))
    if draft2019:
        if "$recursiveRef" in schema:
            from referencing.jsonschema import lookup_recursive_ref

            follow(lookup_recursive_ref(resolver))
        for keyword in ("properties", "additionalProperties", "unevaluatedProperties"):
            if keyword in schema:
                value = schema[keyword]
                if validator.is_type(value, "boolean") and value:
                    keys += instance.keys()
                elif validator.is_type(value, "object"):
                    keys += [key for key in value if key in instance]
    else:
        dynamic = schema.get("$dynamicRef")
        if dynamic is not None:
            follow(resolver.lookup(dynamic))
        properties = schema.get("properties")
        if validator.is_type(properties, "object"):
            keys += properties.keys() & instance.keys()
        for keyword in ("additionalProperties", "unevaluatedProperties"):
            subschema = schema.get(keyword)
            if subschema is None:
                continue
            keys += [key for key, value in instance.items() if _is_valid(validator.descend(value, subschema))]
    if "patternProperties" in schema:
        for key in instance:
            for pattern in schema["patternProperties"]:
                if search(pattern, key):
                    keys.append(key)
    if "dependentSchemas" in schema:
        for key, subschema in schema["dependentSchemas"].items():
            if key in instance:
                keys += _evaluated_keys(validator, instance, subschema, draft2019)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for subschema in schema.get(keyword, []):
            if _is_valid(validator.descend(instance, subschema)):
                keys += _evaluated_keys(validator, instance, subschema, draft2019)
    if "if" in schema:
        if validator.evolve(schema=schema["if"]).is_valid(instance):
            keys += _evaluated_keys(validator, instance, schema["if"], draft2019)
            if "then" in schema:
                keys += _evaluated_keys(validator, instance, schema["then"], draft2019)
        elif "else" in schema:
            keys += _evaluated_keys(validator, instance, schema["else"], draft2019)
    return keys
