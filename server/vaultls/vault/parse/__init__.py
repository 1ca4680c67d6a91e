"""Text of one note → `ParsedNote`: frontmatter, headings, block ids, links and tags with ranges.

`parse_rows` reads a note in one pass and records its parts as plain rows (`rows.NoteRows`),
which is all a cold scan's workers and a cold `vaultls check` need; `parse` makes the model's
objects of them (`note_from_rows`, also what a cache entry decodes through). The modules, each
with one job:

- `frontmatter`: the YAML block at the top (the common simple forms read without YAML), its
  links and tags, and a note's aliases alone for the first pass of a cold start;
- `body`: the block-level walk that decides which lines are Markdown text, and finds headings,
  block ids, code spans and callouts;
- `inline`: code spans, comments, URLs and tags on one line of text;
- `footnotes`: `[^id]` references and `[^id]: text` definitions, in a pass of their own;
- `links`: wikilinks and Markdown links on one line of text;
- `rows`: the row layouts, shared by the cache and the bulk check, and the row ⇄ object
  conversions;
- `positions`: positions and ranges made fast, equal ones shared between notes.

The parser is written for speed, since a cold scan parses a whole vault: cheap `in` tests guard
every pattern, the commonest lines and the commonest frontmatter take fast paths, and objects
are made only when asked for. Each fast path gives exactly what the general one would.
"""

from __future__ import annotations

from vaultls.vault.model import ParsedNote
from vaultls.vault.parse.body import BodyParser
from vaultls.vault.parse.footnotes import find_footnotes
from vaultls.vault.parse.frontmatter import (
    MAX_FRONTMATTER_VALUES,
    aliases,
    closing_fence,
    frontmatter_aliases,
    frontmatter_links_and_tags,
    parse_frontmatter,
)
from vaultls.vault.parse.ignores import IGNORE_KEY, property_ignores
from vaultls.vault.parse.positions import position, range_from_row, span
from vaultls.vault.parse.rows import (
    BlockRow,
    HeadingRow,
    IgnoreRow,
    LinkRow,
    NoteRows,
    TagRow,
    link_rows,
    make_link,
    note_from_rows,
    note_rows,
    range_row,
)
from vaultls.vault.text import has_astral, split_lines

__all__ = [
    "MAX_FRONTMATTER_VALUES",
    "BlockRow",
    "HeadingRow",
    "LinkRow",
    "NoteRows",
    "TagRow",
    "IgnoreRow",
    "frontmatter_aliases",
    "link_rows",
    "make_link",
    "note_from_rows",
    "note_rows",
    "parse",
    "parse_rows",
    "position",
    "range_from_row",
    "range_row",
    "span",
]


def parse(text: str) -> ParsedNote:
    """Parse a note. Never raises on any text: bad YAML becomes `frontmatter.error`."""
    return note_from_rows(parse_rows(text))


def parse_rows(text: str) -> NoteRows:
    """`parse`, with the note's headings, blocks, links, tags and ignore comments as plain rows
    (`NoteRows`): what a cold scan's workers and a cold `vaultls check` store in the cache or
    check, without the cost of making the model's objects."""
    # str.split is much faster than the regex split, and the same when there is no `\r`.
    lines = text.split("\n") if "\r" not in text else split_lines(text)
    if lines[0].startswith("\ufeff"):
        # Editors drop the BOM; when a buffer still has one, read past it without moving columns.
        lines[0] = " " + lines[0][1:]
    parser = BodyParser(lines)
    frontmatter = None
    body_start = 0
    if lines[0].strip() == "---":
        end = closing_fence(lines)
        if end is not None:
            frontmatter = parse_frontmatter(lines, end)
            body_start = end + 1
            frontmatter_links_and_tags(lines, frontmatter, parser.links, parser.tags)
            whole = property_ignores(frontmatter.data.get(IGNORE_KEY))
            if whole is not None:
                parser.ignores.append(whole)
    parser.run(body_start)
    return (
        frontmatter,
        parser.headings,
        parser.blocks,
        parser.links,
        parser.tags,
        aliases(frontmatter),
        len(lines),
        parser.code_spans,
        parser.callout_spans,
        parser.ignores,
        wide_lines(text, lines),
        find_footnotes(lines, body_start, parser.code_spans) if "[^" in text else [],
    )


def wide_lines(text: str, lines: list[str]) -> tuple[int, ...]:
    """The lines holding a character beyond U+FFFF (none, in one search, for nearly every note)."""
    # A character beyond U+FFFF takes two UTF-16 units, every other one: the encoder (a copy, for
    # most text) answers faster than a search with a character class.
    if text.isascii() or len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):
        return ()
    return tuple(i for i, line in enumerate(lines) if has_astral(line))
