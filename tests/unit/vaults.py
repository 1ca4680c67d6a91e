"""Vaults in memory, for unit tests that need no disk."""

from __future__ import annotations

from pathlib import Path

from vaultls.vault import names
from vaultls.vault.index import Vault
from vaultls.vault.parse import parse
from vaultls.vault.settings import Settings


def vault_of(files: dict[str, str], settings: Settings | None = None) -> Vault:
    vault = Vault(Path("/vault"), settings)
    for path, text in files.items():
        if names.is_note_path(path):
            vault.upsert(path, parse(text))
        else:
            vault.add_attachment(path)
    return vault


def resolve(vault: Vault, source: str, index: int = 0):
    return vault.resolve(source, vault.notes[source].parsed.links[index])
