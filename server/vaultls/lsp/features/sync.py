"""Keeping the index in step with the editor's buffers and with files changed on disk."""

from __future__ import annotations

from lsprotocol import types

from vaultls.lsp.features import completion_warmup
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.index import Vault


def did_open(ls: VaultLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    vault = ls.open_document(item.uri, item.text, item.version)
    if vault is not None:
        completion_warmup.warm_up(ls, vault)  # a `[[` may come next


def did_change(ls: VaultLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    """The buffer only: the model catches up once per burst (`VaultLanguageServer.edit_document`)."""
    ls.edit_document(params.text_document.uri, params.content_changes, params.text_document.version)


def did_close(ls: VaultLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.close_document(params.text_document.uri)


def did_change_watched_files(ls: VaultLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    affected: set[tuple[Vault, str]] = set()
    for change in params.changes:
        affected |= ls.file_event(change.uri, change.type)
    ls.refresh(affected)
    for vault in list(ls.vaults.values()):
        # Notes or attachments may have come or gone (an attachment affects no note, so
        # `affected` does not tell): completion's indices are checked, and rebuilt if need
        # be, now rather than on the next keystroke.
        completion_warmup.warm_up(ls, vault)


FEATURES = (
    (types.TEXT_DOCUMENT_DID_OPEN, None, did_open),
    (types.TEXT_DOCUMENT_DID_CHANGE, None, did_change),
    (types.TEXT_DOCUMENT_DID_CLOSE, None, did_close),
    (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, None, did_change_watched_files),
)
