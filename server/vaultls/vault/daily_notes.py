"""Daily notes as the vault's Obsidian settings make them: where a day's note is, what a link to
it says, and the words (`today`, `next monday`, `2026-12-24`) that name a day.

The settings are Obsidian's core Daily notes plugin's (`.obsidian/daily-notes.json`: `folder`,
`format` in moment.js tokens, default `YYYY-MM-DD`, `template`), or the Periodic Notes plugin's
`daily` section (`.obsidian/plugins/periodic-notes/data.json`) when that plugin is enabled in
`.obsidian/community-plugins.json` and its daily notes are enabled: Obsidian then uses those.
Empty values are the defaults, as in Obsidian. Files are read inside the vault only
(`contained.read_json`) and read again when they change (`ConfigFiles`); one that cannot be
used is the defaults, never an error.

Words for days (vaultls's choice, as markdown-oxide and obsidian.nvim name them): `today`,
`tomorrow`, `yesterday`; a weekday name (`monday`) is the next such day, today included;
`next monday` the first one after today; `last friday` the last one before today; an ISO date
(`2026-12-24`) is that day. Today is always an argument: the caller knows what day it is.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vaultls.vault import names
from vaultls.vault.contained import NotReadable, read_json
from vaultls.vault.index import Vault, normalise_path
from vaultls.vault.moment import WEEKDAYS, format_moment
from vaultls.vault.templates import folder_path

__all__ = (
    "DAILY_FILE",
    "PERIODIC_FILE",
    "ConfigFiles",
    "WORDS",
    "DailyConfig",
    "DaySuggestion",
    "daily_config",
    "day_words",
    "link_to",
    "parse_day",
    "suggest_days",
)

DAILY_FILE = ".obsidian/daily-notes.json"
PERIODIC_FILE = ".obsidian/plugins/periodic-notes/data.json"
COMMUNITY_PLUGINS_FILE = ".obsidian/community-plugins.json"
DEFAULT_FORMAT = "YYYY-MM-DD"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ConfigFiles:
    """Obsidian's JSON settings files of one vault, each read once and again only when its
    modification time or size changes (a `stat` per use: cheap enough for every keystroke)."""

    def __init__(self) -> None:
        self._read: dict[Path, tuple[tuple[int, int] | None, Any]] = {}

    def json(self, root: Path, rel: str) -> Any:
        """The JSON in `root/rel`; None when it is missing, unreadable or not JSON."""
        file = root / rel
        try:
            info = os.stat(file)
            stamp: tuple[int, int] | None = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = None
        known = self._read.get(file)
        if known is not None and known[0] == stamp:
            return known[1]
        data: Any = None
        if stamp is not None:
            try:
                data = read_json(root, file)
            except (OSError, NotReadable, ValueError):
                data = None
        if len(self._read) > 64:  # a handful of files per vault; never grows without bound
            self._read.clear()
        self._read[file] = (stamp, data)
        return data


@dataclass(frozen=True)
class DailyConfig:
    """Where daily notes go and how they are named."""

    folder: str = ""  # vault path, "" for the root
    format: str = DEFAULT_FORMAT  # moment.js
    template: str = ""  # as written in the settings (a link path), "" for none
    source: str = "Obsidian's defaults"  # which settings these are, for messages

    def note_path(self, day: dt.date) -> str:
        """The vault path of `day`'s note (`Journal/2026/12/2026-12-08.md`). Raises
        `moment.UnsupportedToken` for a format vaultls cannot follow, and `ValueError` when
        the name would leave the vault."""
        name = format_moment(self.format, day).replace("\\", "/")
        rel = normalise_path(f"{self.folder}/{name}" if self.folder else name)
        if not rel or not names.last_component(rel).strip():
            raise ValueError(f"the daily note format `{self.format}` of {self.source} names no note inside the vault")
        return rel + ".md"


def _section(data: Any, source: str) -> DailyConfig:
    """A `DailyConfig` from a settings object (`{folder, format, template}`)."""
    if not isinstance(data, dict):
        return DailyConfig(source=source)
    folder = data.get("folder")
    fmt = data.get("format")
    template = data.get("template")
    return DailyConfig(
        folder=(folder_path(folder) or "") if isinstance(folder, str) else "",
        format=fmt.strip() if isinstance(fmt, str) and fmt.strip() else DEFAULT_FORMAT,
        template=template.strip() if isinstance(template, str) else "",
        source=source,
    )


def daily_config(root: Path, files: ConfigFiles | None = None) -> DailyConfig:
    """The daily-note settings of the vault at `root`: Periodic Notes' when it is enabled with
    its daily notes, else the core plugin's, else Obsidian's defaults."""
    files = files or ConfigFiles()
    periodic = files.json(root, PERIODIC_FILE)
    if isinstance(periodic, dict):
        daily = periodic.get("daily")
        plugins = files.json(root, COMMUNITY_PLUGINS_FILE)
        enabled = isinstance(plugins, list) and "periodic-notes" in plugins
        if enabled and isinstance(daily, dict) and daily.get("enabled") is True:
            return _section(daily, "the Periodic Notes plugin's settings")
    core = files.json(root, DAILY_FILE)
    if core is None:
        return DailyConfig()
    return _section(core, DAILY_FILE)


# ---------------------------------------------------------------- words for days

_WEEKDAY_NAMES = tuple(name.lower() for name in WEEKDAYS)  # sunday first, as moment's `d`


def _weekday(day: dt.date) -> int:
    return (day.weekday() + 1) % 7


def _named_day(word: str, today: dt.date) -> dt.date | None:
    fixed = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if word in fixed:
        return today + dt.timedelta(days=fixed[word])
    which, _, name = word.rpartition(" ")
    if name not in _WEEKDAY_NAMES or which not in ("", "next", "last"):
        return None
    ahead = (_WEEKDAY_NAMES.index(name) - _weekday(today)) % 7
    if which == "":
        return today + dt.timedelta(days=ahead)
    if which == "next":
        return today + dt.timedelta(days=ahead or 7)
    behind = (_weekday(today) - _WEEKDAY_NAMES.index(name)) % 7
    return today - dt.timedelta(days=behind or 7)


def day_words() -> tuple[str, ...]:
    """Every word for a day that completion offers, in the order it offers them."""
    days = _WEEKDAY_NAMES[1:] + _WEEKDAY_NAMES[:1]  # monday first
    return ("today", "tomorrow", "yesterday", *days, *(f"next {d}" for d in days), *(f"last {d}" for d in days))


WORDS = day_words()


def parse_day(text: str, today: dt.date) -> dt.date | None:
    """The day `text` names (a word above, an ISO date, or an offset in days such as `-1` or
    `+2`); None when it names none."""
    word = " ".join(text.lower().split())
    if _ISO_DATE.fullmatch(word):
        try:
            return dt.date.fromisoformat(word)
        except ValueError:
            return None
    if re.fullmatch(r"[+-]?\d{1,5}", word):
        return today + dt.timedelta(days=int(word))
    return _named_day(word, today)


@dataclass(frozen=True)
class DaySuggestion:
    """A word for a day that matches what was typed, and the day."""

    word: str
    day: dt.date


def suggest_days(typed: str, today: dt.date) -> list[DaySuggestion]:
    """The words for days that start with `typed` (letter case and repeated spaces ignored),
    or the ISO date typed in full. Nothing for an empty or long text: `[[` alone lists notes."""
    if not typed or len(typed) > 16:
        return []
    lowered = " ".join(typed.lower().split()) + (" " if typed.endswith(" ") else "")
    if lowered[0].isdigit():
        if _ISO_DATE.fullmatch(lowered):
            day = parse_day(lowered, today)
            return [DaySuggestion(lowered, day)] if day else []
        return []
    found = []
    for word in WORDS:
        if word.startswith(lowered):
            day = _named_day(word, today)
            if day is not None:
                found.append(DaySuggestion(word, day))
    return found


def link_to(vault: Vault, path: str) -> str:
    """What a wikilink to the daily note at `path` says: its name, or its path (without `.md`)
    when another note has the same name."""
    bare = names.strip_note_suffix(path)
    others = [p for p in vault.notes_named(names.last_component(bare)) if p != path]
    return bare if others else names.last_component(bare)
