"""Completion of links to daily notes: after `[[tom`, the item "tomorrow" inserts the link to
tomorrow's daily note in the vault's format (`[[2026-12-09]]`), whether or not it exists yet
(vault/daily_notes.py: the settings and the words for days).

Added to the note-name items by completion.py. Most keystrokes cost one comparison of the typed
text with a few words; the settings are read (and re-read only when their files change) only
when a word matches.
"""

from __future__ import annotations

import datetime as dt

from lsprotocol import types

from vaultls.lsp.cursor import Cursor
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.daily_notes import daily_config, link_to, suggest_days
from vaultls.vault.moment import UnsupportedToken, format_moment


def daily_items(
    ls: VaultLanguageServer,
    cursor: Cursor,
    typed: str,
    rng: types.Range,
    close: str,
    first_rank: int,
    today: dt.date | None = None,
) -> list[types.CompletionItem]:
    """Items for the days `typed` names, ranked after the `first_rank` items before them;
    `today` is the server's local date unless given."""
    found = suggest_days(typed, today or dt.date.today())
    if not found:
        return []
    vault = cursor.ref.vault
    config = daily_config(vault.root, ls.caches_for(vault).obsidian)
    items = []
    for place, suggestion in enumerate(found, start=first_rank):
        try:
            path = config.note_path(suggestion.day)
        except (UnsupportedToken, ValueError):
            return []  # a format vaultls cannot follow: no link rather than a wrong one
        exists = vault.is_note(path)
        items.append(
            types.CompletionItem(
                label=suggestion.word,
                kind=types.CompletionItemKind.Event,
                detail=f"{suggestion.day.isoformat()} {format_moment('dddd', suggestion.day)}: "
                + (path if exists else f"{path} (new)"),
                filter_text=typed + suggestion.word[len(typed) :],
                sort_text=f"{place:04d}",
                text_edit=types.TextEdit(range=rng, new_text=link_to(vault, path) + close),
            )
        )
    return items
