"""No process vaultls starts imports a module from the vault or the working folder: a vault
that carries `multiprocessing.py`, `yaml.py`, `sqlite3.py`, … never has them run, neither in
the scan's worker processes nor in `vaultls check` started inside the vault (CI, pre-commit)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vaultls.vault.settings import Settings
from vaultls.vault.store.loader import POOL_MIN_NOTES, VaultLoader
from vaultls.vault.store.workers import WorkerPool, safe_sys_path

# Modules a worker or the CLI imports (or might), each planted in the vault.
PLANTED = ["multiprocessing", "yaml", "sqlite3", "json", "pickle", "struct", "zlib", "frontmatter", "pygls"]


def plant(vault: Path, marker: Path) -> None:
    """Modules that write `marker` when imported (by absolute path: wherever they run)."""
    for name in PLANTED:
        code = f"open({str(marker)!r}, 'a').write({name!r} + '\\n')\n"
        (vault / f"{name}.py").write_text(code, encoding="utf-8")
    (vault / "vaultls").mkdir(exist_ok=True)
    (vault / "vaultls" / "__init__.py").write_text(
        f"open({str(marker)!r}, 'a').write('vaultls package\\n')\n", encoding="utf-8"
    )


def big_vault(root: Path, notes: int) -> Path:
    root.mkdir()
    for i in range(notes):
        (root / f"n{i}.md").write_text(f"# N{i}\n\n[[n{(i + 1) % notes}]] [[Missing {i % 3}]]\n", encoding="utf-8")
    return root


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "vault-code-ran.txt"


def test_a_worker_does_not_run_in_the_working_folder_nor_import_from_it(
    tmp_path: Path, marker: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    plant(vault, marker)
    monkeypatch.chdir(vault)
    monkeypatch.syspath_prepend(str(vault))  # as `python -m` would have it
    pool = WorkerPool(1)
    try:
        # Run in the worker: its module path less its own working folder. The vault is not on
        # it, and `[vault]` survives the filter only because the worker's folder is elsewhere.
        worker_path = pool.submit(safe_sys_path, None, "/").result(timeout=60)
        kept = pool.submit(safe_sys_path, [str(vault)]).result(timeout=60)
    finally:
        pool.shutdown()
    assert str(vault) not in worker_path and "" not in worker_path
    assert kept == [str(vault)]
    assert not marker.exists(), marker.read_text()


def test_a_worker_refuses_to_call_anything_but_vaultls(tmp_path: Path) -> None:
    pool = WorkerPool(1)
    try:
        with pytest.raises(ValueError, match="vaultls functions only"):
            pool.submit(os.getcwd).result(timeout=60)
    finally:
        pool.shutdown()


def test_the_cold_scan_in_workers_runs_no_vault_code(tmp_path: Path, marker: Path, monkeypatch) -> None:
    vault = big_vault(tmp_path / "vault", POOL_MIN_NOTES + 100)
    plant(vault, marker)
    monkeypatch.chdir(vault)
    loader = VaultLoader(vault, Settings(), use_cache=False, workers=2)
    loader.discover()
    notes = [note for batch in loader.batches() for note in batch]
    assert len(notes) == POOL_MIN_NOTES + 100
    assert not marker.exists(), marker.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("args", [["check", "n1.md", "n2.md"], ["check", "--stats", "."], ["check", "."]])
def test_vaultls_check_inside_a_hostile_vault_runs_no_vault_code(tmp_path: Path, marker: Path, args: list[str]) -> None:
    vault = big_vault(tmp_path / "vault", POOL_MIN_NOTES + 100)
    plant(vault, marker)
    script = Path(sys.executable).parent / "vaultls"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}  # cold: every note is parsed
    done = subprocess.run([str(script), *args], cwd=vault, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert not marker.exists(), marker.read_text()
