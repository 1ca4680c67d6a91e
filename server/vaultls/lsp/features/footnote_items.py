"""Footnotes in the editor: completion after `[^`, go to definition, references, hover with the
footnote's text and rename of an id. The shared handlers (completion, definition, references,
hover, rename) ask here first, with one short hook each; the facts come from
`vault/footnotes.py`. Footnotes belong to their note: every answer stays in it."""

from __future__ import annotations

import re
from collections.abc import Callable

from lsprotocol import types

from vaultls.lsp.cursor import Cursor
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import footnotes
from vaultls.vault.model import Footnote, Range
from vaultls.vault.preview import inert_markdown
from vaultls.vault.refactor import RenameError, RenamePlan

# `[^` and the id typed so far, right before the cursor.
_TYPED = re.compile(r"\[\^([^\s\[\]^`#]*)$")
_ID_CHARS = re.compile(r"[^\s\[\]^`#]*")


def footnote_at(cursor: Cursor) -> Footnote | None:
    return footnotes.footnote_at(cursor.note.parsed, cursor.pos)


def footnote_completion(ls: VaultLanguageServer, cursor: Cursor) -> types.CompletionList | None:
    """After `[^`: the note's defined footnotes and a new next number. At the start of a line
    (a definition being written) the ids referenced but not yet defined come first."""
    line = cursor.line_text
    col = cursor.pos.character
    m = _TYPED.search(line[:col])
    if m is None:
        return None
    parsed = cursor.note.parsed
    id_end = _ID_CHARS.match(line, col)
    end = col
    if id_end is not None and line[id_end.end() : id_end.end() + 1] == "]":
        end = id_end.end() + 1  # `[^1|2]`: the item replaces the whole id and its `]`
    colon = line.startswith(":", end) and end > col  # a definition's `:` is written already
    rng = ls.codec.range_to_client(cursor.lines, Range.on_line(cursor.pos.line, m.start(1), end))
    defining = not line[: m.start()].strip()
    items: list[types.CompletionItem] = []
    if defining:
        defined = {f.key for f in parsed.footnotes}
        missing: dict[str, str] = {}
        for ref in parsed.footnote_refs:
            if ref.key not in defined and ref.key not in missing:
                missing[ref.key] = ref.id
        for ident in missing.values():
            new_text = ident + ("]" if colon else "]: ")
            items.append(_item(ident, "referenced, not yet defined", new_text, rng, len(items)))
    for found in footnotes.candidates(parsed, cursor.lines):
        suffix = "]: " if defining and found.new and not colon else "]"
        items.append(_item(found.id, found.detail, found.id + suffix, rng, len(items)))
    return types.CompletionList(is_incomplete=False, items=items)


def _item(ident: str, detail: str, new_text: str, rng: types.Range, place: int) -> types.CompletionItem:
    return types.CompletionItem(
        label=f"[^{ident}]",
        kind=types.CompletionItemKind.Reference,
        detail=detail.split("\n", 1)[0][:80],
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=inert_markdown(detail))
        if detail
        else None,
        filter_text=ident,
        sort_text=f"{place:04d}",
        text_edit=types.TextEdit(range=rng, new_text=new_text),
    )


def _location(ls: VaultLanguageServer, cursor: Cursor, rng: Range) -> types.Location:
    return types.Location(
        uri=ls.uri_of(cursor.ref.vault, cursor.ref.path), range=ls.codec.range_to_client(cursor.lines, rng)
    )


def footnote_definition(ls: VaultLanguageServer, cursor: Cursor) -> list[types.Location] | None:
    """On a footnote: where the note defines it (None when the cursor is on no footnote)."""
    found = footnote_at(cursor)
    if found is None:
        return None
    return [_location(ls, cursor, f.range) for f in footnotes.definitions_of(cursor.note.parsed, found.key)]


def footnote_references(
    ls: VaultLanguageServer, cursor: Cursor, include_declaration: bool
) -> list[types.Location] | None:
    """On a footnote: its references in the note (and its definition, when asked)."""
    found = footnote_at(cursor)
    if found is None:
        return None
    parsed = cursor.note.parsed
    places = footnotes.references_of(parsed, found.key)
    if include_declaration:
        places = footnotes.definitions_of(parsed, found.key) + places
    return [_location(ls, cursor, f.range) for f in places]


def footnote_hover(ls: VaultLanguageServer, cursor: Cursor) -> types.Hover | None:
    """On a footnote: its text, as the definition writes it (made inert: a note may come from a
    stranger)."""
    found = footnote_at(cursor)
    if found is None:
        return None
    definitions = footnotes.definitions_of(cursor.note.parsed, found.key)
    title = f"**Footnote** `[^{found.id}]`"
    if not definitions:
        body = "*Not defined in this note.*"
    else:
        body = inert_markdown(footnotes.definition_text(cursor.lines, definitions[0])) or "*(empty)*"
        if len(definitions) > 1:
            body += f"\n\n*Defined {len(definitions)} times; the first definition counts.*"
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=f"{title}\n\n{body}"),
        range=ls.codec.range_to_client(cursor.lines, found.range),
    )


def footnote_rename(cursor: Cursor) -> tuple[Range, str, Callable[[str], RenamePlan]] | None:
    """On a footnote: (the id's range, the id, the plan of a rename to a new id): every
    reference and definition of the id in the note, whatever its case."""
    found = footnote_at(cursor)
    if found is None:
        return None
    parsed, path = cursor.note.parsed, cursor.ref.path

    def plan(new: str) -> RenamePlan:
        new = new.strip()
        problem = footnotes.rename_problem(parsed, found.key, new)
        if problem is not None:
            raise RenameError(problem)
        out = RenamePlan()
        for rng in footnotes.rename_ranges(parsed, found.key):
            out.add(path, rng, new)
        return out

    return footnotes.id_range(found), found.id, plan
