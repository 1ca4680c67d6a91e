"""`vaultls check` keeps each note's output in a format (vault/check_run.py `keep_rendered`) and
writes it again as it was while the note's problems and file are the same: every run prints
what a run without kept output prints, and a note whose file changed is rendered again even
when its problems did not (its UTF-16 columns may have)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from tests.conftest import write_vault
from tests.unit.check_vaults import filler
from vaultls import cli
from vaultls.vault import check_run

FORMATS = ("text", "json", "github", "sarif")


@pytest.fixture(autouse=True)
def _trust_fresh_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("vaultls.vault.store.cache.RACY_SECONDS", -1.0)  # files just written may be kept
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)


def _run(root: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    cli.main(["check", str(root), "--format", fmt, "--fail-on", "never"])
    for thread in threading.enumerate():  # the cache writes a run leaves behind
        if thread.name == "vaultls-cache-save":
            thread.join()
    return capsys.readouterr().out


def test_every_run_prints_what_a_run_without_kept_output_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(tmp_path / "v", {**filler(240, seed=3), "Wide.md": "🌱 [[Nope]] é [[Nada]]\n"})
    outputs = {fmt: [_run(root, fmt, capsys) for _ in range(3)] for fmt in FORMATS}
    monkeypatch.setattr(check_run, "rendered_notes", lambda *args: {})
    for fmt in FORMATS:
        assert outputs[fmt] == [_run(root, fmt, capsys)] * 3, fmt
        assert "Nope" in outputs[fmt][0]


def test_a_note_whose_file_changed_is_rendered_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_vault(tmp_path / "v", {**filler(240, seed=3), "Wide.md": "🌱 [[Nope]]\n"})

    def start() -> int:
        (found,) = [p for p in json.loads(_run(root, "json", capsys)) if p["path"] == "Wide.md"]
        return int(found["range"]["start"]["character"])

    assert [start(), start()] == [5, 5]  # UTF-16: 🌱 is two code units
    wide = root / "Wide.md"
    wide.write_text("é [[Nope]]\n", encoding="utf-8")  # the same problem, at the same code point
    os.utime(wide, ns=(wide.stat().st_mtime_ns + 10**9,) * 2)
    assert start() == 4
