"""Keeps the benchmark from rotting: generate a tiny vault and run every figure of
`benchmarks/run.py` on it. Nothing here is timed; the real figures come from running the
benchmark by hand on the large vaults (see benchmarks/README.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

BENCHMARKS = REPO / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import generate_vault  # noqa: E402
import run  # noqa: E402


def test_generator_is_deterministic_and_complete(tmp_path: Path) -> None:
    a = generate_vault.generate(60, tmp_path / "a", quiet=True)
    b = generate_vault.generate(60, tmp_path / "b", quiet=True)
    files_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        if rel != generate_vault.MANIFEST:
            assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    manifest = generate_vault.read_manifest(a)
    assert manifest is not None and manifest["notes"] == 60
    assert len([f for f in files_a if f.endswith(".md")]) == 60
    assert any(not f.isascii() for f in files_a), "non-ASCII names are part of the workload"
    # A complete vault is not regenerated: its files keep their modification times.
    stamp = (a / files_a[0]).stat().st_mtime_ns
    generate_vault.generate(60, a, quiet=True)
    assert (a / files_a[0]).stat().st_mtime_ns == stamp


def test_benchmark_runs_and_prints_every_figure(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "run.py"),
            "--sizes",
            "150",
            "--quick",
            "--vaults",
            str(tmp_path / "vaults"),
            "--results",
            str(tmp_path / "results"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    for figure in run.FIGURES:
        assert figure.label in proc.stdout, f"{figure.label!r} missing from:\n{proc.stdout}"
    assert "targets:" in proc.stdout
    latest = json.loads((tmp_path / "results" / "latest.json").read_text(encoding="utf-8"))
    figures = latest["results"]["150"]
    for key in (
        "read_floor",
        "check_cold",
        "cold",
        "warm",
        "completion",
        "definition",
        "hover",
        "edit_to_diagnostics",
        "burst",
        "memory",
        "completion_while_indexing",
    ):
        assert figures.get(key), key
    assert figures["completion"]["n"] > 0 and figures["definition"]["non_empty"] > 0
    assert figures["check_cold"]["exit_code"] == 0
