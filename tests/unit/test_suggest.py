"""The link suggester (`vault/suggest.py`): what `[[` offers and in which order — match quality
first (exact, prefix, word, substring, fuzzy), then the more linked and more recently modified
target, then the shorter path; aliases as items of their own; only files Obsidian shows."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path
from typing import Any

import pytest

from vaultls.vault import names
from vaultls.vault.index import Vault
from vaultls.vault.name_index import NameIndex
from vaultls.vault.parse import parse
from vaultls.vault.suggest import (
    EXACT,
    FUZZY,
    LATER,
    PREFIX,
    SUBSTRING,
    WORD,
    Candidates,
    Found,
    Suggester,
    is_supported,
    popularity_ranks,
)

LIMIT = 50


def vault_of(root: Path, notes: dict[str, str], files: tuple[str, ...] = ()) -> Vault:
    vault = Vault(root)
    for path, text in notes.items():
        vault.upsert(path, parse(text))
    for path in files:
        vault.add_attachment(path)
    return vault


def suggester(vault: Vault) -> Suggester:
    """A suggester ranked as the server's background steps leave it."""
    suggest = Suggester(vault, NameIndex(vault))
    for step in suggest.refresh_steps(indexed=True):
        step()
    return suggest


def shown(found: list[Found]) -> list[str]:
    """Each suggestion as its label: a note's name, a file's name, or `alias (of path)`."""
    return [
        f"{f.alias} (of {f.path})" if f.alias is not None else names.strip_note_suffix(names.last_component(f.path))
        for f in found
    ]


# ------------------------------------------------------------------ aliases (issue 17)


def test_an_alias_is_offered_when_a_word_of_it_matches(tmp_path: Path) -> None:
    vault = vault_of(tmp_path, {"People/Lenin.md": "---\naliases: [Vladimir Lenin]\n---\n"})
    assert shown(suggester(vault).suggest("Len", LIMIT)) == ["Lenin", "Vladimir Lenin (of People/Lenin.md)"]


def test_an_alias_is_offered_when_it_starts_with_what_was_typed(tmp_path: Path) -> None:
    vault = vault_of(tmp_path, {"People/Lenin.md": "---\naliases: [Vladimir Lenin, Ulyanov]\n---\n"})
    assert shown(suggester(vault).suggest("vlad", LIMIT)) == ["Vladimir Lenin (of People/Lenin.md)"]


def test_an_alias_that_is_the_notes_own_name_is_not_offered_twice(tmp_path: Path) -> None:
    vault = vault_of(tmp_path, {"Lenin.md": "---\naliases: [lenin]\n---\n"})
    assert shown(suggester(vault).suggest("len", LIMIT)) == ["Lenin"]


def test_after_brackets_alone_notes_and_files_come_before_aliases(tmp_path: Path) -> None:
    vault = vault_of(tmp_path, {"Lenin.md": "---\naliases: [Alpha]\n---\n", "Zeta.md": ""}, ("pic.png",))
    found = suggester(vault).suggest("", LIMIT)
    assert [f.alias for f in found] == [None, None, None, "Alpha"]
    assert found[-1].tier == LATER


# ------------------------------------------------------------------ ranking (issue 24)


def test_match_quality_ranks_first(tmp_path: Path) -> None:
    notes = {f"{name}.md": "" for name in ("Silent", "Lenient", "Len", "Len Deighton", "Old Lens", "L-e-n")}
    found = suggester(vault_of(tmp_path, notes)).suggest("len", LIMIT)
    assert [(f.tier, shown([f])[0]) for f in found] == [
        (EXACT, "Len"),
        (PREFIX, "Lenient"),  # the shorter path first within a tier
        (PREFIX, "Len Deighton"),
        (WORD, "Old Lens"),
        (SUBSTRING, "Silent"),
        (FUZZY, "L-e-n"),
    ]


def test_a_more_linked_note_comes_first_within_a_tier(tmp_path: Path) -> None:
    notes = {
        "Marxism.md": "",
        "Marx and Engels.md": "",
        "a.md": "[[Marx and Engels]]",
        "b.md": "[[Marx and Engels]]",
    }
    found = suggester(vault_of(tmp_path, notes)).suggest("marx", LIMIT)
    assert shown(found) == ["Marx and Engels", "Marxism"]


def test_links_count_in_doubling_buckets(tmp_path: Path) -> None:
    """Two and three linking notes are the same bucket: the shorter path decides."""
    notes = {"Long Name.md": "", "Short.md": ""}
    notes |= {f"l{i}.md": "[[Long Name]]" for i in range(3)}
    notes |= {f"s{i}.md": "[[Short]]" for i in range(2)}
    ranks = popularity_ranks(vault_of(tmp_path, notes), {})
    assert ranks["Short.md"] < ranks["Long Name.md"]


def test_a_recently_modified_note_comes_first_among_equally_linked_ones(tmp_path: Path) -> None:
    for name, mtime in (("Plan A.md", 1_000_000), ("Plan B.md", 2_000_000), ("Plan C.md", 1_500_000)):
        (tmp_path / name).write_text("", encoding="utf-8")
        os.utime(tmp_path / name, (mtime, mtime))
    vault = vault_of(tmp_path, {"Plan A.md": "", "Plan B.md": "", "Plan C.md": ""})
    assert shown(suggester(vault).suggest("plan", LIMIT)) == ["Plan B", "Plan C", "Plan A"]


def test_refreshing_reads_only_the_notes_that_changed(tmp_path: Path) -> None:
    vault = vault_of(tmp_path, {f"n{i}.md": "" for i in range(1200)})
    suggest = Suggester(vault, NameIndex(vault))
    steps = suggest.refresh_steps(indexed=True)
    # times in six chunks of 200, backlinks in two of 1000, the sort, 3 candidate sets, taken
    assert len(steps) == 6 + 2 + 1 + 4
    for step in steps:
        step()
    assert suggest.refresh_steps(indexed=True) == []
    vault.upsert("n7.md", parse("edited"))
    assert len(suggest.refresh_steps(indexed=True)) == 1 + 2 + 1 + 4


def test_a_large_vault_is_ranked_again_only_once_a_hundredth_of_its_notes_changed(tmp_path: Path) -> None:
    """Ranking costs the whole vault; a note being typed in changes on every keystroke. In a
    vault larger than one step, its time is read and the ranking kept until 1% of the notes
    changed since (a small vault is ranked again at once: the first test above)."""
    vault = vault_of(tmp_path, {f"n{i}.md": "" for i in range(2500)})
    suggest = Suggester(vault, NameIndex(vault))
    for step in suggest.refresh_steps(indexed=True):
        step()
    vault.upsert("n7.md", parse("edited"))
    steps = suggest.refresh_steps(indexed=True)
    assert len(steps) == 1  # its time alone
    steps[0]()
    ranks = suggest.ranks()
    for i in range(100, 123):  # 23 more: 24 of 2,500 changed, the ranking stays
        vault.upsert(f"n{i}.md", parse("edited"))
    steps = suggest.refresh_steps(indexed=True)
    assert len(steps) == 1
    steps[0]()
    vault.upsert("n200.md", parse("edited"))  # the 25th
    steps = suggest.refresh_steps(indexed=True)
    assert len(steps) == 1 + 3 + 1 + 4  # its time, backlinks in three chunks, the sort, the candidates, taken
    for step in steps:
        step()
    assert suggest.ranks() is not ranks and suggest.refresh_steps(indexed=True) == []


def test_a_request_during_a_new_ranking_is_answered_from_the_last_one_and_builds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The candidates of a new ranking are built in background steps before it is taken: a
    request between the sort and the last step uses the previous ranking's candidates (at
    100,000 notes a request that built them itself waited ~0.4 s)."""
    notes = {"Plans/Plan long.md": "", "Plan.md": "", "a.md": "[[Plan long]]"}
    vault = vault_of(tmp_path, notes | {f"n{i}.md": "" for i in range(2000)})
    suggest = Suggester(vault, NameIndex(vault))
    assert shown(suggest.suggest("pla", LIMIT)) == ["Plan", "Plan long"]  # by path length until ranked
    steps = suggest.refresh_steps(indexed=True)
    built: list[int] = []
    init = Candidates.__init__

    def counted(self: Candidates, *args: Any) -> None:
        built.append(len(args[0]))
        init(self, *args)

    for step in steps[:-1]:
        step()
        monkeypatch.setattr(Candidates, "__init__", counted)
        assert shown(suggest.suggest("pla", LIMIT)) == ["Plan", "Plan long"]
        monkeypatch.setattr(Candidates, "__init__", init)
    assert built == []
    steps[-1]()
    monkeypatch.setattr(Candidates, "__init__", counted)
    assert shown(suggest.suggest("pla", LIMIT)) == ["Plan long", "Plan"] and built == []


def test_modification_times_the_scan_took_are_not_read_again(tmp_path: Path) -> None:
    """The scan stats every note before reading it; completion ranks by those times and
    reads only a note changed since (or one the scan saw written moments before: -1)."""
    vault = vault_of(tmp_path, {f"n{i}.md": "" for i in range(1200)})
    stats = {path: (0, 1_000 + i) for i, path in enumerate(vault.notes)}
    stats["n3.md"] = (0, -1)
    suggest = Suggester(vault, NameIndex(vault))
    suggest.know_mtimes(stats)
    vault.upsert("n7.md", parse("edited"))
    steps = suggest.refresh_steps(indexed=True)
    assert len(steps) == 1 + 2 + 1 + 4  # n3 and n7 in one chunk, backlinks in two, the sort, the candidates, taken
    for step in steps:
        step()
    assert suggest.refresh_steps(indexed=True) == []


def test_before_the_index_is_complete_a_large_vaults_targets_rank_by_path_length(tmp_path: Path) -> None:
    """Before the scan's second pass no backlink is filed: nothing is ranked in the background
    then, and in a large vault the shorter path comes first; once indexed, the more linked."""
    notes = {"Plans/Plan long.md": "", "Plan.md": "", "a.md": "[[Plan long]]"}
    vault = vault_of(tmp_path, notes | {f"n{i}.md": "" for i in range(2000)})
    suggest = Suggester(vault, NameIndex(vault))
    assert suggest.refresh_steps(indexed=False) == []
    assert shown(suggest.suggest("pla", LIMIT)) == ["Plan", "Plan long"]
    for step in suggest.refresh_steps(indexed=True):
        step()
    assert shown(suggest.suggest("pla", LIMIT)) == ["Plan long", "Plan"]


def test_a_small_vault_ranks_by_backlinks_from_the_first_request(tmp_path: Path) -> None:
    vault = vault_of(tmp_path, {"Plans/Plan long.md": "", "Plan.md": "", "a.md": "[[Plan long]]"})
    assert shown(Suggester(vault, NameIndex(vault)).suggest("pla", LIMIT)) == ["Plan long", "Plan"]


def test_paths_are_matched_when_a_slash_is_typed(tmp_path: Path) -> None:
    vault = vault_of(tmp_path, {"People/Lenin.md": "---\naliases: [People person]\n---\n", "Peoples.md": ""})
    assert [f.path for f in suggester(vault).suggest("people/", LIMIT)] == ["People/Lenin.md"]


# ------------------------------------------------------------------ which files (issue 24)


def test_files_obsidian_does_not_show_are_not_offered(tmp_path: Path) -> None:
    files = ("data.json", "conf.yaml", "Notes.txt", "pic.png", "Board.canvas", "Table.base", "song.mp3", "doc.pdf")
    vault = vault_of(tmp_path, {"Dat.md": ""}, files)
    offered = {f.path for f in suggester(vault).suggest("", LIMIT)}
    assert offered == {"Dat.md", "pic.png", "Board.canvas", "Table.base", "song.mp3", "doc.pdf"}


def test_is_supported_follows_obsidians_accepted_formats() -> None:
    for path in ("a.md", "a.PNG", "x/y.jpeg", "a.avif", "a.webp", "a.3gp", "a.mkv", "a.webm", "a.pdf", "a.canvas"):
        assert is_supported(path), path
    for path in ("a.json", "a.yaml", "a.txt", "a.markdown", "png", ".png", "a.png.bak", "a"):
        assert not is_supported(path), path


def test_show_unsupported_files_in_app_json_offers_every_file(tmp_path: Path) -> None:
    vault = vault_of(tmp_path, {"Dat.md": ""}, ("data.json",))
    suggest = suggester(vault)
    assert [f.path for f in suggest.suggest("dat", LIMIT)] == ["Dat.md"]
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "app.json").write_text('{"showUnsupportedFiles": true}', encoding="utf-8")
    assert [f.path for f in suggest.suggest("dat", LIMIT)] == ["Dat.md", "data.json"]
    (tmp_path / ".obsidian" / "app.json").write_text('{"showUnsupportedFiles": false, "x": 1}', encoding="utf-8")
    assert [f.path for f in suggest.suggest("dat", LIMIT)] == ["Dat.md"]


def test_a_broken_or_hostile_app_json_is_obsidians_default(tmp_path: Path) -> None:
    vault = vault_of(tmp_path, {"Dat.md": ""}, ("data.json",))
    (tmp_path / ".obsidian").mkdir()
    app = tmp_path / ".obsidian" / "app.json"
    outside = tmp_path.parent / f"{tmp_path.name}-outside.json"
    outside.write_text('{"showUnsupportedFiles": true}', encoding="utf-8")
    for text in ("{not json", '"showUnsupportedFiles"', '{"showUnsupportedFiles": "yes"}', "[" * 100_000):
        app.write_text(text, encoding="utf-8")
        assert [f.path for f in suggester(vault).suggest("dat", LIMIT)] == ["Dat.md"], text[:30]
    app.unlink()
    app.symlink_to(outside)  # a link out of the vault is not followed
    assert [f.path for f in suggester(vault).suggest("dat", LIMIT)] == ["Dat.md"]


# ------------------------------------------------------------------ the index equals the definition

NAMES = [
    "Anarchism",
    "anarchy",
    "Mutual Aid",
    "Aid",
    "Dual Power",
    "Méthode",
    "日本語ノート",
    "Paris Commune",
    "labor aristocracy",
    "a",
    "ab",
    "b a",
    "a-b",
    "a.b",
    "(y)",
    "a]b",
    "🌱 Seedling",
    "Reading list",
    "Trotsky",
    "Lenin",
    "e\u0301t\u00e9",
]
WORD_STARTS = " /-_.([,'\""


def tier_of(key: str, wanted: str) -> int | None:
    if key == wanted:
        return EXACT
    if key.startswith(wanted):
        return PREFIX
    if any(key[i - 1] in WORD_STARTS and key.startswith(wanted, i) for i in range(1, len(key))):
        return WORD
    if wanted in key:
        return SUBSTRING
    if len(wanted) >= 2 and re.search(".*?".join(map(re.escape, wanted)), key):
        return FUZZY
    return None


def brute_force(vault: Vault, typed: str) -> list[tuple[int, str, str | None]]:
    """Every candidate tiered by the definition and sorted: (tier, popularity, alias after its
    note, the vault's order of aliases)."""
    ranks = popularity_ranks(vault, {})
    wanted = names.key(typed.strip())
    by_path = "/" in typed
    rows = []
    for path in [*vault.notes, *sorted(vault.attachments)]:
        if not (path in vault.notes or is_supported(path)):
            continue
        text = path if by_path else (vault.notes[path].name if path in vault.notes else names.last_component(path))
        tier = PREFIX if not wanted else tier_of(names.key(text), wanted)
        if tier is not None:
            rows.append((tier, ranks[path], 0, 0, path, None))
    if not by_path:
        place = 0
        for path, note in vault.notes.items():
            for alias in note.aliases:
                if names.key(alias) == names.key(note.name):
                    continue
                tier = LATER if not wanted else tier_of(names.key(alias), wanted)
                if tier is not None:
                    rows.append((tier, ranks[path], 1, place, path, alias))
                place += 1
    rows.sort(key=lambda r: r[:4])
    return [(tier, path, alias) for tier, _, _, _, path, alias in rows[:LIMIT]]


def test_suggestions_equal_ranking_every_candidate_by_the_definition(tmp_path: Path) -> None:
    rng = random.Random(5)
    for seed in range(3):
        vault = Vault(tmp_path)
        for i in range(120 + 150 * seed):
            name = rng.choice(NAMES) + (f" {rng.randint(1, 30)}" if rng.random() < 0.6 else "")
            folder = rng.choice(["", "People/", "Archive/Old/", "Ünï/"])
            aliases = ", ".join(f'"{a}"' for a in rng.sample(NAMES, rng.randint(0, 2)))
            links = " ".join(f"[[{rng.choice(NAMES)}]]" for _ in range(rng.randint(0, 3)))
            vault.upsert(f"{folder}{name} {i}.md", parse(f"---\naliases: [{aliases}]\n---\n{links}\n"))
        for i in range(20):
            vault.add_attachment(f"Files/{rng.choice(NAMES)} {i}.{rng.choice(['png', 'json', 'pdf'])}")
        suggest = suggester(vault)
        wanted = ["", "a", "A ", "an", "ab", "zzq", "aid", "ré", "日本", "(", "a/", "people/", "old/tr", "mut aid"]
        for path in rng.sample(list(vault.notes), 20):
            key = names.key(names.strip_note_suffix(path))
            wanted += [key[:1], key[:3], key[2:6], key[::2][:4], names.key(names.last_component(key))[:4]]
        for typed in wanted:
            got = [(f.tier, f.path, f.alias) for f in suggest.suggest(typed, LIMIT)]
            assert got == brute_force(vault, typed), typed
