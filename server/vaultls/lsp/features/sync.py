"""Keeping the index in step with the editor's buffers and with files changed on disk."""

from __future__ import annotations

import logging
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from vaultls.lsp.documents import OpenDocument
from vaultls.lsp.features import completion
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import names
from vaultls.vault.roots import find_vault_root

log = logging.getLogger(__name__)


def did_open(ls: VaultLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    ls.documents[ls.doc_key(item.uri)] = OpenDocument(item.uri, item.text, item.version)
    ref = ls.locate(item.uri)
    if ref is None and not ls.vaults:
        _adopt_loose_root(ls, item.uri)
        ref = ls.locate(item.uri)
    if ref is None:
        return
    if not names.is_note_path(ref.path):
        return
    affected = ls.update_note(ref, item.text)
    ls.refresh((ref.vault, p) for p in affected)
    ls.schedule_diagnostics(item.uri, 0)
    ls.spawn(completion.prepare_when_idle(ls, ref.vault))  # a `[[` may come next


def _adopt_loose_root(ls: VaultLanguageServer, uri: str) -> None:
    """A client that named no workspace (`nvim note.md` outside any project): the vault is the
    nearest folder marked as one, else the note's own folder."""
    fs_path = to_fs_path(uri) if uri.startswith("file:") else None
    if fs_path is None:
        return
    root = find_vault_root(Path(fs_path))
    log.info("no workspace folder given; using %s as the vault", root)
    ls.rescan(ls.add_root(root))


def did_change(ls: VaultLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    """Apply the edit to the buffer only. A keystroke must cost next to nothing, or a burst of
    them delays the request typed after it; the model catches up once per burst (`sync_edits`,
    run before every other handler and when the edits pause)."""
    uri = params.text_document.uri
    key = ls.key_of(uri)
    doc = ls.documents.get(key)
    if doc is None:
        log.warning("didChange for %s, which was never opened; ignored", uri)
        return
    codec = ls.codec
    for change in params.content_changes:
        doc.apply(change, codec)
    doc.version = params.text_document.version
    ls.note_edited(key)


def did_close(ls: VaultLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.documents.pop(ls.doc_key(uri), None)
    ls.clear_diagnostics(uri)
    ref = ls.locate(uri)
    if ref is None or not names.is_note_path(ref.path):
        return
    affected = ls.update_note(ref)  # back to the file on disk (or gone, if it was deleted)
    ls.refresh((ref.vault, p) for p in affected)


def did_change_watched_files(ls: VaultLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    affected = set()
    for change in params.changes:
        affected |= ls.file_event(change.uri, change.type)
    ls.refresh(affected)
    for vault in list(ls.vaults.values()):
        # Notes or attachments may have come or gone (an attachment affects no note, so
        # `affected` does not tell): completion's indices are checked, and rebuilt if need
        # be, now rather than on the next keystroke.
        ls.spawn(completion.prepare_when_idle(ls, vault))


FEATURES = [
    (types.TEXT_DOCUMENT_DID_OPEN, None, did_open),
    (types.TEXT_DOCUMENT_DID_CHANGE, None, did_change),
    (types.TEXT_DOCUMENT_DID_CLOSE, None, did_close),
    (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, None, did_change_watched_files),
]
