"""A note as the check reads it (`NoteView`): its facts as plain values, without its model.

The check (vault/check.py) has one set of rules, and they read a note through this view, from
wherever the note comes: a `ParsedNote` of the index (`view_of_parsed`, the server and
`check_vault`), the rows of a parse (`view_of_rows`, a cold `vaultls check`) or an entry of the
index cache (`store.encoding.view_of_encoding`, a warm one). Only the frontmatter schemas need the
note's model, and only for some notes: the view says whether a note can have schema problems
(`fm_state`) and gets the model when asked (`model`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from vaultls.vault.model import Frontmatter, ParsedNote
from vaultls.vault.parse import LinkRow, NoteRows, link_rows, range_row
from vaultls.vault.parse.rows import FootnoteRow, footnote_rows
from vaultls.vault.schema import SCHEMA_KEY

# A message or a key with its range as four ints (start line, start column, end line, end column).
Placed = tuple[str, int, int, int, int]
# Of a note with frontmatter: (its YAML is broken, it has properties, it may name a `$schema`).
FrontmatterState = tuple[bool, bool, bool]


@dataclass(slots=True)
class NoteView:
    """What checking one note needs, as plain values. Two views of the same note are equal
    whatever they were made from (`model` is left out of the comparison)."""

    path: str
    valid: bool  # the file was valid UTF-8
    fm_error: Placed | None  # the message and range of invalid YAML
    duplicates: list[Placed]  # frontmatter keys written twice, with their ranges
    fm_warnings: list[Placed]  # YAML Obsidian reads but not as written: messages, with ranges
    fm_state: FrontmatterState | None  # None without frontmatter
    links: list[LinkRow]
    headings: list[tuple[int, str]]  # (level, text)
    blocks: list[str]  # block ids
    aliases: list[str]
    # The note's `ParsedNote`, made (decoded, parsed) only when a schema check asks for it.
    model: Callable[[], ParsedNote] = field(compare=False, repr=False)
    # `vaultls-ignore` comments and property: (line, codes); line -1 is the whole note.
    ignores: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    wide: tuple[int, ...] = ()  # lines with a character beyond U+FFFF (UTF-16 columns differ)
    footnotes: list[FootnoteRow] = field(default_factory=list)  # definitions, then references


def frontmatter_facts(
    fm: Frontmatter | None,
) -> tuple[Placed | None, list[Placed], list[Placed], FrontmatterState | None]:
    """(fm_error, duplicates, fm_warnings, fm_state) of a `NoteView` of a note with this
    frontmatter."""
    if fm is None:
        return None, [], [], None
    fm_error = None
    if fm.error is not None and fm.error_range is not None:
        fm_error = (fm.error, *range_row(fm.error_range))
    duplicates = [(key, *range_row(rng)) for key, rng in fm.duplicate_keys]
    warnings = [(message, *range_row(rng)) for message, rng in fm.warnings]
    return fm_error, duplicates, warnings, (fm.error is not None, bool(fm.data), SCHEMA_KEY in fm.data)


def view_of_rows(path: str, rows: NoteRows, valid: bool, model: Callable[[], ParsedNote]) -> NoteView:
    """The view of a note given as rows (`parse.parse_rows`, `parse.note_rows`): no `Link`,
    `Range` or `Position` is made."""
    fm, headings, blocks, links, _tags, aliases, *_rest, ignores, wide, footnotes = rows
    fm_error, duplicates, fm_warnings, fm_state = frontmatter_facts(fm)
    return NoteView(
        path,
        valid,
        fm_error,
        duplicates,
        fm_warnings,
        fm_state,
        links,
        [(h[0], h[1]) for h in headings],
        [b[0] for b in blocks],
        aliases,
        model,
        ignores,
        wide,
        footnotes,
    )


def view_of_parsed(path: str, parsed: ParsedNote, valid: bool) -> NoteView:
    """The view of a parsed note (its model is `parsed` itself): what `view_of_rows` makes of
    `parse.note_rows(parsed)`, without the rows a check does not read (tags, warnings, ...):
    the server checks a note on every edit, and `check_vault` every note."""
    fm_error, duplicates, fm_warnings, fm_state = frontmatter_facts(parsed.frontmatter)
    return NoteView(
        path,
        valid,
        fm_error,
        duplicates,
        fm_warnings,
        fm_state,
        link_rows(parsed.links),
        [(h.level, h.text) for h in parsed.headings],
        [b.id for b in parsed.blocks],
        parsed.aliases,
        _Given(parsed),
        parsed.ignores,
        parsed.wide,
        footnote_rows(parsed) if parsed.footnotes or parsed.footnote_refs else [],
    )


class _Given:
    """A model already made: `model()` of a view of a parsed note."""

    __slots__ = ("parsed",)

    def __init__(self, parsed: ParsedNote) -> None:
        self.parsed = parsed

    def __call__(self) -> ParsedNote:
        return self.parsed
