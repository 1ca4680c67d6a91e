"""Notes loaded from the cache are indexed by their summary and decoded only when used.

A deferred note must be indistinguishable from one parsed at once: same resolution, same
problems, same `ParsedNote` once asked for."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_vault
from tests.unit.test_cache import NOTES, age
from vaultls.vault.check import check_vault
from vaultls.vault.index import Vault
from vaultls.vault.parse import parse
from vaultls.vault.settings import Settings
from vaultls.vault.store.cache import IndexCache
from vaultls.vault.store.loader import DeferredNote, VaultLoader, add_note, load_vault


def _load(root: Path, cache_dir: Path, lazy: bool) -> Vault:
    return load_with(root, cache_dir, lazy)[0]


def load_with(root: Path, cache_dir: Path, lazy: bool, first_pass: bool = False) -> tuple[Vault, VaultLoader]:
    """A vault loaded in-process (no workers) with its cache in `cache_dir`; with `first_pass`,
    only as a server's first pass leaves it (names and aliases, links not filed)."""
    vault = Vault(root, Settings())
    loader = VaultLoader(root, Settings(), cache=IndexCache(root, "", cache_dir), workers=0, lazy=lazy)
    loader.discover()
    for rel in loader.found.attachments:
        vault.add_attachment(rel)
    for batch in loader.first_pass() if first_pass else loader.batches():
        for rel, note, valid in batch:
            add_note(vault, rel, note, valid, remember_links=not first_pass)
    if not first_pass:
        loader.save()
    return vault, loader


def _cached_vault(tmp_path: Path) -> Path:
    root = write_vault(tmp_path / "vault", NOTES)
    age(root)
    _load(root, tmp_path / "cache", lazy=False)  # fills the cache
    return root


def test_cached_notes_are_not_decoded_by_loading(tmp_path: Path):
    root = _cached_vault(tmp_path)
    vault = _load(root, tmp_path / "cache", lazy=True)
    assert vault.notes and not any(note.is_materialised for note in vault.notes.values())


def test_a_deferred_vault_checks_like_an_eager_one(tmp_path: Path):
    root = _cached_vault(tmp_path)
    eager = _load(root, tmp_path / "cache", lazy=False)
    lazy = _load(root, tmp_path / "cache", lazy=True)
    assert check_vault(lazy) == check_vault(eager)
    assert {p: n.parsed for p, n in lazy.notes.items()} == {p: n.parsed for p, n in eager.notes.items()}


def test_aliases_resolve_without_decoding_the_owner(tmp_path: Path):
    root = _cached_vault(tmp_path)
    vault = _load(root, tmp_path / "cache", lazy=True)
    assert vault.alias_owners("start") == ["Home.md"]
    assert not vault.notes["Home.md"].is_materialised


def test_checking_one_note_decodes_only_it_and_the_targets_of_its_anchored_links(tmp_path: Path):
    root = _cached_vault(tmp_path)
    vault = _load(root, tmp_path / "cache", lazy=True)
    check_vault(vault, only=["Notes/Alpha.md"])  # links [[Home#Home]] and [[Home#^home]]
    decoded = {p for p, n in vault.notes.items() if n.is_materialised}
    assert decoded == {"Notes/Alpha.md", "Home.md"}


def test_an_entry_that_fails_to_decode_is_parsed_from_its_file(tmp_path: Path):
    root = write_vault(tmp_path / "vault", {"Note.md": "# Title\n[[Other]]\n"})
    deferred = DeferredNote([], ("other",), b"not marshal", str(root / "Note.md"))
    parsed = deferred.materialise()
    assert [h.text for h in parsed.headings] == ["Title"]
    assert [link.target for link in parsed.links] == ["Other"]


def test_replacing_a_deferred_note_reports_its_linkers(tmp_path: Path):
    root = _cached_vault(tmp_path)
    vault = _load(root, tmp_path / "cache", lazy=True)
    text = (root / "Notes/Alpha.md").read_text(encoding="utf-8")
    affected = vault.upsert("Notes/Alpha.md", parse(text))  # the old one never decoded
    assert {"Home.md", "Notes/Beta.md"} <= affected


def test_load_vault_is_deferred_when_the_cache_is_warm(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("vaultls.vault.store.loader.MIN_NOTES_TO_CACHE", 0)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = write_vault(tmp_path / "vault", NOTES)
    age(root)
    first, _ = load_vault(root, Settings())
    for thread in __import__("threading").enumerate():
        if thread.name == "vaultls-cache-save":
            thread.join()
    second, _ = load_vault(root, Settings())
    assert not any(note.is_materialised for note in second.notes.values())
    assert check_vault(second) == check_vault(first)


def test_the_link_graph_of_a_deferred_vault_is_an_eager_ones_and_decodes_no_note(tmp_path: Path):
    from vaultls.vault.graph_data import graph_data

    root = _cached_vault(tmp_path)
    eager = _load(root, tmp_path / "cache", lazy=False)
    lazy = _load(root, tmp_path / "cache", lazy=True)
    options = {"include_attachments": True, "include_tags": True}
    assert graph_data(lazy, **options) == graph_data(eager, **options)
    assert not any(note.is_materialised for note in lazy.notes.values())


def test_a_deferred_note_whose_cache_entry_is_gone_gives_its_links_from_its_model(tmp_path: Path):
    from vaultls.vault.graph_data import note_facts

    root = _cached_vault(tmp_path)
    lazy = _load(root, tmp_path / "cache", lazy=True)
    eager = _load(root, tmp_path / "cache", lazy=False)
    for path in list(lazy.notes)[:3]:
        (root / path).write_text("[[Elsewhere]] #new\n", encoding="utf-8")
    IndexCache(root, "", tmp_path / "cache").store([], keep=set())  # every entry forgotten
    for path, note in lazy.notes.items():
        want = eager.notes[path].parsed if path not in list(lazy.notes)[:3] else parse("[[Elsewhere]] #new\n")
        assert note_facts(note) == (
            tuple((link.kind, link.target, link.embed) for link in want.links),
            tuple(tag.name for tag in want.tags),
        )
