"""Which folder is the vault a path belongs to."""

from __future__ import annotations

from pathlib import Path

VAULT_MARKERS = (".obsidian", ".vaultls.toml")
REPO_MARKERS = (".git",)


def find_vault_root(path: Path) -> Path:
    """The nearest folder at or above `path` marked as a vault (`.obsidian/`, `.vaultls.toml`),
    else the nearest repository root (a vault kept in git without Obsidian's folder), else the
    path itself when it is a folder, or its folder when it is a file.

    This is what lets `vaultls check People/Trotsky.md` resolve that note's links against the
    whole vault, as the editor does."""
    start = path if path.is_dir() else path.parent
    for markers in (VAULT_MARKERS, REPO_MARKERS):
        for folder in (start, *start.parents):
            if any((folder / marker).exists() for marker in markers):
                return folder
    return start
