"""One typed settings object, built from layers.

Lowest to highest: defaults, `.vaultls.toml` at the vault root, the client's
`initializationOptions`, its `workspace/configuration` (section `vaultls`). Every layer is a
nested mapping; keys may be written snake_case (TOML style) or camelCase (VS Code style), so
`links.resolve_aliases` and `links.resolveAliases` are the same setting. A bad value or an
unknown key is reported (one message per problem) and the lower layer's value is kept, so a
typo never stops the server.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vaultls.vault.contained import NotReadable, read_contained
from vaultls.vault.globs import GlobSet
from vaultls.vault.problems import CODES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

CONFIG_FILE = ".vaultls.toml"
SEVERITIES = ("error", "warning", "information", "hint", "off")
SCOPES = ("open", "workspace")


@dataclass(frozen=True)
class Settings:
    dangling_links: str = "warning"  # a name from SEVERITIES
    resolve_aliases: bool = False
    exclude: GlobSet = field(default_factory=GlobSet)
    gitignore: bool = True  # leave out what the vault's .gitignore files ignore (vault/path_filter.py)
    # [frontmatter]: schema paths are relative to the vault root (see vault/schema/).
    frontmatter_schema: str | None = None
    frontmatter_rules: tuple[tuple[GlobSet, str], ...] = ()  # (glob, schema); every match applies
    frontmatter_severity: str = "warning"  # a name from SEVERITIES; "off" turns schema checks off
    obsidian_types: bool = True  # honour .obsidian/types.json
    # Renaming a note also renames its title heading (a level-1 heading saying its name); off
    # by default, as in Obsidian, which never rewrites headings on a rename.
    rename_title_heading: bool = False
    # Which notes' problems an editor gets: "open" ones (editors' convention), or the whole
    # "workspace". Not read by `vaultls check`, which reports every note it checks.
    diagnostics_scope: str = "open"
    # [templates]: check notes in the template folders Obsidian's settings name (vault/templates.py)
    templates_check: bool = False
    # [diagnostics.severity]: (code, severity name) pairs, applied after every other setting.
    severities: tuple[tuple[str, str], ...] = ()

    def with_layer(self, layer: dict[str, Any] | None, origin: str, strict: bool = False) -> tuple[Settings, list[str]]:
        """This settings object overridden by one layer; returns it and the layer's problems
        (`strict`: said as errors that stop a run, not as values left at their default)."""
        if not layer:
            return self, []
        if not isinstance(layer, dict):
            return self, [f"{origin}: settings must be a table/object, got {type(layer).__name__}"]
        changes: dict[str, Any] = {}
        errors: list[str] = []
        _walk(layer, "", origin, changes, errors, strict)
        return replace(self, **changes), errors


def _severity(value: Any) -> str:
    if isinstance(value, str) and value.lower() in SEVERITIES:
        return value.lower()
    if isinstance(value, str) and value.lower() in ("info", "none", "ignore", "false"):
        return {"info": "information"}.get(value.lower(), "off")
    raise ValueError(f"must be one of {', '.join(SEVERITIES)}")


def _scope(value: Any) -> str:
    if isinstance(value, str) and value.lower() in SCOPES:
        return value.lower()
    raise ValueError(f"must be one of {', '.join(SCOPES)}")


def _severities(value: Any) -> tuple[tuple[str, str], ...]:
    """`[diagnostics.severity]`: a table of diagnostic code → severity."""
    if not isinstance(value, dict):
        raise ValueError("must be a table of diagnostic code = severity")
    pairs = []
    for code, severity in value.items():
        if code not in CODES:
            close = difflib.get_close_matches(str(code), CODES, n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            raise ValueError(f"names an unknown code `{code}` ({hint}codes: {', '.join(CODES)})")
        try:
            pairs.append((code, _severity(severity)))
        except ValueError as exc:
            raise ValueError(f"`{code}` {exc}") from None
    return tuple(pairs)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("must be true or false")


def _globs(value: Any) -> GlobSet:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return GlobSet(tuple(value))
    raise ValueError("must be a list of glob patterns")


def _schema_path(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    raise ValueError("must be the path of a schema file, relative to the vault root")


def _schema_rules(value: Any) -> tuple[tuple[GlobSet, str], ...]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise ValueError("must be a list of {glob, schema} tables")
    rules = []
    for number, rule in enumerate(value, 1):
        if not isinstance(rule, dict) or set(rule) != {"glob", "schema"}:
            raise ValueError(f"rule {number} must be a table with the keys `glob` and `schema` only")
        try:
            globs = _globs(rule["glob"])
        except ValueError as exc:
            raise ValueError(f"rule {number}: `glob` {exc}") from None
        schema = _schema_path(rule["schema"]) if isinstance(rule["schema"], str) else None
        if not any(p.strip() for p in globs.patterns) or schema is None:
            raise ValueError(f"rule {number} needs a non-empty `glob` and a `schema` path")
        rules.append((globs, schema))
    return tuple(rules)


# dotted snake_case path → (Settings field, converter)
_FIELDS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "diagnostics.dangling_links": ("dangling_links", _severity),
    "diagnostics.scope": ("diagnostics_scope", _scope),
    "diagnostics.severity": ("severities", _severities),
    "links.resolve_aliases": ("resolve_aliases", _boolean),
    "exclude": ("exclude", _globs),
    "gitignore": ("gitignore", _boolean),
    "frontmatter.schema": ("frontmatter_schema", _schema_path),
    "frontmatter.rules": ("frontmatter_rules", _schema_rules),
    "frontmatter.severity": ("frontmatter_severity", _severity),
    "frontmatter.obsidian_types": ("obsidian_types", _boolean),
    "rename.update_title_heading": ("rename_title_heading", _boolean),
    "templates.check": ("templates_check", _boolean),
}
# Sections that belong to other parts of vaultls or to editors, accepted without complaint.
_PASSTHROUGH = ("server", "trace", "log_level", "log_file", "enable", "start", "graph")
SETTING_KEYS = tuple(_FIELDS)  # every setting, dotted snake_case (vault/settings_schema.py describes each)
PASSTHROUGH_SECTIONS = _PASSTHROUGH


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _walk(
    node: dict[str, Any], prefix: str, origin: str, changes: dict[str, Any], errors: list[str], strict: bool
) -> None:
    for raw_key, value in node.items():
        dotted = f"{prefix}{_snake(str(raw_key))}"
        if dotted in _FIELDS:
            name, convert = _FIELDS[dotted]
            if value is None:
                continue
            try:
                changes[name] = convert(value)
            except ValueError as exc:
                kept = "" if strict else "; using the default"
                errors.append(f"{origin}: setting `{dotted}` {exc} (got {value!r}){kept}")
        elif isinstance(value, dict) and any(f.startswith(dotted + ".") for f in _FIELDS):
            _walk(value, dotted + ".", origin, changes, errors, strict)
        elif dotted.split(".")[0] in _PASSTHROUGH:
            continue
        else:
            errors.append(f"{origin}: unknown setting `{dotted}`{_did_you_mean(dotted)}{'' if strict else ' ignored'}")


def _did_you_mean(dotted: str) -> str:
    """`(did you mean `diagnostics.dangling_links`?)` for a misspelt setting; "" when nothing is close."""
    close = difflib.get_close_matches(dotted, [*_FIELDS, *_PASSTHROUGH], n=1, cutoff=0.75)
    return f" (did you mean `{close[0]}`?)" if close else ""


def read_config_file(root: Path, strict: bool = False) -> tuple[dict[str, Any], list[str]]:
    """The `.vaultls.toml` layer of a vault root (empty if there is none)."""
    kept = "" if strict else "; using defaults"
    path = root / CONFIG_FILE
    try:
        data = read_contained(root, path)
    except FileNotFoundError:
        return {}, []
    except NotReadable as exc:
        return {}, [f"{path}: {exc}{kept}"]
    try:
        return tomllib.loads(data.decode("utf-8", errors="replace")), []
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        return {}, [f"{path}: invalid TOML ({exc}){kept}"]


def build_settings(
    root: Path | None, *client_layers: tuple[dict[str, Any] | None, str], strict: bool = False
) -> tuple[Settings, list[str]]:
    """Defaults < `.vaultls.toml` < each (layer, origin) given, in order. `strict`: the
    problems are errors that stop the run (`vaultls check`), so they say nothing of defaults."""
    settings = Settings()
    errors: list[str] = []
    if root is not None:
        file_layer, file_errors = read_config_file(root, strict)
        errors += file_errors
        settings, layer_errors = settings.with_layer(file_layer, str(root / CONFIG_FILE), strict)
        errors += layer_errors
    for layer, origin in client_layers:
        settings, layer_errors = settings.with_layer(layer, origin, strict)
        errors += layer_errors
    return settings, errors
