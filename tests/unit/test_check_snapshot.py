"""The snapshot a `vaultls check` leaves (vault/store/snapshot.py) and the checks that start
from it (`bulk_check.check_from_snapshot`): whatever changed in the vault since, they report
exactly what the model's check of the vault as it is now reports, for the whole vault and for
a selection of notes; a note's problems are taken from the snapshot only when nothing they
depend on changed."""

from __future__ import annotations

import os
import random
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_vault
from tests.unit.check_vaults import SPECIAL, filler
from vaultls.vault.bulk_check import check_from_snapshot, check_whole_vault
from vaultls.vault.check import check_vault
from vaultls.vault.check_result import CheckResult
from vaultls.vault.settings import build_settings
from vaultls.vault.store.cache import IndexCache
from vaultls.vault.store.loader import load_vault

# SPECIAL without its schema rules (which make every note's problems depend on a schema file,
# so that none could come from the snapshot); its `$schema` notes stay.
BASE = {k: v for k, v in SPECIAL.items() if k not in (".vaultls.toml", "schemas/typed.json")}


@pytest.fixture(autouse=True)
def _trust_fresh_files(monkeypatch: pytest.MonkeyPatch) -> None:
    # Files written by a test are seconds old at most: let them count as unchanged.
    monkeypatch.setattr("vaultls.vault.store.cache.RACY_SECONDS", -1.0)


def _settings(root: Path) -> Any:
    settings, errors = build_settings(root)
    assert errors == []
    return settings


def _saved() -> None:
    """Wait for the snapshot (and cache) writes the last check left running."""
    for thread in threading.enumerate():
        if thread.name == "vaultls-cache-save":
            thread.join()


def _rows(result: CheckResult) -> list[tuple[Any, ...]]:
    return [(p.path, p.range, p.severity, p.code, p.message, p.data) for p in result.problems]


def _model(root: Path, only: set[str] | None = None) -> list[tuple[Any, ...]]:
    vault, _ = load_vault(root, _settings(root), use_cache=False)
    return [(p.path, p.range, p.severity, p.code, p.message, p.data) for p in check_vault(vault, only)]


def _cache(tmp_path: Path, root: Path) -> IndexCache:
    return IndexCache(root, directory=tmp_path / "cache")


def _first(tmp_path: Path, root: Path) -> IndexCache:
    cache = _cache(tmp_path, root)
    assert check_whole_vault(root, _settings(root), cache=cache, workers=0, strict=True) is not None
    _saved()
    return cache


def _write(root: Path, rel: str, text: str, stamp: list[int]) -> None:
    """Write a note with an mtime of its own (a second write in one clock tick is not what
    these tests are about: cache.RACY_SECONDS is)."""
    file = root / rel
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    stamp[0] += 1_000_000_000
    os.utime(file, ns=(stamp[0], stamp[0]))


def _from_snapshot(root: Path, cache: IndexCache, only: set[str] | None = None) -> CheckResult:
    select = None if only is None else (lambda notes: {n for n in notes if n in only})
    result = check_from_snapshot(root, _settings(root), select, cache=cache)
    assert result is not None
    _saved()
    return result


def test_an_unchanged_vault_is_reported_from_the_snapshot(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {**filler(120, seed=4), **BASE})
    cache = _first(tmp_path, root)
    result = _from_snapshot(root, cache)
    assert _rows(result) == _model(root)
    assert result.cached == result.checked == len(list(root.rglob("*.md")))


def test_a_changed_heading_changes_the_problems_of_the_notes_linking_to_it(tmp_path: Path) -> None:
    stamp = [1_600_000_000_000_000_000]
    root = write_vault(tmp_path / "v", {**filler(60), "A.md": "[[B#Old]]\n", "B.md": "# Old\n"})
    cache = _first(tmp_path, root)
    assert not [r for r in _rows(_from_snapshot(root, cache)) if r[0] == "A.md"]
    _write(root, "B.md", "# New\n", stamp)
    found = _rows(_from_snapshot(root, cache))
    assert [r[3] for r in found if r[0] == "A.md"] == ["missing-heading"]
    assert found == _model(root)


def test_a_new_note_resolves_a_dangling_link_and_a_deleted_one_leaves_it_dangling(tmp_path: Path) -> None:
    stamp = [1_600_000_000_000_000_000]
    root = write_vault(tmp_path / "v", {**filler(60), "A.md": "[[Fresh]]\n"})
    cache = _first(tmp_path, root)
    assert [r[3] for r in _rows(_from_snapshot(root, cache)) if r[0] == "A.md"] == ["dangling-link"]
    _write(root, "Sub/Fresh.md", "text\n", stamp)
    assert not [r for r in _rows(_from_snapshot(root, cache)) if r[0] == "A.md"]
    (root / "Sub" / "Fresh.md").unlink()
    found = _rows(_from_snapshot(root, cache))
    assert [r[3] for r in found if r[0] == "A.md"] == ["dangling-link"]
    assert found == _model(root)


def test_a_second_note_of_the_same_name_makes_a_link_ambiguous(tmp_path: Path) -> None:
    stamp = [1_600_000_000_000_000_000]
    root = write_vault(tmp_path / "v", {**filler(60), "A.md": "[[Twin]]\n", "X/Twin.md": "x\n"})
    cache = _first(tmp_path, root)
    _write(root, "Y/Twin.md", "y\n", stamp)
    found = _rows(_from_snapshot(root, cache))
    assert [r[3] for r in found if r[0] == "A.md"] == ["ambiguous-link"]
    assert found == _model(root)


def test_a_new_alias_changes_the_dangling_message_of_a_link_to_it(tmp_path: Path) -> None:
    stamp = [1_600_000_000_000_000_000]
    root = write_vault(tmp_path / "v", {**filler(60), "A.md": "[[Nick]]\n", "Owner.md": "x\n"})
    cache = _first(tmp_path, root)
    before = [r[4] for r in _rows(_from_snapshot(root, cache)) if r[0] == "A.md"]
    _write(root, "Owner.md", "---\naliases: [Nick]\n---\nx\n", stamp)
    found = _rows(_from_snapshot(root, cache))
    after = [r[4] for r in found if r[0] == "A.md"]
    assert before != after and "alias" in after[0]
    assert found == _model(root)


def test_a_snapshot_of_other_settings_is_not_used(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {**filler(60), "A.md": "[[Nowhere]]\n"})
    cache = _first(tmp_path, root)
    (root / ".vaultls.toml").write_text('[diagnostics]\ndangling_links = "error"\n', encoding="utf-8")
    assert check_from_snapshot(root, _settings(root), cache=cache) is None


def test_a_file_written_just_before_its_stat_is_checked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vaultls.vault.store.cache.RACY_SECONDS", 3600.0)  # every file is "just written"
    root = write_vault(tmp_path / "v", {**filler(30), "A.md": "[[B#H]]\n", "B.md": "# H\n"})
    cache = _first(tmp_path, root)
    b = root / "B.md"
    mtime = b.stat().st_mtime_ns
    b.write_text("# G\n", encoding="utf-8")  # same size, and the mtime put back: only racy-ness tells
    os.utime(b, ns=(mtime, mtime))
    found = _rows(_from_snapshot(root, cache))
    assert [r[3] for r in found if r[0] == "A.md"] == ["missing-heading"]


def test_a_selection_from_the_snapshot_is_the_model_check_of_those_notes(tmp_path: Path) -> None:
    stamp = [1_600_000_000_000_000_000]
    root = write_vault(tmp_path / "v", {**filler(150, seed=6), **BASE})
    cache = _first(tmp_path, root)
    notes = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))
    rng = random.Random(5)
    _write(root, "Alpha.md", "# Intro\n\n# Renamed\n\n[[Home#Other]] [[Ghost]]\n", stamp)
    for _ in range(6):
        only = set(rng.sample(notes, 5))
        assert _rows(_from_snapshot(root, cache, only)) == _model(root, only), only


def test_random_edits_are_reported_as_the_model_reports_them(tmp_path: Path) -> None:
    """Notes written, rewritten with other headings, aliases and links, and deleted, a few at a
    time: after each round, the check from the snapshot is the model's check."""
    stamp = [1_600_000_000_000_000_000]
    root = write_vault(tmp_path / "v", {**filler(150, seed=8), **BASE})
    cache = _first(tmp_path, root)
    rng = random.Random(11)
    names = ["Alpha", "Home", "Dup", "Ghost", "Note 3", "Note 7", "Fresh", "Start", "Hub"]
    for _ in range(8):
        notes = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))
        for _ in range(rng.randrange(1, 4)):
            pick = rng.random()
            if pick < 0.25 and notes:
                (root / rng.choice(notes)).unlink(missing_ok=True)
                continue
            rel = rng.choice(notes) if pick < 0.7 else f"{rng.choice(['', 'X/', 'New/'])}{rng.choice(names)}.md"
            alias = f"---\naliases: [{rng.choice(names)}]\n---\n" if rng.random() < 0.4 else ""
            links = " ".join(f"[[{rng.choice(names)}{rng.choice(['', '#Head', '#Intro', '#^b1'])}]]" for _ in range(4))
            _write(root, rel, f"{alias}# {rng.choice(['Head', 'Intro', 'Other'])}\n\nx ^b1\n\n{links}\n", stamp)
        assert _rows(_from_snapshot(root, cache)) == _model(root)
