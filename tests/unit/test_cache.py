"""The persistent index cache: used only while it is right, rebuilt whenever it is not.

Nothing here is timed. Files get modification times in the past, because the cache refuses
files written within the last couple of seconds (a same-size rewrite in the same clock tick
would otherwise go unnoticed)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.conftest import EXAMPLES, write_vault
from tests.unit.test_fuzz_parser import TEXTS
from vaultls.vault import bulk_check
from vaultls.vault.parse import parse, parse_rows
from vaultls.vault.settings import Settings
from vaultls.vault.store import cache as cache_module
from vaultls.vault.store import encoding
from vaultls.vault.store import loader as load_module
from vaultls.vault.store.cache import IndexCache
from vaultls.vault.store.encoding import decode, encode, encode_rows, view_of_encoding
from vaultls.vault.store.loader import VaultLoader, load_vault
from vaultls.vault.store.workers import WorkerPool
from vaultls.vault.view import view_of_parsed

NOTES = {
    "Home.md": (
        "---\naliases: [Start]\ntags: [a]\ncreated: 2024-01-15\n---\n# Home\n\nSee [[Alpha]] and [[Missing]]. ^home\n"
    ),
    "Notes/Alpha.md": "# Alpha\n\n## Part\n\nBack to [[Home#Home]] and [[Home#^home]] #tag\n",
    "Notes/Beta.md": "Beta links [[Alpha|the first]] and ![[pic.png]].\n",
    "pic.png": b"\x89PNG\r\n",
}


def age(root: Path, seconds: float = 60) -> None:
    """Every file modified `seconds` ago: older than the cache's racy window."""
    past = time.time_ns() - int(seconds * 1e9)
    for path in [root] if root.is_file() else root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(past, past))


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = write_vault(tmp_path / "vault", NOTES)
    age(root)
    return root


def loader(root: Path, cache_dir: Path, parser_settings: str = "") -> VaultLoader:
    return VaultLoader(root, Settings(), cache=IndexCache(root, parser_settings, cache_dir), workers=0)


def load(root: Path, cache_dir: Path, parser_settings: str = "") -> tuple[VaultLoader, dict]:
    """One full load: (the loader, so its hits and misses can be read; {path: ParsedNote})."""
    run = loader(root, cache_dir, parser_settings)
    run.discover()
    notes = {rel: parsed for batch in run.batches() for rel, parsed, _ in batch}
    run.save()
    return run, notes


def hits(run: VaultLoader) -> set[str]:
    return set(run.hits)


# --------------------------------------------------------------------------- encoding


def test_encoding_round_trips_every_note_of_the_demo_vault():
    for path in EXAMPLES.rglob("*.md"):
        parsed = parse(path.read_text(encoding="utf-8"))
        assert decode(encode(parsed)) == parsed, path


def test_encoding_round_trips_yaml_dates_sets_and_bytes():
    parsed = parse(
        "---\nday: 2024-01-15\nwhen: 2001-12-14t21:59:43.10-05:00\nraw: !!binary aGVsbG8=\n"
        "s: !!set {a, b}\nnested: {k: [1, 2.5, null, true]}\n---\n[[x]]"
    )
    assert parsed.frontmatter is not None and parsed.frontmatter.error is None
    assert decode(encode(parsed)) == parsed


def test_a_foreign_pickle_in_an_entry_is_refused():
    import marshal
    import pickle

    parsed = parse("---\nday: 2024-01-15\n---\n")
    fields = list(marshal.loads(encode(parsed)))
    fm = list(fields[1])
    fm[2] = (1, pickle.dumps(os.system))  # a pickle that names a function
    fields[1] = tuple(fm)
    with pytest.raises(pickle.UnpicklingError):
        decode(marshal.dumps(tuple(fields)))


# Notes whose encodings hold every part a check reads: aliases, broken and duplicate keys,
# `$schema` (in data marshal holds, and in pickled data), headings, blocks, every kind of link.
LAYOUT_SAMPLES = (
    "---\naliases: [One, Two]\ntags: x\nk: 1\nk: 2\n$schema: s.json\n---\n# Top *a*\n\n## Sub: b\n\n"
    "text [[Target#Sub#Deep|x]] ![[Pic.png]] [[#^blk]] [m](<Other note.md#frag>) [[../Up]] ^blk\n",
    "---\nkey: [unclosed\n---\n[[A]]\n",
    "---\ncreated: 2023-02-22\n$schema: s.json\n---\n",
    "---\ncreated: 2023-02-22\ntitle: x\n---\n",
    "no frontmatter [[B#^c]]\n",
)


def test_the_view_of_an_encoding_is_the_view_of_its_note():
    """What a warm `vaultls check` reads of a cached note straight from its encoding is what
    the check reads of the note itself: the cache knows its own layout."""
    for text in LAYOUT_SAMPLES:
        parsed = parse(text)
        blob = encode(parsed)
        view = view_of_encoding("x.md", blob, False)
        assert view == view_of_parsed("x.md", parsed, False), text
        assert view.model() == parsed
    assert view_of_encoding("x.md", encode(parse(LAYOUT_SAMPLES[2])), True).fm_state == (False, True, True)
    assert view_of_encoding("x.md", encode(parse(LAYOUT_SAMPLES[3])), True).fm_state == (False, True, False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_the_view_of_any_encoding_is_the_view_of_its_note(text: str):
    rows = parse_rows(text)
    assert view_of_encoding("n.md", encode_rows(rows), True) == view_of_parsed("n.md", parse(text), True)


def test_the_view_of_another_format_is_refused():
    import marshal

    fields = list(marshal.loads(encode(parse("# x\n"))))
    fields[0] = encoding.FORMAT + 1
    with pytest.raises(ValueError):
        view_of_encoding("x.md", marshal.dumps(tuple(fields)), True)


# --------------------------------------------------------------------------- invalidation


def test_second_load_comes_from_the_cache_and_equals_the_first(vault: Path, tmp_path: Path):
    first, cold = load(vault, tmp_path / "cache")
    assert hits(first) == set() and set(first.misses) == set(cold)
    second, warm = load(vault, tmp_path / "cache")
    assert hits(second) == set(cold) and second.misses == []
    assert warm == cold


def test_a_changed_file_is_parsed_again(vault: Path, tmp_path: Path):
    load(vault, tmp_path / "cache")
    (vault / "Notes/Beta.md").write_text("Beta now links [[Home]] only.\n", encoding="utf-8")
    run, notes = load(vault, tmp_path / "cache")
    assert run.misses == ["Notes/Beta.md"]
    assert [link.target for link in notes["Notes/Beta.md"].links] == ["Home"]


def test_a_rewrite_with_the_same_size_and_an_older_time_is_still_noticed(vault: Path, tmp_path: Path):
    load(vault, tmp_path / "cache")
    beta = vault / "Notes/Beta.md"
    old = beta.read_text(encoding="utf-8")
    beta.write_text(old.replace("Alpha", "Gamma"), encoding="utf-8")  # same size
    past = time.time_ns() - int(120e9)
    os.utime(beta, ns=(past, past))  # and not recent: only the mtime's value tells
    run, notes = load(vault, tmp_path / "cache")
    assert run.misses == ["Notes/Beta.md"]
    assert notes["Notes/Beta.md"].links[0].target == "Gamma"


def test_a_deleted_file_is_gone_and_forgotten(vault: Path, tmp_path: Path):
    load(vault, tmp_path / "cache")
    (vault / "Notes/Beta.md").unlink()
    run, notes = load(vault, tmp_path / "cache")
    assert "Notes/Beta.md" not in notes and run.misses == []
    assert "Notes/Beta.md" not in IndexCache(vault, "", tmp_path / "cache").load()


def test_a_new_file_is_parsed_and_then_cached(vault: Path, tmp_path: Path):
    load(vault, tmp_path / "cache")
    write_vault(vault, {"Notes/Gamma.md": "# Gamma\n[[Alpha]]\n"})
    age(vault / "Notes/Gamma.md")
    run, notes = load(vault, tmp_path / "cache")
    assert run.misses == ["Notes/Gamma.md"] and "Notes/Gamma.md" in notes
    again, _ = load(vault, tmp_path / "cache")
    assert again.misses == []


def test_a_settings_change_empties_the_cache(vault: Path, tmp_path: Path):
    load(vault, tmp_path / "cache", parser_settings="setting=a")
    run, _ = load(vault, tmp_path / "cache", parser_settings="setting=b")
    assert hits(run) == set()
    back, _ = load(vault, tmp_path / "cache", parser_settings="setting=b")
    assert back.misses == []


def test_settings_that_affect_parsing_are_part_of_the_fingerprint(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cache_module, "PARSE_SETTINGS", ("dangling_links",))
    a = cache_module.settings_key(Settings(dangling_links="warning"))
    b = cache_module.settings_key(Settings(dangling_links="error"))
    assert cache_module.fingerprint(a) != cache_module.fingerprint(b)


def test_a_new_vaultls_version_empties_the_cache(vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    load(vault, tmp_path / "cache")
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    run, _ = load(vault, tmp_path / "cache")
    assert hits(run) == set()


def test_a_new_encoding_format_empties_the_cache(vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    load(vault, tmp_path / "cache")
    monkeypatch.setattr(encoding, "FORMAT", encoding.FORMAT + 1)
    run, _ = load(vault, tmp_path / "cache")
    assert hits(run) == set()


# --------------------------------------------------------------------------- damage


def test_a_corrupt_cache_file_is_ignored_and_rebuilt(vault: Path, tmp_path: Path):
    first, cold = load(vault, tmp_path / "cache")
    path = first.cache.path  # type: ignore[union-attr]
    path.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    run, notes = load(vault, tmp_path / "cache")
    assert hits(run) == set() and notes == cold
    rebuilt, again = load(vault, tmp_path / "cache")
    assert rebuilt.misses == [] and again == cold


def test_a_damaged_entry_is_a_miss(vault: Path, tmp_path: Path):
    import sqlite3

    first, cold = load(vault, tmp_path / "cache")
    conn = sqlite3.connect(first.cache.path)  # type: ignore[union-attr]
    conn.execute("UPDATE notes SET data = substr(data, 1, 20) || x'00ff00ff' WHERE path = 'Home.md'")
    conn.commit()
    conn.close()
    run, notes = load(vault, tmp_path / "cache")
    assert run.misses == ["Home.md"] and notes == cold


def test_files_written_just_now_are_not_cached(tmp_path: Path):
    root = write_vault(tmp_path / "fresh", {"a.md": "[[b]]"})
    load(root, tmp_path / "cache")
    run, _ = load(root, tmp_path / "cache")
    assert run.misses == ["a.md"]


def test_the_cache_is_never_written_inside_the_vault(vault: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(vault / ".cache"))
    cache = IndexCache.for_settings(vault, Settings())
    assert not cache.enabled
    load_vault(vault, Settings())
    assert not (vault / ".cache").exists()


def test_default_location_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_module.cache_dir() == tmp_path / "xdg" / "vaultls"


def test_load_vault_uses_and_fills_the_cache(vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(load_module, "MIN_NOTES_TO_CACHE", 0)
    cold, _ = load_vault(vault, Settings())
    for thread in __import__("threading").enumerate():
        if thread.name == "vaultls-cache-save":
            thread.join()
    entries = IndexCache.for_settings(vault, Settings()).load()
    assert set(entries) == set(cold.notes)
    warm, _ = load_vault(vault, Settings())
    assert {p: n.parsed for p, n in warm.notes.items()} == {p: n.parsed for p, n in cold.notes.items()}


def test_worker_processes_give_the_same_notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    files = {
        f"Folder {i % 4}/Note {i}.md": f"# Note {i}\n[[Note {i + 1}]] and [[Note {i}#Note {i}]] #t{i}x\n"
        for i in range(40)
    }
    root = write_vault(tmp_path / "many", files)
    monkeypatch.setattr(load_module, "POOL_MIN_NOTES", 10)
    assert bulk_check.main_is_safe()  # pytest's entry points are guarded
    from_workers: list[str] = []
    original = VaultLoader.from_workers

    def counting(self: VaultLoader, loaded: list) -> list:
        from_workers.extend(rel for rel, *_ in loaded)
        return original(self, loaded)

    monkeypatch.setattr(VaultLoader, "from_workers", counting)
    age(root)
    pooled = VaultLoader(root, Settings(), cache=IndexCache(root, "", tmp_path / "cache"), workers=2)
    pooled.discover()
    from_pool = {rel: parsed for batch in pooled.batches() for rel, parsed, _ in batch}
    pooled.save()
    assert sorted(from_workers) == sorted(files)
    assert set(IndexCache(root, "", tmp_path / "cache").load()) == set(files)  # stored by the workers
    local = VaultLoader(root, Settings(), use_cache=False, workers=0)
    local.discover()
    in_process = {rel: parsed for batch in local.batches() for rel, parsed, _ in batch}
    assert from_pool == in_process and len(in_process) == 40


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="no process priorities here")
def test_scan_workers_run_at_a_lower_priority_than_the_server():
    own = os.getpriority(os.PRIO_PROCESS, 0)
    pool = WorkerPool(1, niceness=load_module.WORKER_NICENESS)
    try:
        worker = os.getpriority(os.PRIO_PROCESS, pool.pids[0])
    finally:
        pool.shutdown()
    assert worker == min(own + load_module.WORKER_NICENESS, 19)


def test_small_vaults_get_no_cache_file(vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    run = VaultLoader(vault, Settings(), workers=0)
    run.discover()
    assert run.cache is None  # 3 notes: parsing is cheaper than a file per folder
    load_vault(vault, Settings())
    assert not (tmp_path / "xdg" / "vaultls").exists() or not list((tmp_path / "xdg" / "vaultls").iterdir())


def test_caches_of_vaults_not_opened_for_a_month_are_deleted(vault: Path, tmp_path: Path):
    folder = tmp_path / "cache"
    load(vault, folder)
    old = folder / "0123456789abcdef01234567.sqlite3"
    old.write_bytes(b"")
    recent = folder / "fedcba9876543210fedcba98.sqlite3"
    recent.write_bytes(b"")
    month_ago = time.time() - (cache_module.STALE_DAYS + 1) * 86400
    os.utime(old, (month_ago, month_ago))
    (vault / "Notes/Beta.md").write_text("changed\n", encoding="utf-8")
    load(vault, folder)  # writes, and so tidies up
    assert not old.exists() and recent.exists()
