"""The vaultls benchmark: the real server over stdio, driven as an editor drives it.

    python benchmarks/run.py                      # 1k, 10k and 50k notes
    python benchmarks/run.py --sizes 1000,10000   # only these
    python benchmarks/run.py --quick --sizes 1000 # fewer requests per figure

For each vault size it generates (once) a synthetic vault with `generate_vault.py`, then
measures every figure of the scale issue next to its target and prints a table; the raw
figures go to `benchmarks/results/<date>.json` and `benchmarks/results/latest.json`.

The client here is a minimal JSON-RPC client over the server's pipes, written for this file
rather than borrowed from a test framework, so that what is timed is the server and the pipe,
and nothing else: it announces VS Code's capabilities (UTF-16 positions, work-done progress,
dynamic registration of watched files, pull configuration), answers the server's requests as
VS Code does, and sends incremental `didChange` edits as VS Code does.

Every latency is measured from the moment the client has written the message to the moment
it has read the answer (or the `publishDiagnostics` notification) back; the server runs with
its own empty cache folder (`XDG_CACHE_HOME`) so that "cold" is cold, and again on the cache
that run left behind for "warm".
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate_vault  # noqa: E402 - the sibling module, found through the path set above
import graph_bench  # noqa: E402 - the same
import graph_page  # noqa: E402 - the same
import link_graph_bench  # noqa: E402 - the same
import lsp_wire  # noqa: E402 - the same
import mentions_bench  # noqa: E402 - the same
import parse_bench  # noqa: E402 - the same
import pull_scenario  # noqa: E402 - the same

# --------------------------------------------------------------------------- bootstrap


def _ensure_interpreter(argv: list[str]) -> None:
    """Run under an interpreter that has vaultls and its dependencies: this one, else the
    checkout's `.venv` (created and filled on first use), so that `python benchmarks/run.py`
    works from a clean checkout."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401

        import vaultls  # noqa: F401

        return
    except ImportError:
        pass
    venv_python = REPO / ".venv" / "bin" / "python"
    if os.environ.get("VAULTLS_BENCH_REEXEC"):
        raise SystemExit("vaultls is not importable even in .venv; run `pip install -e .` first")
    if not venv_python.exists():
        print("creating .venv with vaultls installed (first run only)…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(REPO / ".venv")], check=True)
    if subprocess.run([str(venv_python), "-c", "import vaultls, pygls"], capture_output=True).returncode:
        subprocess.run([str(venv_python), "-m", "pip", "install", "--quiet", "-e", str(REPO)], check=True)
    os.environ["VAULTLS_BENCH_REEXEC"] = "1"
    os.execv(str(venv_python), [str(venv_python), str(Path(__file__).resolve()), *argv])


# --------------------------------------------------------------------------- the client

VSCODE_CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"], "markdown": {"parser": "marked", "version": "1.1.0"}},
    "window": {"workDoneProgress": True, "showMessage": {}, "showDocument": {"support": True}},
    "workspace": {
        "applyEdit": True,
        "configuration": True,
        "workspaceFolders": True,
        "didChangeConfiguration": {"dynamicRegistration": True},
        "didChangeWatchedFiles": {"dynamicRegistration": True, "relativePatternSupport": True},
        "executeCommand": {"dynamicRegistration": True},
        "workspaceEdit": {"documentChanges": True},
    },
    "textDocument": {
        "synchronization": {"dynamicRegistration": True, "willSave": True, "didSave": True},
        "completion": {
            "dynamicRegistration": True,
            "contextSupport": True,
            "completionItem": {
                "snippetSupport": True,
                "insertReplaceSupport": True,
                "labelDetailsSupport": True,
                "documentationFormat": ["markdown", "plaintext"],
            },
            "completionList": {"itemDefaults": ["commitCharacters", "editRange", "insertTextFormat"]},
        },
        "hover": {"dynamicRegistration": True, "contentFormat": ["markdown", "plaintext"]},
        "definition": {"dynamicRegistration": True, "linkSupport": True},
        "codeAction": {"dynamicRegistration": True, "isPreferredSupport": True},
        "publishDiagnostics": {"relatedInformation": True, "versionSupport": False, "codeDescriptionSupport": True},
    },
}


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Event:
    time: float
    method: str
    params: Any


class LspClient:
    """Just enough of an LSP client: requests with timing, the server's requests answered,
    notifications recorded with the time they arrived."""

    def __init__(self, proc: asyncio.subprocess.Process, root: Path) -> None:
        self.proc = proc
        self.root = root
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[tuple[float, Any]]] = {}
        self.events: list[Event] = []
        self._waiters: list[tuple[Callable[[Event], bool], asyncio.Future[Event]]] = []
        self._reader = asyncio.ensure_future(self._read_loop())
        self.closed = asyncio.Event()

    # ---------------------------------------------------------------- wire

    def _write(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(lsp_wire.frame(message))

    async def flush(self) -> None:
        assert self.proc.stdin is not None
        await self.proc.stdin.drain()

    async def _read_loop(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            while (message := await lsp_wire.read_message(stdout)) is not None:
                self._dispatch(message, time.perf_counter())
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            self.closed.set()
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("server closed the connection"))

    def _dispatch(self, message: dict[str, Any], arrived: float) -> None:
        if "id" in message and "method" not in message:
            future = self._pending.pop(message["id"], None)
            if future is not None and not future.done():
                if "error" in message:
                    future.set_exception(RuntimeError(f"server error: {message['error']}"))
                else:
                    future.set_result((arrived, message.get("result")))
            return
        method = message.get("method", "")
        params = message.get("params")
        if "id" in message:
            self._write({"jsonrpc": "2.0", "id": message["id"], "result": self._answer(method, params)})
        event = Event(arrived, method, params)
        self.events.append(event)
        for waiter in list(self._waiters):
            predicate, future = waiter
            if not future.done() and predicate(event):
                future.set_result(event)
                self._waiters.remove(waiter)

    def _answer(self, method: str, params: Any) -> Any:
        """What VS Code answers to the server's requests."""
        if method == "workspace/configuration":
            return [{} for _ in (params or {}).get("items", [])]
        if method == "workspace/workspaceFolders":
            return [{"uri": self.root.as_uri(), "name": self.root.name}]
        return None  # workDoneProgress/create, registerCapability, showMessageRequest, …

    # ---------------------------------------------------------------- API

    def request_nowait(self, method: str, params: Any) -> tuple[float, asyncio.Future[tuple[float, Any]]]:
        self._next_id += 1
        future: asyncio.Future[tuple[float, Any]] = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = future
        self._write({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        return time.perf_counter(), future

    async def request(self, method: str, params: Any, timeout: float = 60) -> tuple[float, Any]:
        """(seconds from writing the request to reading the answer, result)."""
        sent, future = self.request_nowait(method, params)
        await self.flush()
        arrived, result = await asyncio.wait_for(future, timeout)
        return arrived - sent, result

    def notify(self, method: str, params: Any) -> float:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})
        return time.perf_counter()

    def wait_for(self, predicate: Callable[[Event], bool], since: float = 0.0) -> asyncio.Future[Event]:
        """A future for the first notification (already received after `since`, or to come)
        that satisfies `predicate`."""
        future: asyncio.Future[Event] = asyncio.get_running_loop().create_future()
        for event in self.events:
            if event.time >= since and predicate(event):
                future.set_result(event)
                return future
        self._waiters.append((predicate, future))
        return future


def is_diagnostics(uri: str, extra: Callable[[dict[str, Any]], bool] = lambda p: True) -> Callable[[Event], bool]:
    return lambda e: e.method == "textDocument/publishDiagnostics" and e.params["uri"] == uri and extra(e.params)


def is_progress_end(e: Event) -> bool:
    return (
        e.method == "$/progress" and isinstance(e.params.get("value"), dict) and e.params["value"].get("kind") == "end"
    )


# --------------------------------------------------------------------------- documents


@dataclass
class Doc:
    """The client's copy of an open note, kept in step with the edits it sends."""

    uri: str
    lines: list[str]
    version: int = 1

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def end(self) -> tuple[int, int]:
        return len(self.lines) - 1, len(self.lines[-1])

    def edit(self, line: int, start: int, end: int, new: str) -> dict[str, Any]:
        """Replace columns [start, end) of one line (code points) by `new` (no newline unless
        it is the last line); returns the didChange params, UTF-16 positions."""
        old = self.lines[line]
        change = {
            "range": {
                "start": {"line": line, "character": utf16(old[:start])},
                "end": {"line": line, "character": utf16(old[:end])},
            },
            "text": new,
        }
        pieces = (old[:start] + new + old[end:]).split("\n")
        self.lines[line : line + 1] = pieces
        self.version += 1
        return {"textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": [change]}


_FENCE = re.compile(r"^\s*(```|~~~)\s*([\w-]*)")
_LINK_AT = re.compile(r"(?<!`)\[\[([^\[\]|#`]+)")


def link_positions(lines: list[str]) -> list[tuple[int, int]]:
    """(line, code-point column) inside the target of every wikilink outside code fences, inline
    code and comments: where an editor user would ask for a definition or a hover."""
    out: list[tuple[int, int]] = []
    in_code = False
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if m:
            if in_code:
                in_code = False
            elif not m.group(2).startswith("ad-"):
                in_code = True
            continue
        if in_code or "<!--" in line or "%%" in line or line.startswith("---"):
            continue
        for link in _LINK_AT.finditer(line):
            before = line[: link.start()]
            if before.count("`") % 2:
                continue
            out.append((i, link.start() + 2 + max(1, len(link.group(1)) // 2)))
    return out


# --------------------------------------------------------------------------- process figures


def _status(pid: int, field_name: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                out.extend(int(c) for c in handle.read().split())
    except OSError:
        pass
    return out


def _cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rpartition(")")[2].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / ticks
    except (OSError, IndexError, ValueError):
        return None


def sched_ns(pid: int) -> tuple[int, int]:
    """(time on a CPU, time waiting for one) of all the server's threads, in ns, from
    /proc/<pid>/task/*/schedstat. On-CPU time tells what a request costs the server whatever
    else the machine runs; the wait tells how much of a latency was the machine being busy."""
    run = wait = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/schedstat") as handle:
                    fields = handle.read().split()
                run += int(fields[0])
                wait += int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    except OSError:
        pass
    return run, wait


class RssSampler:
    """Peak resident memory of the server and any worker processes it starts, sampled every
    20 ms (the server's own VmHWM, read at the end, catches what sampling misses)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_tree = 0
        self.peak_children = 0
        self.children_cpu: dict[int, float] = {}  # last CPU seconds seen of each worker
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while True:
            main = _status(self.pid, "VmRSS")
            if main is None:
                return
            children = _children(self.pid)
            kids = sum(_status(c, "VmRSS") or 0 for c in children)
            for child in children:
                seen = _cpu_seconds(child)
                if seen is not None:
                    self.children_cpu[child] = seen
            self.peak_children = max(self.peak_children, kids)
            self.peak_tree = max(self.peak_tree, main + kids)
            await asyncio.sleep(0.02)

    def stop(self) -> None:
        self._task.cancel()


# --------------------------------------------------------------------------- one server session


def _p(ordered: list[float], q: float) -> float:
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]  # nearest rank


def percentiles(
    samples: list[float], cpu: list[float] | None = None, wait: list[float] | None = None
) -> dict[str, Any]:
    """p50/p95/max in ms of the latencies, and of the server's on-CPU and run-queue-wait time
    during each, when given."""
    if not samples:
        return {"p50": None, "p95": None, "max": None, "n": 0}
    ordered = sorted(samples)
    out: dict[str, Any] = {
        "p50": statistics.median(ordered) * 1000,
        "p95": _p(ordered, 0.95) * 1000,
        "max": ordered[-1] * 1000,
        "n": len(ordered),
    }
    for name, values in (("cpu", cpu), ("wait", wait)):
        if values:
            values = sorted(values)
            out[f"{name}_p50"] = statistics.median(values) * 1000
            out[f"{name}_p95"] = _p(values, 0.95) * 1000
    return out


@dataclass
class Session:
    client: LspClient
    proc: asyncio.subprocess.Process
    sampler: RssSampler
    launched: float
    figures: dict[str, Any] = field(default_factory=dict)
    docs: dict[str, Doc] = field(default_factory=dict)


WhileIndexing = Callable[["Session", "Doc", "asyncio.Future[Event]"], Awaitable[dict[str, Any]]]


async def start_session(
    root: Path, cache_home: Path, log: Path, first_note: str, while_indexing: WhileIndexing | None = None
) -> Session:
    """Launch the server, initialize it as VS Code does, open one note right after
    `initialized`, and time how long until it is ready. `while_indexing` runs from the opened
    note's diagnostics until the indexing progress ends; what it returns goes to
    `figures["while_indexing"]`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as stderr:
        launched = time.perf_counter()
        profile = os.environ.get("VAULTLS_BENCH_PROFILE")  # a folder: run the server under cProfile
        prefix = ["-m", "cProfile", "-o", os.path.join(profile, log.stem + ".prof")] if profile else []
        proc = await lsp_wire.spawn_server(root, cache_home, stderr, prefix)
    client = LspClient(proc, root)
    sampler = RssSampler(proc.pid)
    session = Session(client, proc, sampler, launched)
    init_params = {
        "processId": os.getpid(),
        "clientInfo": {"name": "Visual Studio Code", "version": "1.100.3"},
        "rootUri": root.as_uri(),
        "rootPath": str(root),
        "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
        "capabilities": VSCODE_CAPABILITIES,
        "initializationOptions": {},
        "trace": "off",
    }
    # VS Code writes `initialize` as soon as the process exists: the interpreter's start-up and
    # imports are part of what the user waits for, so the clock starts at the launch.
    elapsed, _ = await client.request("initialize", init_params, timeout=120)
    answered = time.perf_counter()
    client.notify("initialized", {})
    doc = open_doc(session, first_note)
    await client.flush()
    diag_future = client.wait_for(is_diagnostics(doc.uri))
    progress_future = asyncio.ensure_future(client.wait_for(is_progress_end))
    timeout = 600
    diag = await asyncio.wait_for(diag_future, timeout)
    if while_indexing is not None:
        session.figures["while_indexing"] = await while_indexing(session, doc, progress_future)
    try:
        end = await asyncio.wait_for(progress_future, timeout)
        end_time: float | None = end.time
    except asyncio.TimeoutError:
        end_time = None
    session.figures.update(
        {
            "initialize_answered_s": answered - launched,
            "ready_diagnostics_s": diag.time - launched,
            "ready_progress_end_s": (end_time - launched) if end_time else None,
            "ready_diagnostics_after_initialize_s": diag.time - answered,
            "ready_progress_end_after_initialize_s": (end_time - answered) if end_time else None,
            "progress_reports": sum(1 for e in client.events if e.method == "$/progress"),
            # The server's own CPU time plus that of the workers it started (as last sampled;
            # workers that were already reaped are in the server's children time).
            "cpu_s_at_ready": (_cpu_seconds(proc.pid) or 0)
            + sum(cpu for pid, cpu in sampler.children_cpu.items() if os.path.exists(f"/proc/{pid}")),
            "opened_note_diagnostics": len(diag.params["diagnostics"]),
        }
    )
    del elapsed
    return session


def open_doc(session: Session, rel: str) -> Doc:
    path = session.client.root / rel
    text = path.read_text(encoding="utf-8")
    doc = Doc(path.as_uri(), text.split("\n"))
    session.docs[rel] = doc
    session.client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": doc.uri, "languageId": "markdown", "version": doc.version, "text": text}},
    )
    return doc


async def stop_session(session: Session) -> None:
    client, proc = session.client, session.proc
    session.figures["peak_rss_server_bytes"] = _status(proc.pid, "VmHWM")
    session.figures["cpu_s_total"] = _cpu_seconds(proc.pid)
    session.sampler.stop()
    session.figures["peak_rss_workers_bytes"] = session.sampler.peak_children
    session.figures["peak_rss_tree_sampled_bytes"] = session.sampler.peak_tree
    try:
        await client.request("shutdown", None, timeout=10)
        client.notify("exit", None)
        await client.flush()
        await asyncio.wait_for(proc.wait(), 10)
    except (asyncio.TimeoutError, ConnectionError, RuntimeError):
        proc.kill()
        await proc.wait()


# --------------------------------------------------------------------------- the figures


async def measure_completion(session: Session, doc: Doc, prefixes: list[str]) -> dict[str, Any]:
    """Type `[[prefix` on a new last line and ask for completion, as an editor does on every
    keystroke; the didChange goes first, then the request, and only the request is timed."""
    client = session.client
    line, col = doc.end()
    client.notify("textDocument/didChange", doc.edit(line, col, col, "\n"))
    await client.flush()
    samples: list[float] = []
    cpu: list[float] = []
    wait: list[float] = []
    empty = 0
    pid = session.proc.pid
    for prefix in prefixes:
        before = sched_ns(pid)
        elapsed, result = await type_and_complete(client, doc, prefix)
        after = sched_ns(pid)
        samples.append(elapsed)
        cpu.append((after[0] - before[0]) / 1e9)
        wait.append((after[1] - before[1]) / 1e9)
        items = (result or {}).get("items", []) if isinstance(result, dict) else (result or [])
        empty += not items
        await asyncio.sleep(0.05)  # a fast typist's pause: the debounced diagnostics run here
    client.notify("textDocument/didChange", doc.edit(len(doc.lines) - 1, 0, len(doc.lines[-1]), ""))
    await client.flush()
    return {**percentiles(samples, cpu, wait), "empty_results": empty}


async def type_and_complete(client: LspClient, doc: Doc, prefix: str) -> tuple[float, Any]:
    """Replace the last line by `[[prefix` and ask for completion at its end, as an editor does
    on a keystroke: (the request's latency, its result)."""
    line = len(doc.lines) - 1
    client.notify("textDocument/didChange", doc.edit(line, 0, len(doc.lines[line]), "[[" + prefix))
    return await client.request(
        "textDocument/completion",
        {
            "textDocument": {"uri": doc.uri},
            "position": {"line": line, "character": utf16(doc.lines[line])},
            "context": {"triggerKind": 1},
        },
    )


def completion_while_indexing(prefixes: list[str]) -> WhileIndexing:
    """Type `[[prefix` and ask for completion, as `measure_completion` does, from the moment
    the opened note's diagnostics arrive until the cold scan's progress ends: what someone who
    starts writing at once gets while the rest of the vault is parsed (by worker processes
    that compete with the server for the cores)."""

    async def measure(session: Session, doc: Doc, progress_end: asyncio.Future[Event]) -> dict[str, Any]:
        client = session.client
        line, col = doc.end()
        client.notify("textDocument/didChange", doc.edit(line, col, col, "\n"))
        samples: list[float] = []
        for prefix in cycle(prefixes):
            if progress_end.done():
                break
            elapsed, _ = await type_and_complete(client, doc, prefix)
            samples.append(elapsed)
            await asyncio.sleep(0.05)
        client.notify("textDocument/didChange", doc.edit(len(doc.lines) - 1, 0, len(doc.lines[-1]), ""))
        await client.flush()
        return percentiles(samples)

    return measure


async def measure_navigation(session: Session, method: str, positions: list[tuple[Doc, int, int]]) -> dict[str, Any]:
    client = session.client
    samples: list[float] = []
    cpu: list[float] = []
    wait: list[float] = []
    answered = 0
    pid = session.proc.pid
    for doc, line, col in positions:
        before = sched_ns(pid)
        elapsed, result = await client.request(
            method,
            {"textDocument": {"uri": doc.uri}, "position": {"line": line, "character": utf16(doc.lines[line][:col])}},
        )
        after = sched_ns(pid)
        samples.append(elapsed)
        cpu.append((after[0] - before[0]) / 1e9)
        wait.append((after[1] - before[1]) / 1e9)
        answered += bool(result)
        await asyncio.sleep(0.005)
    return {**percentiles(samples, cpu, wait), "non_empty": answered}


def notes_of_size(root: Path, size: int, count: int) -> list[str]:
    """The `count` notes whose size in bytes is nearest `size` (ties by path)."""
    sizes = [(abs(p.stat().st_size - size), p.relative_to(root).as_posix()) for p in root.rglob("*.md")]
    return [rel for _, rel in sorted(sizes)[:count]]


async def measure_semantic_tokens(session: Session, docs: list[Doc], rounds: int) -> dict[str, Any]:
    """`textDocument/semanticTokens/full` of open notes in turn, as an editor asks when it shows
    one: every link resolved, every token in UTF-16; p50/p95 of the request alone."""
    client = session.client
    samples: list[float] = []
    cpu: list[float] = []
    wait: list[float] = []
    tokens = 0
    pid = session.proc.pid
    for k in range(rounds):
        doc = docs[k % len(docs)]
        before = sched_ns(pid)
        elapsed, result = await client.request("textDocument/semanticTokens/full", {"textDocument": {"uri": doc.uri}})
        after = sched_ns(pid)
        samples.append(elapsed)
        cpu.append((after[0] - before[0]) / 1e9)
        wait.append((after[1] - before[1]) / 1e9)
        tokens = max(tokens, len((result or {}).get("data", [])) // 5)
        await asyncio.sleep(0.005)
    sizes = [len(d.text.encode("utf-8")) for d in docs]
    return {**percentiles(samples, cpu, wait), "most_tokens": tokens, "note_bytes": [min(sizes), max(sizes)]}


async def measure_edit_to_diagnostics(session: Session, doc: Doc, rounds: int) -> dict[str, Any]:
    """Replace the last line by one holding a new dangling link and time until the
    publishDiagnostics that reports it arrives."""
    client = session.client
    line, col = doc.end()
    client.notify("textDocument/didChange", doc.edit(line, col, col, "\n"))
    await client.flush()
    samples: list[float] = []
    cpu: list[float] = []
    wait: list[float] = []
    pid = session.proc.pid
    for k in range(rounds):
        line = len(doc.lines) - 1
        name = f"Benchmark missing note {k}"
        params = doc.edit(line, 0, len(doc.lines[line]), f"Edit {k} adds [[{name}]] here.")
        future = client.wait_for(
            is_diagnostics(doc.uri, lambda p, name=name: any(name in d["message"] for d in p["diagnostics"]))
        )
        before = sched_ns(pid)
        sent = client.notify("textDocument/didChange", params)
        await client.flush()
        event = await asyncio.wait_for(future, 30)
        after = sched_ns(pid)
        samples.append(event.time - sent)
        cpu.append((after[0] - before[0]) / 1e9)
        wait.append((after[1] - before[1]) / 1e9)
        await asyncio.sleep(0.03)
    return percentiles(samples, cpu, wait)


async def measure_burst(session: Session, doc: Doc, prefix: str, keystrokes: int = 200) -> dict[str, Any]:
    """200 one-character didChange notifications as fast as the pipe takes them, then a
    completion request: how long the completion waits, and which versions got diagnostics."""
    client = session.client
    tail = f" see [[Burst dangling target]] and now [[{prefix}"
    lead = "Typing quickly: " + "lorem ipsum dolor sit amet " * 10
    typed = (lead[: keystrokes - len(tail)] + tail)[:keystrokes]
    line, col = doc.end()
    client.notify("textDocument/didChange", doc.edit(line, col, col, "\n"))
    await client.flush()
    await asyncio.sleep(0.3)  # let that settle: the burst starts from a quiet server
    before = sched_ns(session.proc.pid)
    start = time.perf_counter()
    line = len(doc.lines) - 1
    for ch in typed:
        end = len(doc.lines[line])
        client.notify("textDocument/didChange", doc.edit(line, end, end, ch))
    final_version = doc.version
    sent, future = client.request_nowait(
        "textDocument/completion",
        {
            "textDocument": {"uri": doc.uri},
            "position": {"line": line, "character": utf16(doc.lines[line])},
            "context": {"triggerKind": 1},
        },
    )
    await client.flush()
    written = time.perf_counter()
    arrived, result = await asyncio.wait_for(future, 60)
    after = sched_ns(session.proc.pid)
    final_diag = client.wait_for(
        is_diagnostics(doc.uri, lambda p: any("Burst dangling target" in d["message"] for d in p["diagnostics"])),
        since=start,
    )
    try:
        await asyncio.wait_for(final_diag, 10)
    except asyncio.TimeoutError:
        pass
    await asyncio.sleep(0.5)  # anything late would show up now
    published = [e for e in client.events if e.time >= start and is_diagnostics(doc.uri)(e)]
    reported = [e for e in published if any("Burst dangling target" in d["message"] for d in e.params["diagnostics"])]
    items = (result or {}).get("items", []) if isinstance(result, dict) else (result or [])
    return {
        "keystrokes": keystrokes,
        "write_burst_ms": (written - start) * 1000,
        "completion_after_burst_ms": (arrived - written) * 1000,
        "completion_from_burst_start_ms": (arrived - start) * 1000,
        "completion_items": len(items),
        "server_cpu_ms": (after[0] - before[0]) / 1e6,
        "server_wait_ms": (after[1] - before[1]) / 1e6,
        "publishes_during_burst": len(published),
        "final_version": final_version,
        "final_version_diagnostics": len(reported),
        # Exactly one publish after the burst, and it is the final version's (the version
        # field is checked when the server sends one).
        "only_final_version": len(published) == 1
        and len(reported) == 1
        and published[0].params.get("version") in (None, final_version),
        "versions_published": [e.params.get("version") for e in published],
    }


def read_floor(root: Path) -> dict[str, Any]:
    """The floor: walking the vault and reading (and decoding) every file, in one thread."""
    started = time.perf_counter()
    count = size = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            with open(os.path.join(folder, name), "rb") as handle:
                data = handle.read()
            if name.endswith(".md"):
                data.decode("utf-8", errors="replace")
            count += 1
            size += len(data)
    return {"seconds": time.perf_counter() - started, "files": count, "bytes": size}


def import_floor(tries: int = 3) -> dict[str, Any]:
    """The floor of any start: an interpreter importing pygls and lsprotocol and nothing of
    vaultls (best of `tries`). No server built on them answers `initialize` sooner."""
    best = float("inf")
    for _ in range(tries):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import lsprotocol.types, pygls.lsp.server"], check=True)
        best = min(best, time.perf_counter() - started)
    return {"seconds": best}


def run_check(root: Path, cache_home: Path, fmt: str = "text") -> dict[str, Any]:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    env.pop("VAULTLS_BENCH_REEXEC", None)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "vaultls", "check", str(root), "--fail-on", "never", "--format", fmt],
        capture_output=True,
        env=env,
        cwd=str(root),
    )
    seconds = time.perf_counter() - started
    problems = proc.stdout.count(b"\n")
    return {
        "seconds": seconds,
        "exit_code": proc.returncode,
        "problems": problems,
        "summary": proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:],
    }


def run_check_named(root: Path, cache_home: Path, count: int = 5, rounds: int = 3) -> dict[str, Any]:
    """Warm `vaultls check` of `count` notes spread over the vault, as a pre-commit hook runs
    it on the staged files (best of `rounds`), next to the floor of any such run: an
    interpreter importing what `vaultls check` imports."""
    notes = sorted(p.relative_to(root).as_posix() for p in root.glob("*.md"))
    step = max(1, len(notes) // count)
    named = notes[step // 2 :: step][:count]
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    env.pop("VAULTLS_BENCH_REEXEC", None)
    best = floor = math.inf
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import vaultls.cli"], env=env, check=True)
        floor = min(floor, time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "vaultls", "check", "--fail-on", "never", *named],
            capture_output=True,
            env=env,
            cwd=str(root),
        )
        best = min(best, time.perf_counter() - started)
    return {"seconds": best, "notes": len(named), "import_floor_s": floor}


def check_formats(root: Path, cache_home: Path, rounds: int = 2) -> dict[str, dict[str, float]]:
    """Warm `vaultls check` in every format, each the best of `rounds` runs taken in turns (so
    that the machine's load weighs on all alike), with its ratio to text."""
    best = dict.fromkeys(("text", "json", "github", "sarif"), math.inf)
    for _ in range(rounds):
        for fmt in best:
            best[fmt] = min(best[fmt], run_check(root, cache_home, fmt)["seconds"])
    return {fmt: {"seconds": s, "ratio": s / best["text"]} for fmt, s in best.items()}


# --------------------------------------------------------------------------- one size


@dataclass
class Plan:
    completion_prefixes: int
    navigation_links: int
    edit_rounds: int
    warm_starts: int


def section_limit(n: int) -> float:
    """How long one section (a server of its own) may take before the run gives up on it and
    goes on: generous, and growing with the vault (a loaded machine, 100k notes)."""
    return 300 + n * 0.012


async def guarded(name: str, seconds: float, work: Awaitable[Any], log: Callable[[str], None]) -> Any:
    """`work`'s figures, or `{"timed_out": "timed out after N s"}` when it (or one of its
    requests) took too long: one slow section costs its rows, not the rest of the run."""
    started = time.perf_counter()
    try:
        return await asyncio.wait_for(work, seconds)
    except (asyncio.TimeoutError, TimeoutError):
        message = f"timed out after {time.perf_counter() - started:.0f} s"
        log(f"  {name}: {message}")
        return {"timed_out": message}


async def bench_size(n: int, vaults: Path, results: Path, plan: Plan, log: Callable[[str], None]) -> dict[str, Any]:
    root = generate_vault.generate(n, vaults / str(n))
    manifest = generate_vault.read_manifest(root) or {}
    probes: list[str] = manifest["probe_notes"]
    names: list[str] = manifest["names"]
    out: dict[str, Any] = {
        "notes": manifest.get("notes"),
        "attachments": manifest.get("attachments"),
        "megabytes": round(manifest.get("bytes", 0) / 1e6, 1),
        "links": manifest.get("links"),
        "load_average_before": os.getloadavg()[0],
    }
    out["read_floor"] = read_floor(root)
    log(f"  floor: read {out['read_floor']['files']} files in {out['read_floor']['seconds']:.2f} s")
    out["parse_alone"] = parse_bench.parse_vault(root)
    log(f"  parse alone: {out['parse_alone']['seconds']:.2f} s CPU, {out['parse_alone']['us_per_note']} µs a note")
    out["import_floor"] = import_floor()
    log(f"  floor: python importing pygls + lsprotocol {out['import_floor']['seconds']:.2f} s")

    cache_root = Path(tempfile.mkdtemp(prefix=f"vaultls-bench-{n}-"))
    try:
        out["check_cold"] = run_check(root, cache_root / "check")
        out["check_warm"] = run_check(root, cache_root / "check")
        log(f"  vaultls check: cold {out['check_cold']['seconds']:.2f} s, warm {out['check_warm']['seconds']:.2f} s")
        out["check_formats"] = check_formats(root, cache_root / "check")
        out["check_slowest_format"] = max(r["seconds"] for r in out["check_formats"].values())
        out["check_named"] = run_check_named(root, cache_root / "check")
        named = out["check_named"]
        log(
            f"  vaultls check of {named['notes']} named notes, warm: {named['seconds']:.2f} s "
            f"(importing vaultls.cli alone: {named['import_floor_s']:.2f} s)"
        )
        log(
            "  vaultls check, warm, by format: "
            + ", ".join(
                f"{fmt} {r['seconds']:.2f} s ({r['ratio']:.2f}× text)" for fmt, r in out["check_formats"].items()
            )
        )

        server_cache = cache_root / "server"
        session = await start_session(root, server_cache, results / "logs" / f"server-{n}-cold.log", probes[0])
        out["cold"] = dict(session.figures)
        log(
            f"  cold start: diagnostics {session.figures['ready_diagnostics_s']:.2f} s, "
            f"progress end {session.figures['ready_progress_end_s'] or float('nan'):.2f} s"
        )
        docs = [session.docs[probes[0]]]
        for rel in probes[1:4]:
            docs.append(open_doc(session, rel))
        await session.client.flush()
        await asyncio.sleep(0.3)

        prefixes = _prefixes(names, plan.completion_prefixes)
        out["completion"] = await measure_completion(session, docs[0], prefixes)
        log(f"  completion: p50 {out['completion']['p50']:.1f} ms, p95 {out['completion']['p95']:.1f} ms")

        positions = [(d, line, col) for d in docs for line, col in link_positions(d.lines)]
        step = max(1, len(positions) // plan.navigation_links)
        positions = positions[::step][: plan.navigation_links]
        out["definition"] = await measure_navigation(session, "textDocument/definition", positions)
        out["hover"] = await measure_navigation(session, "textDocument/hover", positions)
        log(f"  definition p95 {out['definition']['p95']:.1f} ms, hover p95 {out['hover']['p95']:.1f} ms")

        token_docs = [open_doc(session, rel) for rel in notes_of_size(root, 5000, 4)]
        await session.client.flush()
        out["semantic_tokens"] = await measure_semantic_tokens(session, token_docs, plan.navigation_links)
        log(
            f"  semantic tokens of a 5 KB note: p95 {out['semantic_tokens']['p95']:.1f} ms "
            f"({out['semantic_tokens']['most_tokens']} tokens at most)"
        )

        out["edit_to_diagnostics"] = await measure_edit_to_diagnostics(session, docs[1], plan.edit_rounds)
        log(
            f"  didChange → diagnostics: p50 {out['edit_to_diagnostics']['p50']:.1f} ms, "
            f"p95 {out['edit_to_diagnostics']['p95']:.1f} ms"
        )

        out["burst"] = await measure_burst(session, docs[2], names[0][:3])
        log(
            f"  burst: completion after {out['burst']['completion_after_burst_ms']:.1f} ms, "
            f"diagnostics only for the final version: {out['burst']['only_final_version']}"
        )

        await stop_session(session)
        out["pull"] = await guarded(
            "pull scenario",
            section_limit(n),
            pull_scenario.measure(
                root,
                cache_root / "pull",
                results / "logs" / f"server-{n}-pull.log",
                probes[0],
                prefixes,
                3 * plan.edit_rounds,
            ),
            log,
        )
        if "timed_out" not in out["pull"]:
            log(
                f"  pull scenario: completion during pulls p95 {out['pull']['completion_p95']:.1f} ms, "
                f"pull after one edit p50 {out['pull']['pull_after_edit_p50'] or float('nan'):.1f} ms"
            )
        out["graph"] = await guarded(
            "graph",
            section_limit(n),
            graph_bench.measure(root, cache_root / "graph", results / "logs" / f"server-{n}-graph.log", probes[0]),
            log,
        )
        if "timed_out" not in out["graph"]:
            log("  " + graph_bench.row(n, out["graph"]))
        # The html page's first frame in Chromium (judged at 10k; 50k would be a page of ~200 MB).
        rounds = max(1, min(3, plan.warm_starts))
        out["graph_page"] = graph_page.measure(root, cache_root / "graph-page", rounds) if n <= 10000 else None
        log(f"  graph page (html) in Chromium: {out['graph_page']}")
        out["link_graph"] = await guarded(
            "link graph",
            section_limit(n),
            link_graph_bench.measure(
                root,
                server_cache,
                results / "logs" / f"server-{n}-links.log",
                link_graph_bench.notes_to_ask(root, probes),
                max(5, plan.navigation_links // 10),
            ),
            log,
        )
        if "timed_out" not in out["link_graph"]:
            log("  " + link_graph_bench.row(n, out["link_graph"]))
        out["mentions"] = await guarded(
            "unlinked mentions",
            section_limit(n),
            mentions_bench.measure(
                root,
                server_cache,
                results / "logs" / f"server-{n}-mentions.log",
                mentions_bench.notes_to_ask(probes),
                max(5, plan.navigation_links // 4),
            ),
            log,
        )
        if "timed_out" not in out["mentions"]:
            log("  " + mentions_bench.row(n, out["mentions"]))
        busy = await start_session(
            root,
            cache_root / "busy",
            results / "logs" / f"server-{n}-busy.log",
            probes[0],
            completion_while_indexing(prefixes),
        )
        await stop_session(busy)
        out["completion_while_indexing"] = busy.figures["while_indexing"]
        if out["completion_while_indexing"]["n"]:
            log(
                f"  completion while the cold scan runs: p50 {out['completion_while_indexing']['p50']:.1f} ms, "
                f"p95 {out['completion_while_indexing']['p95']:.1f} ms over {out['completion_while_indexing']['n']}"
            )
        out["memory"] = {
            "peak_rss_server_mb": (session.figures["peak_rss_server_bytes"] or 0) / 2**20,
            "peak_rss_workers_mb": session.figures["peak_rss_workers_bytes"] / 2**20,
            "peak_rss_tree_sampled_mb": session.figures["peak_rss_tree_sampled_bytes"] / 2**20,
        }
        out["memory"]["peak_rss_mb"] = max(
            out["memory"]["peak_rss_server_mb"], out["memory"]["peak_rss_tree_sampled_mb"]
        )
        out["cold"]["cpu_s_total"] = session.figures.get("cpu_s_total")
        log(f"  peak RSS {out['memory']['peak_rss_mb']:.0f} MB")

        warm_runs = []
        for k in range(plan.warm_starts):
            warm = await start_session(root, server_cache, results / "logs" / f"server-{n}-warm{k}.log", probes[0])
            warm_runs.append(dict(warm.figures))
            await stop_session(warm)
        out["warm_runs"] = warm_runs
        out["warm"] = min(warm_runs, key=lambda f: f["ready_progress_end_s"] or 1e9) if warm_runs else None
        if out["warm"]:
            log(
                f"  warm start: diagnostics {out['warm']['ready_diagnostics_s']:.2f} s, "
                f"progress end {out['warm']['ready_progress_end_s'] or float('nan'):.2f} s"
            )
        out["cache_bytes"] = sum(f.stat().st_size for f in server_cache.rglob("*") if f.is_file())
    finally:
        shutil.rmtree(cache_root, ignore_errors=True)
    return out


def _prefixes(names: list[str], count: int) -> list[str]:
    """What people type after `[[`: nothing, a letter or three of a real name, a whole name,
    a folder, non-ASCII, and something that matches nothing."""
    out = ["", "zzqx", "Daily/2022", "Mé", "日本", "🌱"]
    for name in names:
        out.extend([name[:1], name[:3], name])
    return out[:count] if count < len(out) else out


# --------------------------------------------------------------------------- targets and the table


@dataclass
class Figure:
    label: str
    target: str
    value: Callable[[dict[str, Any]], Any]  # one size's results → a number (or bool/None)
    unit: str = ""
    limit: float | None = None  # the target, checked at `at` notes
    at: int | None = 10000
    compare: str = "<="


def _get(*keys: str) -> Callable[[dict[str, Any]], Any]:
    def read(r: dict[str, Any]) -> Any:
        for k in keys:
            if r is None:
                return None
            if isinstance(r, dict) and "timed_out" in r:
                return r["timed_out"]  # a section that gave up: its rows say so
            r = r.get(k) if isinstance(r, dict) else None
        return r

    return read


def _pair(section: str, first: str, second: str | tuple[str, str]) -> Callable[[dict[str, Any]], Any]:
    """Two figures shown as one cell, `a / b`."""
    other = second if isinstance(second, tuple) else (section, second)

    def read(r: dict[str, Any]) -> Any:
        a, b = _get(section, first)(r), _get(*other)(r)
        if isinstance(a, str):
            return a  # "timed out after N s"
        return None if a is None or b is None else (a, b)

    return read


FIGURES = [
    Figure(
        "machine load average before (1 min; 2 = both cores busy)", "—", _get("load_average_before"), "load", None, None
    ),
    Figure("read every file (the floor)", "—", _get("read_floor", "seconds"), "s", None, None),
    Figure("parse every note, one process (CPU)", "—", _get("parse_alone", "seconds"), "s", None, None),
    Figure("  parse per note (µs CPU)", "—", _get("parse_alone", "us_per_note"), "", None, None),
    Figure("cold start → diagnostics of opened note", "—", _get("cold", "ready_diagnostics_s"), "s", None, None),
    Figure("cold start → end of indexing progress", "—", _get("cold", "ready_progress_end_s"), "s", None, None),
    Figure(
        "  cold, after initialize answered → end of progress",
        "≤ 2.0 s @10k",
        _get("cold", "ready_progress_end_after_initialize_s"),
        "s",
        2.0,
    ),
    Figure(
        "  cold, after initialize → end of progress, 50k notes",
        "≤ 10 s @50k",
        _get("cold", "ready_progress_end_after_initialize_s"),
        "s",
        10.0,
        50000,
    ),
    Figure(
        "  cold, after initialize → end of progress, 100k notes",
        "≤ 25 s @100k",
        _get("cold", "ready_progress_end_after_initialize_s"),
        "s",
        25.0,
        100000,
    ),
    Figure(
        "  of which process start-up (→ initialize answered)",
        "—",
        _get("cold", "initialize_answered_s"),
        "s",
        None,
        None,
    ),
    Figure("  floor: python importing pygls + lsprotocol only", "—", _get("import_floor", "seconds"), "s", None, None),
    Figure("  server CPU time until then (with workers)", "—", _get("cold", "cpu_s_at_ready"), "s", None, None),
    Figure("cold start → end of progress, 50k notes", "—", _get("cold", "ready_progress_end_s"), "s", None, 50000),
    Figure("cold start → diagnostics, 50k notes", "—", _get("cold", "ready_diagnostics_s"), "s", None, None, 50000),
    Figure("warm start → diagnostics of opened note", "—", _get("warm", "ready_diagnostics_s"), "s", None, None),
    Figure("warm start → end of indexing progress", "—", _get("warm", "ready_progress_end_s"), "s", None, None),
    Figure(
        "  warm, after initialize answered → end of progress",
        "≤ 0.15 s @10k",
        _get("warm", "ready_progress_end_after_initialize_s"),
        "s",
        0.15,
    ),
    Figure(
        "  warm, after initialize → end of progress, 50k notes",
        "≤ 0.75 s @50k",
        _get("warm", "ready_progress_end_after_initialize_s"),
        "s",
        0.75,
        50000,
    ),
    Figure(
        "  warm, after initialize → end of progress, 100k notes",
        "≤ 1.5 s @100k",
        _get("warm", "ready_progress_end_after_initialize_s"),
        "s",
        1.5,
        100000,
    ),
    Figure("  server CPU time until then", "—", _get("warm", "cpu_s_at_ready"), "s", None, None),
    Figure("vaultls check, whole vault, cold", "≤ 2 s @10k", _get("check_cold", "seconds"), "s", 2.0),
    Figure("vaultls check, whole vault, warm", "≤ 0.5 s @10k", _get("check_warm", "seconds"), "s", 0.5),
    Figure("  warm, the slowest format", "≤ 0.5 s @10k", _get("check_slowest_format"), "s", 0.5),
    Figure("  warm, text (best of turns)", "—", _get("check_formats", "text", "seconds"), "s", None, None),
    Figure("  warm, json ÷ text", "≤ 1.2×", _get("check_formats", "json", "ratio"), "×", 1.2),
    Figure("  warm, github ÷ text", "≤ 1.2×", _get("check_formats", "github", "ratio"), "×", 1.2),
    Figure("  warm, sarif ÷ text", "≤ 1.2×", _get("check_formats", "sarif", "ratio"), "×", 1.2),
    Figure("vaultls check of 5 named notes, warm", "≤ 0.3 s @10k", _get("check_named", "seconds"), "s", 0.3),
    Figure("  floor: python importing vaultls.cli only", "—", _get("check_named", "import_floor_s"), "s", None, None),
    Figure("completion after [[ p50", "—", _get("completion", "p50"), "ms", None, None),
    Figure("completion after [[ p95", "≤ 15 ms", _get("completion", "p95"), "ms", 15.0),
    Figure(
        "  server CPU per keystroke+request p50 / p95", "—", _pair("completion", "cpu_p50", "cpu_p95"), "ms", None, None
    ),
    Figure(
        "  while the cold scan runs, p50 / p95", "—", _pair("completion_while_indexing", "p50", "p95"), "ms", None, None
    ),
    Figure("definition p50", "—", _get("definition", "p50"), "ms", None, None),
    Figure("definition p95", "≤ 10 ms", _get("definition", "p95"), "ms", 10.0),
    Figure("hover p50", "—", _get("hover", "p50"), "ms", None, None),
    Figure("hover p95", "≤ 10 ms", _get("hover", "p95"), "ms", 10.0),
    Figure(
        "  server CPU per definition / hover, p95",
        "—",
        _pair("definition", "cpu_p95", ("hover", "cpu_p95")),
        "ms",
        None,
        None,
    ),
    Figure("semantic tokens of a 5 KB note p95", "≤ 15 ms", _get("semantic_tokens", "p95"), "ms", 15.0),
    Figure("  server CPU per request, p95", "—", _get("semantic_tokens", "cpu_p95"), "ms", None, None),
    Figure("didChange → publishDiagnostics p50", "—", _get("edit_to_diagnostics", "p50"), "ms", None, None),
    Figure("didChange → publishDiagnostics p95", "≤ 60 ms", _get("edit_to_diagnostics", "p95"), "ms", 60.0),
    Figure(
        "  server CPU per edit p50 / p95 (debounce excluded)",
        "—",
        _pair("edit_to_diagnostics", "cpu_p50", "cpu_p95"),
        "ms",
        None,
        None,
    ),
    Figure("burst of 200 didChange → completion", "≤ 100 ms", _get("burst", "completion_after_burst_ms"), "ms", 100.0),
    Figure("  server CPU for the burst and the completion", "—", _get("burst", "server_cpu_ms"), "ms", None, None),
    Figure("burst: diagnostics only for the final version", "yes", _get("burst", "only_final_version"), "", None),
    Figure(
        "completion while VS Code pulls workspace diagnostics p95",
        "≤ 100 ms",
        _get("pull", "completion_p95"),
        "ms",
        100.0,
    ),
    Figure(
        "  during the first whole-vault pull p50 / p95",
        "—",
        _pair("pull", "first_pull_completion_p50", "first_pull_completion_p95"),
        "ms",
        None,
        None,
    ),
    Figure("  the first whole-vault pull", "—", _get("pull", "first_pull_s"), "s", None, None),
    Figure(
        "  workspace pull after one edit p50 / p95",
        "—",
        _pair("pull", "pull_after_edit_p50", "pull_after_edit_p95"),
        "ms",
        None,
        None,
    ),
    Figure("  notes sent in full after an edit", "—", _get("pull", "full_reports_after_edit"), "", None, None),
    Figure("vaultls/graph, whole vault, first, in the server", "≤ 300 ms", _get("graph", "first_ms"), "ms", 300.0),
    Figure("  the same, round trip (its parse included)", "—", _get("graph", "first_round_trip_ms"), "ms", None, None),
    Figure("  again (graph kept), in the server", "≤ 300 ms", _get("graph", "whole_ms"), "ms", 300.0),
    Figure("  again, round trip", "—", _get("graph", "whole_round_trip_ms"), "ms", None, None),
    Figure("  local graph of a note, depth 2", "—", _get("graph", "local_depth2_ms"), "ms", None, None),
    Figure("  the answer's size", "—", _get("graph", "megabytes"), "MB", None, None),
    Figure(
        "graph page (html, whole vault) → first frame in Chromium",
        f"≤ {graph_page.TARGET_S:.0f} s @10k",
        _get("graph_page", "first_frame_s"),
        "s",
        graph_page.TARGET_S,
    ),
    Figure(
        "code lens p95 (probe and most linked notes)",
        "≤ 10 ms",
        _get("link_graph", "code_lens", "p95"),
        "ms",
        link_graph_bench.CODE_LENS_TARGET_MS,
    ),
    Figure("  server CPU per code lens p95", "—", _get("link_graph", "code_lens_cpu", "p95"), "ms", None, None),
    Figure("  first code lens of a note, max", "—", _get("link_graph", "code_lens_first", "max"), "ms", None, None),
    Figure(
        "  codeLens/resolve (the Locations) p95", "—", _get("link_graph", "code_lens_resolve", "p95"), "ms", None, None
    ),
    Figure("call hierarchy: prepare p95", "—", _get("link_graph", "prepare_call_hierarchy", "p95"), "ms", None, None),
    Figure("  incoming calls p95", "—", _get("link_graph", "incoming_calls", "p95"), "ms", None, None),
    Figure(
        "  server CPU per incoming calls p95", "—", _get("link_graph", "incoming_calls_cpu", "p95"), "ms", None, None
    ),
    Figure("  outgoing calls p95", "—", _get("link_graph", "outgoing_calls", "p95"), "ms", None, None),
    Figure(
        "unlinked mentions of a note (vaultls.unlinkedMentions), max",
        "≤ 300 ms",
        _get("mentions", "command", "max"),
        "ms",
        mentions_bench.COMMAND_TARGET_MS,
    ),
    Figure("  the first, which reads the vault", "—", _get("mentions", "command_first_ms"), "ms", None, None),
    Figure("  every note scanned, in the background", "—", _get("mentions", "index_complete_s"), "s", None, None),
    Figure("  after one note was edited", "—", _get("mentions", "command_after_edit_ms"), "ms", None, None),
    Figure(
        "code action p95 (Link to [[Name]] on a mention)",
        "≤ 20 ms",
        _get("mentions", "code_action", "p95"),
        "ms",
        mentions_bench.ACTION_TARGET_MS,
    ),
    Figure("  first code action of a note, max", "—", _get("mentions", "code_action_first", "max"), "ms", None, None),
    Figure("peak RSS (server, and workers if any)", "≤ 250 MB @10k", _get("memory", "peak_rss_mb"), "MB", 250.0),
    Figure("peak RSS, 50k notes", "≤ 700 MB @50k", _get("memory", "peak_rss_mb"), "MB", 700.0, 50000),
    Figure("peak RSS, 100k notes", "≤ 1200 MB @100k", _get("memory", "peak_rss_mb"), "MB", 1200.0, 100000),
    Figure("completion after [[ p95, 100k notes", "≤ 20 ms @100k", _get("completion", "p95"), "ms", 20.0, 100000),
    Figure(
        "didChange → publishDiagnostics p95, 100k notes",
        "≤ 60 ms @100k",
        _get("edit_to_diagnostics", "p95"),
        "ms",
        60.0,
        100000,
    ),
]


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value  # "timed out after N s"
    if isinstance(value, tuple):
        return " / ".join(_fmt(v, unit).replace(" ms", "") for v in value) + (" ms" if unit == "ms" else "")
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "load":
        return f"{value:.1f}"
    if unit == "×":
        return f"{value:.2f}×"
    return str(value)


def evaluate(results: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every target with the size it is judged at: met, not met, or not measured."""
    verdicts: list[dict[str, Any]] = []
    sizes = sorted(results)
    for fig in FIGURES:
        if fig.target == "—":
            continue
        if fig.target == "yes":
            values = [fig.value(results[n]) for n in sizes]
            verdicts.append(
                {
                    "figure": fig.label,
                    "target": fig.target,
                    "at": "every size",
                    "value": values,
                    "met": all(v is True for v in values) if values else None,
                }
            )
            continue
        size = fig.at if fig.at in results else None
        if (
            fig.at == 10000
            and size is None
            and fig.limit is not None
            and fig.label.startswith(("completion", "definition", "hover", "didChange", "burst"))
        ):
            size = sizes[-1] if sizes else None  # latency targets hold at any size: judge the largest run
        value = fig.value(results[size]) if size is not None else None
        measured = isinstance(value, (int, float))  # not None, not "timed out after N s"
        met = (value <= fig.limit if fig.limit is not None else None) if measured else None
        verdicts.append({"figure": fig.label, "target": fig.target, "at": size, "value": value, "met": met})
    # Flatness: an edit costs the note and what it affects, not the vault.
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        a = _get("edit_to_diagnostics", "p95")(results[small])
        b = _get("edit_to_diagnostics", "p95")(results[large])
        ratio = (b / a) if a and b else None
        verdicts.append(
            {
                "figure": f"didChange → diagnostics p95 at {large} vs {small} notes",
                "target": "≤ 1.5× (flat)" + ("" if (small, large) == (1000, 50000) else " (judged on the sizes run)"),
                "at": f"{large}/{small}",
                "value": ratio,
                "met": None if ratio is None else ratio <= 1.5,
            }
        )
    return verdicts


def render(results: dict[int, dict[str, Any]], verdicts: list[dict[str, Any]], machine: dict[str, Any]) -> str:
    sizes = sorted(results)
    head = ["figure", "target"] + [f"{n:,} notes" for n in sizes]
    rows = [head]
    rows.append(["vault size", ""] + [f"{results[n]['megabytes']} MB" for n in sizes])
    for fig in FIGURES:
        cells = [
            "—" if fig.at not in (None, 10000) and n != fig.at else _fmt(fig.value(results[n]), fig.unit) for n in sizes
        ]
        rows.append([fig.label, fig.target] + cells)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [
        f"vaultls {machine['vaultls']} benchmark — {machine['cpu']}, {machine['cores']} cores, "
        f"Python {machine['python']}, {machine['date']}",
        "",
    ]
    for k, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.append("targets:")
    for v in verdicts:
        mark = {True: "met    ", False: "NOT MET", None: "n/a    "}[v["met"]]
        value = v["value"]
        shown = (
            ", ".join(_fmt(x, "") for x in value)
            if isinstance(value, list)
            else f"{value:.2f}×"
            if "flat" in v["target"] and value is not None
            else _fmt(
                value,
                "s" if "s @" in v["target"] or v["target"].endswith(" s") else "MB" if "MB" in v["target"] else "ms",
            )
        )
        lines.append(f"  [{mark}] {v['figure']} (target {v['target']}, at {v['at']}): {shown}")
    return "\n".join(lines)


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            info = handle.read()
        model = re.search(r"model name\s*:\s*(.+)", info)
        family = re.search(r"cpu family\s*:\s*(\d+)", info)
        mod = re.search(r"^model\s*:\s*(\d+)", info, re.M)
        mhz = re.search(r"cpu MHz\s*:\s*([\d.]+)", info)
        if model:
            cpu = model.group(1).strip()
            if family and mod:
                cpu += f" (family {family.group(1)}, model {mod.group(1)})"
            if mhz:
                cpu += f" @ {float(mhz.group(1)) / 1000:.1f} GHz"
    except OSError:
        pass
    from vaultls import __version__

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "vaultls": __version__,
        "commit": commit or None,
        "date": _dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "platform": platform.platform(),
    }


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _ensure_interpreter(argv)
    parser = argparse.ArgumentParser(description="Benchmark the vaultls language server on generated vaults.")
    parser.add_argument(
        "--sizes", default="1000,10000,50000", help="comma-separated note counts (default 1000,10000,50000)"
    )
    parser.add_argument("--quick", action="store_true", help="fewer requests per figure and one warm start")
    parser.add_argument(
        "--vaults", type=Path, default=generate_vault.DEFAULT_VAULTS, help="where generated vaults live"
    )
    parser.add_argument("--results", type=Path, default=HERE / "results", help="where JSON results and server logs go")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.replace(" ", "").split(",") if s]
    plan = (
        Plan(completion_prefixes=30, navigation_links=20, edit_rounds=10, warm_starts=1)
        if args.quick
        else Plan(completion_prefixes=126, navigation_links=100, edit_rounds=40, warm_starts=3)
    )
    machine = machine_info()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results: dict[int, dict[str, Any]] = {}
    for n in sizes:
        log(f"== {n} notes")
        results[n] = asyncio.run(bench_size(n, args.vaults, args.results, plan, log))
    verdicts = evaluate(results)
    print(render(results, verdicts, machine))
    args.results.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": machine,
        "quick": args.quick,
        "results": {str(n): r for n, r in results.items()},
        "targets": verdicts,
    }
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for name in (f"{stamp}.json", "latest.json"):
        (args.results / name).write_text(
            json.dumps(payload, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
        )
    print(f"\nresults: {args.results / (stamp + '.json')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
