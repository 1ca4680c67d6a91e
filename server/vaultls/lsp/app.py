"""The language server with every feature registered: `create_server`, what `vaultls serve`
runs. The one module that knows every feature module (`FEATURE_MODULES`)."""

from __future__ import annotations

import logging

from vaultls.lsp import registry
from vaultls.lsp.features import (
    block_refs,
    call_hierarchy,
    code_actions,
    code_lens,
    commands,
    completion,
    definition,
    document_links,
    folding,
    graph,
    highlights,
    hover,
    lifecycle,
    mention_actions,
    new_notes,
    refactor,
    references,
    rename,
    selection_range,
    semantic_tokens,
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
    call_hierarchy,
    code_lens,
    highlights,
    rename,
    symbols,
    document_links,
    folding,
    selection_range,
    semantic_tokens,
    workspace_diagnostics,
    refactor,
    new_notes,
    graph,
    block_refs,
    mention_actions,
)


ORDINARY_EVENTS = (
    "Cancel notification for unknown message id",
    "Ignoring notification for unknown method",
    "Ignoring work done progress cancel for unknown token",
)
"""What pygls warns of that is part of a normal session: a client cancelling a request that
has just finished (VS Code does so all the time), a notification the server has no handler
for (optional ones, `$/...`), a progress cancel for a finished token."""


def demote_ordinary_events(record: logging.LogRecord) -> bool:
    """A logging filter: pygls's warnings of `ORDINARY_EVENTS` become DEBUG records, so the
    editor's Output channel shows only what is worth reading."""
    if record.levelno > logging.DEBUG and str(record.msg).startswith(ORDINARY_EVENTS):
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
    return True


def quiet_ordinary_events() -> None:
    """Install `demote_ordinary_events` on pygls's protocol loggers (once, however many servers)."""
    for name in ("pygls.protocol.json_rpc", "pygls.protocol.language_server"):
        logging.getLogger(name).addFilter(demote_ordinary_events)


def create_server(*, split_min_notes: int = SPLIT_MIN_NOTES, second_pass_delay: float = 0.0) -> VaultLanguageServer:
    """A server with every feature of `FEATURE_MODULES` registered (see `registry.register`);
    the parameters are `VaultLanguageServer`'s."""
    quiet_ordinary_events()
    server = VaultLanguageServer(split_min_notes=split_min_notes, second_pass_delay=second_pass_delay)
    registry.register(server, FEATURE_MODULES)
    return server
