"""The link graph figures: code lenses (`textDocument/codeLens`, and `codeLens/resolve` of the
title's "N backlinks" lens) and the call hierarchy (`prepareCallHierarchy`, `incomingCalls`,
`outgoingCalls`) of open notes, as an editor asks for them once the server has indexed the
vault. run.py measures them in every run; alone, for the sizes given:

    python benchmarks/link_graph_bench.py --sizes 10000

The notes asked about are the vault's probe notes and its most linked notes (the worst case:
a lens or an incoming-calls request reads every note that links to the one asked about). Each
latency is from writing the request to having read the answer. The first request about a note
is timed apart: it decodes the notes that link to it from the index cache, once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_vault  # noqa: E402 - the sibling module, found through the path set above
import lsp_wire  # noqa: E402 - the same
from pull_scenario import CAPABILITIES, PullClient  # noqa: E402 - the same

CODE_LENS_TARGET_MS = 10.0
_WIKILINK = re.compile(r"\[\[([^\[\]|#^\n]+)")


def most_linked(root: Path, count: int) -> list[str]:
    """The `count` notes most wikilinks name (by their last path component), read from the files
    (before the measurement: not timed)."""
    names: Counter[str] = Counter()
    by_name: dict[str, str] = {}
    for path in sorted(root.rglob("*.md")):
        by_name.setdefault(path.stem.lower(), path.relative_to(root).as_posix())
        text = path.read_text(encoding="utf-8", errors="replace")
        names.update(
            m.group(1).strip().rsplit("/", 1)[-1].removesuffix(".md").lower() for m in _WIKILINK.finditer(text)
        )
    return [by_name[name] for name, _ in names.most_common() if name in by_name][:count]


def on_cpu_ns(pid: int) -> int:
    """The server's time on a CPU so far, all threads (/proc/<pid>/task/*/schedstat): what a
    request costs it whatever else the machine runs (run.py's `sched_ns`, on-CPU part)."""
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/schedstat") as handle:
                    total += int(handle.read().split()[0])
            except (OSError, IndexError, ValueError):
                continue
    except OSError:
        pass
    return total


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def _figures(samples: list[float]) -> dict[str, float]:
    return {"p50": _p(samples, 0.5), "p95": _p(samples, 0.95), "max": _p(samples, 1.0), "n": len(samples)}


async def measure(root: Path, cache_home: Path, log: Path, notes: list[str], rounds: int = 10) -> dict[str, Any]:
    """The link graph figures on one vault (see the module's docstring), in milliseconds."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as stderr:
        proc = await lsp_wire.spawn_server(root, cache_home, stderr)
    client = PullClient(proc, root)
    try:
        await client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": CAPABILITIES,
            },
        )
        client.notify("initialized", {})
        await asyncio.wait_for(client.indexed.wait(), 600)
        uris = [(root / rel).as_uri() for rel in notes]
        for rel, uri in zip(notes, uris, strict=True):
            text = (root / rel).read_text(encoding="utf-8")
            client.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}},
            )
        await asyncio.sleep(1.0)  # the opened notes' diagnostics, the index cache written
        # The first request about a note decodes the notes linking to it from the index cache
        # (`DeferredNote`), once: timed apart from the steady state.
        first = []
        for uri in uris:
            took, lenses = await client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
            first.append(took)
        lens, lens_cpu, resolve, prepare, incoming, incoming_cpu, outgoing = [], [], [], [], [], [], []
        cpu_by_note: dict[str, list[float]] = {uri: [] for uri in uris}
        most_backlinks = 0
        for _ in range(rounds):
            for uri in uris:
                doc = {"textDocument": {"uri": uri}}
                before = on_cpu_ns(proc.pid)
                took, lenses = await client.request("textDocument/codeLens", doc)
                lens_cpu.append((on_cpu_ns(proc.pid) - before) / 1e9)
                cpu_by_note[uri].append(lens_cpu[-1])
                lens.append(took)
                if lenses:
                    took, resolved = await client.request("codeLens/resolve", lenses[0])
                    resolve.append(took)
                    most_backlinks = max(most_backlinks, len(resolved["command"]["arguments"][2]))
                took, items = await client.request(
                    "textDocument/prepareCallHierarchy", {**doc, "position": {"line": 0, "character": 0}}
                )
                prepare.append(took)
                before = on_cpu_ns(proc.pid)
                took, _ = await client.request("callHierarchy/incomingCalls", {"item": items[0]})
                incoming_cpu.append((on_cpu_ns(proc.pid) - before) / 1e9)
                incoming.append(took)
                took, _ = await client.request("callHierarchy/outgoingCalls", {"item": items[0]})
                outgoing.append(took)
                await asyncio.sleep(0.005)
        return {
            "notes": len(uris),
            "most_backlinks": most_backlinks,
            "code_lens": _figures(lens),
            "code_lens_first": _figures(first),
            "code_lens_cpu": _figures(lens_cpu),
            # The server's CPU per lens request, median, for each note asked (path: ms).
            "code_lens_cpu_by_note": {
                rel: _figures(cpu_by_note[uri])["p50"] for rel, uri in zip(notes, uris, strict=True)
            },
            "incoming_calls_cpu": _figures(incoming_cpu),
            "code_lens_resolve": _figures(resolve),
            "prepare_call_hierarchy": _figures(prepare),
            "incoming_calls": _figures(incoming),
            "outgoing_calls": _figures(outgoing),
        }
    finally:
        try:
            await client.request("shutdown", None, timeout=10)
            client.notify("exit", None)
            await asyncio.wait_for(proc.wait(), 10)
        except (asyncio.TimeoutError, ConnectionError):
            proc.kill()
            await proc.wait()


def notes_to_ask(root: Path, probes: list[str]) -> list[str]:
    """Four probe notes and the four most linked notes of the vault."""
    return list(dict.fromkeys(probes[:4] + most_linked(root, 4)))


def row(n: int, figures: dict[str, Any]) -> str:
    return (
        f"link graph, {n:,} notes ({figures['notes']} notes asked, up to {figures['most_backlinks']} backlinks): "
        f"code lens p95 {figures['code_lens']['p95']:.1f} ms (target ≤ {CODE_LENS_TARGET_MS:.0f} ms; "
        f"server CPU p95 {figures['code_lens_cpu']['p95']:.1f} ms), "
        f"first request per note max {figures['code_lens_first']['max']:.0f} ms, "
        f"resolve p95 {figures['code_lens_resolve']['p95']:.1f} ms; call hierarchy p95: "
        f"prepare {figures['prepare_call_hierarchy']['p95']:.1f} ms, "
        f"incoming {figures['incoming_calls']['p95']:.1f} ms (CPU {figures['incoming_calls_cpu']['p95']:.1f} ms), "
        f"outgoing {figures['outgoing_calls']['p95']:.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The link graph figures alone.")
    parser.add_argument("--sizes", default="10000", help="comma-separated note counts (default 10000)")
    parser.add_argument("--vaults", type=Path, default=generate_vault.DEFAULT_VAULTS)
    parser.add_argument("--rounds", type=int, default=10, help="requests per note and method (default 10)")
    args = parser.parse_args(argv)
    for n, root, probes, cache in lsp_wire.each_vault(args.sizes, args.vaults, "links"):
        figures = asyncio.run(measure(root, cache, cache / "server.log", notes_to_ask(root, probes), args.rounds))
        print(row(n, figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
