"""`--format github`: GitHub Actions workflow commands (annotations on a pull request's lines)."""

from __future__ import annotations

from tests.cli.ci_helpers import check, vault_in_repo
from tests.conftest import write_vault
from vaultls.report.github import escape_data, escape_property


def test_a_dangling_link_is_one_warning_command_with_its_range(make_vault, monkeypatch, capsys):
    root = make_vault({"A.md": "# A\n\nSee [[Missing]].\n"})
    monkeypatch.chdir(root)
    run = check(capsys, "--format", "github")
    assert run.code == 1
    assert run.out == (
        "::warning file=A.md,line=3,col=7,endLine=3,endColumn=14,title=dangling-link"
        '::no note named "Missing" in the vault\n'
    )


def test_severities_map_to_error_warning_and_notice(make_vault, monkeypatch, capsys):
    root = make_vault(
        {
            "Broken.md": "---\ntags: [a, b\n---\n",  # invalid YAML: error
            "X/Dup.md": "",
            "Y/Dup.md": "",
            "Uses.md": "[[Dup]] and [[Nowhere]]\n",  # ambiguous (hint) and dangling (warning)
        }
    )
    monkeypatch.chdir(root)
    lines = check(capsys, "--format", "github").out.splitlines()
    command_of = {line.split("title=", 1)[1].split("::")[0]: line.split(" ", 1)[0] for line in lines}
    assert command_of == {
        "frontmatter-yaml": "::error",
        "ambiguous-link": "::notice",
        "dangling-link": "::warning",
    }


def test_paths_are_relative_to_the_current_folder_not_the_vault(tmp_path, monkeypatch, capsys):
    repo = vault_in_repo(tmp_path, write_vault, {"Daily/Today.md": "[[Missing]]\n"})
    monkeypatch.chdir(repo)
    run = check(capsys, "--format", "github", "notes")
    assert run.out.startswith("::warning file=notes/Daily/Today.md,line=1,col=3,")


def test_columns_count_utf16_code_units(make_vault, monkeypatch, capsys):
    root = make_vault({"E.md": "🙂 [[Missing]]\n"})  # 🙂 is two UTF-16 code units: `Missing` starts at 6
    monkeypatch.chdir(root)
    assert ",col=6,endLine=1,endColumn=13," in check(capsys, "--format", "github").out


def test_property_escaping_follows_the_actions_toolkit():
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"
    assert escape_data("100% sure,\nreally: yes\r") == "100%25 sure,%0Areally: yes%0D"


def test_file_names_with_commas_and_colons_are_escaped(make_vault, monkeypatch, capsys):
    root = make_vault({"Notes, 1: draft%.md": "[[Missing]]\n"})
    monkeypatch.chdir(root)
    assert check(capsys, "--format", "github").out.startswith("::warning file=Notes%2C 1%3A draft%25.md,line=1,")


def test_messages_keep_colons_and_commas_but_escape_percent(make_vault, monkeypatch, capsys):
    root = make_vault({"A.md": "[[50% done, maybe: no]]\n"})
    monkeypatch.chdir(root)
    line = check(capsys, "--format", "github").out.strip()
    assert line.endswith('::no note named "50%25 done, maybe: no" in the vault')


def test_no_problems_prints_nothing_and_exits_0(make_vault, monkeypatch, capsys):
    root = make_vault({"A.md": "[[B]]\n", "B.md": ""})
    monkeypatch.chdir(root)
    run = check(capsys, "--format", "github")
    assert (run.code, run.out) == (0, "")
