"""A warm start takes the index of the unchanged cached notes whole from one blob of the cache
(store/index_blob.py): the maps it restores are those the index builds note by note, a note
changed, added or deleted since is loaded the usual way, and the restored index answers as a
parsed one (issue 23)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_vault
from tests.unit.check_vaults import SPECIAL, filler
from tests.unit.test_cache import age
from vaultls.vault.check import check_vault
from vaultls.vault.index import Vault
from vaultls.vault.indexer import Indexer
from vaultls.vault.parse import parse
from vaultls.vault.settings import build_settings
from vaultls.vault.store import index_blob
from vaultls.vault.store.cache import IndexCache
from vaultls.vault.store.loader import VaultLoader, add_note, load_vault

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "vault"


def maps(vault: Vault) -> dict[str, Any]:
    """Everything the index keeps of its notes, empty entries left out."""
    kept = ("_notes_by_name", "_notes_by_path", "_alias_owners", "_linkers", "_files_by_name", "_files_by_path")
    out: dict[str, Any] = {name: {k: v for k, v in getattr(vault, name).items() if v} for name in kept}
    out["notes"] = {p: (n.name, n.aliases, n.link_keys, n.valid_utf8) for p, n in vault.notes.items()}
    out["attachments"] = vault.attachments
    return out


def sorted_maps(vault: Vault) -> dict[str, Any]:
    """`maps` with the order of each map's paths left out (it follows the order notes came in)."""
    out = maps(vault)
    for name in ("_notes_by_name", "_notes_by_path", "_alias_owners", "_linkers"):
        out[name] = {k: sorted(v) for k, v in out[name].items()}
    return out


def note_by_note(root: Path, cache: IndexCache) -> Vault:
    """A warm index built the usual way: every cached note added on its own."""
    settings, _ = build_settings(root)
    vault = Vault(root, settings)
    loader = VaultLoader(root, settings, cache=cache, workers=0, lazy=True)
    loader.discover()
    for rel in loader.found.attachments:
        vault.add_attachment(rel)
    for batch in loader.batches():
        for rel, note, valid in batch:
            add_note(vault, rel, note, valid)
    loader.save()
    return vault


def restored(root: Path, cache: IndexCache) -> tuple[Vault, index_blob.Restore, VaultLoader]:
    """A warm index whose cached notes come from the blob (the rest note by note)."""
    settings, _ = build_settings(root)
    vault = Vault(root, settings)
    loader = VaultLoader(root, settings, cache=cache, workers=0, lazy=True)
    restore = index_blob.Restore()
    loader.discover(restore.vouch)
    for rel in loader.found.attachments:
        vault.add_attachment(rel)
    restore.apply(vault, loader.cache)
    for batch in loader.batches():
        for rel, note, valid in batch:
            add_note(vault, rel, note, valid)
    return vault, restore, loader


def cached(root: Path, tmp_path: Path) -> IndexCache:
    """A cache of `root` holding every note and the blob."""
    age(root)
    cache = IndexCache(root, "", tmp_path / "cache")
    settings, _ = build_settings(root)
    loader = VaultLoader(root, settings, cache=cache, workers=0, lazy=True)
    loader.discover()
    list(loader.batches())
    loader.save()
    index_blob.refresh(cache, loader.found.notes)
    return cache


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "v", {**filler(400, seed=5), **SPECIAL, "Alias dup.md": "---\naliases: [Hub]\n---\n"})


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLES, tmp_path / "examples"))


@pytest.mark.parametrize("vault_fixture", ["examples", "generated"])
def test_the_restored_maps_are_those_built_note_by_note(
    vault_fixture: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    root: Path = request.getfixturevalue(vault_fixture)
    cache = cached(root, tmp_path)
    vault, restore, loader = restored(root, cache)
    assert restore.complete and loader.hits == loader.misses == []
    assert maps(vault) == maps(note_by_note(root, cache))


def test_the_restored_notes_keep_the_walk_order_whatever_order_the_cache_holds_them_in(
    generated: Path, tmp_path: Path
) -> None:
    """The blob is written from the cache's rows as they come (the workers store batches in
    any order) and put in the walk's order: the index's notes, and the notes of each name."""
    cache = cached(generated, tmp_path)
    with contextlib.closing(sqlite3.connect(cache.path)) as conn, conn:
        rows = conn.execute("SELECT * FROM notes ORDER BY path DESC").fetchall()
        conn.execute("DELETE FROM notes")
        conn.executemany(f"INSERT INTO notes VALUES ({', '.join('?' * len(rows[0]))})", rows)
    settings, _ = build_settings(generated)
    loader = VaultLoader(generated, settings, cache=cache, workers=0, lazy=True)
    loader.discover()
    index_blob.refresh(cache, loader.found.notes)
    vault, restore, _ = restored(generated, cache)
    expected = note_by_note(generated, cache)
    assert restore.complete and list(vault.notes) == list(expected.notes) == loader.found.notes
    assert maps(vault) == maps(expected)
    assert any(len(paths) > 1 for paths in vault._notes_by_name.values())  # the order of a name's notes is tried


def test_a_restored_note_is_deferred_until_used(generated: Path, tmp_path: Path) -> None:
    vault, _, _ = restored(generated, cached(generated, tmp_path))
    assert not any(note.is_materialised for note in vault.notes.values())
    assert [link.target for link in vault.notes["Home.md"].parsed.links][:2] == ["Alpha", "Alpha"]


def test_a_restored_index_has_the_problems_and_links_of_the_parsed_one(generated: Path, tmp_path: Path) -> None:
    vault, _, _ = restored(generated, cached(generated, tmp_path))
    settings, _ = build_settings(generated)
    parsed, _ = load_vault(generated, settings, use_cache=False)
    got = [(p.path, p.range, p.code, p.message, p.data) for p in check_vault(vault)]
    assert got == [(p.path, p.range, p.code, p.message, p.data) for p in check_vault(parsed)]
    for path in sorted(parsed.notes):
        assert vault.notes[path].parsed == parsed.notes[path].parsed, path
        for link in parsed.notes[path].parsed.links:
            assert vault.resolve(path, link) == parsed.resolve(path, link), (path, link)


def test_notes_changed_added_or_deleted_since_the_blob_are_loaded_as_they_are_now(
    generated: Path, tmp_path: Path
) -> None:
    cache = cached(generated, tmp_path)
    (generated / "Sub" / "Child.md").write_text("---\naliases: [Gamma]\n---\n[[Alpha]]\n", encoding="utf-8")
    (generated / "New.md").write_text("---\naliases: [Fresh]\n---\n[[Home]]\n", encoding="utf-8")
    (generated / "Alpha.md").unlink()
    vault, restore, loader = restored(generated, cache)
    assert not restore.complete and sorted(loader.misses) == ["New.md", "Sub/Child.md"]
    settings, _ = build_settings(generated)
    parsed, _ = load_vault(generated, settings, use_cache=False)
    assert maps(vault)["notes"] == maps(parsed)["notes"]
    assert vault.alias_owners("Beta alias") == [] and vault.alias_owners("Gamma") == ["Sub/Child.md"]
    assert vault.notes_named("Alpha") == [] and vault.notes_named("New") == ["New.md"]
    assert "Sub/Child.md" in vault.linkers_of("alpha") and vault.alias_owners("Fresh") == ["New.md"]
    for name in ("_notes_by_name", "_notes_by_path", "_alias_owners", "_linkers"):
        assert sorted_maps(vault)[name] == sorted_maps(parsed)[name], name


def test_a_note_already_in_the_vault_stays_as_it_is(generated: Path, tmp_path: Path) -> None:
    cache = cached(generated, tmp_path)
    settings, _ = build_settings(generated)
    vault = Vault(generated, settings)
    vault.upsert("Home.md", parse("---\naliases: [Buffer]\n---\n[[Beta alias]]\n"))  # an open editor buffer
    loader = VaultLoader(generated, settings, cache=cache, workers=0, lazy=True)
    restore = index_blob.Restore()
    loader.discover(restore.vouch)
    restore.apply(vault, loader.cache)
    assert vault.notes["Home.md"].is_materialised and vault.alias_owners("Buffer") == ["Home.md"]
    expected = note_by_note(generated, cache)
    expected.upsert("Home.md", parse("---\naliases: [Buffer]\n---\n[[Beta alias]]\n"))
    for name in ("notes", "_notes_by_name", "_notes_by_path", "_alias_owners", "_linkers"):
        assert sorted_maps(vault)[name] == sorted_maps(expected)[name], name


def test_a_damaged_or_foreign_blob_is_not_used(generated: Path, tmp_path: Path) -> None:
    cache = cached(generated, tmp_path)
    cache.store_index_blob(b"\x00not marshal")
    _, restore, loader = restored(generated, cache)
    assert restore.vouched == set() and len(loader.hits) == len(loader.found.notes)
    cache.store_index_blob(index_blob.build([]))
    _, restore, loader = restored(generated, cache)
    assert restore.vouched == set() and len(loader.hits) == len(loader.found.notes)


def test_a_second_server_start_restores_the_index_the_first_wrote(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    age(generated)

    def start() -> tuple[Vault, list[Any]]:
        settings, _ = build_settings(generated)
        vault = Vault(generated, settings)
        indexer = Indexer(in_background=lambda work: work(), split_min_notes=0)
        scans: list[Any] = []

        async def run() -> None:
            scan = await indexer.first_pass(vault)
            scans.append(scan)
            await indexer.second_pass(scan)

        asyncio.run(run())
        return vault, scans

    first, scans = start()
    assert scans[0].restore.vouched == set()
    second, scans = start()
    assert scans[0].restore.complete and scans[0].restore.vouched == set(second.notes)
    assert maps(second) == maps(first)
