"""Checking the files a pre-commit hook passes: paths relative to the repository root, the vault
a subfolder of it. Only the named notes are reported, each checked against the whole vault."""

from __future__ import annotations

from tests.cli.ci_helpers import check, vault_in_repo
from tests.conftest import write_vault

NOTES = {
    "Old.md": "[[Broken]]\n",  # committed long ago with a broken link
    "People/Ann.md": "# Ann\n",
    "Staged.md": "[[Ann]] [[People/Ann#Ann]] [[Nobody]]\n",
}


def test_only_the_named_notes_are_reported(tmp_path, monkeypatch, capsys):
    repo = vault_in_repo(tmp_path, write_vault, NOTES)
    monkeypatch.chdir(repo)
    run = check(capsys, "notes/Staged.md")
    # As ruff and mypy print them: relative to the current folder, so that they can be opened.
    assert run.out.splitlines() == ['notes/Staged.md:1:30: warning dangling-link no note named "Nobody" in the vault']
    assert run.code == 1


def test_named_notes_resolve_links_against_the_whole_vault(tmp_path, monkeypatch, capsys):
    repo = vault_in_repo(tmp_path, write_vault, {**NOTES, "Staged.md": "[[Ann]] [[People/Ann#Ann]]\n"})
    monkeypatch.chdir(repo)
    run = check(capsys, "notes/Staged.md")
    assert (run.code, run.out) == (0, "")


def test_several_named_notes_of_one_vault_are_checked_together(tmp_path, monkeypatch, capsys):
    repo = vault_in_repo(tmp_path, write_vault, NOTES)
    monkeypatch.chdir(repo)
    problems = check(capsys, "--format", "json", "notes/Staged.md", "notes/People/Ann.md", "notes/Old.md").json()
    assert sorted({p["path"] for p in problems}) == ["Old.md", "Staged.md"]


def test_github_paths_of_named_notes_are_relative_to_the_repository_root(tmp_path, monkeypatch, capsys):
    repo = vault_in_repo(tmp_path, write_vault, NOTES)
    monkeypatch.chdir(repo)
    run = check(capsys, "--format", "github", "notes/Staged.md")
    assert run.out.startswith("::warning file=notes/Staged.md,line=1,col=30,")
