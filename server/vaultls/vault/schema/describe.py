"""What the schemas applying to a note say about its properties, for completion and hover:
titles, descriptions, types, allowed values, whether required; and the Obsidian type from
`.obsidian/types.json`.

The schemas are read as written (their `$ref`s followed), never validated against; a schema
that cannot be read in the note budget gives what was read by then, since completion must
answer quickly and never fail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vaultls.vault.schema import budget
from vaultls.vault.schema.compile import Compiled
from vaultls.vault.schema.validate import applicable

if TYPE_CHECKING:  # pragma: no cover
    from vaultls.vault.index import Note, Vault

log = logging.getLogger(__name__)


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
        """Whether the property takes `true` or `false` (what completion then offers)."""
        return "boolean" in self.types or self.obsidian_type == "checkbox"

    def summary_type(self) -> str | None:
        """The property's type on one line, for hover: `array of string | null, Obsidian: tags`."""
        parts = []
        if self.types:
            shown = list(self.types)
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
            with budget.within(vault.schemas.note_budget):
                _collect(compiled.contents, compiled.resolver(), out, compiled.path, required_context=True, depth=0)
        except Exception:  # noqa: BLE001 - completion must not fail on an odd schema (nor a slow one)
            log.info("reading properties of %s failed", compiled.path, exc_info=True)
    if vault.settings.obsidian_types:
        types = vault.schemas.types()
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
