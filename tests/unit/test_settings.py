"""Settings layers: defaults < .vaultls.toml < initializationOptions < workspace settings."""

from __future__ import annotations

from pathlib import Path

from vaultls.vault.globs import GlobSet
from vaultls.vault.settings import Settings, build_settings


def test_defaults():
    settings, errors = build_settings(None)
    assert settings == Settings() and errors == []
    assert settings.dangling_links == "warning" and settings.resolve_aliases is False


def test_toml_file_layer(tmp_path: Path):
    (tmp_path / ".vaultls.toml").write_text(
        'exclude = ["Templates/**"]\n[links]\nresolve_aliases = true\n[diagnostics]\ndangling_links = "error"\n'
    )
    settings, errors = build_settings(tmp_path)
    assert errors == []
    assert settings.resolve_aliases and settings.dangling_links == "error"
    assert settings.exclude.matches("Templates/Daily.md")


def test_camel_case_client_layer_overrides_file(tmp_path: Path):
    (tmp_path / ".vaultls.toml").write_text('[diagnostics]\ndangling_links = "error"\n')
    settings, _ = build_settings(tmp_path, ({"diagnostics": {"danglingLinks": "hint"}}, "init"))
    assert settings.dangling_links == "hint"


def test_later_client_layer_wins():
    settings, _ = build_settings(
        None, ({"links": {"resolveAliases": True}}, "init"), ({"links": {"resolveAliases": False}}, "config")
    )
    assert settings.resolve_aliases is False


def test_invalid_value_is_reported_and_default_kept():
    settings, errors = build_settings(None, ({"diagnostics": {"danglingLinks": "loud"}}, "init"))
    assert settings.dangling_links == "warning"
    assert len(errors) == 1 and "dangling_links" in errors[0] and "loud" in errors[0]


def test_unknown_setting_is_reported():
    _, errors = build_settings(None, ({"colour": "blue"}, "init"))
    assert errors == ["init: unknown setting `colour` ignored"]


def test_invalid_toml_is_reported_not_raised(tmp_path: Path):
    (tmp_path / ".vaultls.toml").write_text("exclude = [")
    settings, errors = build_settings(tmp_path)
    assert settings == Settings() and "invalid TOML" in errors[0]


def test_off_severity():
    settings, _ = build_settings(None, ({"diagnostics": {"danglingLinks": "off"}}, "init"))
    assert settings.dangling_links == "off"


def test_glob_star_stays_in_one_folder():
    globs = GlobSet(("Templates/*.md",))
    assert globs.matches("Templates/a.md") and not globs.matches("Templates/x/a.md")


def test_glob_double_star_spans_folders():
    assert GlobSet(("**/drafts/**",)).matches("a/b/drafts/c/d.md")


def test_glob_without_slash_matches_at_any_depth():
    assert GlobSet(("*.excalidraw.md",)).matches("x/y/z.excalidraw.md")


def test_glob_naming_a_folder_covers_its_contents():
    assert GlobSet(("Archive",)).matches("Archive/old/note.md")
