"""`vaultls check` output on a stranger's vault (a pull request CI checks, a downloaded template):
file names and link targets reach a terminal or a CI log, so none of their control characters
does (terminal escapes, a newline that starts a GitHub workflow command, bidi overrides), and a
file name that is not UTF-8 is printed in an escaped form by every format, to stdout and with
`-o`, instead of crashing the run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.ci_helpers import check
from tests.conftest import write_vault
from vaultls.report.escape import json_text, printable

FORMATS = ["text", "json", "github", "sarif"]
NEWLINE_NAME = "x\n::error file=evil.md::pwned"  # a note name; its file is this + ".md"
TARGETS = {
    "title": "evil\x1b]0;pwned\x07",  # sets the terminal's title
    "clear": "x\x1b[2Jy",  # clears the screen
    "bidi": "abc\u202etxt.exe",  # shows as "abcexe.txt"
    "isolate": "a\u2066b\u2069",
    "c1": "p\x85q\x9br",  # NEL; CSI, which some terminals take as ESC [
    "separator": "l\u2028m\u2029n",
    "del": "d\x7fe",
}
# What no human-format output may contain raw.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A vault whose links name control characters, and whose file names hold a newline, a
    terminal escape, a tab, and a byte that is not UTF-8."""
    links = "".join(f"[[{target}]]\n" for target in TARGETS.values())
    root = write_vault(
        tmp_path / "vault",
        {
            ".obsidian/app.json": "{}",
            "links.md": links,
            f"{NEWLINE_NAME}.md": "[[nowhere]]\n",
            "esc\x1b[31mred.md": "[[nowhere]]\n",
            "tab\there.md": "[[nowhere]]\n",
        },
    )
    (root / os.fsdecode(b"bad\xff.md")).write_bytes(b"[[nowhere]]\n")
    return root


def run(capsys, root: Path, *args: str):
    return check(capsys, str(root), "--fail-on", "never", *args)


def test_the_escapes():
    assert printable("a\x1b]0;t\x07b") == "a\\x1b]0;t\\x07b"
    assert printable("1\n2\r3\t4") == "1\\n2\\r3\\t4"
    assert printable("\x7f\x85\u2028\u2029\u202a\u202e\u2066\u2069") == (
        "\\x7f\\u0085\\u2028\\u2029\\u202a\\u202e\\u2066\\u2069"
    )
    assert printable(os.fsdecode(b"bad\xff.md")) == "bad\\xff.md"  # \x: one byte
    assert printable("\ud800") == "\\ud800"  # a surrogate that stands for no byte
    clean = "Café, 🙂 \\ \u200d 50% [x]: ok"
    assert printable(clean) is clean
    assert json_text('["bad\udcff.md"]') == '["bad\\\\xff.md"]'
    assert json.loads(json_text('["bad\udcff.md"]')) == ["bad\\xff.md"]


@pytest.mark.parametrize("whole", [True, False], ids=["vault", "selection"])
def test_text_output_escapes_control_characters(hostile, capsys, whole):
    # The whole vault goes through the bulk check; a selection through the vault model.
    paths = [hostile] if whole else [hostile / "links.md", hostile / f"{NEWLINE_NAME}.md"]
    out = check(capsys, "--fail-on", "never", "--", *map(str, paths)).out
    assert not RAW.search(out), ascii(out)
    lines = out.splitlines()
    for target in TARGETS.values():
        assert f' named "{printable(target)}" in the vault' in out  # "no note", "no file"
    assert f"{printable(NEWLINE_NAME)}.md:1:3: warning dangling-link" in out
    assert not any(line.startswith("::") for line in lines)  # no workflow command in the log
    assert all(re.match(r"^\S.*:\d+:\d+: (error|warning|info|hint) ", line) for line in lines), lines
    if whole:
        assert len(lines) == len(TARGETS) + 4
        assert "esc\\x1b[31mred.md:1:3:" in out and "tab\\there.md:1:3:" in out
        assert "bad\\xff.md:1:3: warning dangling-link" in out


def test_github_annotations_escape_control_characters_and_workflow_syntax(hostile, capsys, monkeypatch):
    monkeypatch.chdir(hostile)
    out = run(capsys, hostile, "--format", "github").out
    assert not RAW.search(out), ascii(out)
    lines = out.splitlines()
    assert len(lines) == len(TARGETS) + 4
    assert all(line.startswith("::warning file=") for line in lines)
    # The newline shows as `\n`; `:` in a property is %3A, so the name cannot end the command.
    assert "::warning file=x\\n%3A%3Aerror file=evil.md%3A%3Apwned.md,line=1," in out
    assert "::warning file=bad\\xff.md,line=1," in out
    assert '::no note named "evil\\x1b]0;pwned\\x07" in the vault' in out
    # Each line holds exactly one command: `::` only at its start and before the message.
    assert all(line.count("::") == 2 for line in lines), lines


def test_reports_escape_names_and_paths(hostile, capsys):
    out = run(capsys, hostile, "--orphans", "--stats").out
    assert not RAW.search(out), ascii(out)
    assert f"  {printable(NEWLINE_NAME)}.md\n" in out and "  bad\\xff.md\n" in out
    assert "  1 note   evil\\x1b]0;pwned\\x07\n" in out


def test_stderr_messages_escape_file_names(hostile, capsys):
    (hostile / "folder").mkdir()
    (hostile / "link\x1b]0;pwned\x07").symlink_to(hostile / "folder", target_is_directory=True)
    err = run(capsys, hostile, "--format", "json").err
    assert "vaultls: skipped link\\x1b]0;pwned\\x07: symbolic link to a folder\n" in err
    assert not RAW.search(err), ascii(err)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_prints_a_name_that_is_not_utf8(hostile, capsys, monkeypatch, tmp_path, fmt):
    monkeypatch.chdir(hostile)
    printed = run(capsys, hostile, "--format", fmt)
    assert printed.code == 0, printed.err
    assert "Traceback" not in printed.err
    # `-o` writes the same, as UTF-8.
    target = tmp_path / f"out.{fmt}"
    written = run(capsys, hostile, "--format", fmt, "-o", str(target))
    assert (written.code, written.out) == (0, "")
    assert target.read_bytes().decode("utf-8") == printed.out
    if fmt == "json":
        problems = json.loads(printed.out)
        assert {"bad\\xff.md", f"{NEWLINE_NAME}.md"} <= {p["path"] for p in problems}
        # Machine formats keep the text as it is, JSON-escaped.
        assert any(TARGETS["title"] in p["message"] for p in problems)
    elif fmt == "sarif":
        log = json.loads(printed.out)
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
        assert {"bad%FF.md", "tab%09here.md", "x%0A%3A%3Aerror%20file%3Devil.md%3A%3Apwned.md"} <= uris
    else:
        assert "bad\\xff.md" in printed.out


def test_sarif_outside_the_current_folder_gives_the_file_uri_of_the_bytes(hostile, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    log = json.loads(run(capsys, hostile, "--format", "sarif").out)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert (hostile / os.fsdecode(b"bad\xff.md")).as_uri() in uris
    assert any(uri.endswith("/bad%FF.md") for uri in uris)


def test_json_reports_are_valid_utf8(hostile, capsys):
    report = json.loads(run(capsys, hostile, "--orphans", "--stats", "--format", "json").out)
    assert "bad\\xff.md" in report["orphans"]
    assert TARGETS["clear"] in [d["name"] for d in report["stats"]["dangling_names"]]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("encoding", ["utf-8:strict", "ascii:strict"])
def test_the_real_command_never_crashes_on_its_stdout(hostile, fmt, encoding):
    """A strict stdout (a UTF-8 locale other than C.UTF-8, or a pipe in an ASCII one) takes the
    output: what it cannot encode is escaped, not a UnicodeEncodeError."""
    (hostile / "Café.md").write_text("[[Ciné]]\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": encoding, "VAULTLS_NO_CACHE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "vaultls", "check", str(hostile), "--format", fmt, "--fail-on", "never"],
        check=False,
        capture_output=True,
        timeout=120,
        env=env,
        cwd=hostile,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr
    out = proc.stdout.decode("ascii" if encoding.startswith("ascii") else "utf-8")
    if fmt == "json":
        assert "Café.md" in {p["path"] for p in json.loads(out)}  # as \u00e9 on an ASCII stdout
    if fmt == "sarif":
        json.loads(out)
    if fmt in ("text", "github"):
        assert "bad\\xff.md" in out
        assert not RAW.search(out), ascii(out)


def test_clean_names_print_as_they_are(make_vault, capsys, monkeypatch):
    root = make_vault({"Café 50%, [draft].md": "[[Ciné: «x»]]\n"})
    monkeypatch.chdir(root)
    assert run(capsys, root).out == (
        'Café 50%, [draft].md:1:3: warning dangling-link no note named "Ciné: «x»" in the vault\n'
    )
    assert json.loads(run(capsys, root, "--format", "json").out)[0]["path"] == "Café 50%, [draft].md"
