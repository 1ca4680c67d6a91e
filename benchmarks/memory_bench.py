"""The server's memory and its interactive figures on one vault, without the rest of run.py's
sections (checks, pulls, graph, mentions): a cold start (the scan's workers included), completion
and didChange → diagnostics once indexed, then a warm start on the cache the cold one left.

    python benchmarks/memory_bench.py --sizes 10000
    nice -n 10 python benchmarks/memory_bench.py --sizes 100000 --quick

Peak RSS is the largest sum, sampled every 20 ms, of the server's VmRSS and its worker
processes' VmRSS (the workers are the server's children), or the server's own VmHWM when that is
larger. Pages shared between processes count once in each (the workers are started afresh, not
forked, so little is shared)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_vault  # noqa: E402 - the benchmark folder is not a package
import run  # noqa: E402 - the same

MB = 2**20


def _memory(session: run.Session) -> dict[str, float]:
    figures = session.figures
    server = (figures["peak_rss_server_bytes"] or 0) / MB
    tree = figures["peak_rss_tree_sampled_bytes"] / MB
    return {
        "server_vmhwm_mb": server,
        "workers_sampled_mb": figures["peak_rss_workers_bytes"] / MB,
        "tree_sampled_mb": tree,
        "peak_rss_mb": max(server, tree),
    }


async def measure(n: int, vaults: Path, results: Path, plan: run.Plan, log: Any) -> dict[str, Any]:
    root = generate_vault.generate(n, vaults / str(n))
    manifest = generate_vault.read_manifest(root) or {}
    probes: list[str] = manifest["probe_notes"]
    names: list[str] = manifest["names"]
    out: dict[str, Any] = {"notes": manifest.get("notes"), "megabytes": round(manifest.get("bytes", 0) / 1e6, 1)}
    out["load_average_before"] = os.getloadavg()
    cache = Path(tempfile.mkdtemp(prefix=f"vaultls-mem-{n}-"))
    try:
        started = time.time()
        session = await run.start_session(root, cache, results / "logs" / f"server-{n}-mem-cold.log", probes[0])
        out["cold"] = dict(session.figures)
        out["load_average_after_cold"] = os.getloadavg()
        log(
            f"  cold: diagnostics {session.figures['ready_diagnostics_s']:.2f} s, progress end "
            f"{session.figures['ready_progress_end_s'] or float('nan'):.2f} s "
            f"(after initialize {session.figures['ready_progress_end_after_initialize_s'] or float('nan'):.2f} s)"
        )
        docs = [session.docs[probes[0]], run.open_doc(session, probes[1])]
        await session.client.flush()
        await asyncio.sleep(0.3)
        out["completion"] = await run.measure_completion(
            session, docs[0], run._prefixes(names, plan.completion_prefixes)
        )
        log(f"  completion p50 {out['completion']['p50']:.1f} ms, p95 {out['completion']['p95']:.1f} ms")
        out["edit_to_diagnostics"] = await run.measure_edit_to_diagnostics(session, docs[1], plan.edit_rounds)
        log(
            f"  didChange → diagnostics p50 {out['edit_to_diagnostics']['p50']:.1f} ms, "
            f"p95 {out['edit_to_diagnostics']['p95']:.1f} ms"
        )
        await run.stop_session(session)
        out["memory_cold"] = _memory(session)
        log("  peak RSS, cold session: " + json.dumps({k: round(v) for k, v in out["memory_cold"].items()}))
        warm_runs = []
        for k in range(plan.warm_starts):
            warm = await run.start_session(root, cache, results / "logs" / f"server-{n}-mem-warm{k}.log", probes[0])
            await run.stop_session(warm)
            warm_runs.append({**warm.figures, "memory": _memory(warm)})
            log(
                f"  warm: progress end {warm.figures['ready_progress_end_s'] or float('nan'):.2f} s "
                f"(after initialize {warm.figures['ready_progress_end_after_initialize_s'] or float('nan'):.2f} s), "
                f"peak RSS {warm_runs[-1]['memory']['peak_rss_mb']:.0f} MB"
            )
        out["warm_runs"] = warm_runs
        out["load_average_after"] = os.getloadavg()
        out["wall_s"] = time.time() - started
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--vaults", type=Path, default=generate_vault.DEFAULT_VAULTS)
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    plan = (
        run.Plan(completion_prefixes=30, navigation_links=20, edit_rounds=10, warm_starts=1)
        if args.quick
        else run.Plan(completion_prefixes=126, navigation_links=100, edit_rounds=40, warm_starts=3)
    )

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    out: dict[str, Any] = {"machine": run.machine_info(), "quick": args.quick, "results": {}}
    for n in [int(s) for s in args.sizes.split(",") if s]:
        log(f"== {n} notes (load average {os.getloadavg()})")
        out["results"][str(n)] = asyncio.run(measure(n, args.vaults, args.results, plan, log))
    args.results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = args.results / f"memory-{stamp}.json"
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    print(
        json.dumps(
            {n: {k: v for k, v in r.items() if k != "warm_runs"} for n, r in out["results"].items()},
            indent=1,
            default=str,
        )
    )
    log(f"results: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
