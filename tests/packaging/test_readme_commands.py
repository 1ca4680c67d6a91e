"""README's first command works as written on a fresh clone: one line that makes a venv (so a
Debian or Ubuntu system Python, which refuses `pip install` outside one, runs it too), installs
vaultls into it and checks the demo vault. Needs PyPI (the build backend and dependencies)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _try_it_command() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Try it", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "README's Try it section has no ```sh block"
    lines = block.group(1).strip().splitlines()
    assert len(lines) == 1, f"the first command is not one line: {lines}"
    return lines[0]


def test_readme_first_command_makes_a_venv() -> None:
    command = _try_it_command()
    assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && "), command
    assert command.endswith("vaultls check examples/vault"), command


def test_readme_first_command_runs_on_a_fresh_clone(tmp_path: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    clone = tmp_path / "clone"
    for name in filter(None, (f.decode() for f in files)):
        source = REPO / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and k != "VIRTUAL_ENV"}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if "/.venv" not in p)
    result = subprocess.run(
        ["bash", "-c", _try_it_command()], cwd=clone, env=env, capture_output=True, text=True, timeout=600
    )
    # The demo vault has deliberate problems: vaultls lists them and exits with status 1.
    assert result.returncode == 1, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert "dangling-link" in result.stdout and "frontmatter-schema" in result.stdout, result.stdout[-3000:]
    assert (clone / ".venv" / "bin" / "vaultls").exists()
