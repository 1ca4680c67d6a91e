"""Wikilinks and Markdown links in a line of Markdown text, recorded as `LinkRow`s.

The caller hands over text where links can be (code spans and comments already blanked out,
see `inline`); these functions find the links in it and say where they were, so that the
caller can blank them before looking for tags (a `#` inside a link is no tag).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from vaultls.vault.parse.rows import LinkRow

# `[[`, then the shortest run of characters none of which starts `[[` or `]]`, then `]]`; a `!`
# right before makes it an embed. Written with classes instead of a tempered
# `(?:(?!\[\[|\]\]).)+?` (one look-ahead per character), and starting with the literal `[[` (the
# `!` is looked at by hand) so that the regex engine can skip to each `[[` instead of trying
# every column: the same matches, much faster on the long lines notes are made of.
# An inner character can never start `]]`, so the run cannot pass the first `]]`: greedy equals
# lazy here. Written as runs of plain characters between single brackets (each bracket starts
# exactly one group, so there is one way to match and no backtracking blow-up, without the
# possessive quantifiers Python 3.10 lacks), which is faster than one alternation per
# character. `(?!\]\])` keeps `[[]]` out. A `!` is never the end of an earlier match (they end
# in `]]`).
_WIKILINK = re.compile(r"\[\[(?!\]\])([^\[\]\n]*(?:(?:\[(?!\[)|\](?!\]))[^\[\]\n]*)*)\]\]")
# `[text](destination "title")`; a `!` right before makes it an embed. Like `_WIKILINK`, it
# starts with a literal `[` (the `!` is looked at by hand: a `!` is never the end of an earlier
# match, which ends in `)`) so that the engine skips from `[` to `[`: with a leading `(!?)` it
# tried a match at every column, much slower on a note's long lines. The text is runs of plain
# characters between bracketed parts (each `[` starts exactly one part), the same matches as one
# alternation per character, without its per-character branch.
_MD_LINK = re.compile(
    r"\[([^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*)\]\(\s*"
    r"(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def find_wikilinks(
    links: list[LinkRow],
    i: int,
    text: str,
    start: int,
    end: int,
    *,
    mask: bool = False,
    in_frontmatter: bool = False,
) -> list[tuple[int, int]]:
    """Append to `links` the wikilinks in text[start:end], on line `i`; return where they are
    (start, end columns, the `!` of an embed included) when `mask`, else [].

    Links are most of what a note holds, so each row is made right here rather than through a
    chain of small functions."""
    spans: list[tuple[int, int]] = []
    append = links.append
    matches = _WIKILINK.finditer(text, start, end) if "\\[" not in text else _unescaped_wikilinks(text, start, end)
    for m in matches:
        begin, stop = m.span()
        inner = m[1]
        embed = begin > start and text[begin - 1] == "!"
        if embed:
            begin -= 1
        if "|" not in inner and "#" not in inner and not inner[0].isspace() and not inner[-1].isspace():
            # `[[Target]]`, most links: the target is the whole inner text, which `[[]]` never
            # matching keeps from being empty. The same row as the general path below makes.
            t_start = stop - 2 - len(inner)
            append(("wiki", inner, (), None, None, embed, i, begin, i, stop, i, t_start, i, stop - 2, in_frontmatter))
            if mask:
                spans.append((begin, stop))
            continue
        # The first `|` ends the target (`\|` inside a table row too); a `#` starts the
        # heading chain or the `^block`.
        if "|" not in inner:
            display = None
            target_part = inner
        else:
            pipe = inner.find("|")
            display = inner[pipe + 1 :].strip()
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
            subpath, block = _split_subpath(target_part[hash_at + 1 :])
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
    return spans


def _unescaped_wikilinks(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """The wikilinks of text[start:end] whose `[[` is not escaped: in `\\[[[Note]]` the escaped
    bracket is text and the link starts after it."""
    pos = start
    while (m := _WIKILINK.search(text, pos, end)) is not None:
        begin = m.start()
        if begin and text[begin - 1] == "\\" and escaped(text, begin):
            pos = begin + 1
            continue
        yield m
        pos = m.end()


def escaped(text: str, at: int) -> bool:
    """Whether the character at `at` is escaped: an odd run of backslashes precedes it."""
    run = 0
    while at > run and text[at - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def wikilink_end(text: str, at: int) -> int | None:
    """Where the wikilink whose `[[` is at `at` ends, or None when none starts there (an
    escaped `\\[[`, or no closing `]]`)."""
    if at and text[at - 1] == "\\" and escaped(text, at):
        return None
    m = _WIKILINK.match(text, at)
    return None if m is None else m.end()


def find_markdown_links(links: list[LinkRow], i: int, text: str, *, mask: bool) -> list[tuple[int, int]]:
    """Append to `links` the Markdown links to vault files in `text`, on line `i`; return where
    every `[text](destination)` is, vault link or URL, when `mask`, else []."""
    spans: list[tuple[int, int]] = []
    for m in _MD_LINK.finditer(text):
        start, end = m.span()
        embed = start > 0 and text[start - 1] == "!"
        if embed:
            start -= 1
        link = _markdown_link(i, m, start, end, embed)
        if link is not None:
            links.append(link)
        spans.append((start, end))
    return spans if mask else []


def _split_subpath(part: str) -> tuple[tuple[str, ...], str | None]:
    """What follows a link's first `#`: `Heading#Sub` → (("Heading", "Sub"), None);
    `^id` → ((), "id")."""
    if "#" not in part:  # one heading or one block id, most subpaths: the same as below
        piece = part.strip()
        if piece.startswith("^"):
            return (), piece[1:].strip()
        return ((piece,) if piece else ()), None
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
        "markdown",
        target,
        subpath,
        block or None,
        m.group(1),
        embed,
        i,
        start,
        i,
        end,
        i,
        dest_start,
        i,
        dest_start + len(dest),
        False,
    )
