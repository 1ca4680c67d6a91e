"""The pre-commit hook, run by the real `pre-commit` tool on a temporary git repository that
keeps a vault in a subfolder.

The hook repository is a fresh git snapshot of this checkout's working tree (the manifest, the
packaging files and the package), so the test proves the manifest as it stands, committed or
not. pre-commit clones it and pip-installs it into an environment of its own: that needs the
package registry (for the build backend and the dependencies), which CI has. PRE_COMMIT_HOME
lives in a temporary folder shared by the tests of this module, so the environment is built
once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pre_commit.clientlib import load_manifest

from tests.conftest import REPO, write_vault

SNAPSHOT = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "server/vaultls"]


def test_the_manifest_defines_the_vaultls_hook():
    [hook] = load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    assert hook["id"] == "vaultls"
    assert hook["entry"] == "vaultls check"
    assert hook["language"] == "python"
    assert hook["types"] == ["markdown"]
    assert hook["pass_filenames"] is True


def _git(cwd: Path, *args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=check, text=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("pre-commit")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(base / "home"),
        "GIT_CONFIG_GLOBAL": os.devnull,  # nobody's signing or hook settings
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "PRE_COMMIT_COLOR": "never",
    }
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    hooks = base / "hookrepo"
    for rel in SNAPSHOT:
        source, target = REPO / rel, hooks / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target)
    _git(hooks, "init", "-q", env=env)
    _git(hooks, "add", "-A", env=env)
    _git(hooks, "commit", "-q", "-m", "snapshot", env=env)
    rev = _git(hooks, "rev-parse", "HEAD", env=env).stdout.strip()
    config = f"repos:\n  - repo: {hooks.as_posix()}\n    rev: {rev}\n    hooks:\n      - id: vaultls\n"
    return {"env": env, "config": config, "base": base}


@pytest.fixture
def repo(hook_env, tmp_path) -> Path:
    """A git repository with the hook installed and a vault in `notes/`, first commit done."""
    env = hook_env["env"]
    root = tmp_path / "repo"
    write_vault(
        root,
        {
            ".pre-commit-config.yaml": hook_env["config"],
            "notes/.obsidian/app.json": "{}",
            "notes/People/Ann.md": "# Ann\n",
            "notes/Welcome.md": "Start with [[Ann]].\n",
        },
    )
    _git(root, "init", "-q", env=env)
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=root, env=env, check=True, capture_output=True, timeout=60
    )
    _git(root, "add", "-A", env=env)
    first = _git(root, "commit", "-m", "a vault", env=env, check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    return root


def _commit(root: Path, env: dict[str, str], message: str, *paths: str) -> subprocess.CompletedProcess[str]:
    _git(root, "add", *paths, env=env)
    return _git(root, "commit", "-m", message, env=env, check=False)


def test_a_commit_with_a_broken_link_is_refused(repo, hook_env):
    write_vault(repo, {"notes/Idea.md": "Ask [[Ann]] about [[Bob]].\n"})
    result = _commit(repo, hook_env["env"], "idea", "notes/Idea.md")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert 'Idea.md:1:21: warning dangling-link no note named "Bob" in the vault' in output
    assert "Failed" in output
    # The refused commit did not happen: only the first one is there.
    assert _git(repo, "rev-list", "--count", "HEAD", env=hook_env["env"]).stdout.strip() == "1"


def test_the_fixed_commit_passes(repo, hook_env):
    env = hook_env["env"]
    write_vault(repo, {"notes/Idea.md": "Ask [[Ann]] about [[Bob]].\n"})
    assert _commit(repo, env, "idea", "notes/Idea.md").returncode != 0
    write_vault(repo, {"notes/Idea.md": "Ask [[Ann]] about [[People/Ann#Ann]].\n"})
    result = _commit(repo, env, "idea", "notes/Idea.md")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout + result.stderr
    assert _git(repo, "rev-list", "--count", "HEAD", env=env).stdout.strip() == "2"


def test_only_staged_notes_are_reported(repo, hook_env):
    env = hook_env["env"]
    write_vault(repo, {"notes/Old.md": "[[Nowhere]]\n"})
    assert _git(repo, "add", "notes/Old.md", env=env).returncode == 0
    assert _git(repo, "commit", "--no-verify", "-m", "old", env=env).returncode == 0
    # A new note whose links resolve (to notes not staged now) commits despite Old.md.
    write_vault(repo, {"notes/New.md": "See [[Welcome]] and [[Old]].\n"})
    result = _commit(repo, env, "new", "notes/New.md")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Nowhere" not in result.stdout + result.stderr
