"""Code lens counts follow the vault (`workspace/codeLens/refresh`).

A note's "N backlinks" lens changes when *another* note gains or loses a link to it: the
editor asks for a note's lenses again when that note changes, never when another one does. So
after the model changed, the client is asked to ask again: once for a burst of changes
(`LENS_REFRESH_DELAY`), only when it said it can be (`workspace.codeLens.refreshSupport`), and
only when some open note is not itself one of the notes that changed (a note being typed in
alone has its lenses asked for by the editor already).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from typing import Any, Protocol

from vaultls.lsp.documents import OpenDocument
from vaultls.lsp.refresh_timer import RefreshTimer
from vaultls.lsp.roots import doc_key
from vaultls.vault.index import Vault

# Long enough that typing in one note refreshes the lenses of the others once per pause.
LENS_REFRESH_DELAY = 0.3


class Host(Protocol):
    """What the refresh needs of the language server."""

    @property
    def documents(self) -> Mapping[str, OpenDocument]: ...
    def client_supports(self, field: str, default: Any = None) -> Any: ...
    def uri_of(self, vault: Vault, path: str) -> str: ...
    def workspace_code_lens_refresh(self, params: None, callback: Any = ...) -> Future[None]: ...


class LensRefresh:
    """Sends `workspace/codeLens/refresh` after the model changed (`changed`, `changed_all`)."""

    def __init__(self, host: Host) -> None:
        self.host = host
        send = functools.partial(host.workspace_code_lens_refresh, None)
        self._timer = RefreshTimer(LENS_REFRESH_DELAY, send, "code lenses")

    @property
    def supported(self) -> bool:
        try:
            return bool(self.host.client_supports("workspace.code_lens.refresh_support", False))
        except AttributeError:  # before `initialize`: no client capabilities, no client to ask
            return False

    def changed(self, affected: Iterable[tuple[Vault, str]]) -> None:
        """These notes changed (or what they link to did): refresh when another note is open."""
        if not self.host.documents or not self.supported:
            return
        changed = {doc_key(self.host.uri_of(vault, path)) for vault, path in affected}
        if any(key not in changed for key in self.host.documents):
            self._timer.schedule()

    def changed_all(self) -> None:
        """Anything may have changed (the end of a scan, settings)."""
        if self.host.documents and self.supported:
            self._timer.schedule()
