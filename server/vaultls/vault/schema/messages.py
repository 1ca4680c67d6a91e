"""A jsonschema error in the user's words, at the right place in the note.

jsonschema's messages are written for programmers (`'x' is not of type 'integer'`) and point
at the instance by a path. A note's author wants `"pages" must be a whole number`, underlined
on the value that is wrong (or on the key, for a missing or unexpected property; on the
opening `---` for the frontmatter as a whole). `issues_for` does that for one error; the
helpers (`quote`, `json_type`, `seconds`) give the other modules the same words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from vaultls.vault.model import Frontmatter, Range
from vaultls.vault.plural import counted
from vaultls.vault.schema import budget
from vaultls.vault.schema.obsidian_types import DATE_HINT, DATETIME_HINT

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


@dataclass(frozen=True)
class SchemaIssue:
    """One problem found by the schema checks. `broken` marks a schema that cannot be used at
    all (missing, unreadable, invalid): always an error, whatever the configured severity."""

    range: Range
    message: str
    broken: bool = False
    prop: str | None = field(default=None, compare=False)  # the top-level property concerned


# --------------------------------------------------------------------------- words


def seconds(value: float) -> str:
    """A duration as the messages show it: `0.5 s`."""
    return f"{value:g} s"


def quote(text: str) -> str:
    """A name or path as the messages show it: in double quotes, escaped as in JSON."""
    return json.dumps(text, ensure_ascii=False)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def json_type(value: Any) -> str:
    """What kind of JSON value `value` is, with its article: `a list`."""
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
    words: list[str] = [_TYPE_WORDS.get(t, t) for t in types if t != "null"]
    if "null" in types:
        words.append("empty")
    if not words:
        return "empty"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


# --------------------------------------------------------------------------- errors


def issues_for(error: Any, fm: Frontmatter | None, top: Range) -> list[SchemaIssue]:
    """One jsonschema error as the messages a person understands, at the right ranges; `top`
    is where a problem of the whole frontmatter goes."""
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
                f"missing required property {quote(_path_name([*path, m]))}",
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
                    where = key_range(str(trigger)) if first is None else key_range(first)
                    out.append(
                        SchemaIssue(
                            where,
                            f"missing required property {quote(_path_name([*path, name]))} "
                            f"(required with {quote(str(trigger))})",
                        )
                    )
        if out:
            return out
    if validator in ("additionalProperties", "unevaluatedProperties") and isinstance(value, dict):
        extras = _extra_properties(error)
        if extras:
            if first is not None:
                return [
                    SchemaIssue(key_range(first), f"{quote(_path_name([*path, e]))} is not an allowed property")
                    for e in extras
                ]
            return [SchemaIssue(key_range(e), f"{quote(e)} is not an allowed property", prop=e) for e in extras]
    if first is None:
        # The whole frontmatter is wrong (e.g. `type: object` on a list, `minProperties`).
        return [SchemaIssue(top, f"frontmatter {_message(error, None)}")]
    name = _path_name(path)
    if value is None or (_is_empty(value) and validator in _EMPTY_VALIDATORS):
        return [SchemaIssue(key_range(first), f"{quote(name)} is empty")]
    if (validator is None and error.schema is False) or validator == "not":
        return [SchemaIssue(key_range(first), f"{quote(name)} is not allowed")]
    return [SchemaIssue(value_range(first), f"{quote(name)} {_message(error, value)}")]


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
        return f"must be at least {counted(expected, 'character')} long"
    if v == "maxLength":
        return f"must be at most {counted(expected, 'character')} long"
    if v == "pattern":
        return f"must match the pattern {expected}"
    if v == "minItems":
        return f"must have at least {counted(expected, 'item')}"
    if v == "maxItems":
        return f"must have at most {counted(expected, 'item')}"
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
