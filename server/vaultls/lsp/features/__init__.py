"""LSP features, one module each. Every handler is registered through `register_all`, which
wraps it so that an exception in one feature is logged with its traceback and answered as an
error (requests) or shown once (notifications), and every other feature keeps working."""

from __future__ import annotations

import functools
import inspect
import logging
from typing import Any, Callable

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError

from vaultls.lsp.server import VaultLanguageServer

log = logging.getLogger(__name__)


def guarded(method: str, handler: Callable[..., Any]) -> Callable[..., Any]:
    """`handler` wrapped so its exceptions are logged and answered, never fatal. pygls sees the
    original signature (first parameter `ls`) and passes the server first."""
    is_request = method not in _NOTIFICATIONS

    def fail(server: VaultLanguageServer, exc: Exception) -> Any:
        log.exception("%s failed", method)
        if is_request:
            raise JsonRpcInternalError(f"vaultls: {method} failed: {exc!r}") from exc
        server.tell_once(f"{method} failed ({exc!r}); see the log for details", types.MessageType.Error)
        return None

    if inspect.iscoroutinefunction(handler):

        @functools.wraps(handler)
        async def run_async(ls: VaultLanguageServer, *args: Any) -> Any:
            try:
                return await handler(ls, *args)
            except JsonRpcInternalError:
                raise
            except Exception as exc:  # noqa: BLE001 - this is the one place that catches all
                return fail(ls, exc)

        return run_async

    @functools.wraps(handler)
    def run(ls: VaultLanguageServer, *args: Any) -> Any:
        try:
            return handler(ls, *args)
        except JsonRpcInternalError:
            raise
        except Exception as exc:  # noqa: BLE001
            return fail(ls, exc)

    return run


_NOTIFICATIONS = {
    types.INITIALIZED,
    types.EXIT,
    types.TEXT_DOCUMENT_DID_OPEN,
    types.TEXT_DOCUMENT_DID_CHANGE,
    types.TEXT_DOCUMENT_DID_CLOSE,
    types.TEXT_DOCUMENT_DID_SAVE,
    types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
    types.WORKSPACE_DID_CHANGE_CONFIGURATION,
    types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS,
}


def register_all(server: VaultLanguageServer) -> None:
    from vaultls.lsp.features import (
        code_actions,
        commands,
        completion,
        definition,
        document_links,
        folding,
        hover,
        lifecycle,
        references,
        symbols,
        sync,
    )

    for module in (
        lifecycle, sync, completion, definition, hover, code_actions, commands,
        references, symbols, document_links, folding,
    ):
        for method, options, handler in getattr(module, "FEATURES", ()):
            server.feature(method, options)(guarded(method, handler))
        for name, handler in getattr(module, "COMMANDS", ()):
            server.command(name)(guarded(types.WORKSPACE_EXECUTE_COMMAND, handler))
