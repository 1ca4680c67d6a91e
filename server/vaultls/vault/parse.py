"""Text of one note → `ParsedNote`: frontmatter, headings, block ids, links and tags with ranges.

One pass over the lines with a small block-level state machine (fences, indented code, lists,
comments) decides where Markdown text is, and precompiled patterns find links and tags in it.
Cheap `in` tests guard every pattern because most lines of a vault hold none of them; that is
what keeps a cold scan of a large vault fast. For the same reason blank lines, paragraph lines,
ATX headings and plain list items outside code take a fast path through the state machine,
every pattern searched for starts with a literal (so the regex engine skips to candidates),
and the commonest frontmatter is read without YAML. Each fast path gives exactly what the
general one would.

The parser records a note's headings, blocks, links and tags as plain rows (`parse_rows`),
which is all a cold scan's workers and a cold `vaultls check` need: they store or read the rows
and never make objects, ~40% of a parse's time. `parse` makes the model's frozen
dataclasses of the rows (`note_from_rows`, also what a cache entry decodes through), with the
small constructors below (`_pos`, `_range`, `_link`, ...) rather than the dataclasses'
`__init__`: a 10,000-note vault holds about a million of them, and the generated `__init__` of a
frozen dataclass (one `object.__setattr__` per field) was the largest single cost of a cold
scan. Positions are immutable, so equal ones are shared between notes, which also keeps the
index small. The objects are the same classes with the same fields; only their making is faster.

Where this deliberately simplifies CommonMark it errs towards finding links, since a hidden
real link (a false "dangling" silence) hurts more than an extra one: inline code spans and
HTML comments are recognised on one line (comments also across lines), and indented lines
inside a list are list content, never code.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from datetime import date
from urllib.parse import unquote

import yaml
from frontmatter.default_handlers import SafeLoader  # CSafeLoader when libyaml is present

from vaultls.vault.model import (
    Block,
    Frontmatter,
    Heading,
    Link,
    ParsedNote,
    Position,
    Range,
    Tag,
)
from vaultls.vault.text import split_lines

_QUOTE_PREFIX = re.compile(r"(?:[ ]{0,3}>[ ]?)+")
_FENCE = re.compile(r"(`{3,}|~{3,})(.*)$")
_LIST_ITEM = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
# The heading text is matched as runs of blanks each followed by one other character, the runs
# possessive: with a plain lazy `(.*?)` every extra character re-scanned the blanks after it,
# and a heading line with a long run of spaces took minutes (the same matches, in linear time).
_ATX = re.compile(r"(#{1,6})(?:[ \t]+((?:[ \t]*[^ \t])*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"(=+|-+)[ \t]*$")
_THEMATIC = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_CALLOUT = re.compile(r"\[!([^\]]+)\]")
# Every alternative starts with a literal (not "`+"), so the engine scans for the next `<`, `%`
# or backtick instead of trying a match at every column: four times faster on a long line.
_INLINE_SPECIAL = re.compile(r"<!--|%%|``*")
# `[[`, then the shortest run of characters none of which starts `[[` or `]]`, then `]]`; a `!`
# right before makes it an embed. Written with classes instead of a tempered
# `(?:(?!\[\[|\]\]).)+?` (one look-ahead per character), and starting with the literal `[[` (the
# `!` is looked at by hand) so that the regex engine can skip to each `[[` instead of trying
# every column: the same matches, about six times faster on the long lines notes are made of.
# An inner character can never start `]]`, so the run cannot pass the first `]]`: greedy equals
# lazy here. Written as runs of plain characters between single brackets (each bracket starts
# exactly one group, so there is one way to match and no backtracking blow-up, without the
# possessive quantifiers Python 3.10 lacks): three times faster than one alternation per
# character. `(?!\]\])` keeps `[[]]` out, as the old `+` did. A `!` is never the end of an
# earlier match (they end in `]]`).
_WIKILINK = re.compile(r"\[\[(?!\]\])([^\[\]\n]*(?:(?:\[(?!\[)|\](?!\]))[^\[\]\n]*)*)\]\]")
# `[text](destination "title")`; a `!` right before makes it an embed. Like `_WIKILINK`, it
# starts with a literal `[` (the `!` is looked at by hand: a `!` is never the end of an earlier
# match, which ends in `)`) so that the engine skips from `[` to `[`: with a leading `(!?)` it
# tried a match at every column, ten times slower on a note's long lines. The text is runs of
# plain characters between bracketed parts (each `[` starts exactly one part), the same matches
# as one alternation per character, without its per-character branch.
_MD_LINK = re.compile(
    r"\[([^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*)\]\(\s*"
    r"(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)"
)
# Only ever matched from where `_mask_urls` found it must start: searched for, it tried every column
# of a long word, and masking a line was quadratic (seconds for one 40 KB word and a `://`).
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://\S+")
_SCHEME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# A tag is this, at the start of the text or after white space (checked by hand: a pattern that
# starts with `#` lets the engine jump from `#` to `#`). The name cannot hold a `#`, so a match
# thrown away for what precedes it never hides another one.
_TAG = re.compile(r"#([^\s!-,.:-@\[-^`{-~]+)")
# `^id` at the end of a line, at its start or after white space. Its `^` is the line's last one
# (an id holds no `^`, and only blanks may follow it), so the parser matches at `rfind("^")`
# instead of searching every column.
_BLOCK_ID = re.compile(r"\^([A-Za-z0-9-]+)[ \t]*$")
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'")
_QUOTE_CHAR = re.compile(r"[\"']")
_TICKS = re.compile(r"``*")  # not "`+": see `_INLINE_SPECIAL`
_TAG_SPLIT = re.compile(r"[,\s]+")
_CLOSING_TICKS: dict[str, re.Pattern[str]] = {}
_ITEM_FIRST = frozenset("-+*0123456789")
# What a line that opens a block construct other than an ATX heading (or is indented) can start
# with; see `run`.
_BLOCK_FIRST = frozenset(" \t>`~$=-*_+0123456789")

# ----------------------------------------------------------------------------- rows

# A note's many small parts as plain values, each range as four ints (start line, start column,
# end line, end column): what the parser records, what the cache stores (`cache.encode_rows`)
# and what `vaultls check` reads; `note_from_rows` makes the model's objects of them.
HeadingRow = tuple[int, str, int, int, int, int, int]  # level, text, line, range
BlockRow = tuple[str, int, int, int, int, int, int]  # id, line, range, start line
# kind, target, subpath, block, display, embed, range, target range, in frontmatter
LinkRow = tuple[str, str, tuple[str, ...], "str | None", "str | None", bool, int, int, int, int, int, int, int, int, bool]
TagRow = tuple[str, int, int, int, int, bool]  # name, range, in frontmatter
WarningRow = tuple[str, str, int, int, int, int]  # code, message, range
# (frontmatter, headings, blocks, links, tags, aliases, line count, code spans, callout spans,
# warnings): a `ParsedNote`'s fields in order, its one `Frontmatter` left an object.
NoteRows = tuple[
    "Frontmatter | None", list[HeadingRow], list[BlockRow], list[LinkRow], list[TagRow], list[str], int,
    list[tuple[int, int]], list[tuple[int, int]], list[WarningRow],
]

# ----------------------------------------------------------------------------- fast objects

_new = object.__new__
_intern = sys.intern
_set_line = Position.__dict__["line"].__set__
_set_character = Position.__dict__["character"].__set__
_set_start = Range.__dict__["start"].__set__
_set_end = Range.__dict__["end"].__set__
_LINK_SETTERS = tuple(
    Link.__dict__[name].__set__
    for name in ("kind", "target", "subpath", "block", "display", "embed", "range", "target_range", "in_frontmatter")
)
_HEADING_SETTERS = tuple(Heading.__dict__[name].__set__ for name in ("level", "text", "line", "range"))
_BLOCK_SETTERS = tuple(Block.__dict__[name].__set__ for name in ("id", "line", "range", "start_line"))
_TAG_SETTERS = tuple(Tag.__dict__[name].__set__ for name in ("name", "range", "in_frontmatter"))

# Shared positions, keyed by line * 2**20 + column. Bounded: cleared if it ever grows past a
# million entries (a pathological vault), which only costs sharing, never correctness.
_POSITIONS: dict[int, Position] = {}
_POSITION_LIMIT = 1_000_000
# The same positions as rows, where `_links_from_rows` looks them up: per line, a list indexed by
# column, None where no position was made yet. Looking up an int key in `_POSITIONS` (hash,
# probe, compare the key objects; and the line sits above the low bits a dict starts probing
# at, so there every column collides with itself on every line) was the largest single cost of
# making links; a list index costs next to nothing. A row is as wide as the longest line that
# asked for it, never wider than _ROW_WIDTH_LIMIT (wider columns are only in `_POSITIONS`), and
# the rows start over once they hold _ROW_SLOT_LIMIT slots in all, so they stay small
# (a few hundred kilobytes for a real vault) whatever the notes.
_ROWS: dict[int, list[Position | None]] = {}
_ROW_WIDTH_LIMIT = 4096
_ROW_SLOT_LIMIT = 1 << 21
_row_slots = 0  # slots in _ROWS


class _NoRow(dict):  # type: ignore[type-arg]
    """What `_row` gives for a line too wide for rows: every lookup misses (then `_pos`)."""

    def __missing__(self, column: int) -> None:
        return None


_NO_ROW = _NoRow()


def _row(line: int, width: int) -> list[Position | None] | _NoRow:
    """The shared positions of `line`, indexable by every column below `width`: look one up with
    `row[column] or _pos(line, column)`."""
    global _row_slots
    row = _ROWS.get(line)
    if row is not None and len(row) >= width:
        return row
    if width > _ROW_WIDTH_LIMIT:
        return _NO_ROW
    if row is None:
        row = _ROWS[line] = []
    _row_slots += width - len(row)
    if _row_slots > _ROW_SLOT_LIMIT:
        _ROWS.clear()
        row = _ROWS[line] = []
        _row_slots = width
    row.extend([None] * (width - len(row)))
    return row


def _pos(line: int, character: int) -> Position:
    """`Position(line, character)`, shared with every equal position made before."""
    global _row_slots
    row = _ROWS.get(line)
    if row is not None and character < len(row):
        found = row[character]
        if found is not None:
            return found
    else:
        row = None
    if character >= 1048576:
        made = _new(Position)  # too wide for the keys: not shared
        _set_line(made, line)
        _set_character(made, character)
        return made
    key = (line << 20) | character
    found = _POSITIONS.get(key)
    if found is None:
        found = _new(Position)
        _set_line(found, line)
        _set_character(found, character)
        if len(_POSITIONS) >= _POSITION_LIMIT:
            _POSITIONS.clear()
            _ROWS.clear()
            _row_slots = 0
            row = None
        _POSITIONS[key] = found
    if row is not None:
        row[character] = found
    return found


def _range(line: int, start: int, end: int) -> Range:
    """`Range.on_line(line, start, end)`."""
    made = _new(Range)
    _set_start(made, _pos(line, start))
    _set_end(made, _pos(line, end))
    return made


def _span(start: Position, end: Position) -> Range:
    made = _new(Range)
    _set_start(made, start)
    _set_end(made, end)
    return made


def _link(
    kind: str, target: str, subpath: tuple[str, ...], block: str | None, display: str | None, embed: bool,
    rng: Range, target_range: Range, in_frontmatter: bool = False,
) -> Link:
    made = _new(Link)
    s = _LINK_SETTERS
    s[0](made, kind)
    s[1](made, _intern(target))  # a vault links each name many times: one string per name
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


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each (start, end) span replaced by as many spaces (columns preserved)."""
    pieces: list[str] = []
    pos = 0
    for start, end in spans:
        pieces.append(text[pos:start])
        pieces.append(" " * (end - start))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def parse(text: str) -> ParsedNote:
    """Parse a note. Never raises on any text: bad YAML becomes `frontmatter.error`."""
    return note_from_rows(parse_rows(text))


def parse_rows(text: str) -> NoteRows:
    """`parse`, with the note's headings, blocks, links, tags and warnings as plain rows
    (`NoteRows`). A cold scan's workers and a cold `vaultls check` want only these (to store
    in the cache, or to check), and making the model's objects is ~40% of `parse`'s time."""
    # str.split is many times faster than the regex split, and the same when there is no `\r`.
    lines = text.split("\n") if "\r" not in text else split_lines(text)
    if lines[0].startswith("\ufeff"):
        # Editors drop the BOM; when a buffer still has one, read past it without moving columns.
        lines[0] = " " + lines[0][1:]
    parser = _BodyParser(lines)
    frontmatter = None
    body_start = 0
    if lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if end is not None:
            frontmatter = _parse_frontmatter(lines, end)
            body_start = end + 1
            _frontmatter_links_and_tags(lines, frontmatter, parser)
    parser.run(body_start)
    return (
        frontmatter, parser.headings, parser.blocks, parser.links, parser.tags, _aliases(frontmatter), len(lines),
        parser.code_spans, parser.callout_spans, parser.warnings,
    )


def note_from_rows(rows: NoteRows) -> ParsedNote:
    """The `ParsedNote` of `parse_rows` (or of a cache entry, which holds the same rows)."""
    (frontmatter, headings, blocks, links, tags, aliases, line_count, code_spans, callout_spans, warnings) = rows
    return ParsedNote(
        frontmatter=frontmatter,
        headings=[_heading(level, txt, line, _range4(a, b, c, d)) for level, txt, line, a, b, c, d in headings],
        blocks=[_block(ident, line, _range4(a, b, c, d), start) for ident, line, a, b, c, d, start in blocks],
        links=_links_from_rows(links),
        tags=[_tag(name, _range4(a, b, c, d), in_fm) for name, a, b, c, d, in_fm in tags],
        aliases=aliases,
        line_count=line_count,
        code_spans=code_spans,
        callout_spans=callout_spans,
        warnings=[(code, message, _range4(a, b, c, d)) for code, message, a, b, c, d in warnings],
    )


def note_rows(parsed: ParsedNote) -> NoteRows:
    """The rows of a `ParsedNote` (the inverse of `note_from_rows`), for what holds the model
    and wants the rows: the cache's `encode`, and the check of a parsed note."""
    return (
        parsed.frontmatter,
        [(h.level, h.text, h.line, *range_row(h.range)) for h in parsed.headings],
        [(b.id, b.line, *range_row(b.range), b.start_line) for b in parsed.blocks],
        [
            (
                link.kind, link.target, link.subpath, link.block, link.display, link.embed,
                *range_row(link.range), *range_row(link.target_range), link.in_frontmatter,
            )
            for link in parsed.links
        ],
        [(t.name, *range_row(t.range), t.in_frontmatter) for t in parsed.tags],
        parsed.aliases,
        parsed.line_count,
        parsed.code_spans,
        parsed.callout_spans,
        [(code, message, *range_row(rng)) for code, message, rng in parsed.warnings],
    )


def range_row(rng: Range) -> tuple[int, int, int, int]:
    """A range as a row holds it: start line, start column, end line, end column."""
    return (rng.start.line, rng.start.character, rng.end.line, rng.end.character)


def _range4(a: int, b: int, c: int, d: int) -> Range:
    """The `Range` of `range_row`'s four ints."""
    return _span(_pos(a, b), _pos(c, d))


def _links_from_rows(rows: list[LinkRow]) -> list[Link]:
    """`_link(...)` for every row, written out in one loop: links are most of a note's objects
    (a parse or a warm start makes a vault's worth of them), so the calls of the small
    constructors (a Python frame each) are inlined here. Same objects, same sharing."""
    new = _new
    make_pos = _pos
    set_start, set_end = _set_start, _set_end
    s_kind, s_target, s_subpath, s_block, s_display, s_embed, s_range, s_target_range, s_fm = _LINK_SETTERS
    intern = _intern
    out: list[Link] = []
    append = out.append
    row: list[Position | None] | _NoRow = _NO_ROW
    row_line = -1
    for kind, target, subpath, block, display, embed, a, b, c, d, e, f, g, h, in_fm in rows:
        whole = new(Range)
        part = new(Range)
        if a == c == e == g:  # a link is written on one line: its four positions share a row
            width = (d if d > h else h) + 1
            if a != row_line or width > len(row):
                row = _row(a, width)
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


def frontmatter_aliases(text: str) -> list[str]:
    """`parse(text).aliases`, from the frontmatter alone: the first pass of a cold start needs
    every note's aliases (a link may name a note by one) long before it needs the rest.

    Frontmatter without the word `alias` and without a `\\` (a YAML escape could spell it) has
    no `aliases` or `alias` property whatever else it holds (a `<<: *merged` mapping is written
    in the same block), so it is not even parsed."""
    if "\r" in text:
        lines = split_lines(text)
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    else:
        lines, end = _head_lines(text)  # the frontmatter's lines only, not the body's hundreds
    if lines[0].startswith("\ufeff"):
        lines[0] = " " + lines[0][1:]
    if lines[0].strip() != "---" or end is None:
        return []
    block = "\n".join(lines[1:end])
    if "alias" not in block and "\\" not in block:
        return []
    return _aliases(_simple_frontmatter(lines, end, ranges=False) or _yaml_frontmatter(lines, end))


def _head_lines(text: str) -> tuple[list[str], int | None]:
    """The `\n`-separated lines of `text` up to the closing fence of a frontmatter that the first
    line opens, and that fence's index (None when there is none)."""
    first = text.find("\n")
    lines = [text if first < 0 else text[:first]]
    if first < 0 or lines[0].lstrip("\ufeff").strip() != "---":
        return lines, None
    start = first + 1
    while True:
        stop = text.find("\n", start)
        line = text[start:] if stop < 0 else text[start:stop]
        lines.append(line)
        if line.rstrip() in ("---", "..."):
            return lines, len(lines) - 1
        if stop < 0:
            return lines, None
        start = stop + 1


# --------------------------------------------------------------------------- frontmatter


def _parse_frontmatter(lines: list[str], end: int) -> Frontmatter:
    return _simple_frontmatter(lines, end) or _yaml_frontmatter(lines, end)


def _yaml_frontmatter(lines: list[str], end: int) -> Frontmatter:
    fm = Frontmatter(start_line=0, end_line=end)
    source = "\n".join(lines[1:end])
    loader = SafeLoader(source)
    try:
        node = loader.get_single_node()
        if node is None:
            return fm
        if not isinstance(node, yaml.MappingNode):
            fm.error = "frontmatter must be a mapping of properties (`key: value` lines)"
            fm.error_range = _range(0, 0, 3)
            return fm
        # Without an alias (`*name`) the nodes are a tree of at most a few per character: only
        # long or aliasing YAML can be unusable, and most frontmatter is neither.
        unusable = _unusable(node) if "*" in source or len(source) * 4 >= MAX_FRONTMATTER_VALUES else None
        if unusable is not None:
            fm.error = f"invalid YAML in frontmatter: {unusable}"
            fm.error_range = Range.on_line(0, 0, 3)
            return fm
        pairs = list(node.value)  # constructing moves `<<: *merged` keys in here
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = 1 + (mark.line if mark else 0)
        line = min(line, end - 1) if end > 1 else 0
        fm.error = f"invalid YAML in frontmatter: {exc.problem or exc.context}"
        fm.error_range = _range(line, 0, len(lines[line]))
        return fm
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        # Unhashable keys (`? [a]: b`), recursion and the like: still a YAML problem to report.
        fm.error = f"invalid YAML in frontmatter: {exc}"
        fm.error_range = _range(0, 0, 3)
        return fm
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return fm
    fm.data = {str(k): v for k, v in data.items()}
    seen: set[str] = set()
    for key_node, value_node in pairs:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
            continue
        name = str(key_node.value)
        key_range = _mark_range(key_node)
        if name in seen:
            # YAML keeps the last value, as Obsidian does; the first one is silently lost.
            fm.duplicate_keys.append((name, key_range))
        seen.add(name)
        fm.key_ranges[name] = key_range
        fm.value_ranges[name] = _mark_range(value_node)
    return fm


# The frontmatter most notes have, read without YAML (three times faster; through YAML it was a
# tenth of the parse of a benchmark note): `key: value` lines whose value is a date, a plain word
# or words, a double-quoted string or a flow list of words, and `key:` lines followed by a block
# list of words. Every unquoted scalar starts with a letter and holds only word characters,
# blanks and `-`, so PyYAML reads it as a string unless it is one of its boolean or null words
# (then YAML reads the block); anything else (comments, blank lines, numbers, escapes, nesting, a key given
# twice, ...) goes to YAML too. Same data and ranges as `_parse_frontmatter` gives through YAML.
_FM_WORDS = r"[^\W\d_](?:[\w -]*[\w-])?"
_FM_LINE = re.compile(
    r"([^\W\d_][\w-]*):(?: (?:"
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    rf"|({_FM_WORDS})"
    # YAML's printable characters but `"`, `\\`, the tab, the line breaks NEL, LS and PS, and the BOM
    r'|"([!#-\[\]-~\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff ]*)"'
    rf"|\[((?:{_FM_WORDS}(?:, {_FM_WORDS})*)?)\]"
    r"))?"
)
_FM_ITEM = re.compile(rf"( *)- ({_FM_WORDS})")
_YAML_WORDS = frozenset(
    "yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF null Null NULL".split()
)
_SIMPLE_FRONTMATTER_CHARS = 4096  # longer frontmatter is left to YAML


def _simple_frontmatter(lines: list[str], end: int, ranges: bool = True) -> Frontmatter | None:
    """What `_parse_frontmatter` returns for frontmatter of the simple forms above, else None.
    Without `ranges`, only its data (`frontmatter_aliases` needs no more)."""
    data: dict[str, object] = {}
    key_ranges: dict[str, Range] = {}
    value_ranges: dict[str, Range] = {}
    size = 0
    i = 1
    while i < end:
        line = lines[i]
        size += len(line)
        if size > _SIMPLE_FRONTMATTER_CHARS:
            return None
        m = _FM_LINE.fullmatch(line)
        if m is None:
            return None
        key, year, words, quoted, items = m.group(1, 2, 5, 6, 7)
        if key in data or key in _YAML_WORDS:
            return None
        value: object
        if year is not None:
            try:
                value = date(int(year), int(m.group(3)), int(m.group(4)))
            except ValueError:
                return None  # no such day: YAML says so
        elif words is not None:
            if words in _YAML_WORDS:
                return None
            value = words
        elif quoted is not None:
            value = quoted
        elif items is not None:
            flow = items.split(", ") if items else []
            if not _YAML_WORDS.isdisjoint(flow):
                return None
            value = flow
        else:
            # `key:` and then a block list, all its items indented alike; the list's range ends
            # where the next line starts.
            listed: list[str] = []
            indent = None
            j = i + 1
            while j < end:
                item = _FM_ITEM.fullmatch(lines[j])
                if item is None:
                    break
                if indent is None:
                    indent = item.group(1)
                elif item.group(1) != indent:
                    return None
                if item.group(2) in _YAML_WORDS:
                    return None
                size += len(lines[j])
                listed.append(item.group(2))
                j += 1
            if indent is None or size > _SIMPLE_FRONTMATTER_CHARS:
                return None  # `key:` alone is null, left to YAML
            data[key] = listed
            if ranges:
                key_ranges[key] = _range(i, 0, len(key))
                value_ranges[key] = _span(_pos(i + 1, len(indent)), _pos(j, 0))
            i = j
            continue
        data[key] = value
        if ranges:
            key_ranges[key] = _range(i, 0, len(key))
            value_ranges[key] = _range(i, len(key) + 2, len(line))
        i += 1
    if not data:
        return None
    fm = Frontmatter(start_line=0, end_line=end)
    fm.data = data
    fm.key_ranges = key_ranges
    fm.value_ranges = value_ranges
    return fm


_MERGE_TAG = "tag:yaml.org,2002:merge"
# Values in the frontmatter once aliases are expanded. Far above any real note, far below what
# hangs code that walks the data (schema checks, JSON output): nine nested aliases of nine
# items each (a "billion laughs") are 387 million values but only a few lines of YAML.
MAX_FRONTMATTER_VALUES = 100_000


def _unusable(root: yaml.Node) -> str | None:
    """Why the composed YAML must not become `data`: an alias that contains itself (walking it
    never ends) or aliases that expand to too many values. Counted on the node graph, where
    each alias is one shared node, so the count itself is cheap."""
    sizes: dict[int, int] = {}
    entered: set[int] = set()  # the nodes on the path from the root to the current one
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _yaml_children(node)
        if done:
            entered.discard(key)
            size = 1 + sum(sizes[id(child)] for child in children)
            if size > MAX_FRONTMATTER_VALUES:
                return f"aliases expand to more than {MAX_FRONTMATTER_VALUES:,} values"
            sizes[key] = size
            continue
        if key in sizes:
            continue
        entered.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in entered:
                return "an alias refers to a value that contains it"
            if id(child) not in sizes:
                stack.append((child, False))
    return None


def _yaml_children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return node.value
    return []


def _mark_range(node: yaml.Node) -> Range:
    start, end = node.start_mark, node.end_mark
    return _span(_pos(start.line + 1, start.column), _pos(end.line + 1, end.column))


def _aliases(frontmatter: Frontmatter | None) -> list[str]:
    if frontmatter is None:
        return []
    value = frontmatter.data.get("aliases", frontmatter.data.get("alias"))
    if isinstance(value, str):
        value = [part for part in value.split(",")]
    if not isinstance(value, list):
        return []
    return [str(item).strip() for item in value if isinstance(item, (str, int, float)) and str(item).strip()]


def _frontmatter_links_and_tags(lines: list[str], fm: Frontmatter, parser: "_BodyParser") -> None:
    """Quoted wikilinks in property values are links (Obsidian's frontmatter links), and the
    `tags` property holds tags."""
    for i in range(1, fm.end_line):
        line = lines[i]
        if "[[" not in line:
            continue
        for quoted in _quoted_spans(line):
            parser.find_wikilinks(i, line, quoted.start() + 1, quoted.end() - 1, in_frontmatter=True)
    for name in ("tags", "tag"):
        if name not in fm.value_ranges:
            continue
        value = fm.data.get(name)
        items = value if isinstance(value, list) else [value]
        value_range = fm.value_ranges[name]
        for item in items:
            if not isinstance(item, str):
                continue
            for word in _TAG_SPLIT.split(item):
                tag = word.lstrip("#").rstrip("/")
                if not tag or tag.isdigit():
                    continue
                at = _locate(lines, value_range, word) or value_range
                parser.tags.append(
                    (tag, at.start.line, at.start.character, at.end.line, at.end.character, True)
                )


def _quoted_spans(line: str) -> list[re.Match[str]]:
    """`_QUOTED.finditer(line)` in linear time. A quote that does not close has been scanned to the
    end of the line, and no later quote of its kind can close either (a later `"` was escaped in
    that scan, which then went on exactly as a scan from it would; a later `'` does not exist),
    so each kind is given up after its first failure instead of re-scanning the rest of the line
    from every quote, which took minutes on a long frontmatter line of `\\"`."""
    found: list[re.Match[str]] = []
    dead: set[str] = set()
    pos = 0
    while len(dead) < 2:
        quote = _QUOTE_CHAR.search(line, pos)
        if quote is None:
            break
        start = quote.start()
        if quote.group() not in dead:
            m = _QUOTED.match(line, start)
            if m is not None:
                found.append(m)
                pos = m.end()
                continue
            dead.add(quote.group())
        pos = start + 1
    return found


def _locate(lines: list[str], within: Range, word: str) -> Range | None:
    """Where `word` is written inside a YAML value's range (the value may span lines)."""
    for line in range(within.start.line, min(within.end.line, len(lines) - 1) + 1):
        start = within.start.character if line == within.start.line else 0
        col = lines[line].find(word, start)
        if col >= 0:
            return _range(line, col, col + len(word))
    return None


# --------------------------------------------------------------------------- body


class _BodyParser:
    """The block-level walk over a note's body and the inline scan of each Markdown line."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.headings: list[HeadingRow] = []
        self.blocks: list[BlockRow] = []
        self.links: list[LinkRow] = []
        self.tags: list[TagRow] = []
        self.code_spans: list[tuple[int, int]] = []
        self.callout_spans: list[tuple[int, int]] = []
        self.warnings: list[WarningRow] = []
        self._comment: str | None = None  # "<!--" or "%%" while a comment spans lines

    # ------------------------------------------------------------------ block level

    def run(self, start: int) -> None:
        lines = self.lines
        fence: tuple[str, int, int, int, int] | None = None  # char, length, indent, depth, line
        ad_fences: list[tuple[str, int, int]] = []  # char, length, opening line
        callout: int | None = None  # first line of an open `> [!note]` callout
        indented_code_from: int | None = None
        math_from: int | None = None
        comment_from: int | None = None
        prev = "start"  # kind of the previous line: start, blank, para, list, other
        in_list = False
        block_start: int | None = None
        prev_block_start: int | None = None

        scan_inline = self._scan_inline
        for i in range(start, len(lines)):
            raw = lines[i]
            if fence is None and math_from is None and indented_code_from is None and self._comment is None:
                # Fast paths for the lines a note is mostly made of, outside code, math and
                # comments: a blank line; a line whose first character can start no block
                # construct (a quote, fence, list item, thematic break, setext underline, `$$` or
                # indentation) but an ATX heading, so a heading or a paragraph line; and a plain
                # list item. Each does exactly what the general path below does for it.
                if not raw:
                    if callout is not None:
                        self.callout_spans.append((callout, i - 1))
                        callout = None
                    if block_start is not None:
                        prev_block_start = block_start
                        block_start = None
                    prev = "blank"
                    continue
                first = raw[0]
                if first not in _BLOCK_FIRST and not first.isspace():
                    if callout is not None:
                        self.callout_spans.append((callout, i - 1))
                        callout = None
                    m = _ATX.match(raw) if first == "#" else None
                    if m is not None:
                        text = (m.group(2) or "").strip()
                        col = raw.find(text) if text else len(raw)
                        self.headings.append((len(m.group(1)), text, i, i, col, i, col + len(text)))
                        in_list = False
                        if block_start is not None:
                            prev_block_start = block_start
                        block_start = i
                        scan_inline(i, raw)
                        if "^" in raw:
                            self._block_id(i, raw, raw.strip(), block_start, prev_block_start)
                        prev = "other"
                        prev_block_start, block_start = i, None
                        continue
                    if in_list and prev == "blank":
                        in_list = False
                    if block_start is None:
                        block_start = i
                    scan_inline(i, raw)
                    if "^" in raw:
                        self._block_id(i, raw, raw.strip(), block_start, prev_block_start)
                    prev = "para"
                    continue
                if (
                    first in "-*+" and raw[1:2] == " " and raw[2:3]
                    and raw[2] not in _BLOCK_FIRST and not raw[2].isspace()
                ):
                    # A list item at column 0 whose text starts with a character that makes it no
                    # thematic break (`- - -`) or setext underline.
                    if callout is not None:
                        self.callout_spans.append((callout, i - 1))
                        callout = None
                    in_list = True
                    if block_start is not None:
                        prev_block_start = block_start
                    block_start = i
                    scan_inline(i, raw)
                    if "^" in raw:
                        self._block_id(i, raw, raw.strip(), block_start, prev_block_start)
                    prev = "list"
                    continue
            depth = 0
            content = raw
            if raw.lstrip(" ").startswith(">"):
                m = _QUOTE_PREFIX.match(raw)
                if m:
                    depth = m.group().count(">")
                    content = raw[m.end():]
            if callout is not None and depth == 0:
                self.callout_spans.append((callout, i - 1))
                callout = None

            if fence is not None:
                f_char, f_len, f_indent, f_depth, f_line = fence
                if depth < f_depth:
                    fence = None  # leaving the block quote closes the fence
                    self.code_spans.append((f_line, i - 1))
                else:
                    stripped = content.lstrip(" ")
                    if (
                        stripped.startswith(f_char * f_len)
                        and len(content) - len(stripped) <= f_indent + 3
                        and stripped.rstrip() == f_char * len(stripped.rstrip())
                    ):
                        fence = None
                        self.code_spans.append((f_line, i))
                        prev = "other"
                    continue

            if math_from is not None:
                if content.strip() == "$$" or content.rstrip().endswith("$$"):
                    self.code_spans.append((math_from, i))
                    math_from = None
                    prev = "other"
                continue

            if self._comment is not None:
                # Inside a multi-line comment: only the scanner knows where it ends.
                if comment_from is None:
                    comment_from = i
                self._scan_inline(i, raw)
                if self._comment is None:
                    self.code_spans.append((comment_from, i))
                    comment_from = None
                continue

            stripped = content.strip()
            if not stripped:
                if block_start is not None:
                    prev_block_start = block_start
                    block_start = None
                if indented_code_from is None:
                    prev = "blank"
                continue

            indent = _indent_width(content) if content[0] in " \t" else 0
            if indented_code_from is not None:
                if indent >= 4:
                    continue
                self.code_spans.append((indented_code_from, _last_nonblank(lines, i)))
                indented_code_from = None
                prev = "blank"
            if indent >= 4 and not in_list and prev in ("start", "blank", "other") and depth == 0:
                indented_code_from = i
                continue

            lstripped = content.lstrip()
            first = lstripped[0]
            if first in "`~" and (indent <= 3 or in_list):
                m = _FENCE.match(lstripped)
                if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
                    char, length, info = m.group(1)[0], len(m.group(1)), m.group(2).strip()
                    if ad_fences and not info and char == ad_fences[-1][0] and length >= ad_fences[-1][1]:
                        _, _, opened = ad_fences.pop()
                        self.callout_spans.append((opened, i))
                    elif info.lower().startswith("ad-"):
                        ad_fences.append((char, length, i))
                    else:
                        fence = (char, length, indent, depth, i)
                    prev = "other"
                    block_start = None
                    continue

            if stripped == "$$":
                math_from = i
                continue

            if depth > 0 and callout is None and _CALLOUT.match(content.lstrip()):
                callout = i

            heading_line = False
            if first == "#" and indent <= 3:
                m = _ATX.match(lstripped)
                if m:
                    text = (m.group(2) or "").strip()
                    col = raw.find(text, len(raw) - len(lstripped)) if text else len(raw)
                    self.headings.append((len(m.group(1)), text, i, i, col, i, col + len(text)))
                    heading_line = True
                    in_list = in_list and indent > 0
            elif prev == "para" and indent <= 3 and first in "=-" and _SETEXT.match(lstripped):
                above = self.lines[i - 1]
                text = above.strip()
                col = above.find(text)
                level = 1 if first == "=" else 2
                self.headings.append((level, text, i - 1, i - 1, col, i - 1, col + len(text)))
                prev = "other"
                prev_block_start, block_start = i - 1, None
                continue
            elif first in "-*_" and _THEMATIC.match(lstripped):
                prev = "other"
                block_start = None
                continue

            is_item = first in _ITEM_FIRST and _LIST_ITEM.match(lstripped) is not None
            if is_item:
                in_list = True
            elif in_list and prev == "blank" and indent < 2 and depth == 0:
                in_list = False

            if is_item or heading_line or block_start is None:
                if block_start is not None:
                    prev_block_start = block_start
                block_start = i

            self._scan_inline(i, raw)
            if "^" in raw:
                self._block_id(i, raw, stripped, block_start, prev_block_start)

            if heading_line:
                prev = "other"
                prev_block_start, block_start = i, None
            else:
                prev = "list" if is_item else "para"

        end = len(lines) - 1
        if fence is not None:
            self.code_spans.append((fence[4], end))  # an unclosed fence runs to the end
        if indented_code_from is not None:
            self.code_spans.append((indented_code_from, end))
        if math_from is not None:
            self.code_spans.append((math_from, end))
        if comment_from is not None:
            self.code_spans.append((comment_from, end))
        for _, _, opened in ad_fences:
            self.callout_spans.append((opened, end))
        if callout is not None:
            self.callout_spans.append((callout, end))

    def _block_id(
        self, i: int, raw: str, stripped: str, block_start: int | None, prev_block_start: int | None
    ) -> None:
        col = raw.rfind("^")
        if col > 0 and not raw[col - 1].isspace():
            return
        m = _BLOCK_ID.match(raw, col)
        if not m:
            return
        own_line = stripped == m.group().strip()
        if own_line and block_start == i:
            start = prev_block_start if prev_block_start is not None else i
        else:
            start = block_start if block_start is not None else i
        self.blocks.append((m.group(1), i, i, col, i, m.end(1), start))

    # ------------------------------------------------------------------ inline level

    def _mask(self, line: str) -> str:
        """The line with comments and inline code replaced by spaces (columns preserved)."""
        if self._comment is None and "`" not in line and "<!--" not in line and "%%" not in line:
            return line
        spans: list[tuple[int, int]] = []
        runs: dict[int, list[int]] | None = None
        pos = 0
        n = len(line)
        while pos < n:
            if self._comment is not None:
                closer = "-->" if self._comment == "<!--" else "%%"
                j = line.find(closer, pos)
                stop = n if j < 0 else j + len(closer)
                spans.append((pos, stop))
                pos = stop
                if j >= 0:
                    self._comment = None
                continue
            m = _INLINE_SPECIAL.search(line, pos)
            if not m:
                break
            token = m.group()
            if token in ("<!--", "%%"):
                self._comment = token
                spans.append((m.start(), m.end()))
                pos = m.end()
                continue
            if runs is None:
                runs = _backtick_runs(line)
            starts = runs.get(len(token), ())
            at = bisect_left(starts, m.end())
            if at == len(starts):
                pos = m.end()  # an unmatched backtick run is literal text
                continue
            closing_end = starts[at] + len(token)
            spans.append((m.start(), closing_end))
            pos = closing_end
        return _blank(line, spans) if spans else line

    def _scan_inline(self, i: int, raw: str) -> None:
        if self._comment is None and "`" not in raw and "<!--" not in raw and "%%" not in raw:
            text = raw  # what `_mask` returns for it, without the call
        else:
            text = self._mask(raw)
        # Links are blanked out of the text only when something still has to look at it (a
        # Markdown link or a tag could be inside a wikilink); most lines need no copy at all.
        if "[[" in text:
            text = self.find_wikilinks(i, text, 0, len(text), mask="](" in text or "#" in text)
        if "](" in text:
            text = self._markdown_links(i, text, mask="#" in text)
        if "#" in text:
            if "://" in text:
                text = _mask_urls(text)
            for m in _TAG.finditer(text):
                start = m.start()
                if start and not text[start - 1].isspace():
                    continue  # `a#b`: not a tag
                name = m.group(1).rstrip("/")
                if name and not name.replace("/", "").isdigit() and any(not c.isdigit() for c in name):
                    self.tags.append((name, i, start, i, start + 1 + len(name), False))

    def find_wikilinks(
        self, i: int, text: str, start: int, end: int, *, mask: bool = False, in_frontmatter: bool = False
    ) -> str:
        """Record the wikilinks in text[start:end]; return text with them blanked when `mask`.

        Links are most of what a note holds, so each is recorded as a plain row, made right
        here rather than through a chain of small functions."""
        spans: list[tuple[int, int]] = []
        append = self.links.append
        for m in _WIKILINK.finditer(text, start, end):
            begin, stop = m.span()
            inner = m.group(1)
            embed = begin > start and text[begin - 1] == "!"
            if embed:
                begin -= 1
            # The first `|` ends the target (`\|` inside a table row too); a `#` starts the
            # heading chain or the `^block`.
            if "|" not in inner:
                display = None
                target_part = inner
            else:
                pipe = inner.find("|")
                display = inner[pipe + 1:].strip()
                target_part = inner[:pipe]
                if target_part.endswith("\\"):  # `[[Note\|shown]]` inside a table row
                    target_part = target_part[:-1]
            if "#" not in target_part:
                target = target_part.strip()
                if not target:
                    continue
                subpath: tuple[str, ...] = ()
                block = None
            else:
                hash_at = target_part.find("#")
                target = target_part[:hash_at].strip()
                subpath, block = _split_subpath(target_part[hash_at + 1:])
                if not target and not subpath and block is None:
                    continue
                block = block or None
            # target_part is not empty here (it holds a target or a `#`); the target range covers
            # it without its surrounding blanks.
            inner_start = stop - 2 - len(inner)
            if len(target) == len(target_part):  # `[[Target]]` and `[[Target|shown]]`: nothing to trim
                t_start = inner_start
                t_end = inner_start + len(target)
            else:
                t_start = inner_start + len(target_part) - len(target_part.lstrip())
                t_end = inner_start + len(target_part.rstrip())
                if t_end < t_start:
                    t_end = t_start
            append(
                ("wiki", target, subpath, block, display, embed, i, begin, i, stop, i, t_start, i, t_end, in_frontmatter)
            )
            if mask:
                spans.append((begin, stop))
        return _blank(text, spans) if spans else text

    def _markdown_links(self, i: int, text: str, mask: bool = True) -> str:
        spans: list[tuple[int, int]] = []
        for m in _MD_LINK.finditer(text):
            start, end = m.span()
            embed = start > 0 and text[start - 1] == "!"
            if embed:
                start -= 1
            link = _markdown_link(i, m, start, end, embed)
            if link is not None:
                self.links.append(link)
            spans.append((start, end))
        return _blank(text, spans) if spans and mask else text


def _mask_urls(text: str) -> str:
    """`_URL.sub(<as many spaces>, text)` in linear time. Every match holds a `://` after a run of
    scheme characters and starts at the first letter of that run, so look back from each `://`
    instead of trying every column."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        colon = text.find("://", pos)
        if colon < 0:
            break
        start = colon
        while start > pos and text[start - 1] in _SCHEME_CHARS:
            start -= 1
        while start < colon and not ("A" <= text[start] <= "Z" or "a" <= text[start] <= "z"):
            start += 1
        m = _URL.match(text, start) if start < colon else None
        if m is None:
            pos = colon + 3  # `:` and `/` are no scheme characters: no later match starts before
            continue
        spans.append(m.span())
        pos = m.end()
    return _blank(text, spans) if spans else text


def _backtick_runs(line: str) -> dict[int, list[int]]:
    """Where each maximal run of backticks starts, by its length. The run that closes a code span
    is the next one of the same length: one lookup here, where searching the rest of the line
    for it from every opening run made a line of many different runs quadratic."""
    runs: dict[int, list[int]] = {}
    for m in _TICKS.finditer(line):
        runs.setdefault(m.end() - m.start(), []).append(m.start())
    return runs


def _indent_width(content: str) -> int:
    width = 0
    for ch in content:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _last_nonblank(lines: list[str], before: int) -> int:
    j = before - 1
    while j > 0 and not lines[j].strip():
        j -= 1
    return j


def _split_subpath(part: str) -> tuple[tuple[str, ...], str | None]:
    """`Heading#Sub` → (("Heading", "Sub"), None); `^id` → ((), "id")."""
    pieces = [p.strip() for p in part.split("#")]
    block = None
    if pieces and pieces[-1].startswith("^"):
        block = pieces.pop()[1:].strip()
    return tuple(p for p in pieces if p), block


def _markdown_link(i: int, m: re.Match[str], start: int, end: int, embed: bool) -> LinkRow | None:
    """The link `_MD_LINK` matched in `m`; with its `!`, when `embed`, it spans start..end."""
    dest = m.group(2)
    dest_start = m.start(2)
    if dest.startswith("<"):
        dest = dest[1:-1]
        dest_start += 1
    if not dest or dest.startswith("//") or _SCHEME.match(dest):
        return None  # a URL (https:, mailto:, obsidian:, file:, C:) is not a vault link
    path, _, fragment = dest.partition("#")
    target = unquote(path).strip()
    subpath, block = _split_subpath(unquote(fragment)) if fragment else ((), None)
    if not target and not subpath and block is None:
        return None
    return (
        "markdown", target, subpath, block or None, m.group(1), embed,
        i, start, i, end, i, dest_start, i, dest_start + len(dest), False,
    )
