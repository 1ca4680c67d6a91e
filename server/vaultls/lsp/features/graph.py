"""The link graph for a graph view (`vaultls/graph`, a vaultls request):

    params  { uri?, depth?, includeDangling?, includeAttachments?, includeTags? }
    answer  { nodes, edges, root }

`nodes` and `edges` are `vault.graph_data.graph_data`'s, the same as `vaultls graph --format
json`; `root` is the URI of the vault's folder (node paths are relative to it). With the `uri`
of a note, the local graph of that note to `depth` links (default 1); with the `uri` of a vault
folder, or none, that vault's (none: the first workspace folder's) whole graph. Anything else,
or a `uri` of no vault, gets an empty graph. The graph, and the last answers as JSON text,
are kept between requests until the vault changes, and made ahead when it pays
(`lsp/graph_changes.py`, which also sends `vaultls/graphChanged`): a whole vault's answer is
tens of megabytes at 10,000 notes.
"""

from __future__ import annotations

import json
from typing import Any

from vaultls.lsp.roots import fs_path
from vaultls.lsp.server import VaultLanguageServer
from vaultls.lsp.transport import Encoded
from vaultls.vault.index import Vault

GRAPH = "vaultls/graph"
MAX_DEPTH = 10


async def graph(ls: VaultLanguageServer, params: Any) -> Encoded:
    await ls.indexed.wait()
    asked = _fields(params)
    vault, note = _where(ls, asked.get("uri"))
    if vault is None:
        return Encoded(json.dumps({"nodes": [], "edges": [], "root": None}))
    depth = asked.get("depth", 1)
    depth = min(MAX_DEPTH, max(0, depth)) if isinstance(depth, int) and not isinstance(depth, bool) else 1
    options: dict[str, Any] = {
        "note": note,
        "depth": depth if note is not None else 1,
        "include_dangling": _flag(asked, "includeDangling", True),
        "include_attachments": _flag(asked, "includeAttachments", False),
        "include_tags": _flag(asked, "includeTags", False),
    }
    return await ls.graph_changes.answer(vault, options, vault.root.as_uri())


def _where(ls: VaultLanguageServer, uri: object) -> tuple[Vault | None, str | None]:
    """(the vault, the note of a local graph or None for the whole vault)."""
    if uri is None:
        return next(iter(ls.vaults.values()), None), None
    if not isinstance(uri, str):
        return None, None
    folder = fs_path(uri)
    for root, vault in ls.vaults.items():
        if folder is not None and folder == root:
            return vault, None
    ref = ls.locate(uri)
    if ref is None or ref.path not in ref.vault.notes:
        return None, None
    return ref.vault, ref.path


def _fields(params: Any) -> dict[str, Any]:
    """The params as a dict: pygls hands a method it does not know its params as a namedtuple."""
    if isinstance(params, dict):
        return params
    as_dict = getattr(params, "_asdict", None)
    return dict(as_dict()) if callable(as_dict) else {}


def _flag(params: dict[str, Any], name: str, default: bool) -> bool:
    value = params.get(name, default)
    return value if isinstance(value, bool) else default


FEATURES = [(GRAPH, None, graph)]
