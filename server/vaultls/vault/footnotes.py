"""A note's footnotes as the features see them: their problems (`undefined-footnote`,
`unused-footnote`), what the cursor is on, a definition's text, the next free number and the
edits of a rename. Footnotes belong to one note: nothing here looks at another.

The parser finds them (parse/footnotes.py, which holds the rules); the check reads them as rows
(`NoteView.footnotes`), the features as `Footnote`s of the `ParsedNote`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vaultls.vault.model import Footnote, ParsedNote, Position, Range
from vaultls.vault.parse.footnotes import footnote_key
from vaultls.vault.parse.rows import FootnoteRow
from vaultls.vault.problems import ProblemRow, Severity

UNDEFINED = "undefined-footnote"
UNUSED = "unused-footnote"
# A footnote id as a rename may write it (parse/footnotes.py's rule).
VALID_ID = re.compile(r"[^\s\[\]^`#]+")
# How much of a definition a hover shows.
MAX_TEXT = 2000

_WARNING, _HINT = int(Severity.WARNING), int(Severity.HINT)


def footnote_problem_rows(rows: list[FootnoteRow]) -> list[ProblemRow]:
    """A reference to an id the note defines nowhere (warning), and a definition no reference
    names (hint); ids compared whatever their case."""
    defined = {footnote_key(row[0]) for row in rows if row[1]}
    used = {footnote_key(row[0]) for row in rows if not row[1]}
    out: list[ProblemRow] = []
    for ident, is_def, line, start, end, _ in rows:
        key = footnote_key(ident)
        if is_def and key not in used:
            out.append((line, start, line, end, _HINT, UNUSED, f"footnote [^{ident}] is never referenced", None))
        elif not is_def and key not in defined:
            message = f"footnote [^{ident}] is not defined in this note"
            out.append((line, start, line, end, _WARNING, UNDEFINED, message, None))
    return out


def footnote_at(parsed: ParsedNote, pos: Position) -> Footnote | None:
    """The footnote reference or definition whose `[^id]` the cursor is on."""
    for footnote in (*parsed.footnote_refs, *parsed.footnotes):
        if footnote.range.contains(pos):
            return footnote
    return None


def definitions_of(parsed: ParsedNote, key: str) -> list[Footnote]:
    return [f for f in parsed.footnotes if f.key == key]


def references_of(parsed: ParsedNote, key: str) -> list[Footnote]:
    return [f for f in parsed.footnote_refs if f.key == key]


def definition_text(lines: list[str], footnote: Footnote) -> str:
    """The text of a definition: what follows `[^id]:` and its continuation lines, dedented
    (at most `MAX_TEXT` characters)."""
    line = footnote.range.start.line
    if line >= len(lines):
        return ""
    first = lines[line][footnote.range.end.character + 1 :].strip()
    rest = [text.strip() for text in lines[line + 1 : footnote.end_line + 1]]
    text = "\n".join([first, *rest]).strip()
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def next_number(parsed: ParsedNote) -> str:
    """One more than the largest number among the note's footnote ids (`1` when none is a number)."""
    numbers = [int(f.id) for f in (*parsed.footnotes, *parsed.footnote_refs) if f.id.isascii() and f.id.isdigit()]
    return str(max(numbers, default=0) + 1)


@dataclass(frozen=True, slots=True)
class FootnoteCandidate:
    """A completion item after `[^`: a defined id and its text, or the next free number."""

    id: str
    detail: str
    new: bool


def candidates(parsed: ParsedNote, lines: list[str]) -> list[FootnoteCandidate]:
    """The note's defined footnotes (first definition of each id), then a new next number."""
    out: list[FootnoteCandidate] = []
    seen: set[str] = set()
    for footnote in parsed.footnotes:
        if footnote.key in seen:
            continue
        seen.add(footnote.key)
        out.append(FootnoteCandidate(footnote.id, definition_text(lines, footnote), False))
    out.append(FootnoteCandidate(next_number(parsed), "new footnote", True))
    return out


def id_range(footnote: Footnote) -> Range:
    """The id inside `[^id]`, which a rename replaces."""
    rng = footnote.range
    return Range.on_line(rng.start.line, rng.start.character + 2, rng.end.character - 1)


def rename_ranges(parsed: ParsedNote, key: str) -> list[Range]:
    """Where a rename of footnote `key` writes the new id: every reference and definition."""
    return [id_range(f) for f in (*parsed.footnotes, *parsed.footnote_refs) if f.key == key]


def rename_problem(parsed: ParsedNote, key: str, new_id: str) -> str | None:
    """Why footnote `key` cannot be renamed to `new_id`, or None when it can."""
    if VALID_ID.fullmatch(new_id) is None:
        return f"`{new_id}` is no footnote id: it cannot hold blanks, brackets, `^`, backticks or `#`"
    new_key = footnote_key(new_id)
    if new_key != key and any(f.key == new_key for f in (*parsed.footnotes, *parsed.footnote_refs)):
        return f"this note already has a footnote [^{new_id}]"
    return None
