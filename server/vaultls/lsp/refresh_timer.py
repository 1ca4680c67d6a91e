"""Asking the client to ask again (`workspace/codeLens/refresh`, `workspace/semanticTokens/refresh`):
once per burst of changes, after a delay, and never failing the change that asked for it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Future

log = logging.getLogger(__name__)


class RefreshTimer:
    """Sends one refresh request `delay` seconds after the first `schedule` of a burst."""

    def __init__(self, delay: float, send: Callable[[], Future[None]], what: str) -> None:
        self.delay = delay
        self._request = send
        self._what = what  # for the log: "code lenses", "semantic tokens"
        self._timer: asyncio.TimerHandle | None = None

    def schedule(self) -> None:
        if self._timer is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop: no client to refresh
            return
        self._timer = loop.call_later(self.delay, self._send)

    def _send(self) -> None:
        self._timer = None
        try:
            future = self._request()
            future.add_done_callback(lambda f: f.cancelled() or f.exception())
        except Exception:  # noqa: BLE001 - no client connected (shutdown)
            log.debug("could not ask the client for %s again", self._what, exc_info=True)
