"""Shared test helpers: small vaults built from dicts, and the demo vault copied to tmp."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "vault"
VAULTS = Path(__file__).resolve().parent / "vaults"


@pytest.fixture(autouse=True, scope="session")
def private_cache_folder(tmp_path_factory: pytest.TempPathFactory):
    """vaultls keeps its index cache in the user's cache folder: tests (and the servers they
    start, which inherit the environment) use a temporary one, never the real home."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


def write_vault(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create a vault under `root` from {relative path: content}."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


@pytest.fixture
def make_vault(tmp_path: Path):
    def make(files: dict[str, str | bytes], name: str = "vault") -> Path:
        return write_vault(tmp_path / name, files)

    return make


@pytest.fixture
def example_vault(tmp_path: Path) -> Path:
    target = tmp_path / "example"
    shutil.copytree(EXAMPLES, target)
    return target


# Each test directory is one group (`pytest -m unit`, `-m "not editors and not slow"`); a test
# may add `slow` itself.
_GROUPS = {"unit": "unit", "cli": "e2e", "e2e": "e2e", "editors": "editors", "benchmarks": "slow", "packaging": "slow"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tests = Path(__file__).resolve().parent
    for item in items:
        try:
            group = Path(str(item.fspath)).resolve().relative_to(tests).parts[0]
        except ValueError:
            continue
        marker = _GROUPS.get(group)
        if marker is not None and item.get_closest_marker(marker) is None:
            item.add_marker(getattr(pytest.mark, marker))
