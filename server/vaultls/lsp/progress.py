"""`$/progress` of one piece of work (the first scan), for a client that can show it."""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types
from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)

CREATE_TIMEOUT = 5.0  # seconds a client has to accept the progress token


class WorkDone:
    """Progress reports under one token, begun by `begin`."""

    def __init__(self, server: LanguageServer, token: str) -> None:
        self.server = server
        self.token = token

    @classmethod
    async def begin(cls, server: LanguageServer, token: str, title: str) -> WorkDone | None:
        """Ask the client to show progress `token`, then begin it; None when the client does
        not accept it."""
        try:
            await asyncio.wait_for(server.work_done_progress.create_async(token), CREATE_TIMEOUT)
            server.work_done_progress.begin(
                token, types.WorkDoneProgressBegin(title=title, percentage=0, cancellable=False)
            )
        except Exception:  # noqa: BLE001 - some clients never answer; progress is optional
            log.info("client did not accept a progress token", exc_info=True)
            return None
        return cls(server, token)

    def report(self, message: str, percentage: int) -> None:
        self.server.work_done_progress.report(
            self.token, types.WorkDoneProgressReport(message=message, percentage=min(percentage, 100))
        )

    def end(self, message: str) -> None:
        self.server.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))
