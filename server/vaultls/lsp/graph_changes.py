"""`vaultls/graphChanged`: the notification that tells a graph view to fetch `vaultls/graph`
again. Sent once the model has stopped changing for `DELAY` seconds, only to a client that has
asked for a graph in this session, and only when the graph may have changed: typing prose in a
note changes no link and sends nothing (`GraphCache.changed`). The server tells it of every
change to the model (`VaultLanguageServer.refresh`, `refresh_all`)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from vaultls.lsp.transport import Encoded
from vaultls.vault.graph_data import GraphCache, LinkGraph
from vaultls.vault.index import Vault

log = logging.getLogger(__name__)

GRAPH_CHANGED = "vaultls/graphChanged"


class Host(Protocol):
    """What the notification needs of the language server."""

    @property
    def vaults(self) -> Any: ...
    @property
    def protocol(self) -> Any: ...


class GraphChanges:
    """Each vault's graph, kept between requests (`graph_for`), and the notification."""

    DELAY = 1.0  # seconds after the last change
    ANSWERS = 4  # answers kept as JSON text

    def __init__(self, host: Host) -> None:
        self.host = host
        self.asked = False  # a client asked for a graph in this session
        self._timer: asyncio.TimerHandle | None = None
        self._caches: dict[Path, tuple[Vault, GraphCache]] = {}  # by root, for the vault there now
        self._encoded: list[tuple[LinkGraph, tuple[tuple[str, Any], ...], Encoded]] = []  # newest first

    def graph_for(self, vault: Vault) -> GraphCache:
        """The graph cache of `vault` (a new one for a vault that replaced another at its root)."""
        self.asked = True
        for root in [r for r, (v, _) in self._caches.items() if self.host.vaults.get(r) is not v]:
            del self._caches[root]  # a vault removed or scanned anew: its graph goes with it
        kept = self._caches.get(vault.root)
        if kept is None or kept[0] is not vault:
            kept = self._caches[vault.root] = (vault, GraphCache())
        return kept[1]

    def encoded(self, graph: LinkGraph, options: dict[str, Any], make: Callable[[], dict[str, Any]]) -> Encoded:
        """The answer `make` makes, as JSON text, kept for the last few (graph, options): a view
        asks again with the same ones (a panel shown again, back to a note)."""
        key = tuple(sorted(options.items()))
        for kept_graph, kept_key, text in self._encoded:
            if kept_graph is graph and kept_key == key:
                return text
        text = Encoded(json.dumps(make()))
        self._encoded = [(graph, key, text), *self._encoded[: self.ANSWERS - 1]]
        return text

    def changed(self, affected: Iterable[tuple[Vault, str]] | None) -> None:
        """The model changed: these (vault, note) pairs, or anything (None)."""
        if not self.asked:
            return
        if affected is None:
            any_changed = [self.graph_for(v).changed(v, None) for v in list(self.host.vaults.values())]
        else:
            by_vault: dict[Vault, list[str]] = {}
            for vault, path in affected:
                by_vault.setdefault(vault, []).append(path)
            if not by_vault:  # a file event that named no note: an attachment, maybe
                by_vault = dict.fromkeys(self.host.vaults.values(), [])
            any_changed = [self.graph_for(v).changed(v, paths) for v, paths in by_vault.items()]
        if any(any_changed):
            self._schedule()

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop: no client to tell (unit tests)
        self._timer = loop.call_later(self.DELAY, self._send)

    def _send(self) -> None:
        self._timer = None
        try:
            self.host.protocol.notify(GRAPH_CHANGED, {})
        except Exception:  # noqa: BLE001 - the client is gone (shutdown)
            log.debug("could not send %s", GRAPH_CHANGED, exc_info=True)
