"""What a note's text means, span by span, for an editor to colour (LSP semantic tokens).

Pure model: (line, code-point column) spans from the `ParsedNote`, its lines and the vault's
resolution; `lsp/features/semantic_tokens.py` encodes them in the client's units. The kinds
(`TOKEN_TYPES`) and modifiers (`TOKEN_MODIFIERS`) are the legend, in order:

- `wikilink`, `link` (a Markdown link to a vault file), `embed` (either, with `!`): the whole
  link; `unresolved` when it leads nowhere (Obsidian's unresolved links: no such note or file,
  or outside the vault), `ambiguous` when several notes answer to it. A link whose note exists
  but whose heading or block does not stays resolved, as Obsidian draws it (the
  `missing-heading` diagnostic says so).
- `tag` (`#tag`, and each tag of `tags:` in the frontmatter), `blockId` (`^id`),
- `callout`: the `[!type]` of a callout's first line (`> [!note]+ Title`, nested ones too),
- `footnote`: a reference `[^id]`; its definition's label (`[^id]:` at the start of a line)
  carries the `declaration` modifier (both as the parser found them),
- `property` (LSP's standard type): each top-level frontmatter key.

Nothing inside code, math or comments is a token: links, tags, block ids and footnotes are only
where the parser found them, and the line scan for callouts skips the parser's code spans.
Tokens never overlap (the first one on a line wins), as clients require.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from vaultls.vault.index import Vault
from vaultls.vault.model import Link, ParsedNote, Range

TOKEN_TYPES = ("wikilink", "link", "embed", "tag", "blockId", "callout", "footnote", "property")
TOKEN_MODIFIERS = ("unresolved", "ambiguous", "declaration")

# `> [!type]` (any depth of quote markers): the type in brackets right after the markers.
_CALLOUT = re.compile(r"[ ]{0,3}(?:>[ \t]?)+[ \t]*(\[![^\]\s][^\]]*\])")


@dataclass(frozen=True, slots=True, order=True)
class Token:
    """One span of one line, in code points; `modifiers` as names of `TOKEN_MODIFIERS`."""

    line: int
    start: int
    end: int
    type: str
    modifiers: tuple[str, ...] = ()


def link_type(link: Link) -> str:
    if link.embed:
        return "embed"
    return "wikilink" if link.kind == "wiki" else "link"


def link_modifiers(vault: Vault, source: str, link: Link) -> tuple[str, ...]:
    """`unresolved` or `ambiguous` (or neither) for a link written in note `source`."""
    res = vault.resolve(source, link)
    if res.dangling:
        return ("unresolved",)
    return ("ambiguous",) if res.ambiguous else ()


def note_tokens(vault: Vault, source: str, parsed: ParsedNote, lines: list[str]) -> list[Token]:
    """Every token of note `source` (parsed as `parsed`, its text `lines`), in order of place."""
    found: list[Token] = []
    # Whether a link resolves depends on its kind and target alone (its note is `source`).
    modifiers: dict[tuple[str, str], tuple[str, ...]] = {}
    for link in parsed.links:
        if link.range.start.line != link.range.end.line:
            continue  # a client draws tokens within one line
        key = (link.kind, link.target)
        mods = modifiers.get(key)
        if mods is None:
            mods = modifiers[key] = link_modifiers(vault, source, link)
        found.append(_on_line(link.range, link_type(link), mods))
    found.extend(_on_line(tag.range, "tag") for tag in parsed.tags)
    found.extend(_on_line(block.range, "blockId") for block in parsed.blocks)
    fm = parsed.frontmatter
    if fm is not None:
        found.extend(_on_line(rng, "property") for rng in fm.key_ranges.values())
    found.extend(_on_line(ref.range, "footnote") for ref in parsed.footnote_refs)
    found.extend(_on_line(note.range, "footnote", ("declaration",)) for note in parsed.footnotes)
    found.extend(callout_tokens(_text_lines(parsed, lines)))
    return without_overlaps(found)


def _on_line(rng: Range, kind: str, modifiers: tuple[str, ...] = ()) -> Token:
    return Token(rng.start.line, rng.start.character, rng.end.character, kind, modifiers)


def _text_lines(parsed: ParsedNote, lines: list[str]) -> Iterator[tuple[int, str]]:
    """(number, text) of the lines of Markdown text that may open a callout: after the
    frontmatter, outside the parser's code spans (fences, indented code, math, comments)."""
    fm = parsed.frontmatter
    start = fm.end_line + 1 if fm is not None else 0
    skip = sorted(parsed.code_spans)
    span = 0
    for number in range(start, len(lines)):
        while span < len(skip) and skip[span][1] < number:
            span += 1
        if span < len(skip) and skip[span][0] <= number:
            continue
        line = lines[number]
        if "[!" in line:
            yield number, line


def callout_tokens(text_lines: Iterable[tuple[int, str]]) -> Iterator[Token]:
    """The `[!type]` of each callout's first line."""
    for number, line in text_lines:
        m = _CALLOUT.match(line)
        if m is not None:
            yield Token(number, m.start(1), m.end(1), "callout")


def without_overlaps(tokens: list[Token]) -> list[Token]:
    """`tokens` in order of place, less any that starts inside the one before it."""
    tokens.sort()
    out: list[Token] = []
    for token in tokens:
        if token.end <= token.start:
            continue
        if out and out[-1].line == token.line and token.start < out[-1].end:
            continue
        out.append(token)
    return out
