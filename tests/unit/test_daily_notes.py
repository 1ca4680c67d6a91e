"""Daily notes (vault/daily_notes.py): the settings Obsidian's Daily notes and Periodic Notes
plugins write, where a day's note goes, the words that name a day, and what a link says."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from tests.unit.vaults import vault_of
from vaultls.vault.daily_notes import ConfigFiles, DailyConfig, daily_config, link_to, parse_day, suggest_days
from vaultls.vault.moment import UnsupportedToken

TUESDAY = dt.date(2026, 12, 8)


def write(root: Path, rel: str, data: object) -> None:
    file = root / rel
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(data), encoding="utf-8")


# ---------------------------------------------------------------- settings


def test_without_settings_daily_notes_are_named_yyyy_mm_dd_at_the_root(tmp_path: Path):
    assert daily_config(tmp_path).note_path(TUESDAY) == "2026-12-08.md"


def test_daily_notes_json_sets_folder_format_and_template(tmp_path: Path):
    write(
        tmp_path,
        ".obsidian/daily-notes.json",
        {"folder": "Journal/", "format": "DD.MM.YYYY", "template": "Templates/Day"},
    )
    config = daily_config(tmp_path)
    assert (config.folder, config.template) == ("Journal", "Templates/Day")
    assert config.note_path(TUESDAY) == "Journal/08.12.2026.md"


def test_empty_values_in_daily_notes_json_are_the_defaults(tmp_path: Path):
    write(tmp_path, ".obsidian/daily-notes.json", {"folder": "", "format": "", "template": ""})
    assert daily_config(tmp_path) == DailyConfig(source=".obsidian/daily-notes.json")


def test_a_format_with_folders_puts_the_note_in_them(tmp_path: Path):
    write(tmp_path, ".obsidian/daily-notes.json", {"folder": "Daily", "format": "YYYY/MM/YYYY-MM-DD"})
    assert daily_config(tmp_path).note_path(TUESDAY) == "Daily/2026/12/2026-12-08.md"


def test_a_format_that_climbs_out_of_the_vault_names_no_note(tmp_path: Path):
    write(tmp_path, ".obsidian/daily-notes.json", {"format": "[../../]YYYY"})
    with pytest.raises(ValueError, match="inside the vault"):
        daily_config(tmp_path).note_path(TUESDAY)


def test_a_format_with_an_unsupported_token_is_refused(tmp_path: Path):
    write(tmp_path, ".obsidian/daily-notes.json", {"format": "YYYY-DDDD"})
    with pytest.raises(UnsupportedToken, match="DDDD"):
        daily_config(tmp_path).note_path(TUESDAY)


def test_daily_notes_json_that_is_not_json_is_the_defaults(tmp_path: Path):
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "daily-notes.json").write_text("{", encoding="utf-8")
    assert daily_config(tmp_path).note_path(TUESDAY) == "2026-12-08.md"


def test_enabled_periodic_notes_daily_settings_win(tmp_path: Path):
    write(tmp_path, ".obsidian/daily-notes.json", {"folder": "Core"})
    write(tmp_path, ".obsidian/community-plugins.json", ["periodic-notes"])
    write(
        tmp_path,
        ".obsidian/plugins/periodic-notes/data.json",
        {"daily": {"enabled": True, "folder": "Periodic", "format": "YYYY [Q]Q MM-DD", "template": ""}},
    )
    assert daily_config(tmp_path).note_path(TUESDAY) == "Periodic/2026 Q4 12-08.md"


def test_periodic_notes_with_daily_notes_off_leaves_the_core_settings(tmp_path: Path):
    write(tmp_path, ".obsidian/daily-notes.json", {"folder": "Core"})
    write(tmp_path, ".obsidian/community-plugins.json", ["periodic-notes"])
    write(tmp_path, ".obsidian/plugins/periodic-notes/data.json", {"daily": {"enabled": False, "folder": "Periodic"}})
    assert daily_config(tmp_path).folder == "Core"


def test_periodic_notes_not_enabled_as_a_plugin_leaves_the_core_settings(tmp_path: Path):
    write(tmp_path, ".obsidian/daily-notes.json", {"folder": "Core"})
    write(tmp_path, ".obsidian/plugins/periodic-notes/data.json", {"daily": {"enabled": True, "folder": "Periodic"}})
    assert daily_config(tmp_path).folder == "Core"


def test_settings_files_are_read_again_when_they_change(tmp_path: Path):
    files = ConfigFiles()
    write(tmp_path, ".obsidian/daily-notes.json", {"folder": "One"})
    assert daily_config(tmp_path, files).folder == "One"
    write(tmp_path, ".obsidian/daily-notes.json", {"folder": "Second"})
    file = tmp_path / ".obsidian" / "daily-notes.json"
    os.utime(file, ns=(1, 1))  # another modification time, whatever the clock's resolution
    assert daily_config(tmp_path, files).folder == "Second"


def test_settings_linked_outside_the_vault_are_not_read(tmp_path: Path):
    vault, outside = tmp_path / "vault", tmp_path / "outside.json"
    (vault / ".obsidian").mkdir(parents=True)
    outside.write_text('{"folder": "Secret"}', encoding="utf-8")
    (vault / ".obsidian" / "daily-notes.json").symlink_to(outside)
    assert daily_config(vault).folder == ""


# ---------------------------------------------------------------- words for days


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", TUESDAY),
        ("tomorrow", dt.date(2026, 12, 9)),
        ("yesterday", dt.date(2026, 12, 7)),
        ("thursday", dt.date(2026, 12, 10)),
        ("tuesday", TUESDAY),
        ("next tuesday", dt.date(2026, 12, 15)),
        ("next friday", dt.date(2026, 12, 11)),
        ("last friday", dt.date(2026, 12, 4)),
        ("last tuesday", dt.date(2026, 12, 1)),
        ("Next  Monday", dt.date(2026, 12, 14)),
        ("2026-12-24", dt.date(2026, 12, 24)),
        ("1", dt.date(2026, 12, 9)),
        ("-2", dt.date(2026, 12, 6)),
    ],
)
def test_words_name_days(text: str, day: dt.date):
    assert parse_day(text, TUESDAY) == day


@pytest.mark.parametrize("text", ["someday", "2026-13-01", "next", "last week"])
def test_other_words_name_no_day(text: str):
    assert parse_day(text, TUESDAY) is None


def test_typed_letters_suggest_the_words_they_start():
    assert [s.word for s in suggest_days("t", TUESDAY)] == ["today", "tomorrow", "tuesday", "thursday"]
    assert [(s.word, s.day) for s in suggest_days("Tom", TUESDAY)] == [("tomorrow", dt.date(2026, 12, 9))]


def test_next_and_last_suggest_weekdays():
    assert [s.word for s in suggest_days("last f", TUESDAY)] == ["last friday"]
    assert len(suggest_days("next ", TUESDAY)) == 7


def test_a_whole_iso_date_is_suggested_and_a_partial_one_is_not():
    assert [(s.word, s.day) for s in suggest_days("2026-12-24", TUESDAY)] == [("2026-12-24", dt.date(2026, 12, 24))]
    assert suggest_days("2026-12", TUESDAY) == []


def test_nothing_typed_suggests_no_day():
    assert suggest_days("", TUESDAY) == []


# ---------------------------------------------------------------- links


def test_a_link_to_a_daily_note_is_its_name():
    vault = vault_of({"Home.md": ""})
    assert link_to(vault, "Journal/2026/2026-12-08.md") == "2026-12-08"


def test_a_link_to_a_daily_note_whose_name_another_note_has_is_its_path():
    vault = vault_of({"Archive/2026-12-08.md": ""})
    assert link_to(vault, "Journal/2026-12-08.md") == "Journal/2026-12-08"
