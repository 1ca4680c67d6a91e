"""The first pass of a server's scan, and notes whose encoding stays in the cache.

The first pass indexes every note by its name and aliases only (cached notes by their summary,
the others by their frontmatter); what it hands out must resolve links exactly as the full
parse would, and be replaced by it without anything else noticing."""

from __future__ import annotations

import asyncio
import sqlite3
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import write_vault
from tests.unit.test_cache import NOTES, age
from tests.unit.test_deferred_notes import _load, load_with
from vaultls.vault.check import check_vault
from vaultls.vault.index import Vault
from vaultls.vault.indexer import Indexer
from vaultls.vault.parse import frontmatter_aliases, parse
from vaultls.vault.settings import Settings
from vaultls.vault.store import read
from vaultls.vault.store.cache import IndexCache
from vaultls.vault.store.loader import DeferredNote, PendingNote, VaultLoader, parse_and_store

# --------------------------------------------------------------------------- frontmatter_aliases

ALIAS_CASES = {
    "no frontmatter": "# Title\naliases: [Not, These]\n",
    "list": "---\naliases: [One, Two]\n---\nbody\n",
    "block list": "---\naliases:\n  - One\n  - Two words\n---\n",
    "singular key": "---\nalias: Solo\n---\n",
    "comma string": "---\naliases: One, Two ,  , Three\n---\n",
    "numbers kept as text": "---\naliases: [1984, 2.5, true, null]\n---\n",
    "unclosed": "---\naliases: [One]\nbody\n",
    "dots close": "---\naliases: [One]\n...\nbody\n",
    "crlf": "---\r\naliases: [One, Two]\r\n---\r\nbody\r\n",
    "bom": "\ufeff---\naliases: [One]\n---\n",
    "escaped key": '---\n"\\x61liases": [Hidden]\n---\n',
    "merge key": "---\nbase: &b {aliases: [Merged]}\n<<: *b\n---\n",
    "bad yaml": "---\naliases: [One\n---\n",
    "no aliases but other keys": "---\ntags: [a, b]\ncreated: 2024-01-01\n---\n",
    "not a mapping": "---\n- aliases\n---\n",
    "aliases not a list": "---\naliases: {a: 1}\n---\n",
    "indented fence": " ---\naliases: [One]\n---\n",
    "two boms": "\ufeff\ufeff---\naliases: [One]\n---\n",
    "one line": "---",
    "closed at the end": "---\naliases: [One]\n---",
    "crlf in the body only": "---\naliases: [One]\n---\nbody\r\n",
}


@pytest.mark.parametrize("text", ALIAS_CASES.values(), ids=ALIAS_CASES.keys())
def test_frontmatter_aliases_are_the_parsed_notes_aliases(text: str):
    assert frontmatter_aliases(text) == parse(text).aliases


_LINE = st.sampled_from(
    [
        "aliases: [A, B]",
        "alias: C",
        "aliases:",
        "  - D",
        "- E",
        "tags: [x]",
        '"aliases": F',
        "aliases: G, H",
        "key: 'al\\ias'",
        "<<: *a",
        "a: &a {aliases: [I]}",
        "---",
        "...",
        "",
        "  ",
        "aliases: [J",
        "text [[link]]",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_frontmatter_aliases_agree_with_parse_on_any_frontmatter(lines: list[str], newline: str):
    text = newline.join(["---", *lines, "---", "body"])
    assert frontmatter_aliases(text) == parse(text).aliases


# --------------------------------------------------------------------------- the first pass


def _first_pass(root: Path, cache_dir: Path) -> tuple[Vault, VaultLoader]:
    return load_with(root, cache_dir, lazy=True, first_pass=True)


def _full(root: Path, cache_dir: Path) -> Vault:
    """Both passes' worth: every note parsed (or taken from the cache) and filed as a linker."""
    return _load(root, cache_dir, lazy=True)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = write_vault(tmp_path / "vault", NOTES)
    age(root)
    return root


def test_uncached_notes_come_with_their_aliases_and_no_links(root: Path, tmp_path: Path):
    vault, loader = _first_pass(root, tmp_path / "cache")
    assert loader.misses == sorted(vault.notes)
    assert vault.alias_owners("Start") == ["Home.md"]
    assert all(note.link_keys == () for note in vault.notes.values())
    assert not any(note.is_materialised for note in vault.notes.values())


def test_cached_notes_come_with_their_links_not_yet_filed(root: Path, tmp_path: Path):
    _full(root, tmp_path / "cache")
    vault, loader = _first_pass(root, tmp_path / "cache")
    assert loader.misses == [] and len(loader.hits) == 3
    assert vault.notes["Notes/Beta.md"].link_keys == ("alpha", "pic.png")
    assert vault.linkers_of("alpha") == set()
    for path in vault.notes:
        vault.remember_links(path)
    assert vault.linkers_of("alpha") == {"Home.md", "Notes/Beta.md"}


def test_the_first_pass_checks_like_the_whole_index(root: Path, tmp_path: Path):
    first, _ = _first_pass(root, tmp_path / "cache-a")
    assert check_vault(first) == check_vault(_full(root, tmp_path / "cache-b"))


def test_a_pending_note_is_parsed_from_its_file_when_asked_for(root: Path):
    pending = PendingNote(["Start"], str(root / "Home.md"))
    assert pending.materialise() == parse((root / "Home.md").read_text(encoding="utf-8"))


def test_a_damaged_cached_summary_makes_the_note_pending(root: Path, tmp_path: Path):
    _full(root, tmp_path / "cache")
    cache = IndexCache(root, "", tmp_path / "cache")
    with sqlite3.connect(cache.path) as conn:
        # A summary that passes its CRC but is no summary (the CRC cannot catch a foreign writer).
        conn.execute("UPDATE notes SET summary = ?, summary_crc = ? WHERE path = 'Home.md'", (b"x", zlib.crc32(b"x")))
    vault, loader = _first_pass(root, tmp_path / "cache")
    assert "Home.md" in loader.misses
    assert vault.alias_owners("Start") == ["Home.md"]


def test_an_unreadable_note_is_left_out_of_the_first_pass(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    real = read.read_bytes
    monkeypatch.setattr(read, "read_bytes", lambda path: None if str(path).endswith("Beta.md") else real(path))
    vault, _ = _first_pass(root, tmp_path / "cache")
    assert "Notes/Beta.md" not in vault.notes and "Home.md" in vault.notes


def test_a_note_unreadable_in_the_first_pass_is_indexed_by_the_second(root: Path, monkeypatch: pytest.MonkeyPatch):
    real = read.read_bytes
    locked = {"Beta.md"}  # as if another program held the file open exclusively, for a moment
    monkeypatch.setattr(read, "read_bytes", lambda path: None if Path(path).name in locked else real(path))
    indexer = Indexer()
    vault = Vault(root, Settings())

    async def scan() -> None:
        first = await indexer.first_pass(vault)
        assert "Notes/Beta.md" not in vault.notes
        locked.clear()
        await indexer.second_pass(first)

    asyncio.run(scan())
    assert "Notes/Beta.md" in vault.notes
    assert vault.linkers_of("alpha") == {"Home.md", "Notes/Beta.md"}


# --------------------------------------------------------------------------- encodings left in the cache


def test_a_warm_load_holds_no_encodings(root: Path, tmp_path: Path):
    _full(root, tmp_path / "cache")
    entries = IndexCache(root, "", tmp_path / "cache").load()
    assert entries and all(entry.blob is None for entry in entries.values())
    assert all(entry.blob is not None for entry in IndexCache(root, "", tmp_path / "cache").load(data=True).values())


def test_a_deferred_note_reads_its_encoding_from_the_cache(root: Path, tmp_path: Path):
    eager = _full(root, tmp_path / "cache")
    vault, _ = _first_pass(root, tmp_path / "cache")
    assert vault.notes["Notes/Alpha.md"].parsed == eager.notes["Notes/Alpha.md"].parsed


def test_an_encoding_changed_in_the_cache_since_is_not_used(root: Path, tmp_path: Path):
    _full(root, tmp_path / "cache")
    vault, _ = _first_pass(root, tmp_path / "cache")
    cache = IndexCache(root, "", tmp_path / "cache")
    # Another server rewrites the entry (here: with another note's encoding).
    with sqlite3.connect(cache.path) as conn:
        other, crc = conn.execute("SELECT data, crc FROM notes WHERE path = 'Notes/Beta.md'").fetchone()
        conn.execute("UPDATE notes SET data = ?, crc = ? WHERE path = 'Notes/Alpha.md'", (other, crc))
    parsed = vault.notes["Notes/Alpha.md"].parsed
    assert [h.text for h in parsed.headings] == ["Alpha", "Part"]  # parsed from the file instead


def test_a_deleted_cache_file_leaves_deferred_notes_readable(root: Path, tmp_path: Path):
    _full(root, tmp_path / "cache")
    vault, _ = _first_pass(root, tmp_path / "cache")
    IndexCache(root, "", tmp_path / "cache").clear()
    assert [h.text for h in vault.notes["Notes/Alpha.md"].parsed.headings] == ["Alpha", "Part"]


def test_a_worker_sends_back_only_what_it_could_not_cache(root: Path, tmp_path: Path):
    cache = IndexCache(root, "", tmp_path / "cache")
    sent = parse_and_store(str(root), ["Home.md", "Notes/Alpha.md"], cache)
    assert [(rel, blob) for rel, _, _, _, blob in sent] == [("Home.md", None), ("Notes/Alpha.md", None)]
    (root / "Fresh.md").write_text("# Fresh\n", encoding="utf-8")  # too new to cache
    [(rel, _, summary, crc, blob)] = parse_and_store(str(root), ["Fresh.md"], cache)
    assert blob is not None and summary is not None
    assert DeferredNote([], (), blob, str(root / "Fresh.md"), cache, rel, crc).materialise() == parse("# Fresh\n")


def test_without_a_cache_a_worker_sends_every_encoding(root: Path):
    sent = parse_and_store(str(root), ["Home.md"], None)
    assert sent[0][4] is not None
