"""The incremental index: every change reports who is affected, and any sequence of changes
leaves the index equal to one rebuilt from scratch."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.vaults import vault_of
from vaultls.vault.check import check_vault
from vaultls.vault.index import Vault
from vaultls.vault.parse import parse


def test_creating_a_note_affects_notes_linking_its_name():
    vault = vault_of({"a.md": "[[Kuomintang]]", "b.md": "[[kuomintang#History]]", "c.md": "[[Other]]"})
    assert vault.upsert("Kuomintang.md", parse("# History")) == {"Kuomintang.md", "a.md", "b.md"}


def test_deleting_a_note_affects_its_linkers():
    vault = vault_of({"Note.md": "", "a.md": "[[Note]]"})
    assert vault.remove("Note.md") == {"a.md"}


def test_changing_a_heading_affects_linkers():
    vault = vault_of({"Note.md": "# A", "a.md": "[[Note#A]]"})
    assert vault.upsert("Note.md", parse("# B")) == {"Note.md", "a.md"}


def test_changing_body_text_only_affects_the_note_itself():
    vault = vault_of({"Note.md": "# A\ntext", "a.md": "[[Note#A]]"})
    assert vault.upsert("Note.md", parse("# A\nother text")) == {"Note.md"}


def test_adding_an_alias_affects_links_to_that_alias():
    vault = vault_of({"Bonapartism.md": "", "a.md": "[[Bonapartist]]"})
    assert "a.md" in vault.upsert("Bonapartism.md", parse("---\naliases: [Bonapartist]\n---\n"))


def test_adding_an_attachment_affects_its_linkers():
    vault = vault_of({"a.md": "![[pic.png]]"})
    assert vault.add_attachment("img/pic.png") == {"a.md"}


def test_links_are_forgotten_when_a_note_changes():
    vault = vault_of({"a.md": "[[Old]]"})
    vault.upsert("a.md", parse("[[New]]"))
    assert vault.linkers_of("old") == set() and vault.linkers_of("new") == {"a.md"}


# ---------------------------------------------------------------- property

NAMES = ["Alpha", "alpha", "Beta", "Gamma", "Kuomintang"]
FOLDERS = ["", "x/", "x/y/"]
BODIES = st.lists(
    st.sampled_from(
        [
            "[[Alpha]]",
            "[[beta#H1]]",
            "[[Gamma#^b1]]",
            "[[x/Alpha]]",
            "[[Kuomintang]]",
            "![[pic.png]]",
            "# H1",
            "## H2",
            "para ^b1",
            "---\naliases: [Kuomintang]\n---",
            "[m](Beta.md)",
            "```\n[[Alpha]]\n```",
        ]
    ),
    max_size=5,
).map("\n".join)
PATHS = st.builds(lambda f, n: f"{f}{n}.md", st.sampled_from(FOLDERS), st.sampled_from(NAMES))
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("upsert"), PATHS, BODIES),
        st.tuples(st.just("remove"), PATHS, st.just("")),
        st.tuples(st.just("attach"), st.sampled_from(["pic.png", "x/pic.png"]), st.just("")),
        st.tuples(st.just("detach"), st.sampled_from(["pic.png", "x/pic.png"]), st.just("")),
    ),
    max_size=25,
)


def rebuilt(notes: dict[str, str], attachments: set[str]) -> Vault:
    fresh = Vault(Path("/vault"))
    for path in sorted(attachments):
        fresh.add_attachment(path)
    for path, text in sorted(notes.items()):
        fresh.upsert(path, parse(text))
    return fresh


def problems_by_note(vault: Vault) -> dict[str, list]:
    out: dict[str, list] = {}
    for problem in check_vault(vault):
        out.setdefault(problem.path, []).append(problem)
    return out


@settings(max_examples=150, deadline=None)
@given(OPS)
def test_incremental_index_equals_rebuilt_index_and_reports_every_affected_note(ops):
    vault = Vault(Path("/vault"))
    notes: dict[str, str] = {}
    attachments: set[str] = set()
    for op, path, body in ops:
        before = problems_by_note(vault)
        if op == "upsert":
            affected = vault.upsert(path, parse(body))
            notes[path] = body
        elif op == "remove":
            affected = vault.remove(path)
            notes.pop(path, None)
        elif op == "attach":
            affected = vault.add_attachment(path)
            attachments.add(path)
        else:
            affected = vault.remove_attachment(path)
            attachments.discard(path)
        after = problems_by_note(vault)
        changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p) and p in notes}
        assert changed <= affected, (op, path, changed - affected)

    fresh = rebuilt(notes, attachments)
    assert check_vault(vault) == check_vault(fresh)
    assert vault.notes.keys() == fresh.notes.keys()
    for path in notes:
        for link in vault.notes[path].parsed.links:
            assert vault.resolve(path, link) == fresh.resolve(path, link)
    for name in NAMES:
        assert sorted(vault.notes_named(name)) == sorted(fresh.notes_named(name))
        assert vault.linkers_of(name.lower()) == fresh.linkers_of(name.lower())
