"""How names, paths and headings are compared.

Obsidian compares note names case-insensitively; users type on keyboards that produce
composed or decomposed accents (macOS file names are NFD), so every key is NFC-normalised and
lowercased before it goes into a dict. Lowercased, not casefolded: Obsidian compares with
JavaScript's `toLowerCase`, so `Straße` does not find `Strasse.md`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_STRIP_HEADING = re.compile(r"[!\"#$%&()*+,.:;<=>?@^`{|}~\[\]\\/]+")
_SPACES = re.compile(r"\s+")
_SLUG_DROP = re.compile(r"[^\w\- ]+")


# These run several times for every link a check resolves, so ASCII text (most names and
# paths) takes a shorter way to the same result: ASCII is its own NFC form, `casefold` and
# `lower` agree on it, and its case changes keep its length.


def key(text: str) -> str:
    """The dict key of a name or path: NFC, lowercased."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFC", text).lower()


def nfc(text: str) -> str:
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text)


def is_note_path(path: str) -> bool:
    """Only `.md` files are notes to Obsidian; `x.markdown` is an attachment like any other file."""
    return path[-3:].lower() == ".md"


def strip_note_suffix(path: str) -> str:
    """`Folder/Note.md` → `Folder/Note`; other extensions are kept (`Figure 1.png`)."""
    return path[:-3] if path[-3:].lower() == ".md" else path


def last_component(path: str) -> str:
    return path[path.rfind("/") + 1 :]


# A vault links each name many times (30 links a note, a few thousand names): remembering the
# keys of recent targets halves the cost of filing a note's links. Bounded; a pure function.
@functools.lru_cache(maxsize=1 << 15)
def link_lookup_key(target: str) -> str:
    """The key under which the index remembers who links a target: its casefolded last name.

    Every way of writing a link to `People/Trotsky.md` (`Trotsky`, `people/trotsky`,
    `../People/Trotsky.md`) shares this key, so "which notes may change when Trotsky.md
    appears" is one dict lookup.
    """
    return key(strip_note_suffix(last_component(target.strip())))


# The ASCII characters `_STRIP_HEADING` turns into space, and those `_SLUG_DROP` drops: for
# ASCII text, `str.translate` with these tables, then `split`/`join` (which split on exactly
# the whitespace `\s` and `strip` know), does what the regexes do, several times faster.
# (`bytes.translate` with a 256-byte table is a plain C loop; `str.translate` looks up a dict
# per character.)
_STRIP_HEADING_ASCII = bytes(ord(" ") if _STRIP_HEADING.fullmatch(chr(c)) else c for c in range(256))
_SLUG_DROP_ASCII = bytes(c for c in range(128) if _SLUG_DROP.fullmatch(chr(c)))


def strip_heading(text: str) -> str:
    """Obsidian's `stripHeading`: punctuation becomes space, runs of space collapse, no case."""
    if text.isascii():
        return " ".join(text.encode("ascii").translate(_STRIP_HEADING_ASCII).decode("ascii").split()).lower()
    return key(_SPACES.sub(" ", _STRIP_HEADING.sub(" ", text)).strip())


def slug(text: str) -> str:
    """GitHub's heading anchor (what VS Code and GitHub write in `[x](Note.md#my-heading)`)."""
    if text.isascii():
        dropped = text.lower().strip().encode("ascii").translate(None, _SLUG_DROP_ASCII).decode("ascii")
        return dropped.replace(" ", "-")
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
