"""How feature handlers are registered (`register`): each wrapped by `guarded`, so that an
exception in one feature is logged with its traceback and answered as an error (requests) or
shown once (notifications), and every other feature keeps working.

The same wrapper keeps the model fresh: `didChange` only edits the buffer (see
`VaultLanguageServer.edit_document`), so every other handler first brings the model up to date
with the edits (`sync_edits`), and an async handler again each time it resumes after an
`await` (edits may have arrived while it waited for the index). No feature can answer from a
note older than its buffer, and none has to remember to ask.

A feature module declares `FEATURES`, a sequence of (LSP method, options or None, handler),
and may declare `COMMANDS`, a sequence of (command name, handler); a handler takes the server
first (`ls`), then the params.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Coroutine, Generator, Iterable
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError

from vaultls.lsp.server import VaultLanguageServer

log = logging.getLogger(__name__)

Handler = Callable[..., Any]

NOTIFICATIONS = frozenset(
    {
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
)


def register(server: VaultLanguageServer, modules: Iterable[object]) -> None:
    """Register the `FEATURES` and `COMMANDS` of each feature module, guarded."""
    for module in modules:
        for method, options, handler in getattr(module, "FEATURES", ()):
            server.feature(method, options)(guarded(method, handler))
        for name, handler in getattr(module, "COMMANDS", ()):
            server.command(name)(guarded(types.WORKSPACE_EXECUTE_COMMAND, handler))


def guarded(method: str, handler: Handler) -> Handler:
    """`handler` wrapped so its exceptions are logged and answered, never fatal. pygls sees the
    original signature (first parameter `ls`) and passes the server first."""
    is_request = method not in NOTIFICATIONS
    sync = method != types.TEXT_DOCUMENT_DID_CHANGE  # the one handler that may leave it stale

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
                return await _Synced(ls, handler(ls, *args))
            except JsonRpcInternalError:
                raise
            except Exception as exc:  # noqa: BLE001 - this is the one place that catches all
                return fail(ls, exc)

        return run_async

    @functools.wraps(handler)
    def run(ls: VaultLanguageServer, *args: Any) -> Any:
        try:
            if sync:
                ls.sync_edits()
            return handler(ls, *args)
        except JsonRpcInternalError:
            raise
        except Exception as exc:  # noqa: BLE001
            return fail(ls, exc)

    return run


class _Synced:
    """Await `coro` with the model brought up to date before each step it runs: its start and
    every resumption after an `await`. The futures it waits on pass through untouched, and so
    do cancellation and exceptions thrown into it."""

    def __init__(self, ls: VaultLanguageServer, coro: Coroutine[Any, Any, Any]) -> None:
        self.ls = ls
        self.coro = coro

    def __await__(self) -> Generator[Any, Any, Any]:
        coro = self.coro
        send: Any = None
        thrown: BaseException | None = None
        while True:
            try:
                self.ls.sync_edits()
            except Exception as exc:  # noqa: BLE001 - raised inside the handler, which answers it
                thrown = thrown or exc
            try:
                step = coro.send(send) if thrown is None else coro.throw(thrown)
            except StopIteration as done:
                return done.value
            send, thrown = None, None
            try:
                send = yield step
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # noqa: BLE001 - cancellation, delivered to the handler
                thrown = exc
