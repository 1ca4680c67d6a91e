"""How names, paths and headings are compared.

Obsidian compares note names case-insensitively; users type on keyboards that produce
composed or decomposed accents (macOS file names are NFD), so every key is NFC-normalised and
casefolded before it goes into a dict.
"""

from __future__ import annotations

import re
import unicodedata

NOTE_SUFFIXES = (".md", ".markdown")

_STRIP_HEADING = re.compile(r"[!\"#$%&()*+,.:;<=>?@^`{|}~\[\]\\/]+")
_SPACES = re.compile(r"\s+")
_SLUG_DROP = re.compile(r"[^\w\- ]+")


def key(text: str) -> str:
    """The dict key of a name or path: NFC, casefolded."""
    return unicodedata.normalize("NFC", text).casefold()


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def is_note_path(path: str) -> bool:
    return path.lower().endswith(NOTE_SUFFIXES)


def strip_note_suffix(path: str) -> str:
    """`Folder/Note.md` → `Folder/Note`; other extensions are kept (`Figure 1.png`)."""
    lower = path.lower()
    for suffix in NOTE_SUFFIXES:
        if lower.endswith(suffix):
            return path[: -len(suffix)]
    return path


def last_component(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def link_lookup_key(target: str) -> str:
    """The key under which the index remembers who links a target: its casefolded last name.

    Every way of writing a link to `People/Trotsky.md` (`Trotsky`, `people/trotsky`,
    `../People/Trotsky.md`) shares this key, so "which notes may change when Trotsky.md
    appears" is one dict lookup.
    """
    return key(strip_note_suffix(last_component(target.strip())))


def strip_heading(text: str) -> str:
    """Obsidian's `stripHeading`: punctuation becomes space, runs of space collapse, no case."""
    return key(_SPACES.sub(" ", _STRIP_HEADING.sub(" ", text)).strip())


def slug(text: str) -> str:
    """GitHub's heading anchor (what VS Code and GitHub write in `[x](Note.md#my-heading)`)."""
    return _SLUG_DROP.sub("", nfc(text).lower().strip()).replace(" ", "-")


def heading_matches(heading_text: str, wanted: str) -> bool:
    """Whether a link's heading part names this heading, by Obsidian's rule or as a slug."""
    if strip_heading(heading_text) == strip_heading(wanted):
        return True
    return slug(heading_text) == nfc(wanted).lower().strip()


def link_text_for_heading(heading_text: str) -> str:
    """The heading as Obsidian writes it inside a link: characters that would end the link or
    start another part (`#`, `|`, `^`, `[`, `]`) become spaces."""
    return _SPACES.sub(" ", re.sub(r"[#|^\[\]]", " ", heading_text)).strip()
