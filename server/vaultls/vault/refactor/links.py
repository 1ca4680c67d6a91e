"""Where a link's parts are in its line, and how its path part is written for a new target.

A moved file's links keep their form: display text, `#heading`/`#^block` parts and the embed `!`
are never touched (only the path part is replaced); a bare name stays a bare name unless another
note with the new name would make it ambiguous; a folder path stays a full path, a path suffix
stays a suffix, a relative path stays relative; Markdown links keep `%20` encoding or `<...>`
brackets and their `.md`.
"""

from __future__ import annotations

import posixpath
import re
from typing import Literal
from urllib.parse import quote

from vaultls.vault import names
from vaultls.vault.index import Vault, normalise_path
from vaultls.vault.model import Link

LinkForm = Literal["relative", "root", "suffix", "bare"]

_PERCENT_ESCAPE = re.compile(r"%(?!20)[0-9A-Fa-f]{2}")


def path_span(link: Link, line: str) -> tuple[int, int]:
    """Columns of the path part of a link as written: `Folder/Note` in `[[Folder/Note#H|x]]`,
    `My%20Note.md` in `[x](My%20Note.md#H)`."""
    tr = link.target_range
    raw = line[tr.start.character : tr.end.character]
    hash_at = raw.find("#")
    part = raw if hash_at < 0 else raw[:hash_at]
    return tr.start.character, tr.start.character + len(part.rstrip())


def fragment_parts(link: Link, line: str) -> list[tuple[int, int, str]]:
    """(start, end, raw text) of each non-empty `#` part of a link, in order; a `^block` part
    keeps its `^`."""
    tr = link.target_range
    raw = line[tr.start.character : tr.end.character]
    hash_at = raw.find("#")
    if hash_at < 0:
        return []
    parts: list[tuple[int, int, str]] = []
    pos = tr.start.character + hash_at + 1
    for piece in raw[hash_at + 1 :].split("#"):
        lead = len(piece) - len(piece.lstrip())
        start, end = pos + lead, pos + len(piece.rstrip())
        if end > start:
            parts.append((start, end, line[start:end]))
        pos += len(piece) + 1
    return parts


def in_angles(link: Link, line: str) -> bool:
    """Whether a Markdown link's destination is written `<...>`, where nothing needs escaping."""
    col = link.target_range.start.character
    return link.kind == "markdown" and col > 0 and line[col - 1] == "<"


def percent_encoded(raw: str) -> bool:
    """Whether a destination was written fully percent-encoded (an escape other than `%20`), so
    that a rewrite encodes the same way."""
    return _PERCENT_ESCAPE.search(raw) is not None


def md_escape(text: str, full: bool = False, keep: str = "") -> str:
    """A path or heading as a Markdown link destination outside `<...>`: spaces as `%20` (as
    Obsidian writes them) and the characters that would end the destination escaped; `full`
    percent-encodes everything else too, for links that were written that way."""
    if full:
        return quote(text, safe=keep)
    for ch in "% <>()":
        text = text.replace(ch, f"%{ord(ch):02X}")
    return text


def link_form(link: Link, written: str, source: str, target: str) -> LinkForm:
    """How a link names its target: "relative" to the linking note's folder, "root" (the full
    vault path), "suffix" (the end of the path) or "bare" (the name only)."""
    folder = source.rpartition("/")[0]
    target_key = names.key(names.strip_note_suffix(target))
    if link.kind == "markdown" or written.startswith(("./", "../")):
        if not written.startswith("/"):
            joined = normalise_path(f"{folder}/{written}" if folder else written)
            if joined is not None and names.key(names.strip_note_suffix(joined)) == target_key:
                return "relative" if (folder or written.startswith(("./", "../"))) else "root"
    stripped = normalise_path(written.lstrip("/")) or ""
    if names.key(names.strip_note_suffix(stripped)) == target_key and "/" in stripped:
        return "root"
    if "/" in stripped:
        return "suffix"
    return "bare"


def new_path_text(
    vault: Vault,
    future: Vault,
    link: Link,
    raw: str,
    angles: bool,
    source: str,
    new_source: str,
    target: str,
    new_target: str,
    explicit: bool,
) -> str:
    """The path part of `link` (written `raw`), in its old form for its new target. `future` is
    the index after the moves, which says whether a bare name would be ambiguous; `explicit`
    asks for the most explicit form, for links the old form would not keep resolving."""
    is_note = target in vault.notes
    written = link.target.replace("\\", "/")
    had_suffix = is_note and names.is_note_path(written)
    base = new_target if (had_suffix or not is_note) else names.strip_note_suffix(new_target)
    lead = "/" if written.startswith("/") else ""
    form = link_form(link, written, source, target)
    if explicit:
        form = "relative" if link.kind == "markdown" else "root"
    if form == "relative":
        text = posixpath.relpath(base, new_source.rpartition("/")[0] or ".")
        if written.startswith("./") and not text.startswith("../"):
            text = "./" + text
    elif form == "root":
        text = lead + base
    elif form == "suffix":
        depth = len([p for p in written.strip("/").split("/") if p])
        text = lead + "/".join(base.split("/")[-depth:])
    else:
        text = names.last_component(base)
        bare = names.last_component(names.strip_note_suffix(new_target) if is_note else new_target)
        if future.shortest_link(new_target) != bare:
            # Another note has the new name: a bare name would be ambiguous.
            text = future.shortest_link(new_target)
            if had_suffix:
                text += new_target[len(names.strip_note_suffix(new_target)) :]
    if link.kind == "markdown" and not angles:
        return md_escape(text, full=percent_encoded(raw), keep="/")
    return text
