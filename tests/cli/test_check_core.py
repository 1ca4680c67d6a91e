"""`vaultls check`: the text and JSON formats, exit codes, and what PATH means."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vaultls.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


BROKEN = {
    ".obsidian/app.json": "{}",
    "Home.md": "# Home\n\n日本 🎉 [[Nowhere]] and [[Note]]\n",
    "Note.md": "# Note\n",
    "Sub/Deep.md": "[[Home#Missing]]\n",
}


def test_text_format_is_one_problem_per_line(make_vault, capsys, monkeypatch):
    vault = make_vault(BROKEN)
    monkeypatch.chdir(vault)
    code, out, _ = run(capsys, str(vault))
    assert out.splitlines() == [
        'Home.md:3:8: warning dangling-link no note named "Nowhere" in the vault',
        'Sub/Deep.md:1:3: warning missing-heading "Home" has no heading "Missing"',
    ]
    assert code == 1


def test_json_format_has_exactly_the_documented_fields(make_vault, capsys):
    vault = make_vault(BROKEN)
    _, out, _ = run(capsys, str(vault), "--format", "json")
    first = json.loads(out)[0]
    assert set(first) == {"vault", "path", "range", "severity", "code", "message"}
    assert first["path"] == "Home.md" and first["severity"] == "warning" and first["code"] == "dangling-link"


def test_json_columns_are_utf16(make_vault, capsys):
    vault = make_vault(BROKEN)
    _, out, _ = run(capsys, str(vault), "--format", "json")
    # `日本 🎉 [[`: 7 code points, 8 UTF-16 units before the target.
    assert json.loads(out)[0]["range"] == {"start": {"line": 2, "character": 8}, "end": {"line": 2, "character": 15}}


def test_clean_vault_exits_zero(make_vault, capsys):
    vault = make_vault({"a.md": "[[b]]", "b.md": ""})
    code, out, err = run(capsys, str(vault))
    assert (code, out) == (0, "") and "no problems" in err


def test_fail_on_error_ignores_warnings(make_vault, capsys):
    vault = make_vault(BROKEN)
    assert run(capsys, str(vault), "--fail-on", "error")[0] == 0


def test_fail_on_hint_counts_hints(make_vault, capsys):
    vault = make_vault({"x/N.md": "", "y/N.md": "", "a.md": "[[N]]"})
    assert run(capsys, str(vault))[0] == 0
    assert run(capsys, str(vault), "--fail-on", "hint")[0] == 1


def test_fail_on_never(make_vault, capsys):
    assert run(capsys, str(make_vault(BROKEN)), "--fail-on", "never")[0] == 0


def test_errors_fail_by_default(make_vault, capsys):
    vault = make_vault({"a.md": "---\nbad: [\n---\n"})
    code, out, _ = run(capsys, str(vault))
    assert code == 1 and "error frontmatter-yaml" in out


def test_missing_path_is_a_usage_error(tmp_path, capsys):
    code, _, err = run(capsys, str(tmp_path / "nope"))
    assert code == 2 and "no such file" in err


def test_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", "--format", "xml"])
    assert exc.value.code == 2


def test_note_path_checks_that_note_against_its_whole_vault(make_vault, capsys, monkeypatch):
    vault = make_vault(BROKEN)
    monkeypatch.chdir(vault)
    code, out, _ = run(capsys, str(vault / "Sub" / "Deep.md"))
    assert out.splitlines() == ['Sub/Deep.md:1:3: warning missing-heading "Home" has no heading "Missing"']
    assert code == 1


def test_folder_inside_a_vault_reports_only_that_folder(make_vault, capsys, monkeypatch):
    vault = make_vault(BROKEN)
    monkeypatch.chdir(vault)
    _, out, _ = run(capsys, str(vault / "Sub"))
    assert [line.split(":")[0] for line in out.splitlines()] == ["Sub/Deep.md"]


def test_path_defaults_to_the_current_folder(make_vault, capsys, monkeypatch):
    vault = make_vault(BROKEN)
    monkeypatch.chdir(vault)
    assert len(run(capsys)[1].splitlines()) == 2


def test_settings_file_is_honoured(make_vault, capsys):
    vault = make_vault({**BROKEN, ".vaultls.toml": '[diagnostics]\ndangling_links = "off"\n'})
    code, out, err = run(capsys, str(vault))
    assert "dangling-link" not in out and "missing-heading" in out


def test_excluded_folders_are_not_checked(make_vault, capsys):
    vault = make_vault({**BROKEN, ".vaultls.toml": 'exclude = ["Sub/**"]\n'})
    assert "Sub/Deep.md" not in run(capsys, str(vault))[1]


def test_hidden_folders_are_not_notes(make_vault, capsys):
    vault = make_vault({".trash/Old.md": "[[Nowhere]]", "a.md": ""})
    assert run(capsys, str(vault))[0] == 0


def test_demo_vault_reports_its_deliberate_problems(capsys):
    demo = Path(__file__).resolve().parents[2] / "examples" / "vault"
    code, out, _ = run(capsys, str(demo))
    assert code == 1
    assert "Broken frontmatter.md:4:1: error frontmatter-yaml" in out
    assert 'dangling-link no note named "Kuomintang"' in out


def test_kitchen_sink_note_has_no_broken_links(capsys):
    demo = Path(__file__).resolve().parents[2] / "examples" / "vault"
    _, out, _ = run(capsys, str(demo / "Kitchen sink.md"))
    assert [line for line in out.splitlines() if "ambiguous-link" not in line] == []


def test_version_flag():
    result = subprocess.run([sys.executable, "-m", "vaultls", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("vaultls ")
