"""Completion's precomputed name index ranks exactly as comparing every name would, and follows
the vault when notes, attachments or aliases change."""

from __future__ import annotations

import random
import re
from pathlib import Path

from lsprotocol import types

from vaultls.lsp.features import completion
from vaultls.vault import names
from vaultls.vault.index import Vault
from vaultls.vault.parse import parse

RANGE = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))

NAMES = [
    "Anarchism", "anarchy", "Mutual Aid", "Aid", "Dual Power", "Power", "Méthode", "Methode",
    "日本語ノート", "Zürich notes", "Paris Commune", "Commune", "labor aristocracy", "Labor", "a",
    "ab", "b a", "x/y", "🌱 Seedling", "Reading list", "Reading", "Trotsky", "Lenin", "Marx",
]


def brute_force(vault: Vault, wanted: str, by_path: bool) -> tuple[int, list[str]]:
    """The ranking as it was first written: every target keyed and compared."""
    targets = [*vault.notes, *sorted(vault.attachments)]
    subsequence = re.compile(".*?".join(map(re.escape, wanted))) if len(wanted) >= 2 else None
    ranked = []
    for path in targets:
        note = vault.notes.get(path)
        label = note.name if note is not None else names.last_component(path)
        key = names.key(path if by_path else label)
        if key.startswith(wanted):
            ranked.append((0, key, path))
        elif wanted and (f" {wanted}" in key or f"/{wanted}" in key):
            ranked.append((1, key, path))
        elif subsequence is not None and subsequence.search(key):
            ranked.append((2, key, path))
    ranked.sort(key=lambda r: (r[0], len(r[1]), r[1]))
    return len(ranked), [path for _, _, path in ranked[: completion.MAX_ITEMS]]


def make_vault(count: int, seed: int) -> Vault:
    rng = random.Random(seed)
    vault = Vault(Path("/nowhere"))
    for i in range(count):
        name = rng.choice(NAMES) + (f" {rng.randint(1, 40)}" if rng.random() < 0.6 else "")
        folder = rng.choice(["", "People/", "Concepts/", "Archive/Old/", "Ünïcode/"])
        aliases = ", ".join(rng.sample(NAMES, rng.randint(0, 2)))
        vault.upsert(f"{folder}{name}.md", parse(f"---\naliases: [{aliases}]\n---\n" if aliases else ""))
    for i in range(count // 10):
        vault.add_attachment(f"Attachments/{rng.choice(NAMES)} {i}.png")
    return vault


def prefixes(vault: Vault, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = ["", "a", "zzqx", "ea", "/", " ", "a ", "mé", "日本"]
    for path in rng.sample(list(vault.notes), 25):
        key = names.key(path)
        out += [key[:1], key[:3], key, key[2:5], key[::2][:4], names.key(names.last_component(path))[:4]]
    return out


def test_ranking_equals_comparing_every_name():
    for seed in range(4):
        vault = make_vault(150 + 200 * seed, seed)
        targets = completion._Targets.of(vault)
        for wanted in prefixes(vault, seed):
            for by_path in (False, True):
                expected = brute_force(vault, wanted, by_path)
                count, best = (targets.paths if by_path else targets.names).rank(wanted, completion.MAX_ITEMS)
                assert best == expected[1], (wanted, by_path)
                if expected[0] < completion.MAX_ITEMS:
                    assert count == expected[0], (wanted, by_path)
                else:
                    assert count >= completion.MAX_ITEMS, (wanted, by_path)


def brute_force_aliases(vault: Vault, wanted: str, room: int) -> list[tuple[str, str]]:
    out = []
    for path, note in vault.notes.items():
        for alias in note.parsed.aliases:
            if names.key(alias).startswith(wanted):
                out.append((alias, path))
    return out[:room]


def test_alias_items_equal_scanning_every_alias():
    vault = make_vault(300, 7)
    for wanted in prefixes(vault, 7):
        for room in (0, 1, 5, 50):
            items = completion._alias_items(vault, wanted, RANGE, "]]", room)
            got = [(item.label, item.text_edit.new_text) for item in items]
            want = [(a, f"{vault.shortest_link(p)}|{a}]]") for a, p in brute_force_aliases(vault, wanted, room)]
            assert got == want, (wanted, room)


def test_index_follows_added_removed_and_changed_notes():
    vault = make_vault(50, 3)
    assert completion._Targets.of(vault).names.rank("zzyzx", 50) == (0, [])
    vault.upsert("New/Zzyzx.md", parse("---\naliases: [Zulu]\n---\n"))
    assert completion._Targets.of(vault).names.rank("zzyzx", 50) == (1, ["New/Zzyzx.md"])
    assert [i.label for i in completion._alias_items(vault, "zu", RANGE, "", 5)] == ["Zulu"]
    vault.upsert("New/Zzyzx.md", parse("---\naliases: [Zeta]\n---\n"))  # same note, new aliases
    assert completion._alias_items(vault, "zu", RANGE, "", 5) == []
    assert [i.label for i in completion._alias_items(vault, "ze", RANGE, "", 5)] == ["Zeta"]
    vault.remove("New/Zzyzx.md")
    assert completion._Targets.of(vault).names.rank("zzyzx", 50) == (0, [])
    assert completion._alias_items(vault, "ze", RANGE, "", 5) == []
    vault.add_attachment("zzyzx.png")
    assert completion._Targets.of(vault).names.rank("zzyzx", 50) == (1, ["zzyzx.png"])
    vault.remove_attachment("zzyzx.png")
    assert completion._Targets.of(vault).names.rank("zzyzx", 50) == (0, [])
