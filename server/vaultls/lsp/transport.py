"""How messages reach the server: pygls's protocol with vaultls's few changes (`VaultProtocol`),
and its stdio server reading a pipe without threads (`serve_pipe`, see `vaultls.lsp.stdio`)."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from vaultls.lsp.stdio import PipeReader

log = logging.getLogger(__name__)


class Encoded(str):
    """A result already written as JSON text, sent as it is: a large answer kept between
    requests (`features/graph.py`) is not encoded again for each."""


class VaultProtocol(LanguageServerProtocol):
    """pygls's protocol without its own copy of open documents (see `documents.py`), and with
    results given as `Encoded` JSON sent as they are."""

    def _send_data(self, data: Any) -> None:
        result = getattr(data, "result", None)
        if not isinstance(result, Encoded) or self.writer is None:
            super()._send_data(data)
            return
        body = f'{{"id": {json.dumps(data.id)}, "jsonrpc": "2.0", "result": {result}}}'.encode(self.CHARSET)
        header = f"Content-Length: {len(body)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
        written = self.writer.write((header.encode("ascii") if self._include_headers else b"") + body)
        if inspect.isawaitable(written):
            asyncio.ensure_future(written)

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            # pygls drops a request whose params do not fit the method (`"params": "a string"`)
            # without answering it, and the client waits for that answer forever.
            if "jsonrpc" in data and "method" in data and isinstance(data.get("id"), (int, str)):
                self._send_response(data["id"], error=exc.to_response_error())
            raise

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Iterator[Any]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Iterator[Any]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Iterator[Any]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


def serve_pipe(server: LanguageServer, stop_event: threading.Event, stdin: BinaryIO, stdout: BinaryIO) -> None:
    """pygls's stdio server (`JsonRPCServer._start_io_async`) with `stdin`, a pipe, read by
    `PipeReader` on the event loop rather than by a thread blocked on it. pygls takes no reader
    of ours through a public API, so this is its loop again; `stop_event` must be the one
    `server.shutdown()` sets."""
    server.protocol.set_writer(StdoutWriter(stdout))

    async def serve() -> None:
        reader = await PipeReader.connect(stdin)
        await run_async(
            stop_event=stop_event,
            reader=reader,
            protocol=server.protocol,
            logger=logging.getLogger("pygls.io_"),  # quietened with the rest of pygls
            error_handler=server.report_server_error,
        )

    try:
        asyncio.run(serve())
    except BrokenPipeError:
        log.error("the connection to the client is lost; shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]  # pygls leaves it unannotated
