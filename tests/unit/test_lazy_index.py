"""The index a warm start builds (every note deferred: known by its cached summary, its parsed
detail decoded from the cache on first use) answers exactly as the index of the same vault
parsed from its files: every note's links, headings, blocks, tags and frontmatter, where every
link leads, and every problem (issue 23)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_vault
from tests.unit.check_vaults import SPECIAL, filler
from tests.unit.test_cache import age
from vaultls.vault.check import check_vault
from vaultls.vault.index import Vault
from vaultls.vault.settings import build_settings
from vaultls.vault.store.cache import IndexCache
from vaultls.vault.store.loader import VaultLoader, add_note, load_vault


def _lazy(root: Path, cache_dir: Path) -> Vault:
    settings, _ = build_settings(root)
    vault = Vault(root, settings)
    loader = VaultLoader(root, settings, cache=IndexCache(root, "", cache_dir), workers=0, lazy=True)
    loader.discover()
    for rel in loader.found.attachments:
        vault.add_attachment(rel)
    for batch in loader.batches():
        for rel, note, valid in batch:
            add_note(vault, rel, note, valid)
    loader.save()
    return vault


@pytest.fixture
def vaults(tmp_path: Path) -> tuple[Vault, Vault]:
    root = write_vault(tmp_path / "v", {**filler(600, seed=12), **SPECIAL})
    age(root)  # old enough to be cached
    _lazy(root, tmp_path / "cache")  # a cold load fills the cache
    lazy = _lazy(root, tmp_path / "cache")
    settings, _ = build_settings(root)
    parsed, _ = load_vault(root, settings, use_cache=False)
    assert len(lazy.notes) == len(parsed.notes) > 200
    return lazy, parsed


def test_a_warm_index_defers_every_note(vaults: tuple[Vault, Vault]) -> None:
    lazy, _ = vaults
    assert not any(note.is_materialised for note in lazy.notes.values())


def test_a_warm_index_has_the_problems_of_the_parsed_one(vaults: tuple[Vault, Vault]) -> None:
    lazy, parsed = vaults
    full = [(p.path, p.range, p.severity, p.code, p.message, p.data) for p in check_vault(parsed)]
    assert [(p.path, p.range, p.severity, p.code, p.message, p.data) for p in check_vault(lazy)] == full


def test_every_link_of_a_warm_index_leads_where_it_leads_in_the_parsed_one(vaults: tuple[Vault, Vault]) -> None:
    lazy, parsed = vaults
    for path in sorted(parsed.notes):
        for link in parsed.notes[path].parsed.links:
            assert lazy.resolve(path, link) == parsed.resolve(path, link), (path, link)


def test_every_note_of_a_warm_index_decodes_to_the_parsed_note(vaults: tuple[Vault, Vault]) -> None:
    lazy, parsed = vaults
    for path in sorted(parsed.notes):
        want, got = parsed.notes[path].parsed, lazy.notes[path].parsed
        assert (got.links, got.headings, got.blocks, got.tags) == (want.links, want.headings, want.blocks, want.tags)
        assert got == want, path
        assert lazy.notes[path].link_keys == parsed.notes[path].link_keys
