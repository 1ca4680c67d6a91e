"""Commands for editors:
- `vaultls.checkVault` returns every note's diagnostics, the same problems `vaultls check`
  prints, so an editor can fill its problem list for the whole vault;
- `vaultls.openNote URI` asks the client to show a note of a vault (`window/showDocument`):
  "Create note" runs it after its edit, so the new note opens as in Obsidian.
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types

from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.check import check_vault

log = logging.getLogger(__name__)

OPEN_NOTE = "vaultls.openNote"


async def check_vault_command(ls: VaultLanguageServer, *args: Any) -> list[dict[str, Any]]:
    await ls.indexed.wait()
    results: list[dict[str, Any]] = []
    for vault in ls.vaults.values():
        by_path: dict[str, list[Any]] = {}
        for problem in check_vault(vault):
            by_path.setdefault(problem.path, []).append(problem)
        for path, problems in by_path.items():
            lines = ls.lines_of(vault, path)
            diagnostics = [ls.converter.unstructure(ls.diagnostics.to_diagnostic(lines, p)) for p in problems]
            results.append({"uri": ls.uri_of(vault, path), "diagnostics": diagnostics})
    return results


async def open_note_command(ls: VaultLanguageServer, *args: Any) -> bool:
    """Show the note `args[0]` (a URI) in the editor; False when the client cannot or the URI
    is no path of a vault (the server never asks an editor to open anything else)."""
    uri = args[0] if args and isinstance(args[0], str) else None
    if uri is None or ls.locate(uri) is None or not ls.client_supports("window.show_document.support", False):
        return False
    result = await ls.window_show_document_async(types.ShowDocumentParams(uri=uri, take_focus=True))
    if not result.success:
        log.info("the editor did not open %s", uri)
    return bool(result.success)


COMMANDS = (("vaultls.checkVault", check_vault_command), (OPEN_NOTE, open_note_command))
