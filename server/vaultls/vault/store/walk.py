"""Finding a vault's files.

What the vault leaves out (hidden folders, nested vaults, tool folders, `.gitignore`, excludes)
is `PathFilter`'s to say (vault/path_filter.py). Symbolic
links are not followed unless they stay inside the vault: a cloned vault must not make vaultls
read `~/.ssh` through a planted link, and a link loop must not hang the scan. Folders that
vanish or cannot be listed while we walk are skipped, never fatal.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from vaultls.vault import names
from vaultls.vault.path_filter import PathFilter


@dataclass
class ScanResult:
    notes: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)


def is_hidden(relpath: str) -> bool:
    return any(part.startswith(".") for part in relpath.split("/"))


def walk(root: Path, files: PathFilter, start: str = "") -> ScanResult:
    """The vault's notes and attachments at or under folder `start` (vault paths)."""
    result = ScanResult()
    real_root = os.path.realpath(root)
    stack = [start]
    while stack:
        rel_dir = stack.pop()
        abs_dir = os.path.join(root, *rel_dir.split("/")) if rel_dir else str(root)
        try:
            entries = list(os.scandir(abs_dir))
        except OSError as exc:
            result.skipped.append((rel_dir or ".", exc.strerror or str(exc)))
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            rel = f"{rel_dir}/{name}" if rel_dir else name
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if os.path.commonpath([real_root, target]) != real_root:
                        result.skipped.append((rel, "symbolic link to outside the vault"))
                        continue
                    if os.path.isdir(target):
                        # Folders reached through links would be indexed twice or loop forever.
                        result.skipped.append((rel, "symbolic link to a folder"))
                        continue
                    is_dir, is_file = False, os.path.isfile(target)
                else:
                    is_dir, is_file = entry.is_dir(follow_symlinks=False), entry.is_file(follow_symlinks=False)
            except OSError as exc:
                result.skipped.append((rel, exc.strerror or str(exc)))
                continue
            if files.skips_entry(rel_dir, name, is_dir):
                continue
            if is_dir:
                stack.append(rel)
            elif is_file:
                (result.notes if names.is_note_path(name) else result.attachments).append(rel)
    result.notes.sort()
    result.attachments.sort()
    return result
