"""Files of a stranger's vault that vaultls reads on the vault's say-so (settings, Obsidian's
property types, schemas, notes): only regular files really inside the vault, never blocking,
never more than a few MB, and a clear message otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.unit.hostile import within
from vaultls.vault.contained import MAX_CONFIG_BYTES, NotReadable, read_contained
from vaultls.vault.schema import read_types
from vaultls.vault.settings import build_settings
from vaultls.vault.store.read import read_note

SECRET = "TOPSECRET-9f3e"

pytestmark = pytest.mark.unit


def test_a_config_linked_to_dev_zero_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".vaultls.toml").symlink_to("/dev/zero")
    settings, errors = within(10, build_settings, tmp_path)
    assert settings.exclude.patterns == ()
    assert len(errors) == 1 and "outside the vault" in errors[0]


def test_types_json_linked_to_dev_zero_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "types.json").symlink_to("/dev/zero")
    types = within(10, read_types, tmp_path)
    assert types is not None and types.types == {} and "outside the vault" in (types.error or "")


def test_a_config_linked_outside_the_vault_is_neither_applied_nor_echoed(tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere.toml"
    secret.write_text(f'exclude = ["x"]\n{SECRET} = "{SECRET}"\n', encoding="utf-8")
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / ".vaultls.toml").symlink_to(secret)
    settings, errors = build_settings(vault)
    assert settings.exclude.patterns == ()
    assert errors and not any(SECRET in error for error in errors)


def test_a_config_linked_inside_the_vault_is_read(tmp_path: Path) -> None:
    (tmp_path / "settings").mkdir()
    (tmp_path / "settings" / "vaultls.toml").write_text('exclude = ["Drafts/**"]\n', encoding="utf-8")
    (tmp_path / ".vaultls.toml").symlink_to(tmp_path / "settings" / "vaultls.toml")
    settings, errors = build_settings(tmp_path)
    assert errors == [] and settings.exclude.patterns == ("Drafts/**",)


def test_a_config_larger_than_the_cap_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".vaultls.toml").write_bytes(b"#" * (MAX_CONFIG_BYTES + 1))
    settings, errors = build_settings(tmp_path)
    assert len(errors) == 1 and "larger than" in errors[0]


def test_a_fifo_config_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / ".vaultls.toml")
    settings, errors = within(10, build_settings, tmp_path)
    assert len(errors) == 1 and "not a regular file" in errors[0]


def test_a_fifo_note_is_not_read_and_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    assert within(10, read_note, tmp_path / "pipe.md") is None


def test_a_note_read_from_a_folder_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "folder.md").mkdir()
    assert read_note(tmp_path / "folder.md") is None


def test_deeply_nested_types_json_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "types.json").write_text("[" * 200_000, encoding="utf-8")
    types = within(30, read_types, tmp_path)
    assert types is not None and types.types == {} and "nested too deeply" in (types.error or "")


def test_deeply_nested_toml_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / ".vaultls.toml").write_text("x = " + "[" * 100_000, encoding="utf-8")
    settings, errors = within(30, build_settings, tmp_path)
    assert len(errors) == 1 and "invalid TOML" in errors[0]


def test_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_contained(tmp_path, tmp_path / "nothing.toml")


def test_a_dangling_link_is_not_readable(tmp_path: Path) -> None:
    (tmp_path / "x.toml").symlink_to(tmp_path / "gone")
    with pytest.raises((NotReadable, FileNotFoundError)):
        read_contained(tmp_path, tmp_path / "x.toml")
