"""What `vaultls check` printed, in every format, for a set of vaults: the recorded outputs in
tests/data/check_outputs/ are the yardstick of tests/cli/test_check_outputs.py, which fails
when today's `vaultls check` prints one byte differently.

The outputs were recorded from the CLI as it was before the whole-vault check and the model's
check became one rule set (one JSON file per vault). To record them again from some other
source tree (only when an output is meant to change, and say why in the commit):

    .venv/bin/python tests/cli/check_outputs.py --pythonpath <tree>/server

Every vault is copied (or generated) into a temporary folder, its files dated in the past so
that the index cache takes them, and checked from that folder's parent with a relative path,
so that no output holds a temporary path; the one absolute path there is (SARIF's
`originalUriBaseIds`) and the vaultls version are written as placeholders.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "data" / "check_outputs"
EXAMPLES = REPO / "examples" / "vault"
VAULTS = REPO / "tests" / "vaults"
GENERATED_NOTES = 1000
# Vaults whose outputs are too large to keep: their fixture holds each output's SHA-256.
HASHED = ("special", "generated")
CWD_PLACEHOLDER = "file:///CWD/"
VERSION_PLACEHOLDER = '"VERSION"'
MTIME = 1_600_000_000  # files dated 2020: old enough for the index cache (`RACY_SECONDS`)

# (name, arguments after the vault path); `-warm` runs again once the cache is written.
VARIANTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("text", ()),
    ("json", ("--format", "json")),
    ("github", ("--format", "github")),
    ("sarif", ("--format", "sarif")),
    ("fail-on-error", ("--fail-on", "error")),
    ("stats", ("--stats",)),
    ("stats-json", ("--stats", "--format", "json")),
    ("orphans", ("--orphans",)),
    ("orphans-json", ("--orphans", "--format", "json")),
    ("orphans-stats", ("--orphans", "--stats")),
    ("text-warm", ()),
    ("json-warm", ("--format", "json")),
    ("sarif-warm", ("--format", "sarif")),
)


def _copy(source: Path) -> Callable[[Path], Path]:
    def make(target: Path) -> Path:
        shutil.copytree(source, target)
        return target

    return make


def _special(target: Path) -> Path:
    sys.path.insert(0, str(REPO))
    from tests.unit.check_vaults import SPECIAL, filler

    for rel, content in {**filler(400), **SPECIAL}.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return target


def _generated(target: Path) -> Path:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate_vault

    return generate_vault.generate(GENERATED_NOTES, target, quiet=True)


VAULT_BUILDERS: dict[str, Callable[[Path], Path]] = {
    "example": _copy(EXAMPLES),
    **{f"tests-{p.name}": _copy(p) for p in sorted(VAULTS.iterdir()) if p.is_dir()},
    "special": _special,
    "generated": _generated,
}


def build(name: str, parent: Path) -> Path:
    """The vault `name` under `parent` (as `parent/name`), every file dated `MTIME`."""
    root = VAULT_BUILDERS[name](parent / name)
    for folder, _, files in os.walk(root):
        for file in files:
            os.utime(os.path.join(folder, file), (MTIME, MTIME))
    return root


def normalise(text: str, cwd: Path, version: str) -> str:
    """`text` without what depends on where and by which version it ran."""
    uri = cwd.as_uri()
    text = text.replace(uri if uri.endswith("/") else uri + "/", CWD_PLACEHOLDER)
    return text.replace(f'"{version}"', VERSION_PLACEHOLDER)


def record(name: str, code: int, out: str, err: str) -> dict[str, object]:
    """What the fixture keeps of one run."""
    if name in HASHED:
        data = out.encode("utf-8", "surrogateescape")
        return {
            "code": code,
            "stdout_sha256": hashlib.sha256(data).hexdigest(),
            "stdout_lines": out.count("\n"),
            "stderr": err,
        }
    return {"code": code, "stdout": out, "stderr": err}


def fixture(name: str) -> dict[str, dict[str, object]]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def _run_subprocess(pythonpath: str, cwd: Path, args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from vaultls.cli import main; sys.exit(main())", "check", *args],
        cwd=cwd,
        capture_output=True,
        env={**env, "PYTHONPATH": pythonpath, "PYTHONIOENCODING": "utf-8"},
    )
    return done.returncode, done.stdout.decode("utf-8", "surrogateescape"), done.stderr.decode("utf-8", "replace")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="record `vaultls check` outputs into tests/data/check_outputs")
    parser.add_argument("--pythonpath", required=True, help="the `server` folder of the vaultls to record")
    parser.add_argument("--only", nargs="*", help="vault names (default: all)")
    args = parser.parse_args(argv)
    version = subprocess.run(
        [sys.executable, "-c", "import vaultls; print(vaultls.__version__)"],
        env={**os.environ, "PYTHONPATH": args.pythonpath},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name in args.only or VAULT_BUILDERS:
        with tempfile.TemporaryDirectory() as tmp:
            parent = Path(tmp) / "vaults"
            parent.mkdir()
            build(name, parent)
            env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
            env.pop("VAULTLS_NO_CACHE", None)
            runs: dict[str, dict[str, object]] = {}
            for variant, extra in VARIANTS:
                code, out, err = _run_subprocess(args.pythonpath, parent, [name, *extra], env)
                runs[variant] = record(name, code, normalise(out, parent, version), err)
            text = json.dumps(runs, ensure_ascii=False, indent=1, sort_keys=True)
            (FIXTURES / f"{name}.json").write_text(text + "\n", encoding="utf-8")
            print(f"{name}: {len(runs)} outputs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
