"""`vaultls check` behaves as the tools people already run in CI (ruff, mypy): a broken
configuration fails the run, paths can be opened from where the command ran, reports are not
failures, and `serve` refuses bad options in one line."""

from __future__ import annotations

import io
import subprocess
import sys

from tests.cli.ci_helpers import check, vault_in_repo
from tests.conftest import write_vault
from vaultls.cli import Progress, main

VAULT = {".obsidian/app.json": "{}", "Home.md": "[[Nowhere]]\n", "Sub/Note.md": "# Note\n"}


def test_invalid_toml_fails_the_check(make_vault, capsys):
    root = make_vault({**VAULT, ".vaultls.toml": "[diagnostics\n"})
    run = check(capsys, str(root))
    assert run.code == 2 and run.out == ""
    assert "vaultls: error:" in run.err and "invalid TOML" in run.err and "using defaults" not in run.err


def test_unknown_setting_fails_the_check_and_suggests_the_right_one(make_vault, capsys):
    root = make_vault({**VAULT, ".vaultls.toml": '[diagnostics]\ndangling_link = "off"\n'})
    run = check(capsys, str(root))
    assert run.code == 2
    assert "unknown setting `diagnostics.dangling_link` (did you mean `diagnostics.dangling_links`?)" in run.err


def test_bad_setting_value_fails_the_check(make_vault, capsys):
    root = make_vault({**VAULT, ".vaultls.toml": '[diagnostics]\ndangling_links = "loud"\n'})
    run = check(capsys, str(root))
    assert run.code == 2 and "setting `diagnostics.dangling_links` must be one of" in run.err


def test_text_paths_are_relative_to_the_current_folder(tmp_path, monkeypatch, capsys):
    repo = vault_in_repo(tmp_path, write_vault, {"Home.md": "[[Nowhere]]\n"})
    monkeypatch.chdir(repo)
    run = check(capsys, "notes")
    assert run.out.startswith("notes/Home.md:1:3: warning dangling-link")


def test_text_paths_from_a_sibling_folder_climb_to_the_vault(tmp_path, monkeypatch, capsys):
    write_vault(tmp_path / "vault", {**VAULT})
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert check(capsys, "../vault").out.startswith("../vault/Home.md:1:3:")


def test_json_names_the_vault_of_each_problem(tmp_path, monkeypatch, capsys):
    write_vault(tmp_path / "one", {**VAULT})
    write_vault(tmp_path / "two", {**VAULT})
    monkeypatch.chdir(tmp_path)
    problems = check(capsys, "one", "two", "--format", "json").json()
    assert sorted((p["vault"], p["path"]) for p in problems) == [("one", "Home.md"), ("two", "Home.md")]


def test_stderr_says_what_was_checked(make_vault, capsys):
    run = check(capsys, str(make_vault(VAULT)))
    assert "vaultls: checked 2 notes in 1 vault" in run.err


def test_json_stderr_stays_quiet(make_vault, capsys):
    run = check(capsys, str(make_vault(VAULT)), "--format", "json")
    assert "checked" not in run.err


def test_a_folder_without_notes_is_a_warning_not_a_silent_pass(make_vault, capsys):
    root = make_vault({".obsidian/app.json": "{}", "data.csv": "a,b\n"})
    run = check(capsys, str(root))
    assert run.code == 0 and "warning: no notes (.md files) to check" in run.err


def test_a_file_that_is_no_note_is_a_warning(tmp_path, monkeypatch, capsys):
    repo = vault_in_repo(tmp_path, write_vault, {"Home.md": "# Home\n"})
    (repo / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    run = check(capsys, "pyproject.toml")
    assert run.code == 0 and "no notes (.md files) to check" in run.err


def test_orphans_report_exits_zero_and_lists_no_problem_summary(make_vault, monkeypatch, capsys):
    monkeypatch.chdir(make_vault(VAULT))
    run = check(capsys, "--orphans")
    assert run.code == 0 and "warning" not in run.err


def test_check_help_lists_the_exit_codes(capsys):
    run = check(capsys, "--help")
    assert run.code == 0 and "exit codes:" in run.out and "  2  " in run.out


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vaultls", "serve", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_serve_refuses_a_port_out_of_range_in_one_line():
    done = _serve("--tcp", "--port", "99999")
    assert done.returncode == 2 and "99999 is not a port number" in done.stderr and "Traceback" not in done.stderr


def test_serve_tcp_and_stdio_exclude_each_other():
    done = _serve("--tcp", "--stdio")
    assert done.returncode == 2 and "not allowed with argument" in done.stderr


def test_serve_with_an_unwritable_log_file_says_so_in_one_line(tmp_path):
    done = _serve("--log-file", str(tmp_path / "missing" / "server.log"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"vaultls: cannot write the log file {tmp_path / 'missing' / 'server.log'}: No such file or directory"
    ]


def test_serve_help_documents_every_option():
    text = " ".join(_serve("--help").stdout.split())
    for said in (
        "--stdio talk LSP over stdin/stdout",
        "--tcp listen on TCP",
        "--host HOST address to listen on",
        "--port PORT port to listen on",
        "--log-file FILE append the log to FILE",
        "--log-level {DEBUG,INFO,WARNING,ERROR} what the log holds",
    ):
        assert said in text, said


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_on_a_terminal_is_shown_for_a_large_check_and_cleared(make_vault, monkeypatch):
    root = make_vault({f"n{i}.md": f"[[n{i + 1}]]\n" for i in range(30)})
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(Progress, "LARGE", 10)
    main(["check", str(root), "--fail-on", "never", "-o", str(root.parent / "out.txt")])
    assert "vaultls: reading and checking 30 notes" not in terminal.getvalue()  # --output: quiet
    terminal.truncate(0)
    main(["check", str(root), "--fail-on", "never"])
    shown = terminal.getvalue()
    assert "\r\x1b[Kvaultls: reading and checking 30 notes" in shown
    assert shown.index("\r\x1b[K", shown.index("reading and checking")) < shown.index("vaultls: checked")


def test_no_progress_line_when_stderr_is_no_terminal(make_vault, monkeypatch, capsys):
    root = make_vault({f"n{i}.md": "" for i in range(30)})
    monkeypatch.setattr(Progress, "LARGE", 10)
    check(capsys, str(root))
    assert "reading and checking" not in capsys.readouterr().err


def test_no_progress_line_in_machine_formats(make_vault, monkeypatch):
    root = make_vault({f"n{i}.md": "" for i in range(30)})
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(Progress, "LARGE", 10)
    main(["check", str(root), "--format", "json"])
    assert "reading and checking" not in terminal.getvalue()


def test_json_columns_are_utf16_on_lines_with_wide_characters_only(make_vault, capsys):
    root = make_vault({**VAULT, "Home.md": "🌱 title\n\n🌱 [[Wide]]\n[[Narrow]]\n"})
    problems = {p["message"]: p["range"]["start"] for p in check(capsys, str(root), "--format", "json").json()}
    assert problems['no note named "Wide" in the vault'] == {"line": 2, "character": 5}  # 🌱 is two UTF-16 units
    assert problems['no note named "Narrow" in the vault'] == {"line": 3, "character": 2}


def test_the_parser_records_the_lines_with_wide_characters():
    from vaultls.vault.parse import parse

    assert parse("a\n🌱\nb\r\nc 🎉\n").wide == (1, 3)
    assert parse("é and 中文 only\n").wide == ()
