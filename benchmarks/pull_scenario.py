"""The pull scenario: a VS Code-like client on a vault with whole-vault diagnostics
(`diagnostics.scope = "workspace"`), which pulls `workspace/diagnostic` after every edit,
cancelling the pull before, while the user types `[[` and asks for completion.

What VS Code does, as vscode-languageclient 9 does it: it declares pull diagnostics with
refresh support; after `initialized` it pulls the whole workspace with a `partialResultToken`
and reads the reports from `$/progress` as they come; after an edit it pulls the edited note
(`textDocument/diagnostic`) and, asked by the server or on its own, pulls the workspace again
with the result ids it holds, cancelling (`$/cancelRequest`) a pull still running.

Figures (`measure`): the first, whole-vault pull and completion during it; then for each edit,
the pull after it (its latency, and how many notes came back in full rather than `unchanged`)
and completion requested right after the pull was sent, so that it arrives while the pull runs.
The client here is its own (it needs request ids, cancellation and partial results), as small
as run.py's and as strict about timing: from writing a message to reading its answer.
"""

from __future__ import annotations

import asyncio
import math
import os
import statistics
import time
from pathlib import Path
from typing import Any

import lsp_wire  # the sibling module (benchmarks/ is on the module path when run.py runs)

TOKEN = "vaultls-bench-pull"
CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "window": {"workDoneProgress": True},
    "workspace": {"configuration": True, "workspaceFolders": True, "diagnostics": {"refreshSupport": True}},
    "textDocument": {
        "synchronization": {"dynamicRegistration": True, "didSave": True},
        "completion": {"completionItem": {"snippetSupport": True}},
        "diagnostic": {"dynamicRegistration": False, "relatedDocumentSupport": False},
        "publishDiagnostics": {"relatedInformation": True},
    },
}


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class PullClient:
    """Requests by id (so they can be cancelled), partial results of one token collected, the
    server's requests answered as VS Code answers them, the end of the indexing progress seen."""

    def __init__(self, proc: asyncio.subprocess.Process, root: Path) -> None:
        self.proc = proc
        self.root = root
        self.next_id = 0
        self.pending: dict[int, asyncio.Future[tuple[float, Any]]] = {}
        self.partial: list[dict[str, Any]] = []  # reports streamed under TOKEN
        self.indexed = asyncio.Event()
        self.refreshes = 0
        self.reader = asyncio.ensure_future(self.read_loop())

    def write(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(lsp_wire.frame(message))

    async def read_loop(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            while (message := await lsp_wire.read_message(stdout)) is not None:
                self.dispatch(message, time.perf_counter())
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("server closed the connection"))

    def dispatch(self, message: dict[str, Any], arrived: float) -> None:
        if "id" in message and "method" not in message:
            future = self.pending.pop(message["id"], None)
            if future is not None and not future.done():
                future.set_result((arrived, message.get("error") or message.get("result")))
            return
        method, params = message.get("method"), message.get("params") or {}
        if "id" in message:
            result: Any = None
            if method == "workspace/configuration":
                result = [{} for _ in params.get("items", [])]
            elif method == "workspace/diagnostic/refresh":
                self.refreshes += 1
            self.write({"jsonrpc": "2.0", "id": message["id"], "result": result})
        elif method == "$/progress" and params.get("token") == TOKEN:
            self.partial.extend(params["value"].get("items", []))
        elif method == "$/progress" and isinstance(params.get("value"), dict) and params["value"].get("kind") == "end":
            self.indexed.set()

    def send(self, method: str, params: Any) -> tuple[int, float, asyncio.Future[tuple[float, Any]]]:
        """(id, time written, future of (time read, result or error))."""
        self.next_id += 1
        future: asyncio.Future[tuple[float, Any]] = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        self.write({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id, time.perf_counter(), future

    def notify(self, method: str, params: Any) -> None:
        self.write({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: Any, timeout: float = 120) -> tuple[float, Any]:
        _, sent, future = self.send(method, params)
        assert self.proc.stdin is not None
        await self.proc.stdin.drain()
        arrived, result = await asyncio.wait_for(future, timeout)
        return arrived - sent, result


def percentiles(samples: list[float]) -> dict[str, Any]:
    if not samples:
        return {"p50": None, "p95": None, "max": None, "n": 0}
    ordered = sorted(samples)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000,
        "max": ordered[-1] * 1000,
        "n": len(ordered),
    }


class Note:
    """The client's copy of the open note; edits go on its last line."""

    def __init__(self, uri: str, text: str) -> None:
        self.uri = uri
        self.lines = text.split("\n")
        self.version = 1

    def replace_last_line(self, new: str) -> dict[str, Any]:
        line = len(self.lines) - 1
        old = self.lines[line]
        self.lines[line] = new
        self.version += 1
        change = {
            "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": utf16(old)}},
            "text": new,
        }
        return {"textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": [change]}


async def measure(
    root: Path, cache_home: Path, log: Path, note: str, prefixes: list[str], edits: int
) -> dict[str, Any]:
    """Run the scenario on one vault (see the module's docstring); the figures."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as stderr:
        proc = await lsp_wire.spawn_server(root, cache_home, stderr)
    client = PullClient(proc, root)
    try:
        return await _scenario(client, root, note, prefixes, edits)
    finally:
        try:
            await client.request("shutdown", None, timeout=10)
            client.notify("exit", None)
            await asyncio.wait_for(proc.wait(), 10)
        except (asyncio.TimeoutError, ConnectionError):
            proc.kill()
            await proc.wait()


async def _scenario(client: PullClient, root: Path, rel: str, prefixes: list[str], edits: int) -> dict[str, Any]:
    await client.request(
        "initialize",
        {
            "processId": os.getpid(),
            "clientInfo": {"name": "Visual Studio Code", "version": "1.100.3"},
            "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": CAPABILITIES,
            "initializationOptions": {"diagnostics": {"scope": "workspace"}},
        },
    )
    client.notify("initialized", {})
    text = (root / rel).read_text(encoding="utf-8") + "\n"
    note = Note((root / rel).as_uri(), text)
    item = {"uri": note.uri, "languageId": "markdown", "version": 1, "text": text}
    client.notify("textDocument/didOpen", {"textDocument": item})
    await asyncio.wait_for(client.indexed.wait(), 600)
    await asyncio.sleep(1.0)  # the index cache is written in the background after the scan

    # The first pull: the whole vault, streamed; completion typed meanwhile.
    client.partial.clear()
    _, sent, first = client.send("workspace/diagnostic", {"previousResultIds": [], "partialResultToken": TOKEN})
    during_first: list[float] = []
    for prefix in _cycle(prefixes):
        if first.done():
            break
        during_first.append(await _complete(client, note, prefix))
    arrived, answer = await asyncio.wait_for(first, 600)
    reports = client.partial + list((answer or {}).get("items", []))
    known = {r["uri"]: r["resultId"] for r in reports if r.get("resultId")}
    out: dict[str, Any] = {
        "notes_reported": len(reports),
        "problems": sum(len(r.get("items", [])) for r in reports),
        "first_pull_s": arrived - sent,
        **_flat("first_pull_completion", percentiles(during_first)),
    }

    # Then edit after edit: pull the note, cancel the workspace pull running, pull it again.
    completion: list[float] = []
    pulls: list[float] = []
    full: list[int] = []
    cancelled = 0
    running: tuple[int, float, asyncio.Future[tuple[float, Any]]] | None = None
    for k in range(edits):
        client.notify("textDocument/didChange", note.replace_last_line(f"Edit {k} adds [[Missing pull note {k}]]"))
        client.send("textDocument/diagnostic", {"textDocument": {"uri": note.uri}})
        if running is not None and not running[2].done():
            client.notify("$/cancelRequest", {"id": running[0]})
            cancelled += 1
        known.update({r["uri"]: r["resultId"] for r in client.partial if r.get("resultId")})  # kept, as VS Code does
        client.partial.clear()
        previous = [{"uri": uri, "value": value} for uri, value in known.items()]
        running = client.send("workspace/diagnostic", {"previousResultIds": previous, "partialResultToken": TOKEN})
        completion.append(await _complete(client, note, prefixes[k % len(prefixes)]))
        arrived, answer = await asyncio.wait_for(running[2], 600)
        if isinstance(answer, dict) and "items" in answer:
            reports = client.partial + list(answer["items"])
            known.update({r["uri"]: r["resultId"] for r in reports if r.get("resultId")})
            pulls.append(arrived - running[1])
            full.append(sum(1 for r in reports if r.get("kind") == "full"))
        await asyncio.sleep(0.05)
    out.update(
        {
            **_flat("completion", percentiles(completion)),
            **_flat("pull_after_edit", percentiles(pulls)),
            "full_reports_after_edit": statistics.median(full) if full else None,
            "pulls_cancelled": cancelled,
            "refreshes_asked": client.refreshes,
        }
    )
    return out


async def _complete(client: PullClient, note: Note, prefix: str) -> float:
    """Type `[[prefix` on the last line and ask for completion there: the request's latency."""
    client.notify("textDocument/didChange", note.replace_last_line("[[" + prefix))
    line = len(note.lines) - 1
    elapsed, _ = await client.request(
        "textDocument/completion",
        {
            "textDocument": {"uri": note.uri},
            "position": {"line": line, "character": utf16(note.lines[line])},
            "context": {"triggerKind": 1},
        },
    )
    return elapsed


def _flat(name: str, figures: dict[str, Any]) -> dict[str, Any]:
    """`{name}_p50` and the like: one level, as run.py's table reads figures."""
    return {f"{name}_{key}": value for key, value in figures.items()}


def _cycle(items: list[str]) -> Any:
    while True:
        yield from items
