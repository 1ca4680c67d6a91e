"""A note silences its own problems (`vaultls-ignore` comments and property) and settings set
each code's severity (`[diagnostics.severity]`); the server's check and both ways of `vaultls
check` (the whole-vault runner and the model) agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultls.vault.check import check_vault
from vaultls.vault.check_run import check_files
from vaultls.vault.settings import Settings, build_settings
from vaultls.vault.store.loader import load_vault

TWO_NOTES = {"x/N.md": "", "y/N.md": ""}  # `[[N]]` is ambiguous


def _found(tmp_path: Path, files: dict[str, str], toml: str = "") -> list[tuple[str, int, str, int]]:
    """(path, line, code, severity) of every problem, by the model's check; asserting that the
    whole-vault runner finds the same."""
    root = write_vault(tmp_path / "v", {**files, **({".vaultls.toml": toml} if toml else {})})
    settings, errors = build_settings(root)
    assert errors == []
    vault, _ = load_vault(root, settings, use_cache=False)
    model = [(p.path, p.range.start.line, p.code, int(p.severity)) for p in check_vault(vault)]
    runner = [(p.path, p.range.start.line, p.code, int(p.severity)) for p in check_files(root, settings).problems]
    assert runner == model
    return model


def test_comment_on_the_line_silences_that_line(tmp_path):
    found = _found(tmp_path, {"a.md": "[[Gone]] <!-- vaultls-ignore -->\n\n[[Still reported]]\n"})
    assert [(p, line) for p, line, _, _ in found] == [("a.md", 2)]


def test_comment_on_the_line_before_silences_the_next_line(tmp_path):
    found = _found(tmp_path, {"a.md": "%% vaultls-ignore %%\n[[Gone]]\n\n[[Also gone]]\n"})
    assert [line for _, line, _, _ in found] == [3]


def test_comment_with_codes_silences_only_those_codes(tmp_path):
    files = {**TWO_NOTES, "a.md": "[[N]] [[Gone]] <!-- vaultls-ignore ambiguous-link -->\n"}
    assert [code for _, _, code, _ in _found(tmp_path, files)] == ["dangling-link"]


def test_comment_inside_code_silences_nothing(tmp_path):
    found = _found(tmp_path, {"a.md": "```\n%% vaultls-ignore %%\n```\n[[Gone]]\n"})
    assert [line for _, line, _, _ in found] == [3]


def test_property_silences_the_whole_note(tmp_path):
    found = _found(tmp_path, {"a.md": "---\nvaultls-ignore: true\n---\n[[Gone]]\n\n[[Gone too]]\n"})
    assert found == []


def test_property_with_codes_silences_those_codes_in_the_whole_note(tmp_path):
    files = {**TWO_NOTES, "a.md": "---\nvaultls-ignore: [dangling-link]\n---\n[[Gone]]\n[[N]]\n"}
    assert [code for _, _, code, _ in _found(tmp_path, files)] == ["ambiguous-link"]


def test_severity_setting_changes_a_codes_severity(tmp_path):
    found = _found(tmp_path, {"a.md": "[[Gone]]\n"}, '[diagnostics.severity]\ndangling-link = "error"\n')
    assert [severity for _, _, _, severity in found] == [1]


def test_severity_setting_off_drops_a_code(tmp_path):
    files = {**TWO_NOTES, "a.md": "[[N]] [[Gone]]\n"}
    found = _found(tmp_path, files, '[diagnostics.severity]\nambiguous-link = "off"\n')
    assert [code for _, _, code, _ in found] == ["dangling-link"]


def test_unknown_code_in_the_severity_setting_is_reported_with_a_suggestion():
    _, errors = Settings().with_layer({"diagnostics": {"severity": {"dangling-links": "off"}}}, "init")
    assert len(errors) == 1 and "unknown code `dangling-links`" in errors[0] and "dangling-link`?" in errors[0]


@pytest.mark.parametrize("value", ["loud", 3])
def test_bad_severity_in_the_severity_setting_is_reported(value):
    _, errors = Settings().with_layer({"diagnostics": {"severity": {"dangling-link": value}}}, "init")
    assert len(errors) == 1 and "`dangling-link` must be one of" in errors[0]
