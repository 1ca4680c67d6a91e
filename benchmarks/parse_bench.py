"""The parser alone: every note of a vault parsed in one process with `parse_rows` (what a cold
scan's workers and a cold `vaultls check` run for each note), in CPU time, best of a few turns,
the files read beforehand. run.py prints it beside the read floor in every run; alone:

    python benchmarks/parse_bench.py --sizes 10000
    python benchmarks/parse_bench.py --sizes 10000 --against /tmp/parse-base
    python benchmarks/parse_bench.py --vault tests/vaults/conformance --repeat 500 --against /tmp/parse-base

`--against` names another checkout of vaultls (a `git worktree` of an older commit): its parser
and this one's parse the same notes in turns, alternating which goes first, and the ratio of
their medians is printed (a parser change measured on a busy machine in one run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_vault  # noqa: E402 - the sibling module, found through the path set above

Parser = Callable[[str], object]


def read_notes(root: Path) -> list[str]:
    """The text of every note of the vault (dot folders skipped, as the server does)."""
    texts: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".md") and not name.startswith("."):
                with open(os.path.join(folder, name), "rb") as handle:
                    texts.append(handle.read().decode("utf-8", errors="replace"))
    return texts


def parse_turn(parse: Parser, texts: list[str]) -> float:
    """CPU seconds to parse every text once."""
    started = time.process_time()
    for text in texts:
        parse(text)
    return time.process_time() - started


def parse_vault(root: Path, turns: int = 3) -> dict[str, Any]:
    """The parse of every note of `root`: best of `turns`, and per note."""
    from vaultls.vault.parse import parse_rows

    texts = read_notes(root)
    best = min(parse_turn(parse_rows, texts) for _ in range(turns))
    return {
        "seconds": best,
        "notes": len(texts),
        "us_per_note": round(best / max(1, len(texts)) * 1e6),
        "megabytes": round(sum(map(len, texts)) / 1e6, 1),
    }


def _parser_of(tree: Path) -> Parser:
    """`parse_rows` of the checkout at `tree`, imported afresh (the modules of any other
    checkout imported before are dropped from `sys.modules` first, and kept by the function)."""
    for name in [m for m in sys.modules if m == "vaultls" or m.startswith("vaultls.")]:
        del sys.modules[name]
    sys.path.insert(0, str(tree / "server"))
    try:
        import vaultls.vault.parse as parse_package
    finally:
        sys.path.pop(0)
    if not str(Path(parse_package.__file__ or "").resolve()).startswith(str(tree.resolve())):
        raise SystemExit(f"{tree}: not a vaultls checkout (imported {parse_package.__file__})")
    return parse_package.parse_rows


def compare(root: Path, base: Path, turns: int = 7, repeat: int = 1) -> dict[str, Any]:
    """This checkout's parser against the one at `base`, on the same notes (each `repeat`
    times a turn, for a small vault), in turns."""
    ours, theirs = _parser_of(HERE.parent), _parser_of(base)
    texts = read_notes(root) * repeat
    times: dict[str, list[float]] = {"base": [], "this": []}
    for turn in range(turns):
        order = [("base", theirs), ("this", ours)]
        for label, parse in order if turn % 2 == 0 else order[::-1]:
            times[label].append(parse_turn(parse, texts))
    base_s, this_s = statistics.median(times["base"]), statistics.median(times["this"])
    return {
        "notes": len(texts),
        "base_s": base_s,
        "this_s": this_s,
        "base_min_s": min(times["base"]),
        "this_min_s": min(times["this"]),
        "ratio": this_s / base_s,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The parser alone, on a generated vault.")
    parser.add_argument("--sizes", default="10000", help="comma-separated note counts (default 10000)")
    parser.add_argument("--vaults", type=Path, default=generate_vault.DEFAULT_VAULTS)
    parser.add_argument("--vault", type=Path, help="parse this vault instead of generated ones")
    parser.add_argument("--against", type=Path, help="another vaultls checkout whose parser to compare with")
    parser.add_argument("--turns", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="with --against: parse the notes this many times a turn")
    args = parser.parse_args(argv)
    roots = (
        [args.vault]
        if args.vault
        else [generate_vault.generate(n, args.vaults / str(n)) for n in (int(s) for s in args.sizes.split(",") if s)]
    )
    for root in roots:
        if args.against:
            r = compare(root, args.against, args.turns, args.repeat)
            print(
                f"{root}: {r['notes']} notes, parse CPU median (min): base {r['base_s']:.3f} s ({r['base_min_s']:.3f}),"
                f" this {r['this_s']:.3f} s ({r['this_min_s']:.3f}); this ÷ base {r['ratio']:.3f}"
            )
        else:
            r = parse_vault(root, args.turns)
            print(
                f"{root}: {r['notes']} notes, {r['megabytes']} MB: {r['seconds']:.3f} s, {r['us_per_note']:.0f} µs/note"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
