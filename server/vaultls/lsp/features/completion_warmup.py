"""Completion made ready before the first `[[`: the vault's suggester ranked and built, and pygls's
converter taught the messages of a keystroke and a completion answer, in the background once
the index is ready (`prepare_when_idle`, scheduled by `features/sync.py` through `warm_up`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from lsprotocol import types
from pygls.protocol import JsonRPCResponseMessage

from vaultls.lsp.features.completion import MAX_ITEMS
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.index import Vault

PREPARE_DELAY = 0.1  # seconds after the index is ready (or a change) before `prepare_when_idle`


def warm_up(ls: VaultLanguageServer, vault: Vault) -> None:
    """`prepare_when_idle`, one at a time per vault: asked again while it runs, it runs once
    more afterwards (for what changed meanwhile) instead of twice at once."""
    ls.caches_for(vault).warmup.request(ls.spawn, lambda: prepare_when_idle(ls, vault))


async def prepare_when_idle(ls: VaultLanguageServer, vault: Vault) -> None:
    """Completion's indices of `vault` built (or checked) once the index is ready and
    `PREPARE_DELAY` has passed (the first diagnostics go out before), so that the first `[[`
    typed does not pay for them (names, paths, aliases: each grows with the vault); one
    index at a time with the loop free in between, so a message that arrives meanwhile waits
    for one step at most. A vault replaced since (its excludes changed) is left alone.
    Scheduled when a note is opened and when files change on disk: the moments after which a
    `[[` is likely and the indices may be missing or out of date. A request that comes first
    builds what it needs itself."""
    await ls.ready.wait()
    await asyncio.sleep(PREPARE_DELAY)
    if ls.vaults.get(vault.root) is not vault:
        return
    caches = ls.caches_for(vault)
    suggest = caches.suggest

    def first_items() -> None:  # how the items that `[[` alone shows are offered
        targets = caches.names.targets()
        for found in suggest.suggest("", MAX_ITEMS):
            targets.shown(vault, found.path)

    steps: list[Callable[[], object]] = [
        *suggest.refresh_steps(ls.indexed.is_set()),
        *suggest.prepare_steps(),
        first_items,
        lambda: prepare_answer(ls),
    ]
    if not await _run(ls, vault, steps) or ls.indexed.is_set():
        return
    # The backlink counts are final only once every note's links are filed (the scan's
    # second pass): rank again then, once.
    await ls.indexed.wait()
    await _run(ls, vault, [*suggest.refresh_steps(True), *suggest.prepare_steps()])


async def _run(ls: VaultLanguageServer, vault: Vault, steps: list[Callable[[], object]]) -> bool:
    """The steps one at a time with the loop free in between; False when the vault was
    replaced meanwhile."""
    for step in steps:
        if ls.vaults.get(vault.root) is not vault:
            return False
        step()
        await asyncio.sleep(0)
    return True


def prepare_answer(ls: VaultLanguageServer) -> None:
    """Have pygls read a keystroke and a completion request and write an answer, as it does
    for real ones: cattrs writes the code that converts each message type on first use, which
    the first `[[` of a session would otherwise wait for. Done again it is cheap."""
    protocol = ls.protocol
    request = {
        "jsonrpc": "2.0",
        "id": 0,
        "method": types.TEXT_DOCUMENT_COMPLETION,
        "params": {
            "textDocument": {"uri": "file:///"},
            "position": {"line": 0, "character": 0},
            "context": {"triggerKind": 1},
        },
    }
    position = types.Position(line=0, character=0)
    item = types.CompletionItem(
        label="a",
        kind=types.CompletionItemKind.File,
        detail="a",
        filter_text="a",
        sort_text="0000",
        text_edit=types.TextEdit(range=types.Range(start=position, end=position), new_text="a"),
    )
    # pygls answers a request with its generic response message (`result` typed Any), turned
    # into JSON with its converter as the fallback (`JsonRPCProtocol._send_data`, through
    # `_serialize_message`, which for an attrs object such as this message is the converter's
    # `unstructure`). pygls has no public way to serialise a message; the converter is ours
    # (`VaultLanguageServer.converter`), so the same hooks are made by asking it directly.
    answer = JsonRPCResponseMessage(id=0, jsonrpc="2.0", result=types.CompletionList(is_incomplete=True, items=[item]))
    # Twice: cattrs empties its cache of hooks whenever it makes one for a nested list, which
    # drops the hooks made just before it (the message's own) and the second round makes them
    # again for good.
    start = {"line": 0, "character": 0}
    keystroke = {  # the first `didChange` of a session pays likewise: both kinds of change
        "jsonrpc": "2.0",
        "method": types.TEXT_DOCUMENT_DID_CHANGE,
        "params": {
            "textDocument": {"uri": "file:///", "version": 1},
            "contentChanges": [{"range": {"start": start, "end": start}, "text": "["}, {"text": ""}],
        },
    }
    for _ in range(2):
        protocol.structure_message(keystroke)
        protocol.structure_message(request)
        json.dumps(ls.converter.unstructure(answer))
