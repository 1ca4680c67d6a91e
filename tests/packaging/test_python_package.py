"""The Python package as a user gets it: `python -m build` makes an sdist and, from it, a wheel;
the wheel installs into a fresh venv (not the checkout) whose `vaultls` runs; the sdist has what
a distributor needs. And the one version (server/vaultls/__init__.py) is the one everywhere.

Building needs `build` (the test extra) and PyPI (hatchling, and the wheel's dependencies).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from vaultls import __version__

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`python -m build` from a copy of the checkout's tracked files: the sdist, then a wheel
    built from that sdist (build's default)."""
    if importlib.util.find_spec("build") is None:
        if os.environ.get("CI"):
            pytest.fail("the `build` package is missing (pip install -e '.[test]')")
        pytest.skip("the `build` package is missing (pip install -e '.[test]')")
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in out.iterdir())
    return {"wheel": wheels[0], "sdist": sdists[0]}


def test_wheel_and_sdist_carry_the_version(built: dict[str, Path]) -> None:
    assert built["wheel"].name == f"vaultls-{__version__}-py3-none-any.whl"
    assert built["sdist"].name == f"vaultls-{__version__}.tar.gz"


def test_sdist_has_what_a_distributor_needs(built: dict[str, Path]) -> None:
    with tarfile.open(built["sdist"]) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for required in (
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "pyproject.toml",
        "PKG-INFO",
        "server/vaultls/__init__.py",
        "server/vaultls/assets/graph_view.js",  # the graph view, built and committed (editors/graph-view)
    ):
        assert required in names, f"{required} is not in {built['sdist'].name}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_wheel_has_the_package_and_its_command(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["wheel"]) as archive:
        names = set(archive.namelist())
        info = f"vaultls-{__version__}.dist-info"
        entry_points = archive.read(f"{info}/entry_points.txt").decode("utf-8")
        metadata = archive.read(f"{info}/METADATA").decode("utf-8")
    assert "vaultls/__init__.py" in names and "vaultls/cli.py" in names
    assert "vaultls/assets/graph_view.js" in names and "vaultls/assets/graph_view.css" in names
    assert f"{info}/licenses/LICENSE" in names
    assert re.search(r"^vaultls = vaultls\.cli:entry$", entry_points, re.M), entry_points
    assert f"Version: {__version__}" in metadata
    assert not [n for n in names if n.startswith(("tests/", "editors/")) or "__pycache__" in n]


def test_wheel_installs_and_runs_in_a_fresh_venv(built: dict[str, Path], tmp_path: Path) -> None:
    """As a user installs it (pipx and uv tool do the same): a new venv, the wheel and its
    dependencies from the index, then `vaultls` from that venv, run outside the checkout."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    bin_dir = venv / ("Scripts" if sys.platform == "win32" else "bin")
    install = subprocess.run(
        [
            str(bin_dir / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            str(built["wheel"]),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and k != "VIRTUAL_ENV"}
    vaultls = str(bin_dir / "vaultls")
    version = subprocess.run([vaultls, "--version"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert version.stdout.strip() == f"vaultls {__version__}", version.stderr
    # It is the installed copy that runs, not the checkout's.
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import vaultls; print(vaultls.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
    vault = tmp_path / "vault"
    shutil.copytree(REPO / "examples" / "vault", vault)
    check = subprocess.run(
        [vaultls, "check", str(vault)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert check.returncode == 1, check.stderr[-3000:]  # the demo vault has deliberate problems
    for code in ("dangling-link", "frontmatter-yaml", "frontmatter-schema"):
        assert code in check.stdout, f"no {code} in:\n{check.stdout[-3000:]}"


def _changelog_version(path: Path) -> str:
    match = re.search(r"^## \[?v?(\d+\.\d+\.\d+[^\]\s]*)", path.read_text(encoding="utf-8"), re.M)
    assert match, f"{path} has no `## <version>` heading"
    return match.group(1)


def test_every_version_is_the_package_version() -> None:
    """server/vaultls/__init__.py holds the version; the extension's package.json (which names
    the .vsix files) and both changelogs' newest entries must say the same."""
    package_json = json.loads((REPO / "editors" / "vscode" / "package.json").read_text(encoding="utf-8"))
    assert package_json["version"] == __version__
    assert _changelog_version(REPO / "CHANGELOG.md") == __version__
    assert _changelog_version(REPO / "editors" / "vscode" / "CHANGELOG.md") == __version__
    cli = subprocess.run(
        [sys.executable, "-c", "from vaultls.cli import main; main(['--version'])"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cli.stdout.strip() == f"vaultls {__version__}", cli.stderr
