"""A JSON Schema of `.vaultls.toml`, made from the settings' definition, so that TOML editors
(Taplo, Even Better TOML) complete and check the file. docs/vaultls.schema.json is this
schema, written by `python scripts/settings_schema.py`; a test keeps the two equal, and
every setting (`settings.SETTING_KEYS`) described here.
"""

from __future__ import annotations

import json
from typing import Any

from vaultls.vault.problems import CODES
from vaultls.vault.settings import PASSTHROUGH_SECTIONS, SCOPES, SETTING_KEYS, SEVERITIES

SCHEMA_ID = "https://github.com/vaultls/vaultls/blob/main/docs/vaultls.schema.json"

_SEVERITY = {"enum": list(SEVERITIES)}
_GLOBS = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
_RULE = {
    "type": "object",
    "properties": {
        "glob": {**_GLOBS, "description": "Notes the schema applies to (glob patterns of vault paths)."},
        "schema": {"type": "string", "description": "The JSON Schema file, relative to the vault root."},
    },
    "required": ["glob", "schema"],
    "additionalProperties": False,
}

# Each setting: its value's schema, default and what it does.
DESCRIBED: dict[str, dict[str, Any]] = {
    "diagnostics.dangling_links": {
        **_SEVERITY,
        "default": "warning",
        "description": "Severity of links to notes or files that are not in the vault (dangling-link).",
    },
    "diagnostics.scope": {
        "enum": list(SCOPES),
        "default": "open",
        "description": "Which notes' problems editors get: open notes, or every note of the workspace.",
    },
    "diagnostics.severity": {
        "type": "object",
        "propertyNames": {"enum": list(CODES)},
        "additionalProperties": _SEVERITY,
        "default": {},
        "description": "Severity of each diagnostic code, or off, applied after every other setting.",
    },
    "links.resolve_aliases": {
        "type": "boolean",
        "default": False,
        "description": "Let [[Alias]] resolve to the note that lists it in aliases (Obsidian does not).",
    },
    "exclude": {**_GLOBS, "default": [], "description": "Glob patterns of vault paths not to index."},
    "gitignore": {
        "type": "boolean",
        "default": True,
        "description": "Leave out what the vault's .gitignore files ignore.",
    },
    "frontmatter.schema": {
        "type": "string",
        "description": "A JSON Schema file (relative to the vault root) every note's frontmatter must match.",
    },
    "frontmatter.rules": {
        "anyOf": [_RULE, {"type": "array", "items": _RULE}],
        "default": [],
        "description": "More schemas, each for the notes its glob matches; every matching rule applies.",
    },
    "frontmatter.severity": {
        **_SEVERITY,
        "default": "warning",
        "description": "Severity of frontmatter-schema problems; off turns schema checks off.",
    },
    "frontmatter.obsidian_types": {
        "type": "boolean",
        "default": True,
        "description": "Check properties against the types in .obsidian/types.json.",
    },
    "rename.update_title_heading": {
        "type": "boolean",
        "default": False,
        "description": "Renaming a note also renames its title heading (Obsidian does not).",
    },
    "templates.check": {
        "type": "boolean",
        "default": False,
        "description": "Check the notes in the vault's template folders like any other.",
    },
}


def settings_schema() -> dict[str, Any]:
    """The schema: one table per section, each setting under its snake_case name (the
    camelCase spelling editors use is accepted by vaultls too, and described alike)."""
    root: dict[str, Any] = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": ".vaultls.toml",
        "description": "Settings of a vaultls vault (https://github.com/vaultls/vaultls#settings).",
        "type": "object",
        "properties": {},
        "additionalProperties": False,
    }
    for key in SETTING_KEYS:
        table = root
        *sections, name = key.split(".")
        for section in sections:
            table = table["properties"].setdefault(
                section, {"type": "object", "properties": {}, "additionalProperties": False}
            )
        described = DESCRIBED[key]
        table["properties"][name] = described
        camel = _camel(name)
        if camel != name:
            table["properties"][camel] = {**described, "description": f"Same as `{name}`."}
    for section in PASSTHROUGH_SECTIONS:
        root["properties"][section] = {"description": "An editor's setting, accepted here and not read from this file."}
    return root


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def schema_text() -> str:
    return json.dumps(settings_schema(), indent=2, ensure_ascii=False) + "\n"
