"""Notes from templates (vault/new_note.py): Obsidian's Templates settings, the template names,
how placeholders are filled, a template's frontmatter kept, and which titles a note may have."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.unit.vaults import vault_of
from vaultls.vault.new_note import (
    Filling,
    TemplatesConfig,
    compose,
    fill,
    find_template,
    list_templates,
    note_path,
    templates_config,
)

NOW = dt.datetime(2026, 12, 8, 14, 5, 9)
FILLING = Filling("Trotsky", NOW)


def test_templates_json_sets_folder_and_formats(tmp_path: Path):
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "templates.json").write_text(
        json.dumps({"folder": "/Templates/", "dateFormat": "DD.MM.YYYY", "timeFormat": "h:mm A"}), encoding="utf-8"
    )
    assert templates_config(tmp_path) == TemplatesConfig("Templates", "DD.MM.YYYY", "h:mm A")


def test_without_templates_json_there_is_no_template_folder(tmp_path: Path):
    assert templates_config(tmp_path) == TemplatesConfig("", "YYYY-MM-DD", "HH:mm")


def test_templates_are_the_notes_of_the_template_folder_named_by_their_path_there():
    vault = vault_of({"Templates/Daily.md": "", "Templates/Work/Meeting.md": "", "Daily.md": "", "Home.md": ""})
    assert list_templates(vault, TemplatesConfig("Templates")) == [
        ("Daily", "Templates/Daily.md"),
        ("Work/Meeting", "Templates/Work/Meeting.md"),
    ]


def test_a_template_is_found_by_its_name_ignoring_case():
    vault = vault_of({"Templates/Daily.md": "", "Daily.md": ""})
    assert find_template(vault, TemplatesConfig("Templates"), "daily") == "Templates/Daily.md"


def test_no_template_folder_lists_no_templates():
    assert list_templates(vault_of({"Templates/Daily.md": ""}), TemplatesConfig()) == []


# ---------------------------------------------------------------- filling


def test_title_date_and_time_are_filled_in_the_default_formats():
    assert fill("{{title}} {{date}} {{time}}", FILLING) == "Trotsky 2026-12-08 14:05"


def test_date_and_time_follow_the_configured_formats():
    assert fill("{{date}} {{time}}", Filling("T", NOW, "dddd D MMMM", "h:mm A")) == "Tuesday 8 December 2:05 PM"


def test_a_format_after_a_colon_overrides_the_default():
    assert fill("{{date:YYYY-[W]WW}} {{time:HH[h]}}", FILLING) == "2026-W50 14h"


def test_date_and_time_are_interchangeable_with_a_format():
    assert fill("{{time:YYYY}} {{date:HH:mm}}", FILLING) == "2026 14:05"


def test_placeholder_names_ignore_case_and_inner_spaces():
    assert fill("{{ Title }} {{DATE}}", FILLING) == "Trotsky 2026-12-08"


def test_a_placeholder_with_an_unsupported_token_is_kept_and_reported():
    problems: list[str] = []
    assert fill("{{date:DDDD}}", FILLING, problems) == "{{date:DDDD}}"
    assert len(problems) == 1 and "DDDD" in problems[0]


def test_other_braces_are_left_alone():
    assert fill("{{cursor}} <% tp.date.now() %>", FILLING) == "{{cursor}} <% tp.date.now() %>"


# ---------------------------------------------------------------- composing


def test_a_template_without_frontmatter_gets_none():
    text, problems = compose("# {{title}}\n\nBody\n", FILLING)
    assert text == "# Trotsky\n\nBody\n" and problems == []


def test_frontmatter_properties_survive_in_their_order_with_values_filled():
    template = '---\ntitle: "{{title}}"\ntags:\n  - person\nzeta: 1\nalpha: true\n---\n# {{title}}\n'
    text, _ = compose(template, Filling("Note: Trotsky", NOW))
    assert text == "---\ntitle: 'Note: Trotsky'\ntags:\n- person\nzeta: 1\nalpha: true\n---\n# Note: Trotsky\n"


def test_a_filled_title_that_would_break_yaml_is_quoted():
    text, _ = compose("---\naliases: ['{{title}}']\n---\n", Filling("a: b #c", NOW))
    assert "- 'a: b #c'" in text


def test_frontmatter_that_is_yaml_only_after_filling_is_filled_as_text():
    text, _ = compose("---\ncreated: {{date}}\n---\nBody\n", FILLING)
    assert text == "---\ncreated: 2026-12-08\n---\nBody\n"


def test_the_body_after_frontmatter_keeps_its_blank_lines():
    text, _ = compose("---\na: 1\n---\n\n\nBody {{title}}\n\n", FILLING)
    assert text == "---\na: 1\n---\n\n\nBody Trotsky\n\n"


# ---------------------------------------------------------------- titles and folders


def test_a_new_note_goes_in_its_folder_with_md_added():
    assert note_path("Inbox/", "Trotsky") == "Inbox/Trotsky.md"
    assert note_path("", "Trotsky") == "Trotsky.md"


@pytest.mark.parametrize(
    "title", ["", "  ", "a/b", "../x", "a\\b", "a:b", "what?", "a|b", "a#b", "a^b", "[x]", ".hidden", 'say "hi"']
)
def test_titles_obsidian_refuses_are_refused(title: str):
    with pytest.raises(ValueError):
        note_path("", title)


@pytest.mark.parametrize("folder", ["..", "../outside", "/etc", "a/../../b", ".obsidian", "C:/x"])
def test_folders_outside_the_vault_are_refused(folder: str):
    with pytest.raises(ValueError, match="not a folder of the vault"):
        note_path(folder, "Note")
