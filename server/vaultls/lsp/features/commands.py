"""Commands for editors: `vaultls.checkVault` returns every note's diagnostics, the same
problems `vaultls check` prints, so an editor can fill its problem list for the whole vault."""

from __future__ import annotations

from typing import Any

from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.check import check_vault


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


COMMANDS = (("vaultls.checkVault", check_vault_command),)
