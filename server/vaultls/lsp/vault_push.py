"""Whole-vault problems for clients that get diagnostics pushed (Neovim), when a vault's
`diagnostics.scope` is `workspace`: the notes that are not open are checked in slices, in the
background, and each one's diagnostics are sent when they differ from what the client shows.
Open notes are `DiagnosticsPublisher`'s own (they follow the buffer, not the file).

After the scan every note is due; after a change, the notes it affects (`mark`); after a change
of settings or schemas, every note again, and every note shown before, which leaves the scope
(cleared) when the scope is `open` again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from lsprotocol import types

from vaultls.lsp.documents import OpenDocument
from vaultls.lsp.note_results import NoteResult, Pace, VaultResults, collector_paused
from vaultls.lsp.roots import NoteRef, doc_key
from vaultls.vault.index import Vault

log = logging.getLogger(__name__)


class Host(Protocol):
    """What pushing needs of the language server."""

    @property
    def documents(self) -> Mapping[str, OpenDocument]: ...
    @property
    def vaults(self) -> Mapping[Path, Vault]: ...
    @property
    def indexed(self) -> asyncio.Event: ...
    def locate(self, uri: str) -> NoteRef | None: ...
    def uri_of(self, vault: Vault, path: str) -> str: ...
    def text_document_publish_diagnostics(self, params: types.PublishDiagnosticsParams) -> None: ...


class Publisher(Protocol):
    """What pushing needs of `DiagnosticsPublisher`."""

    @property
    def host(self) -> Host: ...
    @property
    def empty_id(self) -> str: ...
    def results_for(self, vault: Vault) -> VaultResults: ...
    def diagnostics_of_result(self, vault: Vault, path: str, found: NoteResult) -> list[types.Diagnostic]: ...


class VaultPush:
    """The closed notes whose pushed diagnostics may be out of date, and the task that sends them."""

    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher
        self.shown: dict[str, str] = {}  # by `doc_key`: the result id of what the client shows
        self._due: dict[str, tuple[Vault, str]] = {}  # by `doc_key`: (vault, note path)
        self._task: asyncio.Task[Any] | None = None

    def mark(self, vault: Vault, path: str) -> None:
        """The note's problems may have changed (or it left the scope)."""
        self._due[self.publisher.host.uri_of(vault, path)] = (vault, path)
        self._start()

    def mark_all(self) -> None:
        """Every note of a whole-vault scope, and every note shown before, is due."""
        host = self.publisher.host
        for uri in list(self.shown):
            ref = host.locate(uri)
            if ref is None:
                self._clear(uri)
            else:
                self._due[uri] = (ref.vault, ref.path)
        for vault in list(host.vaults.values()):
            if vault.settings.diagnostics_scope == "workspace":
                for path in vault.notes:
                    self._due[host.uri_of(vault, path)] = (vault, path)
        self._start()

    def forget(self, uri: str) -> None:
        """The note is open: its diagnostics are the open notes' publisher's now."""
        self.shown.pop(doc_key(uri), None)

    def _start(self) -> None:
        if self._due and (self._task is None or self._task.done()):
            self._task = asyncio.ensure_future(self._run())
            self._task.add_done_callback(_log_failure)

    async def _run(self) -> None:
        host = self.publisher.host
        await host.indexed.wait()
        with collector_paused(self.publisher.results_for(v) for v in list(host.vaults.values())):
            await self._push_due(host)

    async def _push_due(self, host: Host) -> None:
        pace = Pace()
        while self._due:
            uri, (vault, path) = self._due.popitem()
            if uri in host.documents or host.vaults.get(vault.root) is not vault:
                continue  # open (published as such), or a vault scanned again (marks its own)
            if vault.settings.diagnostics_scope != "workspace" or path not in vault.notes:
                self._clear(uri)
                continue
            found = await self.publisher.results_for(vault).check_in_slices(path, pace)
            if found is None or uri in host.documents or not _still(host.vaults, vault, path):
                continue
            if self.shown.get(uri, self.publisher.empty_id) == found.result_id:
                continue
            self.shown[uri] = found.result_id
            diagnostics = self.publisher.diagnostics_of_result(vault, path, found)
            host.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    def _clear(self, uri: str) -> None:
        if self.shown.pop(uri, self.publisher.empty_id) != self.publisher.empty_id:
            params = types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            self.publisher.host.text_document_publish_diagnostics(params)


def _still(vaults: Mapping[Path, Vault], vault: Vault, path: str) -> bool:
    return vaults.get(vault.root) is vault and path in vault.notes


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("pushing the vault's diagnostics failed", exc_info=task.exception())
