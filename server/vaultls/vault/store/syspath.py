"""The module path without the working folder, apart from the worker machinery (workers.py)
so that the `vaultls` command can clean its path without importing process pools."""

from __future__ import annotations

import os
import sys


def safe_sys_path(path: list[str] | None = None, cwd: str | None = None) -> list[str]:
    """`path` (default `sys.path`) without the entries that stand for the working folder."""
    cwd = os.getcwd() if cwd is None else cwd
    here = {os.path.normcase(os.path.realpath(cwd))}
    out: list[str] = []
    for entry in sys.path if path is None else path:
        if not entry or not os.path.isabs(entry):
            continue
        if os.path.normcase(os.path.realpath(entry)) in here:
            continue
        out.append(entry)
    return out
