"""Completion after `[[`, alone and per prefix: where `run.py`'s completion row comes from.

    python benchmarks/completion_profile.py                 # 10k notes, run.py's 126 prefixes
    python benchmarks/completion_profile.py --rounds 3      # each prefix list three times
    VAULTLS_BENCH_PROFILE=/tmp/prof python benchmarks/completion_profile.py   # under cProfile

`run.py` takes ~3 minutes per size because it also measures `check` and cold and warm starts;
iterating on completion needs only the completion figure. This script starts the real server
once (on a cache kept in `benchmarks/results/completion-cache/`, so after the first run the
start is warm), opens the same note as `run.py`, types the same prefixes the same way (a
`didChange` to `[[prefix` on a new last line, then `textDocument/completion`, 50 ms apart),
and prints run.py's p50/p95 of latency and of server CPU, plus the slowest prefixes with their
item counts: which ones miss the target tells what to look at.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_vault  # noqa: E402
import run  # noqa: E402


async def profile(size: int, rounds: int, slowest: int, pause: float, cold: bool) -> dict[str, Any]:
    root = generate_vault.generate(size, generate_vault.DEFAULT_VAULTS / str(size))
    manifest = generate_vault.read_manifest(root) or {}
    probes: list[str] = manifest["probe_notes"]
    cache = Path(tempfile.mkdtemp(prefix="vaultls-completion-")) if cold else HERE / "results" / "completion-cache"
    log = HERE / "results" / "logs" / f"completion-profile-{size}.log"
    session = await run.start_session(root, cache, log, probes[0])
    print(f"server ready in {session.figures['ready_diagnostics_s']:.2f} s", file=sys.stderr)
    for rel in probes[1:4]:
        run.open_doc(session, rel)
    await session.client.flush()
    await asyncio.sleep(0.3)
    doc = session.docs[probes[0]]
    prefixes = run._prefixes(manifest["names"], 126)
    rows: list[tuple[str, float, float, int, bool]] = []  # prefix, latency, cpu, items, incomplete
    client, pid = session.client, session.proc.pid
    line, col = doc.end()
    client.notify("textDocument/didChange", doc.edit(line, col, col, "\n"))
    await client.flush()
    for _ in range(rounds):
        for prefix in prefixes:
            line = len(doc.lines) - 1
            before = run.sched_ns(pid)
            client.notify("textDocument/didChange", doc.edit(line, 0, len(doc.lines[line]), "[[" + prefix))
            elapsed, result = await client.request(
                "textDocument/completion",
                {
                    "textDocument": {"uri": doc.uri},
                    "position": {"line": line, "character": run.utf16(doc.lines[line])},
                    "context": {"triggerKind": 1},
                },
            )
            after = run.sched_ns(pid)
            items = (result or {}).get("items", []) if isinstance(result, dict) else (result or [])
            incomplete = bool(isinstance(result, dict) and result.get("isIncomplete"))
            rows.append((prefix, elapsed * 1000, (after[0] - before[0]) / 1e6, len(items), incomplete))
            await asyncio.sleep(pause)
    client.notify("textDocument/didChange", doc.edit(len(doc.lines) - 1, 0, len(doc.lines[-1]), ""))
    await client.flush()
    await run.stop_session(session)
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    latencies = sorted(r[1] for r in rows)
    cpus = sorted(r[2] for r in rows)
    print(f"load average {os.getloadavg()[0]:.2f}; {len(rows)} requests")
    print(
        f"latency p50 {statistics.median(latencies):.1f} ms, p95 {run._p(latencies, 0.95):.1f} ms, "
        f"max {latencies[-1]:.1f} ms"
    )
    print(f"server CPU p50 {statistics.median(cpus):.1f} ms, p95 {run._p(cpus, 0.95):.1f} ms, max {cpus[-1]:.1f} ms")
    print(f"slowest {slowest} by server CPU: prefix, latency ms, CPU ms, items, incomplete")
    for prefix, latency, cpu, items, incomplete in sorted(rows, key=lambda r: -r[2])[:slowest]:
        print(f"  {prefix!r:40} {latency:6.1f} {cpu:6.1f} {items:4d} {incomplete}")
    return {"rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=1, help="times through the prefix list")
    parser.add_argument("--slowest", type=int, default=15)
    parser.add_argument("--cold", action="store_true", help="start on an empty cache, as run.py's completion row does")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between requests (run.py: 0.05)")
    args = parser.parse_args()
    gc.disable()  # the client's own pauses must not show up in the server's latencies
    asyncio.run(profile(args.size, args.rounds, args.slowest, args.pause, args.cold))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
