"""Roots and settings: which vault a URI belongs to and under which path (`locate`), whether
vaultls may read a vault path (`contained`), how an open document is keyed (`doc_key`), and
the settings the client sent for each root (`ClientSettings`)."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pygls.uris import from_fs_path, to_fs_path

from vaultls.vault.index import Note, Vault
from vaultls.vault.settings import Settings, build_settings
from vaultls.vault.store.walk import is_hidden

ANY_ROOT = Path("*")  # the key of workspace settings that apply to every root


@dataclass
class NoteRef:
    """Where a URI lives in the model."""

    vault: Vault
    path: str  # vault-relative

    @property
    def note(self) -> Note | None:
        return self.vault.notes.get(self.path)


def locate(vaults: Mapping[Path, Vault], uri: str) -> NoteRef | None:
    """The vault and vault-relative path of a URI, or None when it is not a note of ours
    (outside every root, hidden, excluded, or not a file)."""
    if not uri.startswith("file:"):
        return None
    fs_path = to_fs_path(uri)
    if fs_path is None:
        return None
    path = Path(fs_path)
    best = vault_containing(vaults, path)
    if best is None:
        path = path.resolve()
        best = vault_containing(vaults, path)
    if best is None:
        return None
    rel = path.relative_to(best.root).as_posix()
    if is_hidden(rel) or best.settings.exclude.matches(rel):
        return None
    return NoteRef(best, rel)


def vault_containing(vaults: Mapping[Path, Vault], path: Path) -> Vault | None:
    """The vault with the deepest root that holds `path` (roots may nest)."""
    best: Vault | None = None
    for root, vault in vaults.items():
        if path.is_relative_to(root) and (best is None or len(root.parts) > len(best.root.parts)):
            best = vault
    return best


def contained(vault: Vault, path: str) -> bool:
    """Whether vaultls may read a vault path: it is no symbolic link to a folder, and where it
    really is lies inside the vault. `walk` decides so for the first scan; this is the same
    rule for what comes later (a closed buffer read again, a watched-file event, a note replaced
    by a link since), so a link planted in a cloned vault never makes vaultls read `~/.ssh`."""
    file = vault.abspath(path)
    real_root = os.path.realpath(vault.root)
    real = os.path.realpath(file)
    if os.path.commonpath([real_root, real]) != real_root:
        return False
    return not (os.path.islink(file) and os.path.isdir(real))


def uri_of(vault: Vault, path: str) -> str:
    return from_fs_path(str(vault.abspath(path))) or ""


def doc_key(uri: str) -> str:
    """The key of an open document: its URI as vaultls writes it. Clients percent-encode
    file URIs differently (`%C3%A9` or `é`, `%3A` or `:`), so a buffer is found by its path,
    and diagnostics still go out under the client's own spelling (`OpenDocument.uri`)."""
    if uri.startswith("file:"):
        fs_path = to_fs_path(uri)
        if fs_path is not None:
            return from_fs_path(fs_path) or uri
    return uri


# `doc_key`, remembered: it parses and rebuilds the URI, and `didChange` asks for every
# keystroke. It depends on nothing but the string, so it never goes stale.
key_of = functools.lru_cache(maxsize=10_000)(doc_key)


class ClientSettings:
    """What the client said about settings: its `initializationOptions`, and its answers to
    `workspace/configuration` (section `vaultls`) by root, `ANY_ROOT` for every root. With the
    defaults and each root's `.vaultls.toml` they make a root's `Settings` (`settings_for`)."""

    def __init__(self) -> None:
        self.init_options: dict[str, Any] = {}
        self.by_root: dict[Path, dict[str, Any]] = {}

    def set_init_options(self, options: object) -> str | None:
        """Take `initializationOptions` (their own object, or one under `vaultls`); a message
        saying why when they are no object."""
        if isinstance(options, dict):
            inner = options.get("vaultls")
            self.init_options = inner if isinstance(inner, dict) else options
        elif options is not None:
            return "initializationOptions must be an object; ignored"
        return None

    def settings_for(self, root: Path) -> tuple[Settings, list[str]]:
        """The settings of the vault at `root`, and what was wrong with any layer of them."""
        return build_settings(
            root,
            (self.init_options, "initializationOptions"),
            (self.by_root.get(root) or self.by_root.get(ANY_ROOT), "workspace settings"),
        )
