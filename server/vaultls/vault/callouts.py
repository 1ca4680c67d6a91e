"""Obsidian's callout types (`> [!tip] Title`), their aliases and fold markers: what completion
after `> [!` offers and what a hover on a callout's type says.

The table is Obsidian's help, "Callouts" ("Supported types"): thirteen types, some with
aliases; the type identifier is case-insensitive, and a type Obsidian does not know shows as a
`note` callout (unless a CSS snippet or plugin defines it). A `+` right after `]` makes the
callout foldable and open, a `-` foldable and closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CalloutType:
    name: str  # the canonical type
    aliases: tuple[str, ...]
    description: str


TYPES: tuple[CalloutType, ...] = (
    CalloutType("note", (), "a note; also how a type Obsidian does not know shows"),
    CalloutType("abstract", ("summary", "tldr"), "a summary of what follows"),
    CalloutType("info", (), "information"),
    CalloutType("todo", (), "something left to do"),
    CalloutType("tip", ("hint", "important"), "a tip or something important"),
    CalloutType("success", ("check", "done"), "something that worked or is done"),
    CalloutType("question", ("help", "faq"), "a question"),
    CalloutType("warning", ("caution", "attention"), "a warning"),
    CalloutType("failure", ("fail", "missing"), "something that failed or is missing"),
    CalloutType("danger", ("error",), "a danger or an error"),
    CalloutType("bug", (), "a bug"),
    CalloutType("example", (), "an example"),
    CalloutType("quote", ("cite",), "a quotation"),
)

FOLDS = {"": "not foldable", "+": "foldable, shown open", "-": "foldable, shown folded"}

_BY_NAME = {name: t for t in TYPES for name in (t.name, *t.aliases)}
# A callout's type after the block quote markers and `[!`: being typed, and written.
# Written so that no two parts can take the same blank (a line of many `> ` never backtracks).
_TYPED = re.compile(r"[ ]{0,3}(?:>[ \t]*)+\[!([^\]\s]*)$")
_WRITTEN = re.compile(r"[^\]\s]*\][+-]?")
_CALLOUT = re.compile(r"[ ]{0,3}(?:>[ \t]*)+\[!([^\]]+)\]([+-]?)")


def callout_type(name: str) -> CalloutType | None:
    """The type a type identifier names (any case), or None when Obsidian does not know it."""
    return _BY_NAME.get(name.strip().lower())


def all_names() -> list[tuple[str, CalloutType]]:
    """Every type identifier Obsidian knows, each canonical type followed by its aliases."""
    return [(name, t) for t in TYPES for name in (t.name, *t.aliases)]


@dataclass(frozen=True, slots=True)
class TypedCallout:
    """The callout type being typed after `> [!`: `typed` from column `start` to the cursor;
    `end` is where the item's edit ends (past a `]` and fold marker already written)."""

    typed: str
    start: int
    end: int


def typed_callout(line: str, col: int) -> TypedCallout | None:
    """The callout type being typed at column `col` of `line`, if the cursor is right after
    `> [!` and the identifier so far."""
    m = _TYPED.match(line[:col])
    if m is None:
        return None
    end = col
    rest = line[col:]
    word = _WRITTEN.match(rest)
    if word is not None:
        end += word.end()
    return TypedCallout(m.group(1), m.start(1), end)


@dataclass(frozen=True, slots=True)
class CalloutAt:
    """A callout's `[!type]` and fold marker on a line: the identifier as written, its columns
    (from the `[` to past the fold marker) and the marker."""

    name: str
    start: int
    end: int
    fold: str


def callout_at(line: str, col: int) -> CalloutAt | None:
    """The callout opening under column `col`, on the first line of a callout."""
    m = _CALLOUT.match(line)
    if m is None:
        return None
    start = m.start(1) - 2
    if not start <= col <= m.end():
        return None
    return CalloutAt(m.group(1), start, m.end(), m.group(2))


def describe(found: CalloutAt) -> str:
    """What a hover on a callout's type says, as Markdown (the identifier shown in a code span
    made by the caller's rules: here only known names and a fold marker are written raw)."""
    known = callout_type(found.name)
    fold = FOLDS[found.fold]
    if known is None:
        return (
            "**Callout** of a type Obsidian does not know: it shows as a `note` callout, unless a "
            f"CSS snippet or plugin defines it. Fold: {fold}."
        )
    aliases = ", ".join(f"`{a}`" for a in known.aliases) or "none"
    return f"**Callout** `{known.name}`: {known.description}.\n\nAliases: {aliases}. Fold: {fold}."
