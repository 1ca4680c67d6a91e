"""The graph figures: `vaultls/graph` of the whole vault, as a graph view asks for it once the
server is ready (the first request builds the vault's graph; later ones cut it from the graph
kept), and the local graph of one note. run.py measures them in every run; alone, for the
sizes given:

    python benchmarks/graph_bench.py --sizes 10000

Two latencies per request: "in the server", from writing the request to the first byte of the
answer (the server writes an answer at once when it is made), and the round trip, to having
read and parsed the answer (a JSON text of tens of megabytes at 10,000 notes: a view waits for
its own parse too).

By default the client says it will show a graph (`initializationOptions` `{"graph": {"prepare":
true}}`, as an editor whose graph view was used would), so the server makes the whole vault's
answer in the background right after its first scan; the first request is sent once the server
is idle again (its CPU time stops growing), as a user opens the view some seconds after the
scan. `--no-prepare`: a client that said nothing, whose first request builds the graph. Beside
each first request, the server's CPU time for it (all its threads, from /proc: the machine is
shared, wall times vary with its load).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_vault  # noqa: E402 - the sibling module, found through the path set above
import lsp_wire  # noqa: E402 - the same
from link_graph_bench import on_cpu_ns  # noqa: E402 - the same
from pull_scenario import CAPABILITIES, PullClient  # noqa: E402 - the same

TARGET_MS = 300.0


class GraphClient(PullClient):
    """`PullClient`, noting when the first byte of each answer arrived (`first_byte`, by id)."""

    def __init__(self, proc: asyncio.subprocess.Process, root: Path) -> None:
        self.first_byte: dict[Any, float] = {}
        super().__init__(proc, root)

    async def read_loop(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            while line := await stdout.readline():
                started, length = time.perf_counter(), 0
                while line not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("ascii").partition(":")
                    if name.lower() == "content-length":
                        length = int(value.strip())
                    line = await stdout.readline()
                message = json.loads(await stdout.readexactly(length))
                if "id" in message and "method" not in message:
                    self.first_byte[message["id"]] = started
                self.dispatch(message, time.perf_counter())
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("server closed the connection"))

    async def timed(self, method: str, params: Any) -> tuple[float, float, Any]:
        """(seconds to the answer's first byte, to the answer parsed, the answer)."""
        ident, sent, future = self.send(method, params)
        assert self.proc.stdin is not None
        await self.proc.stdin.drain()
        arrived, result = await asyncio.wait_for(future, 600)
        return self.first_byte.pop(ident) - sent, arrived - sent, result


async def idle(pid: int, quiet_ns: int = 20_000_000, every: float = 0.5, at_most: float = 120.0) -> None:
    """Until the server used less than `quiet_ns` of CPU in `every` seconds (or `at_most` passed)."""
    before, waited = on_cpu_ns(pid), 0.0
    while waited < at_most:
        await asyncio.sleep(every)
        waited += every
        now = on_cpu_ns(pid)
        if now - before < quiet_ns:
            return
        before = now


async def measure(
    root: Path, cache_home: Path, log: Path, note: str, rounds: int = 5, prepare: bool = True
) -> dict[str, Any]:
    """The graph figures on one vault (see the module's docstring), in milliseconds."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as stderr:
        proc = await lsp_wire.spawn_server(root, cache_home, stderr)
    client = GraphClient(proc, root)
    try:
        await client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": CAPABILITIES,
                "initializationOptions": {"graph": {"prepare": prepare}},
            },
        )
        client.notify("initialized", {})
        await asyncio.wait_for(client.indexed.wait(), 600)
        await asyncio.sleep(1.0)  # the index cache is written in the background after the scan
        await idle(proc.pid)
        cpu = on_cpu_ns(proc.pid)
        first = await client.timed("vaultls/graph", {})
        first_cpu_ms = (on_cpu_ns(proc.pid) - cpu) / 1e6
        again = [await client.timed("vaultls/graph", {}) for _ in range(rounds)]
        local_params = {"uri": (root / note).as_uri(), "depth": 2}
        local = [await client.timed("vaultls/graph", local_params) for _ in range(rounds)]
        answer = first[2] if isinstance(first[2], dict) else {}
        return {
            "nodes": len(answer.get("nodes", [])),
            "edges": len(answer.get("edges", [])),
            "megabytes": round(len(json.dumps(answer)) / 1e6, 1),
            "first_ms": first[0] * 1000,
            "first_round_trip_ms": first[1] * 1000,
            "first_cpu_ms": first_cpu_ms,
            "prepared": prepare,
            "whole_ms": statistics.median(t[0] for t in again) * 1000,
            "whole_round_trip_ms": statistics.median(t[1] for t in again) * 1000,
            "local_depth2_ms": statistics.median(t[1] for t in local) * 1000,
        }
    finally:
        try:
            await client.request("shutdown", None, timeout=10)
            client.notify("exit", None)
            await asyncio.wait_for(proc.wait(), 10)
        except (asyncio.TimeoutError, ConnectionError):
            proc.kill()
            await proc.wait()


def row(n: int, figures: dict[str, Any]) -> str:
    return (
        f"vaultls/graph, {n:,} notes ({figures['nodes']:,} nodes, {figures['edges']:,} edges, "
        f"{figures['megabytes']} MB), in the server (target ≤ {TARGET_MS:.0f} ms) / round trip: "
        f"first request ({'made ahead' if figures['prepared'] else 'not made ahead'}) "
        f"{figures['first_ms']:.0f} / {figures['first_round_trip_ms']:.0f} ms "
        f"(server CPU {figures['first_cpu_ms']:.0f} ms), "
        f"again {figures['whole_ms']:.0f} / {figures['whole_round_trip_ms']:.0f} ms; "
        f"local graph depth 2 {figures['local_depth2_ms']:.0f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The vaultls/graph figures alone.")
    parser.add_argument("--sizes", default="10000", help="comma-separated note counts (default 10000)")
    parser.add_argument("--vaults", type=Path, default=generate_vault.DEFAULT_VAULTS)
    parser.add_argument(
        "--no-prepare", action="store_true", help="the client does not ask for the graph to be made ahead"
    )
    args = parser.parse_args(argv)
    for n, root, probes, cache in lsp_wire.each_vault(args.sizes, args.vaults, "graph"):
        figures = asyncio.run(measure(root, cache, cache / "server.log", probes[0], prepare=not args.no_prepare))
        print(row(n, figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
