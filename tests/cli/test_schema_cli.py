"""`vaultls check` and frontmatter schemas: the same problems the server shows, exit 2 with one
clear line for a configured schema that cannot be used, and the demo vault's schema problems."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.ci_helpers import check
from tests.conftest import VAULTS
from vaultls.vault import schema
from vaultls.vault.check import check_vault
from vaultls.vault.schema import validate
from vaultls.vault.settings import build_settings
from vaultls.vault.store.loader import load_vault

SCHEMA_VAULT_PROBLEMS = [
    'Books/Bad.md:2:1: warning frontmatter-schema "author" is empty',
    'Books/Bad.md:3:9: warning frontmatter-schema "rating" must be one of 1, 2, 3, 4, 5, "WIP"',
    'Books/Bad.md:4:12: warning frontmatter-schema "catégorie" must be one of "📚 essai", "📚 histoire"',
    'Books/Bad.md:5:6: warning frontmatter-schema "due" must be a date (YYYY-MM-DD)',
    'Books/Linked.md:4:8: warning dangling-link no note named "Nowhere" in the vault',
    'Books/Missing.md:1:1: warning frontmatter-schema missing required property "author"',
]


@pytest.fixture
def schema_vault(tmp_path: Path) -> Path:
    target = tmp_path / "schema"
    shutil.copytree(VAULTS / "schema", target)
    return target


def test_text_output_lists_the_schema_problems(schema_vault, capsys, monkeypatch):
    monkeypatch.chdir(schema_vault)
    run = check(capsys, str(schema_vault))
    assert run.code == 1
    assert run.out.splitlines() == SCHEMA_VAULT_PROBLEMS


def test_json_output_has_the_ranges_the_editor_gets(schema_vault, capsys):
    run = check(capsys, "--format", "json", str(schema_vault))
    found = {(p["path"], p["message"]): p for p in run.json() if p["code"] == "frontmatter-schema"}
    # The same ranges as tests/e2e/test_frontmatter.py sees in VS Code (UTF-16 columns).
    category = found[("Books/Bad.md", '"catégorie" must be one of "📚 essai", "📚 histoire"')]
    assert category["range"] == {"start": {"line": 3, "character": 11}, "end": {"line": 3, "character": 21}}
    assert category["severity"] == "warning"
    missing = found[("Books/Missing.md", 'missing required property "author"')]
    assert missing["range"] == {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 3}}


def test_checking_one_note_applies_its_rules(schema_vault, capsys, monkeypatch):
    monkeypatch.chdir(schema_vault)
    run = check(capsys, str(schema_vault / "Books" / "Missing.md"))
    assert run.out.splitlines() == [SCHEMA_VAULT_PROBLEMS[-1]]


@pytest.mark.parametrize(
    "content, reason",
    [
        (None, "file not found"),
        ("type: object\nproperties: [oops\n", "invalid YAML at line 3"),
        ("type: strng\n", "not a valid JSON Schema at type"),
        (
            "properties:\n  a: {$ref: 'missing.json'}\n",
            '$ref "missing.json" cannot be resolved: schemas/missing.json: file not found',
        ),
    ],
)
def test_a_broken_configured_schema_exits_2_with_one_clear_line(schema_vault, capsys, content, reason):
    book = schema_vault / "schemas" / "book.schema.yaml"
    if content is None:
        book.unlink()
    else:
        book.write_text(content, encoding="utf-8")
    run = check(capsys, str(schema_vault))
    assert run.code == 2
    assert run.out == ""
    [line] = run.err.splitlines()
    assert line.startswith(
        'vaultls: error: schema "schemas/book.schema.yaml" (setting frontmatter.rules[1], glob "Books/**") '
        "cannot be used: "
    )
    assert reason in line


def test_a_missing_vault_schema_names_its_setting(make_vault, capsys):
    root = make_vault({".vaultls.toml": '[frontmatter]\nschema = "schemas/none.json"\n', "A.md": "# A\n"})
    run = check(capsys, str(root))
    assert run.code == 2
    assert run.err.strip() == (
        'vaultls: error: schema "schemas/none.json" (setting frontmatter.schema) cannot be used: file not found'
    )


def test_a_note_naming_a_missing_schema_is_a_problem_of_that_note_not_exit_2(make_vault, capsys, monkeypatch):
    root = make_vault({"A.md": "---\n$schema: nowhere.json\n---\n", "B.md": "# B\n"})
    monkeypatch.chdir(root)
    run = check(capsys, str(root))
    assert run.code == 1
    assert run.out.splitlines() == [
        'A.md:2:10: error frontmatter-schema schema "nowhere.json" named by $schema cannot be used: file not found'
    ]


def test_a_broken_types_file_is_a_warning_line_and_the_check_goes_on(make_vault, capsys):
    root = make_vault({".obsidian/types.json": "{", "A.md": "[[Nowhere]]\n"})
    run = check(capsys, str(root))
    assert run.code == 1
    assert "dangling-link" in run.out
    assert "vaultls: warning: .obsidian/types.json is not valid JSON" in run.err


def test_types_json_problems_without_schema(make_vault, capsys, monkeypatch):
    root = make_vault(
        {
            ".obsidian/types.json": json.dumps({"types": {"due": "date", "done": "checkbox"}}),
            "A.md": "---\ndue: soon\ndone: 2\n---\n",
        }
    )
    monkeypatch.chdir(root)
    run = check(capsys, str(root))
    assert run.out.splitlines() == [
        'A.md:2:6: warning frontmatter-schema "due" must be a date (YYYY-MM-DD)',
        'A.md:3:7: warning frontmatter-schema "done" must be true or false',
    ]


def test_severity_setting_and_fail_on(make_vault, capsys, monkeypatch):
    root = make_vault(
        {
            ".vaultls.toml": '[frontmatter]\nschema = "s.json"\nseverity = "information"\n',
            "s.json": json.dumps({"required": ["title"]}),
            "A.md": "# A\n",
        }
    )
    monkeypatch.chdir(root)
    run = check(capsys, str(root))
    assert run.code == 0 and run.out.splitlines() == [
        'A.md:1:1: information frontmatter-schema missing required property "title"'
    ]
    assert check(capsys, "--fail-on", "information", str(root)).code == 1


def test_the_demo_vault_shows_schema_problems_out_of_the_box(example_vault, capsys, monkeypatch):
    monkeypatch.chdir(example_vault)
    run = check(capsys, str(example_vault))
    schema_lines = [line for line in run.out.splitlines() if " frontmatter-schema " in line]
    assert schema_lines == [
        "Books/History of the Russian Revolution.md:5:9: warning frontmatter-schema "
        '"rating" must be one of 1, 2, 3, 4, 5, "WIP"',
        'Books/The Conquest of Bread.md:3:1: warning frontmatter-schema "author" is empty',
    ]


def test_the_demo_vault_schemas_load(example_vault):
    settings, errors = build_settings(example_vault)
    assert errors == [] and settings.frontmatter_schema and len(settings.frontmatter_rules) == 2
    assert schema.configuration_problems(schema.SchemaStore(example_vault), settings) == []


def test_without_jsonschema_schemas_are_off_with_one_message(make_vault, capsys, monkeypatch):
    monkeypatch.setattr(validate, "jsonschema_available", lambda: False)
    root = make_vault(
        {
            ".vaultls.toml": '[frontmatter]\nschema = "s.json"\n',
            "s.json": json.dumps({"required": ["title"]}),
            ".obsidian/types.json": json.dumps({"types": {"done": "checkbox"}}),
            "A.md": "---\ndone: 2\n---\n",
        }
    )
    run = check(capsys, str(root))
    assert run.code == 2 and "`jsonschema` is not installed" in run.err
    settings, _ = build_settings(root)
    problems = check_vault(load_vault(root, settings)[0])
    assert [p.message for p in problems] == ['"done" must be true or false']  # types.json still checked
