"""The graph page's figure: the html page of `vaultls graph --format html` for the whole vault
(what the CLI gives by default: notes and dangling names), opened in headless Chromium (the
one the VS Code tests use, driven by tests/editors/vscode_e2e/graph_page.mjs), from the start
of the navigation to the graph view's first drawn frame, as the page itself times it
(`performance.now()` at sigma's first `afterRender`, in `document.body.dataset.firstFrame`).
A large graph's first frame shows its nodes at their first positions; its edges are added
after it and the layout runs after them (editors/graph-view/src/view.ts). run.py measures it
in every run; alone, for the sizes given:

    python benchmarks/graph_page.py --sizes 10000

When Chromium, node or playwright-core is missing, the figure is skipped (with the reason),
not failed: `bash .ci/install-vscode.sh` installs them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DRIVER = REPO / "tests" / "editors" / "vscode_e2e" / "graph_page.mjs"
CHROMIUM = os.environ.get("VAULTLS_CHROMIUM") or "/usr/bin/chromium"
TARGET_S = 3.0


def missing() -> str | None:
    """Why the page cannot be opened here, or None."""
    if shutil.which("node") is None:
        return "node not found"
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM}"
    if not (DRIVER.parent / "node_modules" / "playwright-core").is_dir():
        return "playwright-core is not installed in tests/editors/vscode_e2e"
    return None


def measure(root: Path, work: Path, rounds: int = 3) -> dict[str, Any]:
    """The figure on one vault: `{first_frame_s, first_frame_runs, nodes, html_mb, cli_s}`, or
    `{skipped: reason}`."""
    reason = missing()
    if reason is not None:
        return {"skipped": reason}
    work.mkdir(parents=True, exist_ok=True)
    html = work / "graph.html"
    env = dict(os.environ, XDG_CACHE_HOME=str(work / "cache"))
    env.pop("VAULTLS_BENCH_REEXEC", None)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "vaultls", "graph", str(root), "--format", "html", "-o", str(html)],
        check=True,
        capture_output=True,
        env=env,
    )
    cli_s = time.perf_counter() - started
    runs: list[float] = []
    nodes = None
    for k in range(rounds):
        config = work / f"page-{k}.json"
        config.write_text(
            json.dumps(
                {"html": str(html), "chromium": CHROMIUM, "name": "bench", "firstFrameOnly": True, "timeoutMs": 300_000}
            ),
            encoding="utf-8",
        )
        proc = subprocess.run(
            ["node", str(DRIVER), str(config)], cwd=DRIVER.parent, capture_output=True, text=True, timeout=600
        )
        report = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else {}
        if proc.returncode != 0 or report.get("errors") or report.get("firstFramePageMs") is None:
            return {"skipped": f"the page did not draw: {report.get('errors') or proc.stderr[-500:]}"}
        runs.append(report["firstFramePageMs"] / 1000)
        nodes = report.get("nodes")
    return {
        "first_frame_s": statistics.median(runs),
        "first_frame_runs": runs,
        "nodes": nodes,
        "html_mb": round(html.stat().st_size / 1e6, 1),
        "cli_s": cli_s,
    }


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(HERE))
    import generate_vault

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated vault sizes (default 10000)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    for n in [int(s) for s in args.sizes.split(",")]:
        root = generate_vault.generate(n, HERE / "vaults" / str(n))
        with tempfile.TemporaryDirectory(prefix=f"vaultls-graph-page-{n}-") as work:
            figure = measure(root, Path(work), args.rounds)
        if "skipped" in figure:
            print(f"{n:>6} notes: graph page skipped: {figure['skipped']}")
            continue
        mark = "ok" if figure["first_frame_s"] <= TARGET_S else "NOT MET"
        first = figure["first_frame_s"]
        print(
            f"{n:>6} notes: graph page first frame {first:.2f} s (target ≤ {TARGET_S:.0f} s: {mark}), "
            f"{figure['nodes']} nodes, {figure['html_mb']} MB of html, written by the CLI in {figure['cli_s']:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
