"""Obsidian's `.obsidian/app.json`, as vaultls reads it (vault/obsidian_app.py): where a new
note goes, and a file that cannot be used is Obsidian's defaults."""

from __future__ import annotations

from pathlib import Path

from vaultls.vault.obsidian_app import new_note_folder, new_note_path, read_app_json


def write_app(root: Path, data: bytes) -> None:
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "app.json").write_bytes(data)


def test_app_json_settings_are_read(tmp_path: Path):
    write_app(tmp_path, b'{"newFileLocation": "current"}')
    assert read_app_json(tmp_path) == {"newFileLocation": "current"}


def test_a_vault_without_app_json_has_no_settings(tmp_path: Path):
    assert read_app_json(tmp_path) == {}


def test_app_json_that_is_not_json_is_ignored(tmp_path: Path):
    write_app(tmp_path, b'{"newFileLocation": ')
    assert read_app_json(tmp_path) == {}


def test_app_json_that_is_not_an_object_is_ignored(tmp_path: Path):
    write_app(tmp_path, b'["current"]')
    assert read_app_json(tmp_path) == {}


def test_app_json_linked_outside_the_vault_is_not_read(tmp_path: Path):
    vault, outside = tmp_path / "vault", tmp_path / "secret.json"
    vault.mkdir()
    outside.write_text('{"newFileLocation": "current"}', encoding="utf-8")
    (vault / ".obsidian").mkdir()
    (vault / ".obsidian" / "app.json").symlink_to(outside)
    assert read_app_json(vault) == {}


def test_an_oversized_app_json_is_not_read(tmp_path: Path):
    write_app(tmp_path, b'{"newFileLocation": "current", "x": "' + b"a" * (5 * 1024 * 1024) + b'"}')
    assert read_app_json(tmp_path) == {}


def test_new_notes_go_to_the_root_by_default():
    assert new_note_folder({}, "People/Trotsky.md") == ""


def test_new_notes_go_beside_the_linking_note_with_current():
    assert new_note_folder({"newFileLocation": "current"}, "People/Trotsky.md") == "People"


def test_new_notes_go_to_the_named_folder_with_folder():
    app = {"newFileLocation": "folder", "newFileFolderPath": "/Inbox/New/"}
    assert new_note_folder(app, "People/Trotsky.md") == "Inbox/New"


def test_a_folder_outside_the_vault_is_the_root():
    app = {"newFileLocation": "folder", "newFileFolderPath": "../elsewhere"}
    assert new_note_folder(app, "People/Trotsky.md") == ""


def test_a_bare_name_goes_to_the_new_note_folder():
    app = {"newFileLocation": "folder", "newFileFolderPath": "Inbox"}
    assert new_note_path(app, "People/Trotsky.md", "Kuomintang", relative=False) == "Inbox/Kuomintang.md"


def test_a_name_with_a_folder_is_a_path_from_the_root():
    app = {"newFileLocation": "current"}
    assert new_note_path(app, "People/Trotsky.md", "Events/New Event", relative=False) == "Events/New Event.md"


def test_a_relative_link_is_from_the_linking_notes_folder():
    assert new_note_path({}, "People/Trotsky.md", "../Events/Purge.md", relative=True) == "Events/Purge.md"


def test_a_link_climbing_out_of_the_vault_creates_nothing():
    assert new_note_path({}, "People/Trotsky.md", "../../outside", relative=True) is None
