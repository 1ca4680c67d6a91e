"""New notes from templates, as Obsidian's core Templates plugin fills them.

Settings: `.obsidian/templates.json` (`folder`, `dateFormat` default `YYYY-MM-DD`, `timeFormat`
default `HH:mm`). A template is any note in that folder (its name is its path there, without
`.md`). Filling follows Obsidian's help page for Templates: `{{title}}` is the new note's
title, `{{date}}` and `{{time}}` the current date and time in those formats, and
`{{date:FORMAT}}` / `{{time:FORMAT}}` the same moment in any moment.js format (the two are
interchangeable with a format); names are matched ignoring letter case and spaces inside the
braces. A placeholder whose format vaultls cannot follow is left as written, with a message.

Composition keeps a template's properties: its frontmatter is read with python-frontmatter,
each string value filled (so a filled title with `:` or `#` is still valid YAML), and written
back with `frontmatter.dumps` in the template's key order; the body after it is filled as text,
unchanged otherwise. A template without frontmatter stays without (no `---` block is added);
one whose frontmatter is not YAML (`created: {{date}}`, valid only after filling) is filled as
text, as Obsidian does.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

from vaultls.vault import names
from vaultls.vault.daily_notes import ConfigFiles
from vaultls.vault.index import Vault, normalise_path
from vaultls.vault.model import Link, Range
from vaultls.vault.moment import UnsupportedToken, format_moment
from vaultls.vault.templates import folder_path

__all__ = (
    "TEMPLATES_FILE",
    "Filling",
    "TemplatesConfig",
    "compose",
    "fill",
    "find_template",
    "list_templates",
    "note_path",
    "resolve_link_path",
    "templates_config",
    "title_problem",
)

TEMPLATES_FILE = ".obsidian/templates.json"
_PLACEHOLDER = re.compile(r"{{\s*(date|time|title)\s*(?::(.*?))?}}", re.IGNORECASE)
# A frontmatter block as Obsidian sees one: `---` on the first line, up to the next `---` line.
_FRONTMATTER = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)(?<=\n)---[ \t]*(?=\r?\n|\Z)", re.DOTALL)
# Characters Obsidian refuses in a file name, and those that break a link to it (`#^[]|`).
FORBIDDEN = frozenset('*"\\/<>:|?#^[]')


@dataclass(frozen=True)
class TemplatesConfig:
    """The core Templates plugin's settings."""

    folder: str = ""  # vault path of the template folder, "" when none is set
    date_format: str = "YYYY-MM-DD"
    time_format: str = "HH:mm"


def templates_config(root: Path, files: ConfigFiles | None = None) -> TemplatesConfig:
    """`.obsidian/templates.json` of the vault at `root` (the defaults when unusable)."""
    data = (files or ConfigFiles()).json(root, TEMPLATES_FILE)
    if not isinstance(data, dict):
        return TemplatesConfig()
    folder, date_format, time_format = data.get("folder"), data.get("dateFormat"), data.get("timeFormat")
    return TemplatesConfig(
        folder=(folder_path(folder) or "") if isinstance(folder, str) else "",
        date_format=date_format.strip() if isinstance(date_format, str) and date_format.strip() else "YYYY-MM-DD",
        time_format=time_format.strip() if isinstance(time_format, str) and time_format.strip() else "HH:mm",
    )


def list_templates(vault: Vault, config: TemplatesConfig) -> list[tuple[str, str]]:
    """(name, vault path) of each template, by name: the notes in the template folder."""
    if not config.folder:
        return []
    prefix = names.key(config.folder) + "/"
    found = [
        (names.strip_note_suffix(path[len(prefix) :]), path)
        for path in vault.notes
        if names.key(path).startswith(prefix) and names.is_note_path(path)
    ]
    return sorted(found, key=lambda item: names.key(item[0]))


def resolve_link_path(vault: Vault, written: str) -> str | None:
    """The note a link path from the settings names (`Templates/Daily`, `Daily.md`), as Obsidian
    finds a template the Daily notes settings name; None when none."""
    target = written.strip()
    if not target:
        return None
    nowhere = Range.on_line(0, 0, 0)
    resolution = vault.resolve(
        "", Link("wiki", names.strip_note_suffix(target), (), None, None, False, nowhere, nowhere)
    )
    return resolution.target if resolution.target and vault.is_note(resolution.target) else None


def find_template(vault: Vault, config: TemplatesConfig, name: str) -> str | None:
    """The vault path of the template called `name` (as `list_templates` names it, or a link
    path); None when there is none."""
    wanted = names.key(names.strip_note_suffix(name.strip()))
    for listed, path in list_templates(vault, config):
        if names.key(listed) == wanted:
            return path
    return resolve_link_path(vault, name)


@dataclass(frozen=True)
class Filling:
    """What a template's placeholders become."""

    title: str
    now: dt.datetime  # the moment `{{date}}` and `{{time}}` show
    date_format: str = "YYYY-MM-DD"
    time_format: str = "HH:mm"


def fill(text: str, filling: Filling, problems: list[str] | None = None) -> str:
    """`text` with its placeholders filled; a placeholder with a format vaultls cannot follow is
    kept as written, and why is added to `problems`."""

    def replace(match: re.Match[str]) -> str:
        kind, fmt = match.group(1).lower(), match.group(2)
        if kind == "title":
            return filling.title if fmt is None else match.group(0)
        fmt = fmt.strip() if fmt and fmt.strip() else (filling.date_format if kind == "date" else filling.time_format)
        try:
            return format_moment(fmt, filling.now)
        except UnsupportedToken as exc:
            if problems is not None:
                problems.append(f"{match.group(0)} left as written: {exc}")
            return match.group(0)

    return _PLACEHOLDER.sub(replace, text)


def _fill_value(value: Any, filling: Filling, problems: list[str]) -> Any:
    if isinstance(value, str):
        return fill(value, filling, problems)
    if isinstance(value, list):
        return [_fill_value(item, filling, problems) for item in value]
    if isinstance(value, dict):
        return {key: _fill_value(item, filling, problems) for key, item in value.items()}
    return value


def compose(template: str, filling: Filling) -> tuple[str, list[str]]:
    """The text of a new note from `template`, and what could not be filled (see the module)."""
    problems: list[str] = []
    handler = YAMLHandler()
    found = _FRONTMATTER.match(template)
    if found is None:
        return fill(template, filling, problems), problems
    body = template[found.end() :]  # from the end of the closing `---` line: blank lines kept
    try:
        metadata = handler.load(found.group("yaml"))
    except (ValueError, yaml.YAMLError):
        return fill(template, filling, problems), problems
    if not isinstance(metadata, dict) or not metadata:
        return fill(template, filling, problems), problems
    post = frontmatter.Post("", handler)
    post.metadata.update(_fill_value(metadata, filling, problems))
    try:
        dumped = frontmatter.dumps(post, sort_keys=False)  # `---` … `---`, keys in the template's order
    except yaml.YAMLError:
        return fill(template, filling, problems), problems
    return dumped + fill(body, filling, problems), problems


def title_problem(title: str) -> str | None:
    """Why `title` cannot name a new note (None when it can): empty, starting with a dot,
    or holding a character Obsidian forbids in file names or that breaks a link."""
    if not title.strip():
        return "a note needs a title"
    bad = sorted({ch for ch in title if ch in FORBIDDEN or ord(ch) < 32})
    if bad:
        shown = " ".join(repr(ch)[1:-1] for ch in bad)
        return f"a note's title cannot hold {shown} (Obsidian forbids them in file names or links)"
    if title.startswith("."):
        return f"a note's title cannot start with a dot ({title!r})"
    return None


def note_path(folder: str, title: str) -> str:
    """The vault path of a new note `title` in `folder`. Raises `ValueError` (with the reason)
    for a title Obsidian refuses or a folder outside the vault."""
    problem = title_problem(title)
    if problem is not None:
        raise ValueError(problem)
    written = folder.replace("\\", "/").strip()
    if written.startswith("/") or re.match(r"^[A-Za-z]:", written):
        raise ValueError(f"the folder {folder!r} is not a folder of the vault")
    place = normalise_path(written) if written else ""
    if place is None or any(part.startswith(".") for part in place.split("/") if part):
        raise ValueError(f"the folder {folder!r} is not a folder of the vault")
    rel = f"{place}/{title.strip()}" if place else title.strip()
    return rel if names.is_note_path(rel) else rel + ".md"
