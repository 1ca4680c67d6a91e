"""The link graph as a call hierarchy (`textDocument/prepareCallHierarchy`,
`callHierarchy/incomingCalls`, `callHierarchy/outgoingCalls`): VS Code's "Show Call Hierarchy"
becomes a backlinks / outgoing links tree, Neovim's `vim.lsp.buf.incoming_calls()` a quickfix
list of backlinks.

An item is a note (prepared anywhere in it, on its title heading, or on a link to it), one of
its headings (prepared on the heading, or on a link to it), an attachment, or a missing note (a
dangling link's name, shown at the first link to it, with no calls of its own). Incoming calls
are the notes linking to the item, `fromRanges` the links there; outgoing calls are what the
note (or the heading's section) links to, `fromRanges` the links in it.

An item's `data` names the vault root, the path and the heading (level, text, line), so a later
request finds the item again without the server remembering anything; an item whose data does
not name a vault of this server is found by its URI, or not at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types

from vaultls.lsp.cursor import cursor_at
from vaultls.lsp.features.references import Lines
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import names
from vaultls.vault.backlinks import Edge, heading_data, heading_of_data, incoming, note_title, outgoing, section_lines
from vaultls.vault.index import Vault
from vaultls.vault.model import Heading
from vaultls.vault.references import target_at

MISSING_DETAIL = "missing: no note of this name yet"


def _at_line_start(line: int) -> types.Range:
    # Columns 0 need no encoding: an item of a note not read for the answer still has a place.
    return types.Range(start=types.Position(line, 0), end=types.Position(line, 0))


def note_item(ls: VaultLanguageServer, vault: Vault, path: str) -> types.CallHierarchyItem:
    note = vault.notes.get(path)
    data: dict[str, Any] = {"vault": str(vault.root), "path": path}
    if note is None:  # an attachment
        return types.CallHierarchyItem(
            name=names.last_component(path),
            kind=types.SymbolKind.File,
            uri=ls.uri_of(vault, path),
            range=_at_line_start(0),
            selection_range=_at_line_start(0),
            detail=f"{path} (attachment)",
            data=data,
        )
    title = note_title(note.parsed, note.name)
    last = max(note.parsed.line_count - 1, 0)
    return types.CallHierarchyItem(
        name=note.name,
        kind=types.SymbolKind.File,
        uri=ls.uri_of(vault, path),
        range=types.Range(start=types.Position(0, 0), end=types.Position(last, 0)),
        selection_range=_at_line_start(title.line if title is not None else 0),
        detail=path,
        data=data,
    )


def heading_item(
    ls: VaultLanguageServer, vault: Vault, path: str, heading: Heading, lines: list[str]
) -> types.CallHierarchyItem:
    note = vault.notes[path]
    start, end = section_lines(note.parsed, heading)
    last = max(min(end - 1, len(lines) - 1), start)
    return types.CallHierarchyItem(
        name=heading.text or "#" * heading.level,
        kind=types.SymbolKind.String,  # as document symbols show headings
        uri=ls.uri_of(vault, path),
        range=types.Range(start=types.Position(start, 0), end=types.Position(last, 0)),
        selection_range=ls.codec.range_to_client(lines, heading.range),
        detail=f"{note.name} › {'#' * heading.level}",
        data={"vault": str(vault.root), "path": path, "heading": heading_data(heading)},
    )


def missing_item(
    ls: VaultLanguageServer, vault: Vault, source: str, name: str, at: types.Range
) -> types.CallHierarchyItem:
    """A missing note, shown at the first link to it (opening it leads to that link)."""
    return types.CallHierarchyItem(
        name=name,
        kind=types.SymbolKind.File,
        uri=ls.uri_of(vault, source),
        range=at,
        selection_range=at,
        detail=MISSING_DETAIL,
        tags=[types.SymbolTag.Deprecated],  # struck through in VS Code: nothing is there
        data={"vault": str(vault.root), "path": source, "missing": name},
    )


async def prepare(
    ls: VaultLanguageServer, params: types.CallHierarchyPrepareParams
) -> list[types.CallHierarchyItem] | None:
    await ls.ready.wait()
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    if cursor is None:
        return None
    vault, path, note = cursor.ref.vault, cursor.ref.path, cursor.note
    target = target_at(note, cursor.pos)
    if target.kind == "link" and target.link is not None:
        link = target.link
        res = vault.resolve(path, link)
        if res.outside:
            return None
        if res.target is None:
            at = ls.codec.range_to_client(cursor.lines, link.range)
            return [missing_item(ls, vault, path, link.target, at)]
        if res.heading is not None:
            return [heading_item(ls, vault, res.target, res.heading, ls.lines_of(vault, res.target))]
        return [note_item(ls, vault, res.target)]
    if target.kind == "heading" and target.heading is not None and target.heading != note_title(note.parsed, note.name):
        return [heading_item(ls, vault, path, target.heading, cursor.lines)]
    return [note_item(ls, vault, path)]


def _item_target(ls: VaultLanguageServer, item: types.CallHierarchyItem) -> tuple[Vault, str, Heading | None] | None:
    """What an item stands for now: (vault, path, heading); None for a missing note, a note
    gone since, or data that names nothing of ours."""
    data = item.data if isinstance(item.data, dict) else {}
    if "missing" in data:
        return None
    vault = ls.vaults.get(Path(data["vault"])) if isinstance(data.get("vault"), str) else None
    path = data.get("path")
    if vault is None or not isinstance(path, str):
        ref = ls.locate(item.uri)
        if ref is None:
            return None
        vault, path = ref.vault, ref.path
    note = vault.notes.get(path)
    if note is None:
        return (vault, path, None) if path in vault.attachments else None
    heading = None
    if "heading" in data:
        heading = heading_of_data(note.parsed, data["heading"])
        if heading is None:
            return None
    return vault, path, heading


def _from_ranges(lines: Lines, path: str, edge: Edge) -> list[types.Range]:
    return [lines.location(path, rng).range for rng in edge.ranges]


async def incoming_calls(
    ls: VaultLanguageServer, params: types.CallHierarchyIncomingCallsParams
) -> list[types.CallHierarchyIncomingCall] | None:
    await ls.indexed.wait()
    found = _item_target(ls, params.item)
    if found is None:
        return []
    vault, path, heading = found
    lines = Lines(ls, vault)
    return [
        types.CallHierarchyIncomingCall(
            from_=note_item(ls, vault, edge.source), from_ranges=_from_ranges(lines, edge.source, edge)
        )
        for edge in incoming(vault, path, heading)
    ]


async def outgoing_calls(
    ls: VaultLanguageServer, params: types.CallHierarchyOutgoingCallsParams
) -> list[types.CallHierarchyOutgoingCall] | None:
    await ls.ready.wait()
    found = _item_target(ls, params.item)
    if found is None:
        return []
    vault, path, heading = found
    lines = Lines(ls, vault)
    calls: list[types.CallHierarchyOutgoingCall] = []
    for edge in outgoing(vault, path, heading):
        ranges = _from_ranges(lines, path, edge)
        if edge.target is None:
            item = missing_item(ls, vault, path, edge.missing or "", ranges[0])
        else:
            item = note_item(ls, vault, edge.target)
        calls.append(types.CallHierarchyOutgoingCall(to=item, from_ranges=ranges))
    return calls


FEATURES = (
    (types.TEXT_DOCUMENT_PREPARE_CALL_HIERARCHY, None, prepare),
    (types.CALL_HIERARCHY_INCOMING_CALLS, None, incoming_calls),
    (types.CALL_HIERARCHY_OUTGOING_CALLS, None, outgoing_calls),
)
