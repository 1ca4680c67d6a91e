"""Callouts in the editor: completion of Obsidian's callout types after `> [!` (each type and
alias, and each type with a `+` or `-` fold marker) and a hover on a callout's type that says
what it is (vault/callouts.py). The shared completion and hover handlers ask here with one hook
each."""

from __future__ import annotations

from lsprotocol import types

from vaultls.lsp.cursor import Cursor
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import callouts
from vaultls.vault.model import Range


def callout_completion(ls: VaultLanguageServer, cursor: Cursor) -> types.CompletionList | None:
    typed = callouts.typed_callout(cursor.line_text, cursor.pos.character)
    if typed is None:
        return None
    rng = ls.codec.range_to_client(cursor.lines, Range.on_line(cursor.pos.line, typed.start, typed.end))
    items: list[types.CompletionItem] = []

    def add(label: str, detail: str, new_text: str) -> None:
        items.append(
            types.CompletionItem(
                label=label,
                kind=types.CompletionItemKind.EnumMember,
                detail=detail,
                filter_text=label,
                sort_text=f"{len(items):04d}",
                text_edit=types.TextEdit(range=rng, new_text=new_text),
            )
        )

    for name, kind in callouts.all_names():
        detail = kind.description if name == kind.name else f"alias of {kind.name}"
        add(name, detail, f"{name}]")
    for kind in callouts.TYPES:
        for marker in ("-", "+"):
            add(f"{kind.name}{marker}", f"{kind.name}, {callouts.FOLDS[marker]}", f"{kind.name}]{marker}")
    return types.CompletionList(is_incomplete=False, items=items)


def callout_hover(ls: VaultLanguageServer, cursor: Cursor) -> types.Hover | None:
    if cursor.note.parsed.line_in_code(cursor.pos.line):
        return None
    found = callouts.callout_at(cursor.line_text, cursor.pos.character)
    if found is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=callouts.describe(found)),
        range=ls.codec.range_to_client(cursor.lines, Range.on_line(cursor.pos.line, found.start, found.end)),
    )
