"""Selection ranges ("expand selection"): from the cursor outwards, each range holding the one
before it. Pure model, (line, code-point column).

The steps, innermost first: the part of a link the cursor is in (its target, or its shown
text), the whole link, the line, the block around the line (the paragraph; or the list item,
then each item it is nested in; or the code block or the frontmatter it is part of), the
section of each heading the line is under (innermost first), the whole note. A step that
spans no more than the step before is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from vaultls.vault.model import Link, ParsedNote, Position, Range
from vaultls.vault.symbols import section_end
from vaultls.vault.text import indent_width

_LIST_ITEM = re.compile(r"[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")


def selection_chain(parsed: ParsedNote, lines: list[str], pos: Position) -> list[Range]:
    """The ranges around `pos`, innermost first, each strictly containing the one before."""
    if not lines:
        lines = [""]
    line_no = min(max(pos.line, 0), len(lines) - 1)
    pos = Position(line_no, min(max(pos.character, 0), len(lines[line_no])))
    chain: list[Range] = []
    for rng in _candidates(parsed, lines, pos):
        if not chain or (_contains(rng, chain[-1]) and rng != chain[-1]):
            chain.append(rng)
    return chain


def _contains(outer: Range, inner: Range) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _lines_range(lines: list[str], first: int, last: int) -> Range:
    return Range(Position(first, 0), Position(last, len(lines[last])))


def _candidates(parsed: ParsedNote, lines: list[str], pos: Position) -> Iterator[Range]:
    line = pos.line
    link = next((k for k in parsed.links if k.range.start.line == line and k.range.contains(pos)), None)
    if link is not None:
        part = link_part(link, lines[line], pos)
        if part is not None:
            yield part
        yield link.range
    yield _lines_range(lines, line, line)
    yield from _blocks(parsed, lines, line)
    headings = parsed.headings
    for index in range(len(headings) - 1, -1, -1):
        heading = headings[index]
        if heading.line > line:
            continue
        end = section_end(headings, index, len(lines))
        if end >= line:
            while end > heading.line and not lines[end].strip():
                end -= 1
            yield _lines_range(lines, heading.line, max(end, line))
    yield _lines_range(lines, 0, len(lines) - 1)


def link_part(link: Link, text: str, pos: Position) -> Range | None:
    """The part of `link` (written on line `text`) that `pos` is in: its target (with the
    heading or block) or its shown text; None between them (on `|`, brackets)."""
    start, end = link.range.start.character, link.range.end.character
    parts = [link.target_range]
    if link.kind == "wiki":
        inner = text[start:end]
        bar = inner.find("|", link.target_range.end.character - start)
        if bar >= 0 and inner.endswith("]]"):
            parts.append(Range.on_line(link.range.start.line, start + bar + 1, end - 2))
    else:
        opening = text.find("[", start)
        closing = text.rfind("](", start, end)
        if 0 <= opening < closing:
            parts.append(Range.on_line(link.range.start.line, opening + 1, closing))
    for part in parts:
        if part != link.range and part.start < part.end and part.contains(pos):
            return part
    return None


def _blocks(parsed: ParsedNote, lines: list[str], line: int) -> Iterator[Range]:
    """The block (or nested blocks) holding `line`, innermost first."""
    fm = parsed.frontmatter
    if fm is not None and fm.start_line <= line <= fm.end_line:
        yield _lines_range(lines, fm.start_line, fm.end_line)
        return
    anchor = line  # a line of code is placed by its code block's first line
    for first, last in sorted(parsed.code_spans, key=lambda s: s[1] - s[0]):
        if first <= line <= last:
            yield _lines_range(lines, first, min(last, len(lines) - 1))
            anchor = min(anchor, first)
    if not lines[anchor].strip() or any(h.line == anchor for h in parsed.headings):
        return
    items = list_items(lines, anchor, _floor(parsed, anchor))
    for item in items:
        yield _lines_range(lines, item, item_end(lines, item, parsed))
    if not items and anchor == line:
        yield _paragraph(parsed, lines, line)


def _floor(parsed: ParsedNote, line: int) -> int:
    """The first line a block holding `line` may start at: after the frontmatter and after the
    last heading above it."""
    fm = parsed.frontmatter
    floor = fm.end_line + 1 if fm is not None else 0
    for heading in parsed.headings:
        if heading.line < line:
            floor = max(floor, heading.line + 1)
    return floor


def _is_item(text: str) -> bool:
    return _LIST_ITEM.match(text) is not None


def list_items(lines: list[str], line: int, floor: int) -> list[int]:
    """The first lines of the list items holding `line`, innermost first: the item `line`
    starts or continues, then each item it is nested in. An indented line belongs to the
    nearest item above indented less; a line at the margin continues an item only with no
    blank line between them (a lazy continuation)."""
    items: list[int] = []
    text = lines[line]
    limit: int | None = None  # an enclosing item must be indented less than this
    if _is_item(text):
        items.append(line)
        limit = indent_width(text)
    elif indent_width(text) > 0:
        limit = indent_width(text)
    blank = False
    for i in range(line - 1, floor - 1, -1):
        text = lines[i]
        if not text.strip():
            blank = True
            if limit is None:
                break
            continue
        width = indent_width(text)
        if _is_item(text):
            if limit is None or width < limit:
                items.append(i)
                limit = width
                if width == 0:
                    break
        elif width == 0 and blank:
            break
    return items


def item_end(lines: list[str], item: int, parsed: ParsedNote) -> int:
    """The last non-blank line of the list item starting at `item`: what follows it indented
    more, or at the margin with no blank line between (up to the next item or heading)."""
    width = indent_width(lines[item])
    headings = {h.line for h in parsed.headings}
    last = item
    blank = False
    for i in range(item + 1, len(lines)):
        text = lines[i]
        if not text.strip():
            blank = True
            continue
        if i in headings:
            break
        indent = indent_width(text)
        if indent > width or (not blank and not _is_item(text) and not parsed.line_in_code(i)):
            last, blank = i, False
            continue
        break
    return last


def _paragraph(parsed: ParsedNote, lines: list[str], line: int) -> Range:
    """The run of non-blank lines around `line`, between blank lines, headings and code."""
    headings = {h.line for h in parsed.headings}
    floor = _floor(parsed, line)

    def inside(i: int) -> bool:
        return bool(lines[i].strip()) and i not in headings and not parsed.line_in_code(i)

    first = line
    while first - 1 >= floor and inside(first - 1):
        first -= 1
    last = line
    while last + 1 < len(lines) and inside(last + 1):
        last += 1
    return _lines_range(lines, first, last)
