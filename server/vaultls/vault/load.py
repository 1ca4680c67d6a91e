"""Building a whole `Vault` from disk, as `vaultls check` and the server's first scan do."""

from __future__ import annotations

from pathlib import Path

from vaultls.vault.index import Vault
from vaultls.vault.scan import load_note, walk
from vaultls.vault.settings import Settings


def load_vault(root: Path, settings: Settings) -> tuple[Vault, list[tuple[str, str]]]:
    """A full index of `root`; returns it and the (path, reason) of files that were skipped."""
    vault = Vault(root, settings)
    found = walk(root, settings.exclude)
    skipped = list(found.skipped)
    for rel in found.attachments:
        vault.add_attachment(rel)
    for rel in found.notes:
        loaded = load_note(vault.abspath(rel))
        if loaded is None:
            skipped.append((rel, "unreadable"))
            continue
        vault.upsert(rel, *loaded)
    return vault, skipped
