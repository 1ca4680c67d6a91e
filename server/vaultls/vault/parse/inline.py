"""The inline scan of one line of Markdown text: where code spans and comments hide links, and
then the links and tags in what is left.

Cheap `in` tests guard every pattern, because most lines hold none of what it looks for, and
every pattern searched for starts with a literal, so that the regex engine skips to candidates
instead of trying a match at every column.

Where this simplifies CommonMark it errs towards finding links: inline code spans are
recognised on one line, HTML and Obsidian comments on one line or across lines.

What hides what is decided left to right, as Obsidian reads a line: a code span, a comment or
math (`$x$`, `$$x$$`) that opens first hides the links inside it; a wikilink that opens first
keeps what is inside it, backticks and dollars included, as its own text
(`[[#`fgets` Limitation]]` names that heading).
"""

from __future__ import annotations

import re
from bisect import bisect_left

from vaultls.vault.parse.ignores import comment_ignores
from vaultls.vault.parse.links import escaped, find_markdown_links, find_wikilinks, wikilink_end
from vaultls.vault.parse.rows import IgnoreRow, LinkRow, TagRow

# Every alternative starts with a literal (not "`+"), so the engine scans for the next `<`, `%`,
# backtick, `$` or `[` instead of trying a match at every column.
_INLINE_SPECIAL = re.compile(r"<!--|%%|``*|\$|\[\[")
_TICKS = re.compile(r"``*")  # not "`+": see `_INLINE_SPECIAL`
# Only ever matched from where `mask_urls` found it must start: searched for, it tried every
# column of a long word, and masking a line was quadratic in its length.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://\S+")
_SCHEME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-")
# A tag is this, at the start of the text or after white space (checked by hand: a pattern that
# starts with `#` lets the engine jump from `#` to `#`). The name cannot hold a `#`, so a match
# thrown away for what precedes it never hides another one.
_TAG = re.compile(r"#([^\s!-,.:-@\[-^`{-~]+)")


class InlineScanner:
    """Scans the Markdown lines of one note in order, appending their links, tags and
    `vaultls-ignore` comments to the lists it was given. `comment` is the opener ("<!--" or
    "%%") of a comment still open at the end of the last line scanned, else None: the
    block-level walk reads it."""

    __slots__ = ("links", "tags", "ignores", "comment")

    def __init__(self, links: list[LinkRow], tags: list[TagRow], ignores: list[IgnoreRow]) -> None:
        self.links = links
        self.tags = tags
        self.ignores = ignores
        self.comment: str | None = None

    def scan(self, i: int, raw: str) -> None:
        """Record the links, tags and ignore comments of line `i`, whose text is `raw`."""
        if "vaultls-ignore" in raw:
            comment_ignores(i, raw, self.ignores)
        if self.comment is None and "`" not in raw and "$" not in raw and "<!--" not in raw and "%%" not in raw:
            text = raw  # what `mask` returns for it, without the call
        else:
            text = self.mask(raw)
        # Links are blanked out of the text only when something still has to look at it (a
        # Markdown link or a tag could be inside a wikilink); most lines need no copy at all.
        if "[[" in text:
            spans = find_wikilinks(self.links, i, text, 0, len(text), mask="](" in text or "#" in text)
            if spans:
                text = blank(text, spans)
        if "](" in text:
            spans = find_markdown_links(self.links, i, text, mask="#" in text)
            if spans:
                text = blank(text, spans)
        if "#" in text:
            if "://" in text:
                text = mask_urls(text)
            for m in _TAG.finditer(text):
                start = m.start()
                if start and not text[start - 1].isspace():
                    continue  # `a#b`: not a tag
                name = m.group(1).rstrip("/")
                if name and not name.replace("/", "").isdigit() and any(not c.isdigit() for c in name):
                    self.tags.append((name, i, start, i, start + 1 + len(name), False))

    def mask(self, line: str) -> str:
        """The line with comments, inline code and math replaced by spaces (columns preserved)."""
        if self.comment is None and "`" not in line and "$" not in line and "<!--" not in line and "%%" not in line:
            return line
        spans: list[tuple[int, int]] = []
        runs: dict[int, list[int]] | None = None
        pos = 0
        n = len(line)
        while pos < n:
            if self.comment is not None:
                closer = "-->" if self.comment == "<!--" else "%%"
                j = line.find(closer, pos)
                stop = n if j < 0 else j + len(closer)
                spans.append((pos, stop))
                pos = stop
                if j >= 0:
                    self.comment = None
                continue
            m = _INLINE_SPECIAL.search(line, pos)
            if not m:
                break
            token = m.group()
            if token == "[[":
                link_end = wikilink_end(line, m.start())
                pos = m.start() + 1 if link_end is None else link_end  # a link keeps its own text
                continue
            if token == "$":
                math_stop = math_end(line, m.start())
                if math_stop is None:
                    pos = m.end()  # a lone `$` (a price, an escaped `\$`) is text
                else:
                    spans.append((m.start(), math_stop))
                    pos = math_stop
                continue
            if token in ("<!--", "%%"):
                self.comment = token
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
        return blank(line, spans) if spans else line


def math_end(line: str, at: int) -> int | None:
    """Where the math that the `$` at `at` opens ends, or None when it opens none. Obsidian's
    rule: `$$` runs to the next `$$`; a single `$` opens when no blank follows it and closes at
    the next `$` with no blank before it and no digit after it (so `costs $5 and $10` is text).
    An escaped `\\$` neither opens nor closes."""
    if at and line[at - 1] == "\\" and escaped(line, at):
        return None
    if line.startswith("$$", at):
        close = line.find("$$", at + 2)
        return None if close < 0 else close + 2
    after = line[at + 1 : at + 2]
    if not after or after in " \t":
        return None
    close = line.find("$", at + 1)
    while close >= 0:
        if line[close - 1] not in " \t\\" and not line[close + 1 : close + 2].isdigit():
            return close + 1
        close = line.find("$", close + 1)
    return None


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each (start, end) span, in order, replaced by as many spaces (columns preserved)."""
    pieces: list[str] = []
    pos = 0
    for start, end in spans:
        pieces.append(text[pos:start])
        pieces.append(" " * (end - start))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def mask_urls(text: str) -> str:
    """`text` with every URL (`scheme://...` up to a blank) replaced by as many spaces, in
    linear time. Every URL holds a `://` after a run of scheme characters and starts at the
    first letter of that run, so look back from each `://` instead of trying every column."""
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
    return blank(text, spans) if spans else text


def _backtick_runs(line: str) -> dict[int, list[int]]:
    """Where each maximal run of backticks starts, by its length. The run that closes a code span
    is the next one of the same length: one lookup here, where searching the rest of the line
    for it from every opening run made a line of many different runs quadratic."""
    runs: dict[int, list[int]] = {}
    for m in _TICKS.finditer(line):
        runs.setdefault(m.end() - m.start(), []).append(m.start())
    return runs
