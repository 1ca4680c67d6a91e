"""The parser-alone benchmark (benchmarks/parse_bench.py) keeps working: nothing here is timed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

BENCHMARKS = REPO / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import parse_bench  # noqa: E402


def _vault(root: Path) -> Path:
    (root / ".obsidian").mkdir(parents=True)
    (root / ".obsidian" / "hidden.md").write_text("[[Not a note]]\n", encoding="utf-8")
    (root / "A.md").write_text("# A\n\nSee [[B]] and #tag.\n", encoding="utf-8")
    (root / "sub").mkdir()
    (root / "sub" / "B.md").write_text("---\ntags: [x]\n---\n[[A#A]]\n", encoding="utf-8")
    return root


def test_parse_alone_counts_every_note_outside_dot_folders(tmp_path: Path) -> None:
    figures = parse_bench.parse_vault(_vault(tmp_path / "v"), turns=1)
    assert figures["notes"] == 2
    assert figures["seconds"] >= 0 and figures["us_per_note"] >= 0


def test_parse_against_another_checkout_prints_the_ratio(tmp_path: Path) -> None:
    vault = _vault(tmp_path / "v")
    out = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "parse_bench.py"),
            "--vault",
            str(vault),
            "--against",
            str(REPO),
            "--turns",
            "2",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "2 notes" in out and "this ÷ base" in out
