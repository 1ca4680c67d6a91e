"""`vaultls check` on a handful of staged files, as a pre-commit hook runs it (issue 9).

    python benchmarks/check_staged.py              # the 10,000-note vault, 5 files
    python benchmarks/check_staged.py --size 1000 --files 10

Generates the vault if needed (`generate_vault.py`), fills a private index cache with one
whole-vault check, then times `vaultls check FILE...` on files spread over the vault (best
and median of several runs, interpreter start-up included) next to a whole-vault warm check
in the same run. Target: well under a second when warm.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1 = problems found, which a generated vault has
        raise SystemExit(f"{' '.join(cmd[:4])}... failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    vault = HERE / "vaults" / str(args.size)
    subprocess.run([sys.executable, str(HERE / "generate_vault.py"), str(args.size)], check=True)
    notes = sorted(p.relative_to(vault).as_posix() for p in vault.rglob("*.md") if not p.name.startswith("."))
    step = max(1, len(notes) // args.files)
    staged = notes[step // 2 :: step][: args.files]

    with tempfile.TemporaryDirectory(prefix="vaultls-bench-cache-") as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache}
        check = [sys.executable, "-m", "vaultls", "check"]
        cold = _timed([*check, "."], vault, env)
        whole = _timed([*check, "."], vault, env)
        times = [_timed([*check, *staged], vault, env) for _ in range(args.runs)]

    print(f"vault: {len(notes)} notes ({vault})")
    print(f"vaultls check, whole vault, cold:      {cold:6.2f} s")
    print(f"vaultls check, whole vault, warm:      {whole:6.2f} s")
    print(
        f"vaultls check, {len(staged)} staged files, warm:  best {min(times):.2f} s,"
        f" median {statistics.median(times):.2f} s   (target: well under 1 s)"
    )


if __name__ == "__main__":
    main()
