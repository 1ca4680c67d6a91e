"""A note's parts as plain rows, and the model's objects made of them.

The parser records a note's headings, blocks, links, tags and ignore comments as tuples of plain
values (`NoteRows`). That is all a cold scan's workers and a cold `vaultls check` need: they
store the rows in the cache (`cache.encode_rows`, which marshals them, so they must stay plain
tuples), send them between processes and check them without ever making objects, which are a
large part of a parse's cost. `note_from_rows` makes the model's frozen dataclasses of them (for
`parse`, and for a cache entry, which holds the same rows); `note_rows` is the way back.

The objects are made with small constructors (`make_link`, ...) rather than the dataclasses'
`__init__` (see `positions`): the same classes with the same fields, only made faster.

Every range in a row is four ints in a row's fields: start line, start column, end line, end
column (`range_row`).
"""

from __future__ import annotations

import sys

from vaultls.vault.model import Block, Footnote, Frontmatter, Heading, Link, ParsedNote, Range, Tag
from vaultls.vault.parse.positions import (
    NO_ROW,
    PositionRow,
    position,
    position_row,
    range_from_row,
)

# ----------------------------------------------------------------------------- layouts
# Each row holds its object's fields in order, each `Range` as four ints (`range_row`). Plain
# tuples, not NamedTuples: marshal (the cache, the pipes from the workers) takes no tuple
# subclass, and the parser makes one row per link, where a NamedTuple's constructor costs
# several times a tuple display.

# A `Heading`: 0 level, 1 text, 2 line, 3-6 range (the heading's text).
HeadingRow = tuple[int, str, int, int, int, int, int]
# A `Block`: 0 id, 1 line of the `^id`, 2-5 range (the `^id`), 6 first line of the block it names.
BlockRow = tuple[str, int, int, int, int, int, int]
# A `Link`:
#   0 kind, "wiki" or "markdown"           6-9 range: the whole link, the `!` of an embed included
#   1 target, trimmed (Markdown: decoded)   10-13 target range: the target and its `#` part
#   2 subpath: the heading chain, a tuple   14 in frontmatter (a quoted wikilink in a property)
#   3 block id, or None
#   4 display text, or None
#   5 embed
# Also what a whole-vault check reads from the cache and `link_check.LinkChecker.rows` checks.
LinkRow = tuple[str, str, tuple[str, ...], str | None, str | None, bool, int, int, int, int, int, int, int, int, bool]
# A `Tag`: 0 name without `#`, 1-4 range (`#` included), 5 in frontmatter.
TagRow = tuple[str, int, int, int, int, bool]
# A `Footnote` (parse/footnotes.py): 0 id as written, 1 is a definition (else a reference), 2 line,
# 3 start column, 4 end column (of `[^id]`), 5 the definition's last line (a reference: its line).
FootnoteRow = tuple[str, bool, int, int, int, int]
# One of `ParsedNote.ignores`: 0 line of the comment, 1 the codes it names (none: every code).
IgnoreRow = tuple[int, tuple[str, ...]]
# A `ParsedNote`: 0 frontmatter (an object, or None), 1 headings, 2 blocks, 3 links, 4 tags,
# 5 aliases, 6 line count, 7 code spans, 8 callout spans, 9 ignore comments, 10 wide lines (a
# character beyond U+FFFF on them), 11 footnotes (`FootnoteRow`s: definitions, then references).
NoteRows = tuple[
    Frontmatter | None,
    list[HeadingRow],
    list[BlockRow],
    list[LinkRow],
    list[TagRow],
    list[str],
    int,
    list[tuple[int, int]],
    list[tuple[int, int]],
    list[IgnoreRow],
    tuple[int, ...],
    list[FootnoteRow],
]

# ----------------------------------------------------------------------------- objects

_new = object.__new__
_intern = sys.intern
_set_start = Range.__dict__["start"].__set__
_set_end = Range.__dict__["end"].__set__
_LINK_SETTERS = tuple(
    Link.__dict__[name].__set__
    for name in ("kind", "target", "subpath", "block", "display", "embed", "range", "target_range", "in_frontmatter")
)
_HEADING_SETTERS = tuple(Heading.__dict__[name].__set__ for name in ("level", "text", "line", "range"))
_BLOCK_SETTERS = tuple(Block.__dict__[name].__set__ for name in ("id", "line", "range", "start_line"))
_TAG_SETTERS = tuple(Tag.__dict__[name].__set__ for name in ("name", "range", "in_frontmatter"))


def make_link(
    kind: str,
    target: str,
    subpath: tuple[str, ...],
    block: str | None,
    display: str | None,
    embed: bool,
    rng: Range,
    target_range: Range,
    in_frontmatter: bool = False,
) -> Link:
    """`Link(...)`, made without the dataclass's `__init__`; its target string interned (a
    vault links each name many times: one string per name)."""
    made = _new(Link)
    s = _LINK_SETTERS
    s[0](made, kind)
    s[1](made, _intern(target))
    s[2](made, subpath)
    s[3](made, block)
    s[4](made, display)
    s[5](made, embed)
    s[6](made, rng)
    s[7](made, target_range)
    s[8](made, in_frontmatter)
    return made


def _heading(level: int, text: str, line: int, rng: Range) -> Heading:
    made = _new(Heading)
    s = _HEADING_SETTERS
    s[0](made, level)
    s[1](made, text)
    s[2](made, line)
    s[3](made, rng)
    return made


def _block(ident: str, line: int, rng: Range, start_line: int) -> Block:
    made = _new(Block)
    s = _BLOCK_SETTERS
    s[0](made, ident)
    s[1](made, line)
    s[2](made, rng)
    s[3](made, start_line)
    return made


def _tag(name: str, rng: Range, in_frontmatter: bool = False) -> Tag:
    made = _new(Tag)
    s = _TAG_SETTERS
    s[0](made, _intern(name))
    s[1](made, rng)
    s[2](made, in_frontmatter)
    return made


# ----------------------------------------------------------------------------- conversions


def note_from_rows(rows: NoteRows) -> ParsedNote:
    """The `ParsedNote` of `parse_rows` (or of a cache entry, which holds the same rows)."""
    frontmatter, headings, blocks, links, tags, aliases, line_count = rows[:7]
    code_spans, callout_spans, ignores, wide, footnotes = rows[7:]
    return ParsedNote(
        frontmatter=frontmatter,
        headings=[_heading(level, txt, line, range_from_row(a, b, c, d)) for level, txt, line, a, b, c, d in headings],
        blocks=[_block(ident, line, range_from_row(a, b, c, d), start) for ident, line, a, b, c, d, start in blocks],
        links=_links_from_rows(links),
        tags=[_tag(name, range_from_row(a, b, c, d), in_fm) for name, a, b, c, d, in_fm in tags],
        aliases=aliases,
        line_count=line_count,
        code_spans=code_spans,
        callout_spans=callout_spans,
        ignores=ignores,
        wide=wide,
        footnotes=[_footnote(row) for row in footnotes if row[1]] if footnotes else [],
        footnote_refs=[_footnote(row) for row in footnotes if not row[1]] if footnotes else [],
    )


def note_rows(parsed: ParsedNote) -> NoteRows:
    """The rows of a `ParsedNote` (the inverse of `note_from_rows`), for what holds the model
    and wants the rows: the cache's `encode`, and the check of a parsed note."""
    return (
        parsed.frontmatter,
        [(h.level, h.text, h.line, *range_row(h.range)) for h in parsed.headings],
        [(b.id, b.line, *range_row(b.range), b.start_line) for b in parsed.blocks],
        link_rows(parsed.links),
        [(t.name, *range_row(t.range), t.in_frontmatter) for t in parsed.tags],
        parsed.aliases,
        parsed.line_count,
        parsed.code_spans,
        parsed.callout_spans,
        parsed.ignores,
        parsed.wide,
        footnote_rows(parsed),
    )


def footnote_rows(parsed: ParsedNote) -> list[FootnoteRow]:
    """The `FootnoteRow`s of a note: its definitions, then its references."""
    return [(f.id, True, *_footnote_place(f)) for f in parsed.footnotes] + [
        (f.id, False, *_footnote_place(f)) for f in parsed.footnote_refs
    ]


def _footnote(row: FootnoteRow) -> Footnote:
    ident, _, line, start, end, end_line = row
    return Footnote(ident, range_from_row(line, start, line, end), end_line)


def _footnote_place(footnote: Footnote) -> tuple[int, int, int, int]:
    rng = footnote.range
    return (rng.start.line, rng.start.character, rng.end.character, footnote.end_line)


def range_row(rng: Range) -> tuple[int, int, int, int]:
    """A range as a row holds it: start line, start column, end line, end column."""
    return (rng.start.line, rng.start.character, rng.end.line, rng.end.character)


def _links_from_rows(rows: list[LinkRow]) -> list[Link]:
    """`make_link(...)` for every row, written out in one loop: links are most of a note's
    objects (a parse or a warm start makes a vault's worth of them), so the calls of the small
    constructors (a Python frame each) are inlined here. Same objects, same sharing."""
    if not rows:
        return []
    new = _new
    make_pos = position
    line_row = position_row
    set_start, set_end = _set_start, _set_end
    s_kind, s_target, s_subpath, s_block, s_display, s_embed, s_range, s_target_range, s_fm = _LINK_SETTERS
    intern = _intern
    out: list[Link] = []
    append = out.append
    row: PositionRow = NO_ROW
    row_line = -1
    for kind, target, subpath, block, display, embed, a, b, c, d, e, f, g, h, in_fm in rows:
        whole = new(Range)
        part = new(Range)
        if a == c == e == g:  # a link is written on one line: its four positions share a row
            width = (d if d > h else h) + 1
            if a != row_line or width > len(row):
                row = line_row(a, width)
                row_line = a
            set_start(whole, row[b] or make_pos(a, b))
            set_end(whole, row[d] or make_pos(a, d))
            set_start(part, row[f] or make_pos(a, f))
            set_end(part, row[h] or make_pos(a, h))
        else:
            set_start(whole, make_pos(a, b))
            set_end(whole, make_pos(c, d))
            set_start(part, make_pos(e, f))
            set_end(part, make_pos(g, h))
        link = new(Link)
        s_kind(link, kind)
        s_target(link, intern(target))
        s_subpath(link, subpath)
        s_block(link, block)
        s_display(link, display)
        s_embed(link, embed)
        s_range(link, whole)
        s_target_range(link, part)
        s_fm(link, in_fm)
        append(link)
    return out


def link_rows(links: list[Link]) -> list[LinkRow]:
    """The `LinkRow`s of links (for `note_rows`, and for the check's view of a parsed note, which
    needs no other rows): the positions read once each, as this runs on every edit."""
    out: list[LinkRow] = []
    append = out.append
    for link in links:
        whole, part = link.range, link.target_range
        a, b, c, d = whole.start, whole.end, part.start, part.end
        append(
            (
                link.kind,
                link.target,
                link.subpath,
                link.block,
                link.display,
                link.embed,
                a.line,
                a.character,
                b.line,
                b.character,
                c.line,
                c.character,
                d.line,
                d.character,
                link.in_frontmatter,
            )
        )
    return out
