"""The language server with every feature registered: `create_server`, what `vaultls serve`
runs. The one module that knows every feature module (`FEATURE_MODULES`)."""

from __future__ import annotations

from vaultls.lsp import registry
from vaultls.lsp.features import (
    code_actions,
    commands,
    completion,
    definition,
    document_links,
    folding,
    hover,
    lifecycle,
    refactor,
    references,
    rename,
    symbols,
    sync,
    workspace_diagnostics,
)
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.indexer import SPLIT_MIN_NOTES

FEATURE_MODULES = (
    lifecycle,
    sync,
    completion,
    definition,
    hover,
    code_actions,
    commands,
    references,
    rename,
    symbols,
    document_links,
    folding,
    workspace_diagnostics,
    refactor,
)


def create_server(*, split_min_notes: int = SPLIT_MIN_NOTES, second_pass_delay: float = 0.0) -> VaultLanguageServer:
    """A server with every feature of `FEATURE_MODULES` registered (see `registry.register`);
    the parameters are `VaultLanguageServer`'s."""
    server = VaultLanguageServer(split_min_notes=split_min_notes, second_pass_delay=second_pass_delay)
    registry.register(server, FEATURE_MODULES)
    return server
