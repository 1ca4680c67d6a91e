"""`--output FILE`: the output goes to FILE instead of stdout, in every format."""

from __future__ import annotations

import json

import pytest

from tests.cli.ci_helpers import check


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_output_goes_to_the_file_and_not_to_stdout(fmt, make_vault, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(make_vault({"A.md": "[[Missing]]\n"}))
    target = tmp_path / f"out.{fmt}"
    run = check(capsys, "--format", fmt, "--output", str(target))
    assert run.code == 1
    assert run.out == ""
    assert target.read_text("utf-8") == check(capsys, "--format", fmt).out


def test_the_file_is_utf8_whatever_the_locale(make_vault, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(make_vault({"Café.md": "[[Ciné]]\n"}))
    target = tmp_path / "out.json"
    check(capsys, "--format", "json", "-o", str(target))
    assert json.loads(target.read_bytes().decode("utf-8"))[0]["path"] == "Café.md"


def test_an_unwritable_output_is_a_usage_error(make_vault, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(make_vault({"A.md": "# A\n"}))
    run = check(capsys, "--output", str(tmp_path / "no such folder" / "out.txt"))
    assert run.code == 2
    assert "cannot write" in run.err


def test_reports_can_be_written_to_a_file(make_vault, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(make_vault({"A.md": "# A\n"}))
    target = tmp_path / "report.json"
    run = check(capsys, "--orphans", "--format", "json", "-o", str(target))
    assert (run.code, run.out) == (0, "")
    assert json.loads(target.read_text("utf-8")) == {"orphans": ["A.md"]}
