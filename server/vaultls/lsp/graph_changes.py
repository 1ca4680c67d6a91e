"""Each vault's graph for `vaultls/graph`, kept between requests and made ahead when it pays,
and `vaultls/graphChanged`, the notification that tells a graph view to fetch it again.

The notification is sent once the model has stopped changing for `DELAY` seconds, only to a
client that has asked for a graph in this session, and only when the graph may have changed:
typing prose in a note changes no link and sends nothing (`GraphCache.changed`). The server
tells it of every change to the model (`VaultLanguageServer.refresh`, `refresh_all`).

Made ahead (`_prepare_then_notify`): a whole vault's answer takes seconds at 10,000 notes (its graph, its
nodes and edges, tens of megabytes of JSON), so it is made in the background, in slices, with
the options last asked for, before a view would ask: before `vaultls/graphChanged` is sent
(the view refetches on it), and right after the first scan for a client that says it will
show a graph (`initializationOptions` `{"graph": {"prepare": true}}`, or with the flags its
view asks with: `{"prepare": {"includeAttachments": true, "includeTags": true}}`). Other
clients pay nothing until they ask.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from vaultls.lsp.transport import Encoded
from vaultls.vault.graph_data import GraphCache, LinkGraph, graph_data_steps
from vaultls.vault.index import Vault

log = logging.getLogger(__name__)

GRAPH_CHANGED = "vaultls/graphChanged"
WHOLE = {"note": None, "depth": 1, "include_dangling": True, "include_attachments": False, "include_tags": False}
FLAGS = {
    "includeDangling": "include_dangling",
    "includeAttachments": "include_attachments",
    "includeTags": "include_tags",
}
CHUNK = 5000  # nodes or edges encoded between two turns of the event loop


class Host(Protocol):
    """What the graph needs of the language server."""

    @property
    def vaults(self) -> Any: ...
    @property
    def protocol(self) -> Any: ...
    @property
    def client_settings(self) -> Any: ...
    @property
    def indexed(self) -> asyncio.Event: ...


class GraphChanges:
    """Each vault's graph and last answers, kept between requests (`answer`), and the notification."""

    DELAY = 1.0  # seconds after the last change
    ANSWERS = 4  # answers kept as JSON text

    def __init__(self, host: Host) -> None:
        self.host = host
        self.asked = False  # a client asked for a graph in this session
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        self._lock: asyncio.Lock | None = None  # one graph made at a time (made on the loop, when first needed)
        self._whole = dict(WHOLE)  # the options of the last whole-vault answer asked for
        self._caches: dict[Path, tuple[Vault, GraphCache]] = {}  # by root, for the vault there now
        self._encoded: list[tuple[LinkGraph, tuple[tuple[str, Any], ...], Encoded]] = []  # newest first

    def graph_for(self, vault: Vault) -> GraphCache:
        """The graph cache of `vault` (a new one for a vault that replaced another at its root)."""
        for root in [r for r, (v, _) in self._caches.items() if self.host.vaults.get(r) is not v]:
            del self._caches[root]  # a vault removed or scanned anew: its graph goes with it
        kept = self._caches.get(vault.root)
        if kept is None or kept[0] is not vault:
            kept = self._caches[vault.root] = (vault, GraphCache())
        return kept[1]

    async def answer(self, vault: Vault, options: dict[str, Any], root: str) -> Encoded:
        """The answer to `vaultls/graph` with these `graph_data` options, as JSON text with
        `root` added; the last few are kept: a view asks again with the same options (a panel
        shown again, back to a note)."""
        self.asked = True
        if options.get("note") is None:
            self._whole = dict(options)
        return await self._made(vault, options, root)

    async def _made(self, vault: Vault, options: dict[str, Any], root: str) -> Encoded:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            return await self._make(vault, options, root)

    async def _make(self, vault: Vault, options: dict[str, Any], root: str) -> Encoded:
        cache = self.graph_for(vault)
        with collector_paused():
            for _ in cache.steps(vault):
                await asyncio.sleep(0)  # other requests meanwhile
            graph = cache.graph_of(vault)
            key = tuple(sorted(options.items()))
            for kept_graph, kept_key, text in self._encoded:
                if kept_graph is graph and kept_key == key:
                    return text
            steps = graph_data_steps(vault, graph=graph, **options)
            while True:
                try:
                    next(steps)
                except StopIteration as done:
                    data = done.value
                    break
                await asyncio.sleep(0)
            text = await encode({**data, "root": root})
            del data, steps  # freed before the collector freezes what is kept
        self._encoded = [(graph, key, text), *self._encoded[: self.ANSWERS - 1]]
        return text

    def changed(self, affected: Iterable[tuple[Vault, str]] | None) -> None:
        """The model changed: these (vault, note) pairs, or anything (None)."""
        if not self.asked:
            prepare = self._prepare_asked()
            if prepare is None or not self.host.indexed.is_set():
                return
            self._whole = prepare
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

    def _prepare_asked(self) -> dict[str, Any] | None:
        """The options of the whole-vault answer the client said it will ask for
        (`{"graph": {"prepare": true}}`: the defaults; `{"prepare": {"includeTags": true, ...}}`:
        with those flags, as a view sends them), or None."""
        options = getattr(self.host.client_settings, "init_options", {})
        graph = options.get("graph") if isinstance(options, dict) else None
        prepare = graph.get("prepare") if isinstance(graph, dict) else None
        if prepare is True:
            return dict(WHOLE)
        if not isinstance(prepare, dict):
            return None
        flags = {name: prepare.get(flag) for flag, name in FLAGS.items()}
        return {**WHOLE, **{name: value for name, value in flags.items() if isinstance(value, bool)}}

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop: no client to tell (unit tests)
        # The first graph (after the first scan) at once: a view opened then waits for it.
        self._timer = loop.call_later(self.DELAY if self._encoded else 0.0, self._send)

    def _send(self) -> None:
        self._timer = None
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._prepare_then_notify())
        else:
            self._schedule()  # still making the last one: again once it is made

    async def _prepare_then_notify(self) -> None:
        try:
            for vault in list(self.host.vaults.values()):
                await self._made(vault, self._whole, vault.root.as_uri())
        except Exception:  # noqa: BLE001 - made again when asked for; a view must still hear of the change
            log.exception("could not make the graph ahead")
        if not self.asked:
            return
        try:
            self.host.protocol.notify(GRAPH_CHANGED, {})
        except Exception:  # noqa: BLE001 - the client is gone (shutdown)
            log.debug("could not send %s", GRAPH_CHANGED, exc_info=True)


async def encode(value: dict[str, Any]) -> Encoded:
    """`json.dumps(value)` (the same text), its lists encoded `CHUNK` items at a time with the
    event loop turning in between, and joined once: tens of megabytes are a second's work,
    and each copy of them a fair part of one. The lists' items are dropped as they are encoded
    (None in their place): a whole vault's hundreds of thousands of dicts are freed a slice at
    a time."""
    pieces: list[str] = []
    for name, item in value.items():
        pieces += [", " if pieces else "{", json.dumps(name), ": "]
        if isinstance(item, list):
            pieces.append("[")
            for start in range(0, len(item), CHUNK):
                pieces += [", "] if start else []
                chunk = item[start : start + CHUNK]
                pieces.append(json.dumps(chunk, check_circular=False)[1:-1])
                item[start : start + len(chunk)] = [None] * len(chunk)  # freed now, not all at the end
                del chunk
                await asyncio.sleep(0)
            pieces.append("]")
        else:
            pieces.append(json.dumps(item))
    pieces.append("}" if pieces else "{}")
    return Encoded("".join(pieces))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a graph is made, and what is kept of it frozen out of
    the collector afterwards: its millions of small objects made collections take most of
    the time (as `note_results.collector_paused` for a pull; the graph holds no cycles)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
