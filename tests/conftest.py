"""Shared test helpers: small vaults built from dicts, and the demo vault copied to tmp."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "vault"
VAULTS = Path(__file__).resolve().parent / "vaults"


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
