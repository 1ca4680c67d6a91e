"""jsonschema's validator classes, guarded: they stop at the deadline and run no `re`.

The classes are jsonschema's, extended (`jsonschema.validators.extend`) so that every keyword
looks at the clock before it runs and raises `TimedOut` past the deadline (budget.py); the
keywords that run regular expressions (`pattern`, `patternProperties`, `additionalProperties`,
`unevaluatedProperties`) and `uniqueItems` (quadratic in jsonschema) are replaced by
equivalents with the same messages, which messages.py turns into the user's words.

jsonschema picks a new validator class wherever a subschema has a `$schema`, which would leave
the extended class (and its deadline) behind: the documents a validator sees are copies without
`$schema` (`strip_dialect`; compile.py gives their resources the dialect they named),
meta-schemas included (`meta_resources`). A document that names another draft than the schema
using it is therefore checked with the first schema's draft.

jsonschema is imported where it is used: a server without it still checks
`.obsidian/types.json`, and a vault without schemas never pays for importing it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from vaultls.vault.schema import bounded_regex
from vaultls.vault.schema.budget import check, on_time, search

_VALUES = ("enum", "const", "examples", "default")  # keywords whose values are not schemas


@functools.cache
def timed(validator_class: Any) -> type:
    """`validator_class` extended so that validating stops at the deadline and runs no
    regular expression through `re` (one class per draft, made once)."""
    import jsonschema.validators

    keywords = dict(validator_class.VALIDATORS)
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
    # types-jsonschema leaves `extend` unannotated.
    extended: type = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        validator_class, {name: on_time(function) for name, function in keywords.items()}
    )
    return extended


def format_checker(base: Any) -> Any:
    """A copy of the format checker `base` whose `regex` is `re`'s syntax, checked without
    compiling (compiling expands counted repeats, which can take long)."""
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
        out[key] = value if key in _VALUES else strip_dialect(value)
    return out


@functools.cache
def meta_resources() -> list[tuple[str, Any]]:
    """jsonschema's meta-schemas as (URI, `referencing.Resource`), without `$schema`: a
    validator's registry holds them so that a `$dynamicRef` into one keeps the deadline."""
    import referencing.jsonschema
    from jsonschema_specifications import REGISTRY  # type: ignore[import-untyped]

    resources = []
    for uri in REGISTRY:
        contents = REGISTRY[uri].contents
        dialect = contents.get("$schema") if isinstance(contents, dict) else None
        specification = referencing.jsonschema.specification_with(
            dialect or "", default=referencing.jsonschema.DRAFT202012
        )
        resources.append((uri, specification.create_resource(strip_dialect(contents))))
    return resources


@functools.cache
def _meta_validator(validator_class: Any) -> Any:
    """The guarded validator of `validator_class`'s meta-schema (made once per draft)."""
    import jsonschema.validators
    import referencing

    meta_schema = validator_class.META_SCHEMA
    meta_class: Any = jsonschema.validators.validator_for(meta_schema, default=validator_class)
    registry: Any = referencing.Registry().with_resources(meta_resources())
    return timed(meta_class)(
        strip_dialect(meta_schema),
        registry=registry,
        format_checker=format_checker(meta_class.FORMAT_CHECKER),
    )


def check_schema(validator_class: Any, schema: Any) -> None:
    """`validator_class.check_schema(schema)` under the current deadline: raises
    `jsonschema.SchemaError` for the first problem, `TimedOut` past the deadline."""
    import jsonschema.exceptions

    for error in _meta_validator(validator_class).iter_errors(schema):
        raise jsonschema.exceptions.SchemaError.create_from(error)


# --------------------------------------------------------------------------- keywords
# jsonschema's own (4.18+), with `search` for `re.search` and the same messages.


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


def _additional_keys(instance: Any, schema: Any) -> Iterator[str]:
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

    extras = set(_additional_keys(instance, schema))
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
    # A set of canonical forms: linear, where jsonschema compares every pair.
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

    # The `referencing` resolver in force at this point of the validation: jsonschema has no
    # public way to it (`Validator.resolver` is the deprecated `RefResolver`), and its own
    # `find_evaluated_property_keys_by_schema` reads (and `evolve`s) `_resolver` the same way.
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
