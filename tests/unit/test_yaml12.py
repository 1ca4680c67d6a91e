"""Frontmatter and schema files are YAML 1.2 (the core schema), as Obsidian reads them: PyYAML's
YAML 1.1 words and numbers (`10:30` → 630, `NO` → false, `0755` → 493) are what the user wrote.
A mapping written as a key (`created: {{date}}`) is a warning saying what Obsidian shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import write_vault
from tests.unit.vaults import vault_of
from vaultls.vault.check import check_note
from vaultls.vault.model import Range
from vaultls.vault.parse import parse
from vaultls.vault.parse.yaml12 import Yaml12Loader
from vaultls.vault.schema.documents import load_document
from vaultls.vault.settings import build_settings
from vaultls.vault.store.loader import load_vault


def data(frontmatter: str, newline: str = "\n") -> dict[str, Any]:
    note = parse(newline.join(["---", *frontmatter.split("\n"), "---", "text"]))
    assert note.frontmatter is not None and note.frontmatter.error is None
    return note.frontmatter.data


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("10:30", "10:30"),  # YAML 1.1: 630 (base 60)
        ("12:30:45", "12:30:45"),
        ("NO", "NO"),  # YAML 1.1: false
        ("yes", "yes"),
        ("off", "off"),
        ("y", "y"),
        ("0755", 755),  # YAML 1.1: octal 493
        ("0o755", 0o755),
        ("0x1F", 31),
        ("-12", -12),
        ("1e3", 1000.0),  # YAML 1.1: the text 1e3
        ("0.5", 0.5),
        (".inf", float("inf")),
        ("-.Inf", float("-inf")),
        ("~", None),
        ("null", None),
        ("NULL", None),
        ("", None),
        ("true", True),
        ("True", True),
        ("FALSE", False),
        ("2024-01-05", "2024-01-05"),  # YAML 1.1: a date object; Obsidian shows the text
        ("2024-01-05T10:30:00", "2024-01-05T10:30:00"),
        ("1_000", "1_000"),
        ("0b101", "0b101"),
    ],
)
def test_plain_scalars_resolve_by_the_yaml_1_2_core_schema(written: str, value: object) -> None:
    assert data(f"v: {written}") == {"v": value}


@pytest.mark.parametrize("written", ["'10:30'", '"NO"', "'0755'", '"true"', "'~'", '"2024-01-05"', "'1e3'"])
def test_quoted_values_are_the_text_inside_the_quotes(written: str) -> None:
    assert data(f"v: {written}") == {"v": written[1:-1]}


def test_nan_is_a_float() -> None:
    value = data("v: .nan")["v"]
    assert isinstance(value, float) and value != value


def test_yaml_1_2_words_and_numbers_with_crlf_line_endings() -> None:
    assert data("time: 10:30\ncountry: NO\nmode: 0755\non: yes", newline="\r\n") == {
        "time": "10:30",
        "country": "NO",
        "mode": 755,
        "on": "yes",
    }


def test_block_lists_and_flow_lists_hold_yaml_1_2_items() -> None:
    assert data("a:\n  - no\n  - 10:30\nb: [on, 0x10]") == {"a": ["no", "10:30"], "b": ["on", 16]}


def test_merge_keys_still_merge() -> None:
    assert data("base: &b {x: 1}\n<<: *b\ny: 2") == {"base": {"x": 1}, "x": 1, "y": 2}


def test_pyyaml_own_safe_loader_is_left_as_yaml_1_1() -> None:
    loader = Yaml12Loader("a: NO")
    try:
        assert loader.get_single_data() == {"a": "NO"}
    finally:
        loader.dispose()
    assert yaml.safe_load("a: NO\nb: 10:30") == {"a": False, "b": 630}


def test_aliases_of_a_note_are_read_as_yaml_1_2_text() -> None:
    assert parse("---\naliases: [NO, 10:30]\n---\n").aliases == ["NO", "10:30"]


# ------------------------------------------------------------------ collection keys


def test_unquoted_placeholder_is_the_value_obsidian_makes_of_it() -> None:
    assert data("created: {{date}}") == {"created": {"[object Object]": None}}


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_unquoted_placeholder_is_a_warning_saying_what_obsidian_shows(newline: str) -> None:
    fm = parse(newline.join(["---", "title: x", "created: {{date}}", "---", ""])).frontmatter
    assert fm is not None and fm.error is None
    [(message, where)] = fm.warnings
    assert message == (
        '"created" is written {{date}}, which YAML reads as a mapping (its key a mapping), not as text: '
        'Obsidian shows {"[object Object]":null}; write "{{date}}" to keep the text'
    )
    assert where == Range.on_line(2, 9, 17)


def test_a_mapping_written_as_a_property_name_is_a_warning_naming_the_property_as_obsidian_does() -> None:
    fm = parse("---\n? {a: 1}\n: v\n---\n").frontmatter
    assert fm is not None and fm.data == {"[object Object]": "v"}
    [(message, _)] = fm.warnings
    assert 'Obsidian names this property "[object Object]"' in message


def test_unquoted_placeholder_is_a_warning_in_the_check_not_an_error() -> None:
    vault = vault_of({"A.md": "---\ncreated: {{date}}\n---\n"})
    [problem] = check_note(vault, "A.md")
    assert (problem.code, int(problem.severity), problem.range.start.line) == ("frontmatter-yaml", 2, 1)
    assert "Obsidian shows" in problem.message


def test_quoted_placeholder_is_text_and_no_problem() -> None:
    fm = parse('---\ncreated: "{{date}}"\n---\n').frontmatter
    assert fm is not None and fm.data == {"created": "{{date}}"} and fm.warnings == []


# ------------------------------------------------------------------ what the checks get


def test_schema_typed_string_property_gets_the_text(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"time": {"type": "string"}, "country": {"type": "string"}}}
    write_vault(
        tmp_path,
        {
            ".vaultls.toml": '[frontmatter]\nschema = "note.schema.json"\n',
            "note.schema.json": json.dumps(schema),
            "A.md": "---\ntime: 10:30\ncountry: NO\n---\n",
        },
    )
    settings, _ = build_settings(tmp_path)
    vault = load_vault(tmp_path, settings)[0]
    assert check_note(vault, "A.md") == []


def test_types_json_date_property_accepts_a_date_written_plainly(tmp_path: Path) -> None:
    write_vault(
        tmp_path,
        {
            ".obsidian/types.json": json.dumps({"types": {"due": "date", "done": "checkbox"}}),
            "A.md": "---\ndue: 2024-01-05\ndone: true\n---\n",
            "B.md": "---\ndue: 2024-02-30\ndone: yes\n---\n",
        },
    )
    settings, _ = build_settings(tmp_path)
    vault = load_vault(tmp_path, settings)[0]
    assert check_note(vault, "A.md") == []
    assert sorted(p.message for p in check_note(vault, "B.md")) == [
        '"done" must be true or false',  # `yes` is text in Obsidian too
        '"due" must be a date (YYYY-MM-DD)',
    ]


def test_a_yaml_schema_file_is_read_as_yaml_1_2(tmp_path: Path) -> None:
    write_vault(tmp_path, {"s.yaml": "properties:\n  answer:\n    enum: [yes, no, 10:30]\n"})
    assert load_document(tmp_path, tmp_path / "s.yaml") == {"properties": {"answer": {"enum": ["yes", "no", "10:30"]}}}
