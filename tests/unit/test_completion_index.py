"""Completion's index of a vault's names follows the vault when notes, attachments or aliases
change, and is kept while they do not (the suggester's ranking: test_suggest.py)."""

from __future__ import annotations

import asyncio
import random
import re
from pathlib import Path

from lsprotocol import types

from vaultls.lsp.features import completion_warmup
from vaultls.vault import name_index
from vaultls.vault.index import Vault
from vaultls.vault.name_index import NameIndex
from vaultls.vault.parse import parse
from vaultls.vault.suggest import Suggester

RANGE = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))

NAMES = [
    "Anarchism",
    "anarchy",
    "Mutual Aid",
    "Aid",
    "Dual Power",
    "Power",
    "Méthode",
    "Methode",
    "日本語ノート",
    "Zürich notes",
    "Paris Commune",
    "Commune",
    "labor aristocracy",
    "Labor",
    "a",
    "ab",
    "b a",
    "x/y",
    "🌱 Seedling",
    "Reading list",
    "Reading",
    "Trotsky",
    "Lenin",
    "Marx",
]


def make_vault(count: int, seed: int) -> Vault:
    rng = random.Random(seed)
    vault = Vault(Path("/nowhere"))
    for _ in range(count):
        name = rng.choice(NAMES) + (f" {rng.randint(1, 40)}" if rng.random() < 0.6 else "")
        folder = rng.choice(["", "People/", "Concepts/", "Archive/Old/", "Ünïcode/"])
        aliases = ", ".join(rng.sample(NAMES, rng.randint(0, 2)))
        vault.upsert(f"{folder}{name}.md", parse(f"---\naliases: [{aliases}]\n---\n" if aliases else ""))
    for i in range(count // 10):
        vault.add_attachment(f"Attachments/{rng.choice(NAMES)} {i}.png")
    return vault


def test_index_follows_added_removed_and_changed_notes():
    vault = make_vault(50, 3)
    index = NameIndex(vault)
    assert "New/Zzyzx.md" not in index.targets().ordered
    vault.upsert("New/Zzyzx.md", parse("---\naliases: [Zulu]\n---\n"))
    assert "New/Zzyzx.md" in index.targets().ordered
    assert "Zulu" in alias_labels(index, "zu")
    vault.upsert("New/Zzyzx.md", parse("---\naliases: [Zeta]\n---\n"))  # same note, new aliases
    assert "Zulu" not in alias_labels(index, "zu")
    assert "Zeta" in alias_labels(index, "ze")
    vault.remove("New/Zzyzx.md")
    assert "New/Zzyzx.md" not in index.targets().ordered
    assert "Zeta" not in alias_labels(index, "ze")
    vault.add_attachment("zzyzx.png")
    assert "zzyzx.png" in index.targets().ordered
    vault.remove_attachment("zzyzx.png")
    assert "zzyzx.png" not in index.targets().ordered


def test_subsequence_pattern_matches_what_the_lazy_one_does():
    rng = random.Random(5)
    alphabet = "ab]^-\\.é🌱 "
    for _ in range(3000):
        key = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        wanted = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 4)))
        lazy = re.compile(".*?".join(map(re.escape, wanted)))
        assert bool(name_index.subsequence_across(wanted).search(key)) == bool(lazy.search(key)), (key, wanted)


def alias_labels(index: NameIndex, typed: str) -> list[str]:
    """The aliases the suggester over `index` offers for `typed` (see test_suggest.py)."""
    found = Suggester(index.vault, index).suggest(typed, 5)
    return [f.alias for f in found if f.alias is not None]


def test_typing_in_a_note_keeps_the_indices_and_an_alias_change_anywhere_is_seen():
    vault = make_vault(200, 11)
    index = NameIndex(vault)
    typed, other = list(vault.notes)[5], list(vault.notes)[150]
    vault.upsert(typed, parse("---\naliases: [Typed]\n---\n"))
    targets, aliases = index.targets(), index.aliases()
    for n in range(5):  # keystrokes: the typed note indexed again, a new object each time
        vault.upsert(typed, parse(f"---\naliases: [Typed]\n---\ntext {n}"))
        assert index.targets() is targets
        assert index.aliases() is aliases
    vault.upsert(typed, parse("---\naliases: [Typed again]\n---\n"))  # its own aliases change
    assert alias_labels(index, "typed") == ["Typed again"]
    # Another note gains an alias while the typed one is indexed again too.
    vault.upsert(typed, parse("---\naliases: [Typed again]\n---\nmore"))
    vault.upsert(other, parse("---\naliases: [Qwertyuiop]\n---\n"))
    assert alias_labels(index, "qwerty") == ["Qwertyuiop"]
    assert index.targets() is targets  # the same notes: names are kept
    # One note goes and another comes: as many notes as before, not the same ones.
    vault.remove(other)
    vault.upsert("Elsewhere/Qwertz.md", parse(""))
    assert "Elsewhere/Qwertz.md" in index.targets().ordered
    assert alias_labels(index, "qwerty") == []


def test_prepared_converter_makes_no_new_hooks_for_a_real_answer():
    """After `prepare_answer`, reading a keystroke and a completion request and writing an
    answer of any length finds every conversion ready (cattrs makes none: no cache miss)."""
    import json

    from pygls.protocol import JsonRPCResponseMessage

    from vaultls.lsp.app import create_server

    ls = create_server()
    completion_warmup.prepare_answer(ls)
    protocol = ls.protocol
    dispatchers = [protocol._converter._structure_func.dispatch, protocol._converter._unstructure_func.dispatch]
    misses = [d.cache_info().misses for d in dispatchers]
    protocol.structure_message(
        {
            "jsonrpc": "2.0",
            "method": types.TEXT_DOCUMENT_DID_CHANGE,
            "params": {
                "textDocument": {"uri": "file:///n.md", "version": 7},
                "contentChanges": [
                    {"range": {"start": {"line": 3, "character": 1}, "end": {"line": 3, "character": 1}}, "text": "x"}
                ],
            },
        }
    )
    protocol.structure_message(
        {
            "jsonrpc": "2.0",
            "id": 9,
            "method": types.TEXT_DOCUMENT_COMPLETION,
            "params": {
                "textDocument": {"uri": "file:///n.md"},
                "position": {"line": 3, "character": 2},
                "context": {"triggerKind": 1},
            },
        }
    )
    items = [
        types.CompletionItem(
            label=f"n{i}",
            kind=types.CompletionItemKind.Reference,
            detail="d",
            filter_text="f",
            sort_text=f"{i:04d}",
            text_edit=types.TextEdit(range=RANGE, new_text=f"n{i}]]"),
        )
        for i in range(3)
    ]
    answer = JsonRPCResponseMessage(id=9, jsonrpc="2.0", result=types.CompletionList(is_incomplete=False, items=items))
    json.dumps(answer, default=protocol._serialize_message)
    assert [d.cache_info().misses for d in dispatchers] == misses


def test_a_vault_indexed_again_keeps_the_indices_and_the_check_cheap():
    """Every note replaced by a new object with the same name and aliases (the first scan's
    second pass does that): the indices hold, and only a few places are remembered to compare
    first, so later checks stay a comparison in C."""
    vault = make_vault(300, 4)
    index = NameIndex(vault)
    targets, aliases = index.targets(), index.aliases()
    for path, note in list(vault.notes.items()):
        vault.upsert(path, parse("---\naliases: [" + ", ".join(note.aliases) + "]\n---\nagain"))
    assert index.targets() is targets
    assert index.aliases() is aliases
    assert targets.seen.hot == [] and aliases.seen.hot == []
    first = list(vault.notes)[0]
    vault.upsert(first, parse("---\naliases: [" + ", ".join(vault.notes[first].aliases) + "]\n---\ntyped"))
    assert index.aliases() is aliases
    assert aliases.seen.hot == [0]


def test_a_warm_up_asked_for_while_one_runs_runs_once_more_after_it_not_beside_it() -> None:
    """Several notes opened while a vault is indexed each ask for completion's warm-up; it
    ranks the vault (and reads every note's modification time) once at a time: one more
    round after the running one covers every request made meanwhile."""
    from vaultls.lsp.caches import Rerun

    async def scenario() -> list[str]:
        events: list[str] = []
        release = asyncio.Event()

        async def work() -> None:
            events.append("start")
            await release.wait()
            events.append("end")

        flight = Rerun()
        flight.request(asyncio.ensure_future, work)
        await asyncio.sleep(0)
        for _ in range(3):  # three notes opened while the first round waits
            flight.request(asyncio.ensure_future, work)
        release.set()
        assert flight.task is not None
        await flight.task
        flight.request(asyncio.ensure_future, work)  # asked again later: a new round
        await flight.task
        return events

    assert asyncio.run(scenario()) == ["start", "end", "start", "end", "start", "end"]
