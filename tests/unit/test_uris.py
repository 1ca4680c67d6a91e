"""File URIs ⇄ paths ⇄ vault paths (`vaultls.vault.uris`), with Windows and macOS spellings
tested on any system through `PureWindowsPath` and `PurePosixPath`, hostile URIs that must
name no file at all, and backslashes in link targets (docs/semantics.md)."""

from __future__ import annotations

from pathlib import PurePath, PurePosixPath, PureWindowsPath

import pytest
from pygls.uris import from_fs_path

from tests.unit.vaults import resolve, vault_of
from vaultls.vault import uris

WIN = PureWindowsPath
POSIX = PurePosixPath


@pytest.mark.parametrize(
    "uri",
    [
        "file:///c%3A/Users/Me/Vault/My%20Note.md",  # VS Code
        "file:///C:/Users/Me/Vault/My%20Note.md",
        "file:///c:/Users/Me/Vault/My Note.md",
        "file://localhost/C:/Users/Me/Vault/My%20Note.md",
        "FILE:///C%3a/Users/Me/Vault/My%20Note.md",
    ],
)
def test_every_spelling_of_a_windows_drive_uri_names_the_same_file(uri: str):
    assert uris.to_path(uri, WIN) == WIN(r"C:\Users\Me\Vault\My Note.md")


def test_a_windows_uri_is_written_one_way_whatever_the_client_sent():
    sent = ["file:///c%3A/Users/Me/Caf%C3%A9.md", "file:///C:/Users/Me/Café.md", "file:///c:/Users/Me/Caf%c3%a9.md"]
    assert {uris.key(uri, WIN) for uri in sent} == {"file:///c:/Users/Me/Caf%C3%A9.md"}


def test_a_unc_uri_names_the_share():
    path = uris.to_path("file://server/share/Vault/Note.md", WIN)
    assert path == WIN(r"\\server\share\Vault\Note.md")
    assert uris.from_path(path, WIN) == "file://server/share/Vault/Note.md"


def test_a_wsl_share_is_a_share_too():
    assert uris.to_path("file://wsl%24/Ubuntu/home/me/Vault/a.md", WIN) == WIN(r"\\wsl$\Ubuntu\home\me\Vault\a.md")


@pytest.mark.parametrize(
    ("flavour", "path"),
    [
        (WIN, r"C:\Users\Me\Vault\Notes\My Note.md"),
        (WIN, r"\\server\share\Vault\Ünïcode #1 100%.md"),
        (POSIX, "/Users/me/Library/Mobile Documents/iCloud~md~obsidian/Documents/Vault/Ünïcode #1 100%.md"),
        (POSIX, "/home/me/vault/a:b;c?d.md"),
    ],
)
def test_a_path_survives_the_round_trip_through_its_uri(flavour: type[PurePath], path: str):
    assert uris.to_path(uris.from_path(path, flavour), flavour) == flavour(path)


def test_a_posix_file_name_that_is_not_utf8_survives_the_round_trip():
    path = uris.to_path("file:///vault/bad%FF.md", POSIX)
    assert path is not None
    assert uris.from_path(path, POSIX) == "file:///vault/bad%FF.md"


@pytest.mark.parametrize(
    "path", ["/home/me/vault/Note.md", "/home/me/My Vault/Café ü.md", "/tmp/x/a#b%c.md", "/v/[brackets] & (parens).md"]
)
def test_posix_uris_are_written_as_before(path: str):
    """Open documents are keyed by these URIs: the spelling must not change under the clients."""
    assert uris.from_path(path, POSIX) == from_fs_path(path)


def test_a_macos_path_is_inside_its_vault_whatever_its_case_when_the_file_system_ignores_it():
    root = POSIX("/Users/me/Vault")
    assert uris.relative(root, POSIX("/users/ME/vault/Notes/a.md"), ignore_case=True) == "Notes/a.md"
    assert uris.relative(root, POSIX("/users/ME/vault/Notes/a.md")) is None


def test_a_windows_path_is_inside_its_vault_whatever_its_case():
    assert uris.relative(WIN(r"C:\Users\Me\Vault"), WIN(r"c:\users\me\VAULT\Notes\a.md")) == "Notes/a.md"


def test_the_vault_path_keeps_the_case_the_uri_gave():
    assert uris.relative(WIN(r"C:\Vault"), WIN(r"C:\Vault\Sub\Note.md")) == "Sub/Note.md"


def test_the_root_itself_is_the_empty_vault_path():
    assert uris.relative(POSIX("/v"), POSIX("/v")) == ""


def test_a_path_beside_the_vault_is_outside_it():
    assert uris.relative(POSIX("/home/me/vault"), POSIX("/home/me/vault-private/secret.md")) is None
    assert uris.relative(WIN(r"C:\vault"), WIN(r"D:\vault\secret.md")) is None


def test_a_share_elsewhere_is_outside_a_vault_on_a_drive():
    path = uris.to_path("file://evil/share/vault/secret.md", WIN)
    assert path is not None and uris.relative(WIN(r"C:\vault"), path) is None


@pytest.mark.parametrize(
    ("uri", "flavour"),
    [
        ("file:///vault/../etc/passwd", POSIX),
        ("file:///vault/%2E%2E/etc/passwd", POSIX),
        ("file:///vault/sub%2F..%2F..%2Fetc/passwd", POSIX),
        ("file:///C:/vault/..%5C..%5CWindows/win.ini", WIN),
        ("file:///C:/vault/.. /secret.md", WIN),
        ("file:///C:/vault/.../secret.md", WIN),
        ("file://server/etc/passwd", POSIX),  # another machine is never `//server/etc/passwd` here
        ("file:///vault/a%00.md", POSIX),
        ("file:///C:/vault/a%00.md", WIN),
        ("file:///C:/vault/CON", WIN),
        ("file:///C:/vault/nul.md", WIN),
        ("file:///C:/vault/com1 .md", WIN),
        ("file:///C:/vault/note.md:secret", WIN),  # an alternate data stream
        ("file:////%3F/C:/Windows/win.ini", WIN),  # \\?\C:\…
        ("file:////./C:/vault/a.md", WIN),  # \\.\C:\…
        ("file://./C:/vault/a.md", WIN),
        ("file:///vault/a.md", WIN),  # no drive: relative to whichever drive is current
        ("file://[broken/x.md", POSIX),
        ("https://example.org/note.md", POSIX),
        ("untitled:Untitled-1", POSIX),
        ("vscode-notebook-cell:/vault/a.md", WIN),
    ],
)
def test_a_hostile_or_foreign_uri_names_no_file(uri: str, flavour: type[PurePath]):
    assert uris.to_path(uri, flavour) is None


def test_a_uri_that_names_no_file_is_its_own_key():
    assert uris.key("untitled:Untitled-1") == "untitled:Untitled-1"


@pytest.mark.parametrize(
    ("flavour", "root", "vault_path"),
    [
        (POSIX, "/v", "../secret.md"),
        (POSIX, "/v", "a//b.md"),
        (POSIX, "/v", "./a.md"),
        (POSIX, "/v", ""),
        (WIN, r"C:\v", r"..\..\secret.md"),
        (WIN, r"C:\v", "C:/Windows/win.ini"),
        (WIN, r"C:\v", "D:secret.md"),
        (WIN, r"C:\v", "note.md:stream"),
        (WIN, r"C:\v", "aux.md"),
    ],
)
def test_a_vault_path_that_could_lead_elsewhere_has_no_file(flavour: type[PurePath], root: str, vault_path: str):
    with pytest.raises(ValueError, match="not a path inside the vault"):
        uris.join(flavour(root), vault_path)


def test_a_vault_path_joins_its_parts_with_the_systems_separator():
    assert uris.join(WIN(r"C:\v"), "Notes/Sub/a.md") == WIN(r"C:\v\Notes\Sub\a.md")


def test_a_backslash_is_a_plain_character_of_a_posix_file_name():
    assert uris.join(POSIX("/v"), "a\\b.md") == POSIX("/v/a\\b.md")


def test_a_backslash_in_a_link_target_separates_folders_on_every_system():
    vault = vault_of({"Daily/2024-01-01.md": "", "a.md": "[[Daily\\2024-01-01]] [see](Daily\\2024-01-01.md)"})
    assert resolve(vault, "a.md").targets == ["Daily/2024-01-01.md"]
    assert resolve(vault, "a.md", 1).targets == ["Daily/2024-01-01.md"]


def test_a_backslash_path_that_climbs_out_of_the_vault_leads_nowhere():
    vault = vault_of({"a.md": "[[..\\..\\etc\\passwd]]"})
    assert resolve(vault, "a.md").dangling
