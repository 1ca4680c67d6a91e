"""The paragraphs and list items of a note, which a block reference may name, and the new block
ids to give them.

Obsidian links to any paragraph or list item (`[[Note#^id]]`): when it has no id yet, it writes
` ^id` at the end of the block (a random `^` + six lowercase letters and digits) and links to
that. vaultls does the same from completion after `[[Note#^`: this module finds the blocks a
note has (from its lines and its parsed structure) and makes the ids.

What is a block here: a paragraph (consecutive lines of text), or a list item (its marker line
and the lines that continue it, up to the next item, blank line or other block). Not blocks:
the frontmatter, headings, code and math blocks, comments (`ParsedNote.code_spans`), block
quotes and callouts, tables and thematic breaks; Obsidian puts the id of those on a line of its
own after them, which is a different edit, and left to the user. A line holding only `^id`
belongs to the block before it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from vaultls.vault.model import ParsedNote

EXCERPT = 80
_LIST_ITEM = re.compile(r"[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]+(?:\[.\][ \t]+)?|$)")
_THEMATIC = re.compile(r"[ ]{0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_SETEXT = re.compile(r"[ ]{0,3}(?:=+|-+)[ \t]*$")
_OWN_ID = re.compile(r"[ \t]*\^[A-Za-z0-9-]+[ \t]*$")
_TRAILING_ID = re.compile(r"(?:^|[ \t])\^[A-Za-z0-9-]+[ \t]*$")
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph or list item: its first and last line, its text in one line (cut to
    `EXCERPT` characters), and the id of the block when it has one."""

    start_line: int
    end_line: int
    kind: str  # "paragraph" | "item"
    excerpt: str
    block_id: str | None


def paragraphs(lines: list[str], parsed: ParsedNote) -> list[Paragraph]:
    """The note's paragraphs and list items, in order."""
    skip: set[int] = set()
    for h in parsed.headings:
        skip.add(h.line)
        if h.line + 1 < len(lines) and _SETEXT.match(lines[h.line + 1]):
            skip.add(h.line + 1)  # a setext heading's underline
    for first, last in parsed.code_spans:
        skip.update(range(first, last + 1))
    for first, last in parsed.callout_spans:
        skip.update(range(first, last + 1))
    if parsed.frontmatter is not None:
        skip.update(range(parsed.frontmatter.start_line, parsed.frontmatter.end_line + 1))
    ids = {b.start_line: b.id for b in parsed.blocks}
    found: list[tuple[int, int, str]] = []  # start, end, kind
    current: list[int] | None = None  # [start, end] of the block being read
    kind = ""
    for i, raw in enumerate(lines):
        text = raw.strip()
        opens_item = _LIST_ITEM.match(raw) is not None and not _THEMATIC.match(raw)
        ends_here = (
            i in skip
            or not text
            or text.startswith((">", "|"))
            or _THEMATIC.match(raw) is not None
            or _opens_comment(text)
        )
        if current is not None and (ends_here or opens_item or _OWN_ID.match(raw)):
            found.append((current[0], current[1], kind))
            current = None
        if ends_here or _OWN_ID.match(raw):
            continue
        if current is None:
            current, kind = [i, i], "item" if opens_item else "paragraph"
        else:
            current[1] = i
    if current is not None:
        found.append((current[0], current[1], kind))
    return [
        Paragraph(start, end, kind, _excerpt(lines[start : end + 1], kind), ids.get(start))
        for start, end, kind in found
    ]


def _opens_comment(text: str) -> bool:
    """A line that opens a comment running on to later lines (the parser's code spans start
    on the line after)."""
    return (text.startswith("%%") and text.count("%%") == 1) or (text.startswith("<!--") and "-->" not in text)


def _excerpt(rows: list[str], kind: str) -> str:
    text = " ".join(row.strip() for row in rows)
    if kind == "item":
        m = _LIST_ITEM.match(text)
        if m is not None:
            text = text[m.end() :]
    m = _TRAILING_ID.search(text)
    if m is not None:
        text = text[: m.start()]
    text = text.strip()
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def matches(paragraph: Paragraph, typed: str) -> bool:
    """Whether every word typed after `^` is in the paragraph's text (any case)."""
    text = paragraph.excerpt.casefold()
    return all(word in text for word in typed.casefold().split())


def new_block_id(taken: set[str], seed: str) -> str:
    """A block id (six lowercase letters and digits, as Obsidian makes them) that is not in
    `taken` (ids compared in lower case); the same for the same seed and taken ids, so the
    completion list a client asks for again on every keystroke keeps its ids."""
    lowered = {t.lower() for t in taken}
    counter = 0
    while True:
        digest = hashlib.blake2b(f"{seed}\n{counter}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
        number = int.from_bytes(digest, "big")
        ident = ""
        for _ in range(6):
            number, rest = divmod(number, len(_ID_ALPHABET))
            ident += _ID_ALPHABET[rest]
        if ident not in lowered:
            return ident
        counter += 1


def id_insertion(line: str) -> tuple[int, int]:
    """The columns ` ^id` replaces at the end of a block's last line: its trailing blanks."""
    return len(line.rstrip()), len(line)
