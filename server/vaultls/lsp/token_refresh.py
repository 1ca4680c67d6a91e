"""Semantic tokens follow the vault (`workspace/semanticTokens/refresh`).

Whether a link is drawn as dangling depends on other notes: the editor asks for a note's tokens
again when that note changes, never when a note it links to is created or deleted. So after a
change that may have made links of open notes lead elsewhere, the client is asked to ask
again: once for a burst of changes (`TOKEN_REFRESH_DELAY`: a `git checkout` is hundreds of file
events), and only when it said it can be (`workspace.semanticTokens.refreshSupport`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from typing import Any, Protocol

from vaultls.lsp.documents import OpenDocument
from vaultls.lsp.refresh_timer import RefreshTimer
from vaultls.lsp.roots import doc_key
from vaultls.vault.index import Vault

# Short: a dangling link should change colour about when its diagnostic goes.
TOKEN_REFRESH_DELAY = 0.1


class Host(Protocol):
    """What the refresh needs of the language server."""

    @property
    def documents(self) -> Mapping[str, OpenDocument]: ...
    def client_supports(self, field: str, default: Any = None) -> Any: ...
    def uri_of(self, vault: Vault, path: str) -> str: ...
    def workspace_semantic_tokens_refresh(self, params: None, callback: Any = ...) -> Future[None]: ...


class TokenRefresh:
    """Sends `workspace/semanticTokens/refresh` after the model changed (`changed`, `changed_all`)."""

    def __init__(self, host: Host) -> None:
        self.host = host
        send = functools.partial(host.workspace_semantic_tokens_refresh, None)
        self._timer = RefreshTimer(TOKEN_REFRESH_DELAY, send, "semantic tokens")

    @property
    def supported(self) -> bool:
        return bool(self.host.client_supports("workspace.semantic_tokens.refresh_support", False))

    def changed(self, affected: Sequence[tuple[Vault, str]]) -> None:
        """These notes changed, or what their links lead to did. A note changed alone has its
        tokens asked for by the editor already; with others (the notes linking to a name that
        came or went), refresh when one of them is open."""
        if len(affected) < 2 or not self.host.documents or not self.supported:
            return
        if any(doc_key(self.host.uri_of(vault, path)) in self.host.documents for vault, path in affected):
            self._timer.schedule()

    def changed_all(self) -> None:
        """Anything may have changed (the end of a scan, settings)."""
        if self.host.documents and self.supported:
            self._timer.schedule()
