"""The debounce of edits: which open documents were edited since the model last saw them, and
when a burst of keystrokes has paused.

`didChange` only edits the buffer: re-parsing the note on every key would cost a burst of keys
a parse each. The server re-parses each edited note once (`VaultLanguageServer.sync_edits`): when
the edits pause for `delay`, or earlier when any handler or diagnostics run needs the model.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class EditDebounce:
    """The documents edited since the model last saw them (`take`), and one timer per burst
    that calls `on_pause` once the last edit is `delay` seconds old."""

    def __init__(self, delay: float, on_pause: Callable[[], None]) -> None:
        self.delay = delay
        self._on_pause = on_pause
        self._stale: set[str] = set()  # keys (`doc_key`) of the documents edited since
        self._last_edit = 0.0  # loop time of the latest edit
        self._timer: asyncio.TimerHandle | None = None

    def edited(self, key: str) -> None:
        """The document `key` was edited just now."""
        self._stale.add(key)
        loop = asyncio.get_running_loop()
        self._last_edit = loop.time()
        if self._timer is None:
            self._timer = loop.call_later(self.delay, self._when_quiet)

    def take(self) -> set[str]:
        """The documents edited since the last call (empty, and cheap, when none was)."""
        stale = self._stale
        if stale:
            self._stale = set()
        return stale

    def _when_quiet(self) -> None:
        """Armed once per burst rather than once per key: it waits again until the last edit
        is `delay` old."""
        self._timer = None
        loop = asyncio.get_running_loop()
        wait = self._last_edit + self.delay - loop.time()
        if wait > 0.001:
            self._timer = loop.call_later(wait, self._when_quiet)
            return
        self._on_pause()
