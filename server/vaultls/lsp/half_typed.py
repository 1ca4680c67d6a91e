"""A link still being typed is not reported: `[[Perm]]` (the editor closed the brackets) is no
dangling link while the cursor is inside it.

The server is never told where the cursor is; where the last edit of a document ended is a
good proxy (`edit_end`): typing puts the cursor there. So a link problem is left out while
that position lies inside its link, between `[[` and `]]` (or `[` and `)`), and comes back
with the next edit elsewhere in the note, when the note is opened again, or once typing has
paused for `TYPING_PAUSE` seconds: the cursor may still be there, but the link is written, and
a problem must not stay hidden until some later edit. A `[[Perm` not closed yet is no link at
all (the parser reads a link only once it is closed), so it needs no rule of its own.
"""

from __future__ import annotations

from lsprotocol import types

from vaultls.lsp.positions import PositionCodec
from vaultls.vault.check import Problem
from vaultls.vault.model import Link, Position

# What a link being typed may be wrong about until it is finished.
LINK_CODES = frozenset({"dangling-link", "missing-heading", "missing-block", "ambiguous-link"})
TYPING_PAUSE = 2.5  # seconds without an edit after which a link is taken as written


def edit_end(lines: list[str], change: types.TextDocumentContentChangeEvent, codec: PositionCodec) -> Position | None:
    """Where the cursor is after `change` (in code points), given the lines before it; None for
    a change of the whole text, which says nothing about the cursor."""
    if not isinstance(change, types.TextDocumentContentChangePartial):
        return None
    start = min(codec.from_client(lines, change.range.start), codec.from_client(lines, change.range.end))
    text = change.text.replace("\r\n", "\n").replace("\r", "\n")
    breaks = text.count("\n")
    if not breaks:
        return Position(start.line, start.character + len(text))
    return Position(start.line + breaks, len(text) - text.rfind("\n") - 1)


def typing_in(links: list[Link], at: Position) -> list[Link]:
    """The links that `at` lies strictly inside (after their opening, before their end)."""
    return [link for link in links if link.range.start < at < link.range.end]


def without_half_typed(problems: list[Problem], links: list[Link], at: Position | None) -> list[Problem]:
    """`problems` less the link problems of a link the cursor (`at`) is still typing in."""
    if at is None or not problems:
        return problems
    typing = typing_in([link for link in links if link.range.start.line <= at.line <= link.range.end.line], at)
    if not typing:
        return problems
    return [
        p
        for p in problems
        if p.code not in LINK_CODES
        or not any(link.range.start <= p.range.start and p.range.end <= link.range.end for link in typing)
    ]
