"""File systems that ignore case (macOS, Windows): the probe that finds them, and what the
server does in a vault on one. This machine's file system minds case, so a vault is marked as
ignoring it (`VaultLanguageServer.case_insensitive`, what the probe fills in) and its files
exist under one spelling at a time, as they would there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lsprotocol import types

from tests.conftest import write_vault
from vaultls.lsp import roots
from vaultls.lsp.app import create_server
from vaultls.lsp.roots import NoteRef, locate, probe_case_insensitive, real_spelling
from vaultls.lsp.server import VaultLanguageServer

Deleted, Created, Changed = types.FileChangeType.Deleted, types.FileChangeType.Created, types.FileChangeType.Changed


def test_a_file_system_that_minds_case_is_found_so(tmp_path: Path):
    write_vault(tmp_path / "Vault", {"Note.md": "x"})
    assert probe_case_insensitive(tmp_path / "Vault") is False


def test_a_file_system_that_ignores_case_is_found_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    write_vault(tmp_path / "Vault", {"Note.md": "x"})
    real_lstat = os.lstat

    def lstat(path: str | Path) -> os.stat_result:
        """Every spelling of a name is the one file, as on APFS or NTFS."""
        folder, name = os.path.split(path)
        listed = {n.lower(): n for n in os.listdir(folder)}
        return real_lstat(os.path.join(folder, listed.get(name.lower(), name)))

    monkeypatch.setattr(roots.os, "lstat", lstat)
    assert probe_case_insensitive(tmp_path / "Vault") is True


def test_two_files_whose_names_differ_in_case_only_mean_case_matters(tmp_path: Path):
    write_vault(tmp_path / "Vault", {"Note.md": "x", "nOTE.md": "y"})
    assert probe_case_insensitive(tmp_path / "Vault") is False


def test_a_link_spelled_in_the_other_case_does_not_fool_the_probe(tmp_path: Path):
    write_vault(tmp_path / "Vault", {"Note.md": "x"})
    (tmp_path / "Vault" / "nOTE.md").symlink_to(tmp_path / "Vault" / "Note.md")
    assert probe_case_insensitive(tmp_path / "Vault") is False


def test_the_spelling_on_disk_is_found_for_any_case(tmp_path: Path):
    root = write_vault(tmp_path / "v", {"Daily Notes/Monday.md": "x"})
    assert real_spelling(root, "daily notes/MONDAY.md") == "Daily Notes/Monday.md"


def test_a_name_listed_as_written_is_its_own_spelling(tmp_path: Path):
    root = write_vault(tmp_path / "v", {"note.md": "x", "Note.md": "y"})
    assert real_spelling(root, "Note.md") == "Note.md"


def test_a_file_that_is_not_there_has_no_spelling(tmp_path: Path):
    root = write_vault(tmp_path / "v", {"Note.md": "x"})
    assert real_spelling(root, "Other.md") is None
    assert real_spelling(root, "Note.md/x.md") is None


def test_a_decomposed_name_on_disk_is_found_from_a_composed_uri(tmp_path: Path):
    root = write_vault(tmp_path / "v", {"Cafe\u0301.md": "x"})  # as HFS+ stores it
    assert real_spelling(root, "CAF\u00c9.md") == "Cafe\u0301.md"


def _server(root: Path, ignores_case: bool = True) -> VaultLanguageServer:
    ls = create_server()
    vault = ls.add_root(root)
    if ignores_case:
        ls.case_insensitive.add(root)
    for path in sorted(root.rglob("*.md")):
        ls.update_note(NoteRef(vault, path.relative_to(root).as_posix()))
    return ls


def _notes(ls: VaultLanguageServer, root: Path) -> set[str]:
    return set(ls.vaults[root].notes)


def test_a_uri_that_differs_in_case_names_the_indexed_note(tmp_path: Path):
    root = write_vault(tmp_path / "v", {"People/Trotsky.md": "# Trotsky"})
    ls = _server(root)
    ref = ls.locate((root / "people" / "TROTSKY.md").as_uri())
    assert ref is not None and ref.path == "People/Trotsky.md"


def test_a_uri_that_differs_in_case_from_the_root_is_in_the_vault(tmp_path: Path):
    root = write_vault(tmp_path / "Vault", {"Note.md": "x"})
    ls = _server(root)
    ref = locate(ls.vaults, (tmp_path / "VAULT" / "Note.md").as_uri(), ls.case_insensitive)
    assert ref is not None and ref.path == "Note.md"


def test_where_case_matters_a_uri_in_another_case_names_another_file(tmp_path: Path):
    root = write_vault(tmp_path / "v", {"Note.md": "x"})
    ls = _server(root, ignores_case=False)
    ref = ls.locate((root / "NOTE.md").as_uri())
    assert ref is not None and ref.path == "NOTE.md"


@pytest.mark.parametrize(
    "events", [[("note.md", Deleted), ("Note.md", Created)], [("Note.md", Created), ("note.md", Deleted)]]
)
def test_a_rename_that_changes_only_case_keeps_one_note_at_every_step(tmp_path: Path, events):
    root = write_vault(tmp_path / "v", {"note.md": "# Note\n\n[[Other]]\n", "Other.md": "[[note]]\n"})
    ls = _server(root)
    (root / "note.md").rename(root / "Note.md")
    for name, kind in events:
        ls.file_event((root / name).as_uri(), kind)
        assert _notes(ls, root) == {"Note.md", "Other.md"}, (name, kind)
    note = ls.vaults[root].notes["Note.md"]
    assert [link.target for link in note.parsed.links] == ["Other"]


def test_a_folder_renamed_in_case_only_keeps_its_notes(tmp_path: Path):
    root = write_vault(tmp_path / "v", {"Projects/Plan.md": "# Plan\n"})
    ls = _server(root)
    (root / "Projects").rename(root / "projects")
    for name, kind in (("Projects", Deleted), ("projects", Created)):
        ls.file_event((root / name).as_uri(), kind)
    assert _notes(ls, root) == {"projects/Plan.md"}


def test_a_note_really_deleted_is_gone(tmp_path: Path):
    root = write_vault(tmp_path / "v", {"Note.md": "x", "Other.md": "y"})
    ls = _server(root)
    (root / "Note.md").unlink()
    ls.file_event((root / "note.md").as_uri(), Deleted)
    assert _notes(ls, root) == {"Other.md"}


def test_where_case_matters_two_notes_that_differ_in_case_are_both_kept(tmp_path: Path):
    root = write_vault(tmp_path / "v", {"note.md": "x"})
    ls = _server(root, ignores_case=False)
    (root / "Note.md").write_text("y", encoding="utf-8")
    ls.file_event((root / "Note.md").as_uri(), Created)
    assert _notes(ls, root) == {"note.md", "Note.md"}


async def test_opening_a_note_under_another_case_indexes_no_second_note(tmp_path: Path):
    root = write_vault(tmp_path / "v", {"Note.md": "# Note\n"})
    ls = _server(root)
    ls.open_document((root / "NOTE.md").as_uri(), "# Note\n\nedited\n", 1)
    assert _notes(ls, root) == {"Note.md"}
    assert [h.text for h in ls.vaults[root].notes["Note.md"].parsed.headings] == ["Note"]
    ls.diagnostics.clear((root / "NOTE.md").as_uri())
