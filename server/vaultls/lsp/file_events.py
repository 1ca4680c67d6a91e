"""Files created, changed or deleted outside the editor (`workspace/didChangeWatchedFiles`):
what one event changes in the index, and which notes' problems it affects. Only what changed
is read again; a schema file or `.vaultls.toml` re-checks the open notes or applies the
settings. Never a rebuild of the whole vault for one event."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from lsprotocol import types

from vaultls.lsp.documents import OpenDocument
from vaultls.lsp.roots import NoteRef, contained, doc_key, fs_path
from vaultls.vault import names
from vaultls.vault.index import Vault
from vaultls.vault.store.walk import walk


class Host(Protocol):
    """What a file event needs of the language server."""

    @property
    def vaults(self) -> Mapping[Path, Vault]: ...
    @property
    def documents(self) -> Mapping[str, OpenDocument]: ...
    def locate(self, uri: str) -> NoteRef | None: ...
    def update_note(self, ref: NoteRef, text: str | None = None, valid_utf8: bool = True) -> set[str]: ...
    def apply_settings(self, vault: Vault) -> None: ...
    def refresh_all(self) -> None: ...


def apply_file_event(host: Host, uri: str, kind: types.FileChangeType) -> set[tuple[Vault, str]]:
    """Bring the index up to date with one file event; returns the (vault, note) affected."""
    path = fs_path(uri)
    if path is None:
        return set()
    for vault in list(host.vaults.values()):
        # A schema file, a file one `$ref`s, or `.obsidian/types.json` (hidden, so before
        # `locate`): drop the compiled schemas and re-check every open note.
        if vault.schemas.watches(path, vault.settings):
            vault.schemas.invalidate()
            host.refresh_all()
    for root, vault in list(host.vaults.items()):
        if path == root / ".vaultls.toml":
            host.apply_settings(vault)
            return set()
    ref = host.locate(uri)
    if ref is None:
        return set()
    vault, rel = ref.vault, ref.path
    affected: set[str] = set()
    if doc_key(uri) in host.documents:
        return set()  # the open buffer wins until it is closed
    if kind == types.FileChangeType.Deleted:
        prefix = rel + "/"
        gone_notes = [p for p in vault.notes if p == rel or p.startswith(prefix)]
        gone_files = [p for p in vault.attachments if p == rel or p.startswith(prefix)]
        for p in gone_notes:
            affected |= vault.remove(p)
        for p in gone_files:
            affected |= vault.remove_attachment(p)
    elif not contained(vault, rel):  # now a link to outside (or to a folder): never followed
        affected |= vault.remove(rel) | vault.remove_attachment(rel)
    elif path.is_dir():
        if kind == types.FileChangeType.Created and not vault.files.skips(rel, is_dir=True):
            # A folder moved in: its files come with it.
            found = walk(vault.root, vault.files, rel)
            for sub in found.attachments:
                affected |= vault.add_attachment(sub)
            for sub in found.notes:
                affected |= host.update_note(NoteRef(vault, sub))
    elif names.is_note_path(rel):
        affected |= host.update_note(ref)
    elif kind == types.FileChangeType.Created:
        affected |= vault.add_attachment(rel)
    return {(vault, p) for p in affected}
