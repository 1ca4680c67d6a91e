"""Obsidian property types (`.obsidian/types.json`), YAML → JSON values, and quoted wikilinks in
frontmatter (links like any other: resolved, dangling-checked)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import write_vault
from tests.unit.vaults import resolve, vault_of
from vaultls.vault import schema
from vaultls.vault.check import check_note, check_vault
from vaultls.vault.model import Range
from vaultls.vault.parse import parse
from vaultls.vault.schema.obsidian_types import is_date, is_datetime, read_types, to_json, type_problem
from vaultls.vault.settings import build_settings
from vaultls.vault.store.loader import load_vault

TYPES = {
    "types": {
        "due": "date",
        "start": "datetime",
        "done": "checkbox",
        "rating": "number",
        "title": "text",
        "related": "multitext",
        "tags": "tags",
        "aliases": "aliases",
        "Mood": "text",
    }
}


def load(root: Path, files: dict[str, str]):
    write_vault(root, files)
    settings, _ = build_settings(root)
    return load_vault(root, settings)[0]


def type_messages(root: Path, note: str, extra: dict[str, str] | None = None):
    v = load(root, {".obsidian/types.json": json.dumps(TYPES), "A.md": note, **(extra or {})})
    return [(p.range, p.message) for p in check_note(v, "A.md") if p.code == "frontmatter-schema"]


def test_to_json():
    value = {
        "d": dt.date(2024, 1, 15),
        "t": dt.datetime(2024, 1, 15, 10, 30),
        1: [dt.date(2024, 2, 1), {"x": None}],
        "b": b"\x00\x01",
        "s": {3, 1},
    }
    assert to_json(value) == {
        "d": "2024-01-15",
        "t": "2024-01-15T10:30:00",
        "1": ["2024-02-01", {"x": None}],
        "b": "AAE=",
        "s": [1, 3],
    }


def test_dates_and_datetimes():
    assert is_date("2024-02-29") and is_date(dt.date(2024, 1, 1))
    assert not is_date("2023-02-29") and not is_date("15/01/2024") and not is_date(dt.datetime(2024, 1, 1))
    assert is_datetime("2024-01-15T10:30") and is_datetime("2024-01-15 10:30:59.5+02:00")
    assert is_datetime("2024-01-15T10:30:00Z") and is_datetime(dt.datetime(2024, 1, 1))
    assert not is_datetime("2024-01-15T25:00") and not is_datetime("2024-01-15")


@pytest.mark.parametrize(
    "kind, good, bad, message",
    [
        ("number", 3.5, "three", '"p" must be a number'),
        ("number", 0, True, '"p" must be a number'),
        ("checkbox", False, "yes please", '"p" must be true or false'),
        ("date", "2024-01-15", "next week", '"p" must be a date (YYYY-MM-DD)'),
        ("datetime", "2024-01-15T10:30", "noon", '"p" must be a date and time (YYYY-MM-DDTHH:MM)'),
        ("text", "x", ["a"], '"p" must be text'),
        ("multitext", ["a", "b"], 3, '"p" must be a list'),
        ("aliases", "single", {"a": 1}, '"p" must be a list'),
        ("tags", ["book", "to-read"], ["to read"], '"p" item "to read" is not a tag (tags cannot contain spaces)'),
        (
            "tags",
            ["a/b"],
            [1984],
            '"p" item 1984 is not a tag (a tag needs at least one character that is not a digit)',
        ),
    ],
)
def test_type_problem(kind, good, bad, message):
    assert type_problem("p", kind, good) is None
    assert type_problem("p", kind, None) is None  # an empty property fits every type
    assert type_problem("p", kind, bad) == message


def test_types_json_checks_without_any_schema(tmp_path):
    note = (
        "---\ndue: tomorrow\nstart: 2024-01-15T10:30\ndone: maybe\nrating: 4\ntitle: [a]\n"
        'related: "[[A]]"\ntags: [book, to read]\nmood: [x]\n---\n'
    )
    assert type_messages(tmp_path, note) == [
        (Range.on_line(1, 5, 13), '"due" must be a date (YYYY-MM-DD)'),
        (Range.on_line(3, 6, 11), '"done" must be true or false'),
        (Range.on_line(5, 7, 10), '"title" must be text'),
        (Range.on_line(7, 6, 21), '"tags" item "to read" is not a tag (tags cannot contain spaces)'),
        (Range.on_line(8, 6, 9), '"mood" must be text'),  # names match case-insensitively
    ]


def test_yaml_dates_fit_date_properties(tmp_path):
    assert type_messages(tmp_path, "---\ndue: 2024-01-15\nstart: 2024-01-15 10:30:00\n---\n") == []


def test_a_schema_problem_on_a_property_replaces_its_type_problem(tmp_path):
    extra = {
        ".vaultls.toml": '[frontmatter]\nschema = "s.json"\n',
        "s.json": json.dumps({"properties": {"due": {"type": "string", "format": "date"}}}),
    }
    assert [m for _, m in type_messages(tmp_path, "---\ndue: tomorrow\n---\n", extra)] == [
        '"due" must be a date (YYYY-MM-DD)'
    ]


def test_types_can_be_turned_off(tmp_path):
    extra = {".vaultls.toml": "[frontmatter]\nobsidian_types = false\n"}
    assert type_messages(tmp_path, "---\ndone: maybe\n---\n", extra) == []


def test_invalid_types_file_is_a_non_fatal_configuration_problem(tmp_path):
    v = load(tmp_path, {".obsidian/types.json": "{nope", "A.md": "---\ndone: maybe\n---\n"})
    assert check_note(v, "A.md") == []
    [problem] = schema.configuration_problems(v.schemas, v.settings)
    assert not problem.fatal and ".obsidian/types.json is not valid JSON" in problem.message


def test_read_types(tmp_path):
    assert read_types(tmp_path) is None
    write_vault(tmp_path, {".obsidian/types.json": '{"types": {"Due": "date", "x": 3, "y": "weird"}}'})
    types = read_types(tmp_path)
    assert types.type_of("due") == "date" and types.type_of("x") is None and types.type_of("y") is None


def test_types_file_changes_are_noticed(tmp_path):
    v = load(tmp_path, {".obsidian/types.json": json.dumps(TYPES), "A.md": "---\ndone: maybe\n---\n"})
    assert len(check_note(v, "A.md")) == 1
    assert v.schemas.watches(tmp_path / ".obsidian" / "types.json", v.settings)
    (tmp_path / ".obsidian" / "types.json").write_text('{"types": {"done": "text"}}')
    v.schemas.invalidate()
    assert check_note(v, "A.md") == []


# --------------------------------------------------------------------------- links in frontmatter


def test_quoted_wikilinks_in_frontmatter_are_links():
    v = vault_of(
        {
            "Trotsky.md": "# Trotsky\n",
            "Book.md": '---\nauthor: "[[Trotsky]]"\nrelated:\n  - "[[Nowhere]]"\nplain: [[Not a link]]\n---\n',
        }
    )
    links = v.notes["Book.md"].parsed.links
    assert [(link.target, link.in_frontmatter) for link in links] == [("Trotsky", True), ("Nowhere", True)]
    assert links[0].target_range == Range.on_line(1, 11, 18)
    assert resolve(v, "Book.md", 0).target == "Trotsky.md"
    [problem] = check_vault(v)
    assert problem.code == "dangling-link" and problem.range == Range.on_line(3, 7, 14)


def test_frontmatter_links_count_as_backlinks():
    v = vault_of({"Trotsky.md": "", "Book.md": '---\nauthor: "[[Trotsky]]"\n---\n'})
    assert v.linkers_of("trotsky") == {"Book.md"}


def test_frontmatter_of_a_parsed_note_keeps_key_and_value_ranges():
    fm = parse("---\nauthor: \nrating: 7\n---\n").frontmatter
    assert fm.data == {"author": None, "rating": 7}
    assert fm.key_ranges["author"] == Range.on_line(1, 0, 6)
    assert fm.value_ranges["rating"] == Range.on_line(2, 8, 9)
