"""The server's log where editor users look: `window/logMessage` (VS Code's Output channel,
Neovim's `:LspLog`), beside stderr, at the level the client's `logLevel` setting asks, and
appended to the client's `logFile` when it names one.

`logFile` is taken from `initializationOptions` only, which the editor's own configuration
builds: a vault's workspace settings (`.vscode/settings.json` in a cloned vault) reach the
server through `workspace/configuration`, and must not make it write anywhere.

Records of pygls itself are not sent (sending one logs), and a record logged while one is
being sent is dropped rather than sent in a loop. Records from other threads (schema checks
run in one) are sent from the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from lsprotocol import types

LEVELS: Mapping[str, int] = MappingProxyType(
    {"error": logging.ERROR, "warning": logging.WARNING, "info": logging.INFO, "debug": logging.DEBUG}
)
DEFAULT_LEVEL = "info"
_TYPES = (
    (logging.ERROR, types.MessageType.Error),
    (logging.WARNING, types.MessageType.Warning),
    (logging.INFO, types.MessageType.Info),
)


class ClientLog(logging.Handler):
    """Sends log records to the client with `send` (the server's `window_log_message`)."""

    def __init__(self, send: Callable[[types.LogMessageParams], None]) -> None:
        super().__init__(LEVELS[DEFAULT_LEVEL])
        self.send = send
        self.loop: asyncio.AbstractEventLoop | None = None
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        self._sending = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("pygls") or getattr(self._sending, "active", False):
            return
        try:
            params = types.LogMessageParams(type=message_type(record.levelno), message=self.format(record))
        except Exception:  # noqa: BLE001 - a record that cannot be formatted is not sent
            return
        loop = self.loop
        if loop is not None and threading.current_thread() is not threading.main_thread():
            if not loop.is_closed():
                loop.call_soon_threadsafe(self._send, params)
            return
        self._send(params)

    def _send(self, params: types.LogMessageParams) -> None:
        self._sending.active = True
        try:
            self.send(params)
        except Exception:  # noqa: BLE001 - a closed channel must not break what was logging
            pass
        finally:
            self._sending.active = False


def message_type(level: int) -> types.MessageType:
    for at_least, kind in _TYPES:
        if level >= at_least:
            return kind
    return types.MessageType.Log


def log_settings(section: Mapping[str, Any] | None) -> tuple[str | None, str | None, list[str]]:
    """(level name or None, log file or None, problems) from a client's `vaultls` section:
    `logLevel` (`log_level`) and `logFile` (`log_file`)."""
    if not isinstance(section, Mapping):
        return None, None, []
    problems: list[str] = []
    level = section.get("logLevel", section.get("log_level"))
    if level is not None and (not isinstance(level, str) or level.lower() not in LEVELS):
        problems.append(f"setting `logLevel` must be one of {', '.join(LEVELS)} (got {level!r})")
        level = None
    file = section.get("logFile", section.get("log_file"))
    if file is not None and (not isinstance(file, str) or not os.path.isabs(os.path.expanduser(file))):
        problems.append(f"setting `logFile` must be an absolute path (got {file!r})")
        file = None
    return (level.lower() if isinstance(level, str) else None), (file or None), problems


class LogSetup:
    """The handlers the client's settings add to the `vaultls` logger: one to the client, one
    to the log file; applied again whenever the settings change."""

    def __init__(self, send: Callable[[types.LogMessageParams], None]) -> None:
        self.client = ClientLog(send)
        self.file: logging.FileHandler | None = None
        self.file_name: str | None = None
        self.logger = logging.getLogger("vaultls")

    def install(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self.client.loop = loop
        if self.client not in self.logger.handlers:
            self.logger.addHandler(self.client)
        self._lower_logger_level(self.client.level)

    def uninstall(self) -> None:
        self.logger.removeHandler(self.client)
        if self.file is not None:
            self.logger.removeHandler(self.file)
            self.file.close()
            self.file = None

    def apply(self, level: str | None, file: str | None) -> str | None:
        """Take a level and a log file (None: keep); a message when the file cannot be written."""
        if level is not None:
            self.client.setLevel(LEVELS[level])
            if self.file is not None:
                self.file.setLevel(LEVELS[level])
            self._lower_logger_level(LEVELS[level])
        if file is None or file == self.file_name:
            return None
        if self.file is not None:
            self.logger.removeHandler(self.file)
            self.file.close()
            self.file = None
        self.file_name = file
        try:
            handler = logging.FileHandler(os.path.expanduser(file), encoding="utf-8")
        except OSError as exc:
            return f"cannot write the log file {file}: {exc.strerror or exc}"
        handler.setLevel(self.client.level)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self.file = handler
        self.logger.addHandler(handler)
        return None

    def _lower_logger_level(self, level: int) -> None:
        """The `vaultls` logger must pass records at `level` on to its handlers."""
        effective = self.logger.getEffectiveLevel()
        if effective > level:
            self.logger.setLevel(level)
