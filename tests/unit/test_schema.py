"""Frontmatter schemas (vault/schema/): messages, ranges, rules, `$ref`, YAML schemas, broken
schema files, caching. Vaults are written to tmp_path because schemas are files."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultls.vault import schema
from vaultls.vault.check import Severity, check_note, check_vault
from vaultls.vault.model import Range
from vaultls.vault.settings import build_settings
from vaultls.vault.store.loader import load_vault

BOOK = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["author"],
    "properties": {
        "author": {"type": "string", "minLength": 1, "title": "Author", "description": "Who wrote it."},
        "rating": {"enum": [1, 2, 3, 4, 5, "WIP"]},
        "pages": {"type": "integer", "minimum": 1},
        "due": {"type": "string", "format": "date"},
        "start": {"type": "string", "format": "date-time"},
        "read": {"type": "boolean"},
        "genre": {"type": "string"},
    },
}


def toml(schema_path: str | None = None, rules: list[tuple[str, str]] = (), extra: str = "") -> str:
    out = "[frontmatter]\n"
    if schema_path:
        out += f'schema = "{schema_path}"\n'
    out += extra
    for glob, path in rules:
        out += f'\n[[frontmatter.rules]]\nglob = "{glob}"\nschema = "{path}"\n'
    return out


def vault(root: Path, files: dict[str, str]):
    write_vault(root, files)
    settings, errors = build_settings(root)
    assert errors == []
    loaded, _ = load_vault(root, settings)
    return loaded


def schema_problems(root: Path, files: dict[str, str], path: str | None = None):
    v = vault(root, files)
    found = check_vault(v, None if path is None else {path})
    return [p for p in found if p.code == "frontmatter-schema"]


def messages(problems) -> list[str]:
    return [p.message for p in problems]


BOOK_FILES = {".vaultls.toml": toml("schemas/book.json"), "schemas/book.json": json.dumps(BOOK)}


# --------------------------------------------------------------------------- the issue's examples


def test_missing_required_property_is_reported_on_the_opening_dashes(tmp_path):
    [p] = schema_problems(tmp_path, {**BOOK_FILES, "B.md": "---\ngenre: essay\n---\n# B\n"})
    assert p.message == 'missing required property "author"'
    assert p.range == Range.on_line(0, 0, 3)
    assert p.severity == Severity.WARNING


def test_missing_required_property_without_frontmatter_is_on_line_zero(tmp_path):
    [p] = schema_problems(tmp_path, {**BOOK_FILES, "B.md": "# B\n\nNo properties at all.\n"})
    assert p.message == 'missing required property "author"'
    assert p.range.start.line == 0 and p.range.end.line == 0


@pytest.mark.parametrize("value", ["", " ", '""', "''", "null", "~"])
def test_empty_author_is_empty_at_the_key(tmp_path, value):
    [p] = schema_problems(tmp_path, {**BOOK_FILES, "B.md": f"---\ntitle: x\nauthor: {value}\n---\n"})
    assert p.message == '"author" is empty'
    assert p.range == Range.on_line(2, 0, 6)


def test_enum_message_lists_the_allowed_values_at_the_value(tmp_path):
    [p] = schema_problems(tmp_path, {**BOOK_FILES, "B.md": "---\nauthor: A\nrating: 7\n---\n"})
    assert p.message == '"rating" must be one of 1, 2, 3, 4, 5, "WIP"'
    assert p.range == Range.on_line(2, 8, 9)


def test_enum_accepts_a_string_member(tmp_path):
    assert schema_problems(tmp_path, {**BOOK_FILES, "B.md": "---\nauthor: A\nrating: WIP\n---\n"}) == []


def test_date_format(tmp_path):
    [p] = schema_problems(tmp_path, {**BOOK_FILES, "B.md": "---\nauthor: A\ndue: next week\n---\n"})
    assert p.message == '"due" must be a date (YYYY-MM-DD)'
    assert p.range == Range.on_line(2, 5, 14)


def test_yaml_dates_are_validated_as_iso_strings(tmp_path):
    text = "---\nauthor: A\ndue: 2024-01-15\nstart: 2024-01-15 10:30:00\n---\n"
    assert schema_problems(tmp_path, {**BOOK_FILES, "B.md": text}) == []


def test_date_time_accepts_what_obsidian_writes(tmp_path):
    ok = "---\nauthor: A\nstart: 2024-01-15T10:30\n---\n"
    assert schema_problems(tmp_path, {**BOOK_FILES, "B.md": ok}) == []
    [p] = schema_problems(tmp_path / "2", {**BOOK_FILES, "B.md": "---\nauthor: A\nstart: soon\n---\n"})
    assert p.message == '"start" must be a date and time (YYYY-MM-DDTHH:MM)'


def test_type_errors_say_what_is_expected(tmp_path):
    text = "---\nauthor: [a, b]\npages: many\nread: perhaps\n---\n"
    assert messages(schema_problems(tmp_path, {**BOOK_FILES, "B.md": text})) == [
        '"author" must be text',
        '"pages" must be a whole number',
        '"read" must be true or false',
    ]


def test_minimum(tmp_path):
    [p] = schema_problems(tmp_path, {**BOOK_FILES, "B.md": "---\nauthor: A\npages: 0\n---\n"})
    assert p.message == '"pages" must be at least 1'


def test_several_problems_in_one_note_are_all_reported_in_order(tmp_path):
    text = "---\nauthor:\nrating: 9\ndue: soon\n---\n"
    found = schema_problems(tmp_path, {**BOOK_FILES, "B.md": text})
    assert [(p.range.start.line, p.message) for p in found] == [
        (1, '"author" is empty'),
        (2, '"rating" must be one of 1, 2, 3, 4, 5, "WIP"'),
        (3, '"due" must be a date (YYYY-MM-DD)'),
    ]


def test_ranges_are_code_points_after_non_ascii_keys_and_values(tmp_path):
    files = {
        ".vaultls.toml": toml("s.json"),
        "s.json": json.dumps({"properties": {"catégorie": {"enum": ["📚 essai", "📚 histoire"]}}}),
        "B.md": '---\ncatégorie: "📚 roman"\n---\n',
    }
    [p] = schema_problems(tmp_path, files)
    assert p.range == Range.on_line(1, 11, 20)
    assert p.message == '"catégorie" must be one of "📚 essai", "📚 histoire"'


def test_nested_values_are_named_by_their_path(tmp_path):
    files = {
        ".vaultls.toml": toml("s.json"),
        "s.json": json.dumps(
            {
                "properties": {
                    "series": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
                    "authors": {"type": "array", "items": {"type": "string", "minLength": 1}},
                }
            }
        ),
        "B.md": "---\nseries: {number: 2}\nauthors:\n  - A\n  - ''\n---\n",
    }
    found = schema_problems(tmp_path, files)
    assert [(p.range.start.line, p.message) for p in found] == [
        (1, 'missing required property "series.name"'),
        (2, '"authors[1]" is empty'),
    ]


def test_additional_properties_false_names_each_unexpected_key(tmp_path):
    files = {
        ".vaultls.toml": toml("s.json"),
        "s.json": json.dumps({"properties": {"title": {}}, "additionalProperties": False}),
        "B.md": "---\ntitle: t\ncolour: red\nsize: 2\n---\n",
    }
    found = schema_problems(tmp_path, files)
    assert [(p.range, p.message) for p in found] == [
        (Range.on_line(2, 0, 6), '"colour" is not an allowed property'),
        (Range.on_line(3, 0, 4), '"size" is not an allowed property'),
    ]


def test_any_of_types_read_as_alternatives(tmp_path):
    files = {
        ".vaultls.toml": toml("s.json"),
        "s.json": json.dumps({"properties": {"aliases": {"anyOf": [{"type": "string"}, {"type": "array"}]}}}),
        "B.md": "---\naliases: 3\n---\n",
    }
    [p] = schema_problems(tmp_path, files)
    assert p.message == '"aliases" must be text or a list'


def test_frontmatter_with_invalid_yaml_gets_no_schema_problems(tmp_path):
    found = check_vault(vault(tmp_path, {**BOOK_FILES, "B.md": "---\nauthor: [a\n---\n"}))
    assert [p.code for p in found] == ["frontmatter-yaml"]


def test_severity_setting(tmp_path):
    files = {
        **BOOK_FILES,
        ".vaultls.toml": toml("schemas/book.json", extra='severity = "error"\n'),
        "B.md": "---\nauthor:\n---\n",
    }
    [p] = schema_problems(tmp_path, files)
    assert p.severity == Severity.ERROR
    files[".vaultls.toml"] = toml("schemas/book.json", extra='severity = "off"\n')
    assert schema_problems(tmp_path / "off", files) == []


# --------------------------------------------------------------------------- which schemas apply


PERSON = {"type": "object", "required": ["born"], "properties": {"born": {"type": "string", "format": "date"}}}


def test_rules_apply_by_glob_and_combine_with_the_vault_schema(tmp_path):
    files = {
        ".vaultls.toml": toml("schemas/note.json", [("People/**", "schemas/person.json")]),
        "schemas/note.json": json.dumps({"required": ["title"]}),
        "schemas/person.json": json.dumps(PERSON),
        "People/Trotsky.md": "---\nborn: 7 November 1879\n---\n",
        "Places/Paris.md": "---\ntitle: Paris\n---\n",
    }
    found = schema_problems(tmp_path, files)
    assert [(p.path, p.message) for p in found] == [
        ("People/Trotsky.md", 'missing required property "title"'),
        ("People/Trotsky.md", '"born" must be a date (YYYY-MM-DD)'),
    ]


def test_every_matching_rule_applies_and_equal_problems_are_reported_once(tmp_path):
    files = {
        ".vaultls.toml": toml(None, [("Books/**", "a.json"), ("*.md", "b.json"), ("Books/Old/**", "a.json")]),
        "a.json": json.dumps({"required": ["author"]}),
        "b.json": json.dumps({"required": ["author", "year"]}),
        "Books/Old/X.md": "# X\n",
    }
    assert messages(schema_problems(tmp_path, files)) == [
        'missing required property "author"',
        'missing required property "year"',
    ]


def test_a_note_names_its_own_schema_relative_to_its_folder(tmp_path):
    files = {
        "Recipes/recipe.schema.json": json.dumps({"required": ["serves"]}),
        "Recipes/Soup.md": "---\n$schema: recipe.schema.json\n---\n",
        "Other.md": "---\n$schema: Recipes/recipe.schema.json\nserves: 2\n---\n",
    }
    found = schema_problems(tmp_path, files)
    assert [(p.path, p.message) for p in found] == [("Recipes/Soup.md", 'missing required property "serves"')]


def test_the_schema_key_is_not_validated_as_a_property(tmp_path):
    files = {
        "s.json": json.dumps({"properties": {"title": {}}, "additionalProperties": False}),
        "A.md": "---\n$schema: s.json\ntitle: x\n---\n",
    }
    assert schema_problems(tmp_path, files) == []


def test_a_missing_schema_named_by_a_note_is_an_error_at_its_value(tmp_path):
    [p] = schema_problems(tmp_path, {"A.md": "---\n$schema: nowhere.json\n---\n"})
    assert p.severity == Severity.ERROR
    assert p.range == Range.on_line(1, 9, 21)
    assert p.message == 'schema "nowhere.json" named by $schema cannot be used: file not found'


def test_a_remote_schema_is_not_fetched(tmp_path):
    [p] = schema_problems(tmp_path, {"A.md": "---\n$schema: https://example.org/s.json\n---\n"})
    assert p.severity == Severity.ERROR and "nothing is fetched from the network" in p.message


# --------------------------------------------------------------------------- schema files


def test_yaml_schemas(tmp_path):
    files = {
        ".vaultls.toml": toml("schemas/book.schema.yaml"),
        "schemas/book.schema.yaml": (
            "type: object\nrequired: [author]\nproperties:\n"
            "  author: {type: string, minLength: 1}\n"
            "  rating:\n    enum: [1, 2, 3, 4, 5, WIP]\n"
            "  published: {type: string, format: date, const: 1930-01-01}\n"
        ),
        "A.md": "---\nauthor:\nrating: 6\npublished: 1931-01-01\n---\n",
    }
    assert messages(schema_problems(tmp_path, files)) == [
        '"author" is empty',
        '"rating" must be one of 1, 2, 3, 4, 5, "WIP"',
        '"published" must be "1930-01-01"',
    ]


def test_ref_between_local_files_json_and_yaml(tmp_path):
    files = {
        ".vaultls.toml": toml("schemas/note.json"),
        "schemas/note.json": json.dumps(
            {
                "properties": {
                    "due": {"$ref": "common.yaml#/$defs/date"},
                    "owner": {"$ref": "people/person.json"},
                }
            }
        ),
        "schemas/common.yaml": "$defs:\n  date: {type: string, format: date, description: A day}\n",
        "schemas/people/person.json": json.dumps({"type": "string", "$ref": "../common.yaml#/$defs/nonempty"}),
        "A.md": "---\ndue: someday\nowner: ''\n---\n",
    }
    (tmp_path / "schemas").mkdir(parents=True)
    files["schemas/common.yaml"] += "  nonempty: {minLength: 1}\n"
    assert messages(schema_problems(tmp_path, files)) == [
        '"due" must be a date (YYYY-MM-DD)',
        '"owner" is empty',
    ]


def test_ref_with_a_url_id_finds_its_siblings_on_disk(tmp_path):
    files = {
        ".vaultls.toml": toml("schemas/book.json"),
        "schemas/book.json": json.dumps(
            {
                "$id": "https://example.org/schemas/book.json",
                "properties": {"author": {"$ref": "person.json"}},
            }
        ),
        "schemas/person.json": json.dumps({"$id": "https://example.org/schemas/person.json", "type": "string"}),
        "A.md": "---\nauthor: 3\n---\n",
    }
    assert messages(schema_problems(tmp_path, files)) == ['"author" must be text']


def test_draft_07_schemas(tmp_path):
    files = {
        ".vaultls.toml": toml("s.json"),
        "s.json": json.dumps(
            {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "definitions": {"year": {"type": "integer"}},
                "properties": {"year": {"$ref": "#/definitions/year"}, "isbn": {"type": "string"}},
                "dependencies": {"isbn": ["publisher"]},
            }
        ),
        "A.md": "---\nyear: soon\nisbn: '123'\n---\n",
    }
    assert messages(schema_problems(tmp_path, files)) == [
        '"year" must be a whole number',
        'missing required property "publisher" (required with "isbn")',
    ]


BROKEN_CASES = {
    "missing": (None, 'schema "schemas/s.json" (setting frontmatter.schema) cannot be used: file not found'),
    "bad json": ('{"type": "object",', "invalid JSON at line 1, column 19"),
    "bad schema": ('{"properties": {"a": {"type": "strin"}}}', "not a valid JSON Schema at properties/a/type"),
    "not an object": ("[1, 2]", "a schema must be a JSON object, not a list"),
    "missing ref": (
        '{"properties": {"a": {"$ref": "other.json"}}}',
        '$ref "other.json" cannot be resolved: schemas/other.json: file not found',
    ),
    "bad pointer": (
        '{"properties": {"a": {"$ref": "#/$defs/nope"}}}',
        '$ref "#/$defs/nope" cannot be resolved: no such place in the schema',
    ),
}


@pytest.mark.parametrize("case", BROKEN_CASES)
def test_a_broken_schema_is_one_error_per_note_and_a_fatal_configuration_problem(tmp_path, case):
    content, expected = BROKEN_CASES[case]
    files = {".vaultls.toml": toml("schemas/s.json"), "A.md": "---\na: 1\n---\n", "B.md": "# B\n"}
    if content is not None:
        files["schemas/s.json"] = content
    found = schema_problems(tmp_path, files)
    assert [(p.path, p.severity) for p in found] == [("A.md", Severity.ERROR), ("B.md", Severity.ERROR)]
    assert found[0].range == Range.on_line(0, 0, 3) and found[1].range == Range.on_line(0, 0, 0)
    assert expected in found[0].message and "frontmatter.schema" in found[0].message
    settings, _ = build_settings(tmp_path)
    [problem] = schema.configuration_problems(schema.SchemaStore(tmp_path), settings)
    assert problem.fatal and expected in problem.message


def test_a_broken_yaml_schema_says_where(tmp_path):
    files = {".vaultls.toml": toml("s.yaml"), "s.yaml": "type: object\nproperties: [a\n", "A.md": ""}
    [p] = schema_problems(tmp_path, files)
    assert "invalid YAML at line 3" in p.message


def test_a_broken_rule_schema_names_the_rule(tmp_path):
    files = {".vaultls.toml": toml(None, [("People/**", "person.json")]), "People/A.md": "", "B.md": ""}
    [p] = schema_problems(tmp_path, files)
    assert p.path == "People/A.md"
    assert 'setting frontmatter.rules[1], glob "People/**"' in p.message


def test_other_checks_keep_working_with_a_broken_schema(tmp_path):
    found = check_vault(vault(tmp_path, {".vaultls.toml": toml("gone.json"), "A.md": "[[Nowhere]]\n"}))
    assert sorted(p.code for p in found) == ["dangling-link", "frontmatter-schema"]


# --------------------------------------------------------------------------- caching and cost


def test_a_schema_is_compiled_once_and_recompiled_when_its_file_changes(tmp_path):
    v = vault(tmp_path, {**BOOK_FILES, "A.md": "---\nauthor: a\n---\n", "B.md": "---\nauthor: b\n---\n"})
    check_vault(v)
    store = v.schemas
    compiled = store.schema(tmp_path / "schemas" / "book.json", "schemas/book.json")
    check_vault(v)
    assert store.schema(tmp_path / "schemas" / "book.json", "schemas/book.json") is compiled
    (tmp_path / "schemas" / "book.json").write_text(json.dumps({"required": ["isbn"]}))
    os.utime(tmp_path / "schemas" / "book.json", ns=(1, 1))
    store.refresh(force=True)
    assert messages(check_note(v, "A.md")) == ['missing required property "isbn"']


def test_a_ref_target_change_is_noticed(tmp_path):
    files = {
        ".vaultls.toml": toml("a.json"),
        "a.json": json.dumps({"properties": {"x": {"$ref": "b.json"}}}),
        "b.json": json.dumps({"type": "string"}),
        "A.md": "---\nx: 1\n---\n",
    }
    v = vault(tmp_path, files)
    assert messages(check_note(v, "A.md")) == ['"x" must be text']
    assert v.schemas.watches(tmp_path / "b.json", v.settings)
    (tmp_path / "b.json").write_text(json.dumps({"type": "integer"}))
    os.utime(tmp_path / "b.json", ns=(1, 1))
    v.schemas.refresh(force=True)
    assert check_note(v, "A.md") == []


def test_no_schema_and_no_types_file_costs_nothing(tmp_path):
    v = vault(tmp_path, {"A.md": "---\nauthor:\n---\n"})
    assert check_note(v, "A.md") == []
    assert v.schemas._schemas == {}  # noqa: SLF001


def test_ten_thousand_notes_are_validated_quickly(tmp_path):
    files = {**BOOK_FILES, ".vaultls.toml": toml(None, [("Books/**", "schemas/book.json")])}
    v = vault(tmp_path, files)
    from vaultls.vault.parse import parse

    for i in range(10_000):
        folder = "Books" if i % 2 else "Notes"
        v.upsert(f"{folder}/N{i}.md", parse(f"---\nauthor: {'' if i % 100 < 2 else 'A'}\nrating: 3\n---\n# N\n"))
    started = time.perf_counter()
    found = [p for p in check_vault(v) if p.code == "frontmatter-schema"]
    elapsed = time.perf_counter() - started
    # Only Books/ (odd i) has a rule: of the empty authors (i % 100 in (0, 1)), the odd ones.
    assert len(found) == 100 and {p.message for p in found} == {'"author" is empty'}
    assert elapsed < 10, elapsed


# --------------------------------------------------------------------------- what schemas say


def test_properties_collects_titles_descriptions_types_and_enums_through_refs(tmp_path):
    files = {
        ".vaultls.toml": toml("schemas/note.json"),
        "schemas/note.json": json.dumps(
            {
                "allOf": [{"$ref": "book.json"}],
                "properties": {
                    "due": {"$ref": "#/$defs/day"},
                    "tags": {"type": "array", "items": {"enum": ["a", "b"]}},
                },
                "$defs": {"day": {"type": "string", "format": "date", "description": "A day."}},
            }
        ),
        "schemas/book.json": json.dumps(BOOK),
        "A.md": "",
    }
    v = vault(tmp_path, files)
    infos = schema.properties(v, v.notes["A.md"])
    assert infos["author"].title == "Author" and infos["author"].description == "Who wrote it."
    assert infos["author"].required and infos["author"].types == ["string"]
    assert infos["rating"].enum == [1, 2, 3, 4, 5, "WIP"]
    assert infos["due"].format == "date" and infos["due"].description == "A day."
    assert infos["tags"].item_enum == ["a", "b"]
    assert infos["read"].booleans
