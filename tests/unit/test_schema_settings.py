"""The `[frontmatter]` settings: schema, rules, severity, obsidian_types."""

from __future__ import annotations

from pathlib import Path

from vaultls.vault.globs import GlobSet
from vaultls.vault.settings import Settings, build_settings


def test_defaults():
    settings = Settings()
    assert settings.frontmatter_schema is None and settings.frontmatter_rules == ()
    assert settings.frontmatter_severity == "warning" and settings.obsidian_types is True


def test_toml_section(tmp_path: Path):
    (tmp_path / ".vaultls.toml").write_text(
        '[frontmatter]\nschema = "schemas/note.schema.json"\nseverity = "error"\nobsidian_types = false\n\n'
        '[[frontmatter.rules]]\nglob = "People/**"\nschema = "schemas/person.schema.yaml"\n\n'
        '[[frontmatter.rules]]\nglob = ["Books/**", "Reading/*.md"]\nschema = "schemas/book.schema.json"\n'
    )
    settings, errors = build_settings(tmp_path)
    assert errors == []
    assert settings.frontmatter_schema == "schemas/note.schema.json"
    assert settings.frontmatter_severity == "error" and settings.obsidian_types is False
    assert settings.frontmatter_rules == (
        (GlobSet(("People/**",)), "schemas/person.schema.yaml"),
        (GlobSet(("Books/**", "Reading/*.md")), "schemas/book.schema.json"),
    )


def test_camel_case_client_layer_overrides_the_file(tmp_path: Path):
    (tmp_path / ".vaultls.toml").write_text('[frontmatter]\nschema = "a.json"\nobsidian_types = true\n')
    settings, errors = build_settings(
        tmp_path,
        (
            {
                "frontmatter": {
                    "schema": "b.json",
                    "obsidianTypes": False,
                    "rules": [{"glob": "X/**", "schema": "x.json"}],
                }
            },
            "init",
        ),
    )
    assert errors == []
    assert settings.frontmatter_schema == "b.json" and settings.obsidian_types is False
    assert settings.frontmatter_rules == ((GlobSet(("X/**",)), "x.json"),)


def test_a_higher_layer_replaces_the_rules_rather_than_adding_to_them(tmp_path: Path):
    (tmp_path / ".vaultls.toml").write_text('[[frontmatter.rules]]\nglob = "A/**"\nschema = "a.json"\n')
    settings, _ = build_settings(tmp_path, ({"frontmatter": {"rules": []}}, "config"))
    assert settings.frontmatter_rules == ()


def test_invalid_values_are_reported_and_the_lower_layer_kept(tmp_path: Path):
    (tmp_path / ".vaultls.toml").write_text('[frontmatter]\nschema = "a.json"\n')
    settings, errors = build_settings(
        tmp_path,
        (
            {"frontmatter": {"schema": 3, "severity": "loud", "obsidianTypes": "yes", "rules": [{"glob": "A/**"}]}},
            "init",
        ),
    )
    assert settings.frontmatter_schema == "a.json"
    assert settings.frontmatter_severity == "warning" and settings.obsidian_types is True
    assert settings.frontmatter_rules == ()
    assert len(errors) == 4
    assert any("`frontmatter.schema` must be the path of a schema file" in e for e in errors)
    assert any("`frontmatter.rules` rule 1 must be a table with the keys `glob` and `schema` only" in e for e in errors)


def test_bad_rule_shapes():
    for rules, words in [
        ("People/**", "must be a list of {glob, schema} tables"),
        ([{"glob": 3, "schema": "s.json"}], "rule 1: `glob` must be a list of glob patterns"),
        ([{"glob": "A", "schema": "a.json"}, {"glob": "", "schema": "s.json"}], "rule 2 needs a non-empty `glob`"),
        ([{"glob": "A", "schema": "a.json", "extra": 1}], "rule 1 must be a table"),
    ]:
        _, errors = build_settings(None, ({"frontmatter": {"rules": rules}}, "init"))
        assert len(errors) == 1 and words in errors[0], (rules, errors)


def test_unknown_frontmatter_setting_is_reported():
    _, errors = build_settings(None, ({"frontmatter": {"schemas": "a.json"}}, "init"))
    assert errors == ["init: unknown setting `frontmatter.schemas` (did you mean `frontmatter.schema`?) ignored"]


def test_a_single_rule_table_is_accepted():
    settings, errors = build_settings(None, ({"frontmatter": {"rules": {"glob": "A/**", "schema": "a.json"}}}, "i"))
    assert errors == [] and settings.frontmatter_rules == ((GlobSet(("A/**",)), "a.json"),)
