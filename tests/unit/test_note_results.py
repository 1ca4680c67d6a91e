"""What the server remembers of each note's problems between diagnostics runs
(lsp/note_results.py): kept until a change affects the note, and result ids that say whether
the problems themselves changed."""

from __future__ import annotations

from pathlib import Path

from vaultls.lsp.note_results import VaultResults
from vaultls.vault.index import Vault
from vaultls.vault.parse import parse


def vault_of(notes: dict[str, str]) -> Vault:
    vault = Vault(Path("/nonexistent-vault"))
    for path, text in notes.items():
        vault.upsert(path, parse(text))
    return vault


def test_a_result_is_kept_until_its_note_is_forgotten():
    vault = vault_of({"A.md": "[[Gone]]\n", "B.md": "[[A]]\n"})
    results = VaultResults(vault, "s")
    first = results.check("A.md")
    assert results.check("A.md") is first
    results.forget(["A.md"])
    assert results.current("A.md") is None


def test_a_note_replaced_without_a_word_is_checked_again():
    vault = vault_of({"A.md": "[[Gone]]\n"})
    results = VaultResults(vault, "s")
    results.check("A.md")
    vault.upsert("A.md", parse("[[Also gone]]\n"))
    assert results.current("A.md") is None
    found = results.check("A.md")
    assert found is not None and found.problems[0].message == 'no note named "Also gone" in the vault'


def test_the_same_problems_keep_the_same_result_id():
    vault = vault_of({"A.md": "[[Gone]]\n"})
    results = VaultResults(vault, "s")
    first = results.check("A.md")
    vault.upsert("A.md", parse("[[Gone]]\n"))
    results.forget(["A.md"])
    again = results.check("A.md")
    assert first is not None and again is not None and again is not first
    assert again.result_id == first.result_id


def test_other_problems_get_another_result_id():
    vault = vault_of({"A.md": "[[Gone]]\n"})
    results = VaultResults(vault, "s")
    first = results.check("A.md")
    created = vault.upsert("Gone.md", parse("# Gone\n"))
    results.forget(created)  # the index names A.md among the notes a new Gone.md affects
    again = results.check("A.md")
    assert first is not None and again is not None
    assert (first.problems != [], again.problems) == (True, [])
    assert again.result_id != first.result_id


def test_new_settings_forget_every_result():
    vault = vault_of({"A.md": "[[Gone]]\n"})
    results = VaultResults(vault, "s")
    results.check("A.md")
    vault.settings = type(vault.settings)(dangling_links="error")
    assert results.current("A.md") is None
