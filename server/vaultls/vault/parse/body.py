"""The block-level walk over a note's body: which lines are Markdown text (not code, math or
comments), and the headings, block ids, code spans and callouts the walk meets on the way.

One pass over the lines with a small state machine (fences, indented code, lists, comments,
math) decides where Markdown text is; each such line goes to the inline scan (`inline`) for
its links and tags. Most lines of a vault are blank lines, paragraph lines, ATX headings and
plain list items outside code: they take a fast path through the state machine that gives
exactly what the general one would.

Where this simplifies CommonMark it errs towards finding links, since a hidden real link (a
false "dangling" silence) hurts more than an extra one: indented lines inside a list are list
content, never code.
"""

from __future__ import annotations

import re

from vaultls.vault.parse.inline import InlineScanner
from vaultls.vault.parse.rows import BlockRow, HeadingRow, IgnoreRow, LinkRow, TagRow
from vaultls.vault.text import indent_width

_QUOTE_PREFIX = re.compile(r"(?:[ ]{0,3}>[ ]?)+")
_FENCE = re.compile(r"(`{3,}|~{3,})(.*)$")
_LIST_ITEM = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
# The heading text is matched as runs of blanks each followed by one other character, the runs
# possessive: with a plain lazy `(.*?)` every extra character re-scanned the blanks after it,
# and a heading line with a long run of spaces took quadratic time (the same matches, in
# linear time).
_ATX = re.compile(r"(#{1,6})(?:[ \t]+((?:[ \t]*[^ \t])*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"(=+|-+)[ \t]*$")
_THEMATIC = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_CALLOUT = re.compile(r"\[!([^\]]+)\]")
# `^id` at the end of a line, at its start or after white space. Its `^` is the line's last one
# (an id holds no `^`, and only blanks may follow it), so the parser matches at `rfind("^")`
# instead of searching every column.
_BLOCK_ID = re.compile(r"\^([A-Za-z0-9-]+)[ \t]*$")
_ITEM_FIRST = frozenset("-+*0123456789")
# What a line that opens a block construct other than an ATX heading (or is indented) can start
# with; see `BodyParser.run`.
_BLOCK_FIRST = frozenset(" \t>`~$=-*_+0123456789")


class BodyParser:
    """The walk over one note's lines; what it finds is in its lists, as rows. The frontmatter's
    links and tags go into `links` and `tags` too, before the walk (`parse_rows`)."""

    __slots__ = ("lines", "headings", "blocks", "links", "tags", "code_spans", "callout_spans", "ignores", "inline")

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.headings: list[HeadingRow] = []
        self.blocks: list[BlockRow] = []
        self.links: list[LinkRow] = []
        self.tags: list[TagRow] = []
        self.code_spans: list[tuple[int, int]] = []
        self.callout_spans: list[tuple[int, int]] = []
        self.ignores: list[IgnoreRow] = []
        self.inline = InlineScanner(self.links, self.tags, self.ignores)

    def run(self, start: int) -> None:
        """Walk the lines from `start` (the first line after the frontmatter) to the end."""
        lines = self.lines
        inline = self.inline
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

        scan_inline = inline.scan
        for i in range(start, len(lines)):
            raw = lines[i]
            if fence is None and math_from is None and indented_code_from is None and inline.comment is None:
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
                    first in "-*+"
                    and raw[1:2] == " "
                    and raw[2:3]
                    and raw[2] not in _BLOCK_FIRST
                    and not raw[2].isspace()
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
                    content = raw[m.end() :]
            if callout is not None and depth == 0:
                self.callout_spans.append((callout, i - 1))
                callout = None

            if fence is not None:
                f_char, f_len, f_indent, f_depth, f_line = fence
                if depth < f_depth:
                    fence = None  # leaving the block quote closes the fence
                    self.code_spans.append((f_line, i - 1))
                else:
                    # Tabs count to the next multiple of 4 columns: a fence indented with a tab
                    # inside a list item closes at its tab-indented closing fence.
                    stripped = content.lstrip(" \t")
                    if (
                        stripped.startswith(f_char * f_len)
                        and indent_width(content) <= f_indent + 3
                        and stripped.rstrip() == f_char * len(stripped.rstrip())
                    ):
                        fence = None
                        self.code_spans.append((f_line, i))
                        prev = "other"
                    continue

            if math_from is not None:
                close = raw.find("$$")
                if close >= 0:
                    self.code_spans.append((math_from, i))
                    math_from = None
                    prev = "other"
                    if raw[close + 2 :].strip():  # `x$$ and [[Link]]`: text again after the math
                        scan_inline(i, " " * (close + 2) + raw[close + 2 :])
                continue

            if inline.comment is not None:
                # Inside a multi-line comment: only the scanner knows where it ends.
                if comment_from is None:
                    comment_from = i
                scan_inline(i, raw)
                if inline.comment is None:
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

            indent = indent_width(content) if content[0] in " \t" else 0
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

            if stripped.startswith("$$") and "$$" not in stripped[2:]:
                # A math block: `$$` alone or with the first line of the math after it
                # (`$$x = 1`), up to the next line holding `$$`. `$$x$$` on one line is math
                # inside the line (see `inline`).
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

            scan_inline(i, raw)
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

    def _block_id(self, i: int, raw: str, stripped: str, block_start: int | None, prev_block_start: int | None) -> None:
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


def _last_nonblank(lines: list[str], before: int) -> int:
    """The last line before `before` that is not blank (an indented code block ends there)."""
    j = before - 1
    while j > 0 and not lines[j].strip():
        j -= 1
    return j
