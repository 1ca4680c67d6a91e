"""Vault → problems. The server and `vaultls check` both call this, so a problem the editor
shows and one the CLI prints for the same note are the same problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from vaultls.vault import names, schema
from vaultls.vault.index import Note, Resolution, Vault
from vaultls.vault.model import Link, Range


class Severity(IntEnum):
    """Numbered as in LSP so the edge needs no table."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @classmethod
    def from_name(cls, name: str) -> "Severity | None":
        return None if name == "off" else cls[name.upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Problem:
    path: str
    range: Range
    severity: Severity
    code: str
    message: str
    # What a quick fix needs, e.g. {"alias_of": "Bonapartism"}; never shown to the user.
    data: dict[str, Any] | None = field(default=None, compare=False)


def check_note(vault: Vault, path: str) -> list[Problem]:
    note = vault.notes.get(path)
    if note is None:
        return []
    problems: list[Problem] = []
    if not note.valid_utf8:
        problems.append(
            Problem(path, Range.on_line(0, 0, 0), Severity.WARNING, "encoding",
                    "this file is not valid UTF-8; invalid bytes are shown as \ufffd")
        )
    fm = note.parsed.frontmatter
    if fm is not None:
        if fm.error is not None and fm.error_range is not None:
            problems.append(Problem(path, fm.error_range, Severity.ERROR, "frontmatter-yaml", fm.error))
        for key, key_range in fm.duplicate_keys:
            problems.append(
                Problem(path, key_range, Severity.WARNING, "frontmatter-yaml",
                        f'duplicate property "{key}": only its last value is kept')
            )
    problems.extend(_schema_problems(vault, note))
    dangling = Severity.from_name(vault.settings.dangling_links)
    for link in note.parsed.links:
        problems.extend(_link_problems(vault, path, link, vault.resolve(path, link), dangling))
    return problems


def _schema_problems(vault: Vault, note: Note) -> list[Problem]:
    """JSON Schema and `.obsidian/types.json` checks (vault/schema.py); a schema that cannot
    be used is always an error, whatever `frontmatter.severity` says."""
    severity = Severity.from_name(vault.settings.frontmatter_severity)
    if severity is None:
        return []
    return [
        Problem(note.path, issue.range, Severity.ERROR if issue.broken else severity, "frontmatter-schema",
                issue.message)
        for issue in schema.check_frontmatter(vault, note)
    ]


def _link_problems(
    vault: Vault, path: str, link: Link, res: Resolution, dangling: Severity | None
) -> list[Problem]:
    if res.dangling:
        if dangling is None:
            return []
        return [_dangling(vault, path, link, res, dangling)]
    out: list[Problem] = []
    target_name = _display_name(vault, res.targets[0])
    if res.missing == "heading":
        out.append(
            Problem(path, link.target_range, Severity.WARNING, "missing-heading",
                    f'"{target_name}" has no heading "{"#".join(link.subpath)}"')
        )
    elif res.missing == "block":
        out.append(
            Problem(path, link.target_range, Severity.WARNING, "missing-block",
                    f'"{target_name}" has no block "^{link.block}"')
        )
    if res.ambiguous:
        listed = ", ".join(res.targets[:8]) + (", …" if len(res.targets) > 8 else "")
        out.append(
            Problem(path, link.target_range, Severity.HINT, "ambiguous-link",
                    f'"{link.target}" matches {len(res.targets)} notes; it resolves to '
                    f"{res.targets[0]} (candidates: {listed})",
                    data={"candidates": res.targets})
        )
    return out


def _dangling(vault: Vault, path: str, link: Link, res: Resolution, severity: Severity) -> Problem:
    if res.outside:
        return Problem(path, link.target_range, severity, "dangling-link",
                       f'"{link.target}" points outside the vault')
    what = "note" if not _looks_like_file(link.target) else "file"
    message = f'no {what} named "{link.target}" in the vault'
    data: dict[str, Any] = {"target": link.target}
    owners = vault.alias_owners(link.target)
    if owners:
        owner = vault.notes[owners[0]].name
        message += f'; "{link.target}" is an alias of "{owner}" (Obsidian does not resolve aliases)'
        data["alias_of"] = vault.shortest_link(owners[0])
    return Problem(path, link.target_range, severity, "dangling-link", message, data=data)


def _looks_like_file(target: str) -> bool:
    last = names.last_component(target)
    return "." in last and not names.is_note_path(last)


def _display_name(vault: Vault, path: str) -> str:
    note = vault.notes.get(path)
    return note.name if note is not None else names.last_component(path)


def check_vault(vault: Vault, only: set[str] | None = None) -> list[Problem]:
    """Every note's problems (or only those of `only`), sorted by path and position."""
    paths = sorted(vault.notes) if only is None else sorted(p for p in only if p in vault.notes)
    problems: list[Problem] = []
    for path in paths:
        problems.extend(check_note(vault, path))
    problems.sort(key=lambda p: (p.path, p.range.start, p.code))
    return problems

