"""`vaultls check` on vaults made to hurt: every bad file is one clear problem (or a skipped
line on stderr), nothing outside the vault is read or printed, and the run ends normally."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_vault
from tests.unit.hostile import PATHOLOGICAL_LINES, billion_laughs
from vaultls.cli import main
from vaultls.vault.store import read

SECRET = "TOPSECRET-c41d"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    outside = write_vault(tmp_path / "outside", {"secret.md": f"# {SECRET}\n", "dir/inner.md": SECRET})
    root = write_vault(
        tmp_path / "vault",
        {
            ".obsidian/app.json": "{}",
            "latin.md": "caf\xe9 [[ok]]".encode("latin-1"),
            "bom.md": "\ufeff---\ntags: [x]\n---\n[[ok]]\n".encode("utf-8"),
            "crlf.md": "---\r\na: 1\r\n---\r\n# H\r\n[[ok#ok]]\r\n[[crlf#H]]\r\n",
            "cr.md": "# H\r[[cr#H]]\r[[ok#Missing]]",
            "nul.md": b"a\0[[ok]]\0",
            "binary.md": bytes(range(256)) * 16,
            "bomb.md": billion_laughs(tail="[[ok]]\n"),
            "python.md": "---\nx: !!python/object/apply:os.system ['echo pwned > pwned.txt']\n---\n",
            "list.md": "---\n- a\n- b\n---\n",
            "dupes.md": "---\nt: 1\nt: 2\n---\n",
            "climb.md": "[[../outside/secret]] [x](../../../../../../etc/passwd) [[secretlink]] [[inner]]\n",
            "pathological.md": "\n".join(PATHOLOGICAL_LINES.values()),
            "ok.md": "# ok\n",
            "deep/" * 60 + "bottom.md": "[[ok]]",
        },
    )
    (root / "secretlink.md").symlink_to(outside / "secret.md")
    (root / "linked").symlink_to(outside / "dir", target_is_directory=True)
    (root / "deep" / "loop").symlink_to(root, target_is_directory=True)
    return root


def check_json(capsys, root: Path) -> tuple[int, list[dict], str]:
    code = main(["check", str(root), "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_every_hostile_file_is_a_clear_problem(hostile, capsys):
    code, problems, err = check_json(capsys, hostile)
    by_path: dict[str, list[str]] = {}
    for p in problems:
        by_path.setdefault(p["path"], []).append(p["code"])
    assert code == 1
    assert by_path["latin.md"] == ["encoding"]  # once, however many bad bytes
    assert sorted(by_path["binary.md"]).count("encoding") == 1
    assert "bom.md" not in by_path and "crlf.md" not in by_path and "nul.md" not in by_path
    assert by_path["cr.md"] == ["missing-heading"]
    assert by_path["bomb.md"] == ["frontmatter-yaml"]
    assert by_path["python.md"] == ["frontmatter-yaml"] and not (hostile / "pwned.txt").exists()
    assert by_path["list.md"] == ["frontmatter-yaml"] and by_path["dupes.md"] == ["frontmatter-yaml"]
    assert by_path["climb.md"] == ["dangling-link"] * 4
    assert "Traceback" not in err


def test_nothing_from_outside_is_read_or_printed(hostile, capsys):
    _, problems, err = check_json(capsys, hostile)
    assert SECRET not in json.dumps(problems) + err
    paths = {p["path"] for p in problems}
    assert not any(p.startswith(("linked/", "deep/loop")) or p == "secretlink.md" for p in paths)
    messages = [p["message"] for p in problems if p["path"] == "climb.md"]
    assert any("points outside the vault" in m for m in messages)


def test_text_format_and_a_single_file(hostile, capsys, monkeypatch):
    monkeypatch.chdir(hostile)
    code = main(["check", str(hostile / "latin.md")])
    out, _ = capsys.readouterr()
    assert code in (0, 1) and out.splitlines() == [
        "latin.md:1:1: warning encoding this file is not valid UTF-8; invalid bytes are shown as \ufffd"
    ]


def test_unreadable_files_are_reported_as_skipped(hostile, capsys, monkeypatch):
    real_open = read.open_regular

    def deny(file):
        if os.path.basename(str(file)) == "ok.md":
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file)

    monkeypatch.setattr(read, "open_regular", deny)
    code, problems, err = check_json(capsys, hostile)
    assert "skipped ok.md" in err and "Traceback" not in err
    assert any(p["path"] == "deep/" * 60 + "bottom.md" and p["code"] == "dangling-link" for p in problems)


def test_the_real_command_ends_normally(hostile):
    env = {**os.environ, "VAULTLS_NO_CACHE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "vaultls", "check", str(hostile)], capture_output=True, text=True, timeout=120, env=env
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and SECRET not in proc.stdout + proc.stderr


def test_a_schema_named_by_a_note_is_never_read_from_outside(tmp_path, capsys):
    outside = write_vault(tmp_path / "outside", {"s.json": f'{{"type": "object", "required": ["{SECRET}"]}}'})
    root = write_vault(
        tmp_path / "vault",
        {
            ".obsidian/app.json": "{}",
            "abs.md": f"---\n$schema: {outside / 's.json'}\n---\n",
            "rel.md": "---\n$schema: ../outside/s.json\n---\n",
            "link.md": "---\n$schema: link.json\n---\n",
        },
    )
    (root / "link.json").symlink_to(outside / "s.json")
    _, problems, err = check_json(capsys, root)
    assert SECRET not in json.dumps(problems) + err
