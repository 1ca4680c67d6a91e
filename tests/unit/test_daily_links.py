"""Completion items for days (lsp/features/daily_links.py) with a fixed today: the link each
inserts in the vault's daily-note format, its label and detail, and no item for a format
vaultls cannot follow."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

from lsprotocol import types

from vaultls.lsp.features.daily_links import daily_items
from vaultls.vault.daily_notes import ConfigFiles
from vaultls.vault.index import Vault
from vaultls.vault.parse import parse

TUESDAY = dt.date(2026, 12, 8)
RANGE = types.Range(start=types.Position(0, 2), end=types.Position(0, 5))


def items(root: Path, typed: str, notes: tuple[str, ...] = ()) -> list[types.CompletionItem]:
    vault = Vault(root)
    for path in notes:
        vault.upsert(path, parse(""))
    caches = SimpleNamespace(obsidian=ConfigFiles())
    ls = SimpleNamespace(caches_for=lambda _: caches)
    cursor = SimpleNamespace(ref=SimpleNamespace(vault=vault))
    return daily_items(ls, cursor, typed, RANGE, "]]", 3, today=TUESDAY)  # type: ignore[arg-type]


def settings(root: Path, data: dict[str, str]) -> Path:
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "daily-notes.json").write_text(json.dumps(data), encoding="utf-8")
    return root


def test_tom_inserts_the_link_to_tomorrows_note_in_the_vaults_format(tmp_path: Path):
    [item] = items(settings(tmp_path, {"format": "dddd, MMMM Do YYYY"}), "tom")
    assert item.label == "tomorrow"
    assert item.text_edit == types.TextEdit(range=RANGE, new_text="Wednesday, December 9th 2026]]")
    assert item.detail == "2026-12-09 Wednesday: Wednesday, December 9th 2026.md (new)"
    assert item.sort_text == "0003"  # after the note items before it


def test_a_day_whose_note_exists_says_where_it_is(tmp_path: Path):
    [item] = items(settings(tmp_path, {"folder": "Journal"}), "yesterday", ("Journal/2026-12-07.md",))
    assert item.detail == "2026-12-07 Monday: Journal/2026-12-07.md"
    assert item.text_edit is not None and item.text_edit.new_text == "2026-12-07]]"


def test_next_weekdays_are_offered_in_order(tmp_path: Path):
    found = items(tmp_path, "next ")
    assert [i.label for i in found][:2] == ["next monday", "next tuesday"]
    assert found[1].text_edit is not None and found[1].text_edit.new_text == "2026-12-15]]"


def test_a_format_vaultls_cannot_follow_offers_no_day(tmp_path: Path):
    assert items(settings(tmp_path, {"format": "YYYY-DDDD"}), "today") == []


def test_text_that_names_no_day_offers_none(tmp_path: Path):
    assert items(tmp_path, "Kropotkin") == []
