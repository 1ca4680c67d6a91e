"""Which files of a vault's folder are the vault's: one rule for the scan, the file watcher and
the notes an editor opens.

Left out, in order: hidden files and folders (`.obsidian`, `.git`, `.trash`); folders that are
vaults of their own (a folder with its own `.obsidian` inside this one); folders that hold
tools, not notes (`node_modules`, Python virtual environments, `__pycache__`); what the
vault's `.gitignore` files ignore (setting `gitignore`, on by default); and the `exclude`
setting's globs.

`.gitignore` files are read as git reads them: one per folder, each pattern relative to its
folder, later patterns winning, `!` re-including, a trailing `/` for folders only, `\\`
escaping, `#` comments. Patterns come from files a stranger may have written, so they are
matched by vault/globs.py, which never backtracks (a regex translation such as pathspec's can
take exponential time on a crafted pattern); matching ignores case, as on macOS and Windows.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from vaultls.vault.contained import NotReadable, read_contained
from vaultls.vault.globs import Glob, compile_glob
from vaultls.vault.settings import Settings

GITIGNORE = ".gitignore"
VAULT_MARKER = ".obsidian"
# Folders of tools, never of notes. A virtual environment is any folder with `pyvenv.cfg`.
TOOL_FOLDERS = frozenset({"node_modules", "bower_components", "__pycache__", "site-packages"})
_MAX_RULES = 2000  # per .gitignore: a larger one is read up to here
_ESCAPED = re.compile(r"\\(.)")


@dataclass(frozen=True)
class IgnoreRule:
    glob: Glob
    negate: bool  # `!pattern`: re-include
    folders_only: bool  # `pattern/`
    base: str  # the folder of its .gitignore ("" at the vault root)


def gitignore_rules(text: str, base: str) -> list[IgnoreRule]:
    """The rules of one `.gitignore` in folder `base` (bad patterns are left out)."""
    rules: list[IgnoreRule] = []
    for line in text.splitlines():
        if len(rules) >= _MAX_RULES:
            break
        if not line.strip() or line.startswith("#"):
            continue
        if not line.endswith("\\ "):
            line = line.rstrip(" \t")
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        folders_only = line.endswith("/")
        pattern = _ESCAPED.sub(lambda m: f"[{m.group(1)}]" if m.group(1) in "*?[" else m.group(1), line.rstrip("/"))
        if not pattern.strip("/"):
            continue
        if pattern.startswith("/") or "/" in pattern:
            pattern = "/" + pattern.lstrip("/")  # anchored to the .gitignore's folder
        try:
            glob = compile_glob(pattern)
        except ValueError:
            continue
        rules.append(IgnoreRule(glob, negate, folders_only, base))
    return rules


class PathFilter:
    """Which vault-relative paths of the folder at `root` belong to the vault (see the module
    docstring). Each folder's `.gitignore` and markers are looked at once; `forget` after a
    `.gitignore` changes."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.root = root
        self.settings = settings
        self._rules: dict[str, tuple[IgnoreRule, ...]] = {}  # folder → rules that apply inside it
        self._own_vault: dict[str, bool] = {}  # folder → it is a vault of its own
        self._venv: dict[str, bool] = {}  # folder → it is a Python virtual environment

    def skips(self, rel: str, is_dir: bool = False) -> bool:
        """Whether the file (or folder, `is_dir`) at vault path `rel` is left out, its folders
        included."""
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            if self.skips_entry("/".join(parts[: depth - 1]), parts[depth - 1], True):
                return True
        return self.skips_entry("/".join(parts[:-1]), parts[-1], is_dir)

    def skips_entry(self, folder: str, name: str, is_dir: bool) -> bool:
        """Whether the entry `name` of `folder` (whose own folders are not left out) is."""
        if name.startswith("."):
            return True
        rel = f"{folder}/{name}" if folder else name
        if is_dir and (name in TOOL_FOLDERS or self._is_own_vault(rel) or self._is_venv(rel)):
            return True
        if self.settings.gitignore and self._ignored(folder, rel, is_dir):
            return True
        return self.settings.exclude.matches(rel)

    def own_vault(self, rel: str) -> str | None:
        """The folder of `rel` (or `rel` itself) that is a vault of its own, if any."""
        parts = rel.split("/")
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if self._is_own_vault(folder):
                return folder
        return None

    def forget(self) -> None:
        """Look at the `.gitignore` files and markers again (one of them changed)."""
        self._rules.clear()
        self._own_vault.clear()
        self._venv.clear()

    # ------------------------------------------------------------------ internals

    def _abs(self, rel: str) -> str:
        return os.path.join(self.root, *rel.split("/")) if rel else str(self.root)

    def _is_own_vault(self, rel: str) -> bool:
        found = self._own_vault.get(rel)
        if found is None:
            found = self._own_vault[rel] = bool(rel) and os.path.isdir(os.path.join(self._abs(rel), VAULT_MARKER))
        return found

    def _is_venv(self, rel: str) -> bool:
        found = self._venv.get(rel)
        if found is None:
            found = self._venv[rel] = os.path.isfile(os.path.join(self._abs(rel), "pyvenv.cfg"))
        return found

    def _ignored(self, folder: str, rel: str, is_dir: bool) -> bool:
        ignored = False
        for rule in self._rules_in(folder):
            if rule.folders_only and not is_dir:
                continue
            sub = rel[len(rule.base) + 1 :] if rule.base else rel
            if rule.glob.matches(sub):
                ignored = not rule.negate
        return ignored

    def _rules_in(self, folder: str) -> tuple[IgnoreRule, ...]:
        """The rules that apply to the entries of `folder`: its parent's, then its own."""
        found = self._rules.get(folder)
        if found is None:
            parent = self._rules_in(folder.rpartition("/")[0]) if folder else ()
            found = self._rules[folder] = parent + tuple(gitignore_rules(self._read(folder), folder))
        return found

    def _read(self, folder: str) -> str:
        path = os.path.join(self._abs(folder), GITIGNORE)
        try:
            return read_contained(self.root, path).decode("utf-8", errors="replace")
        except (FileNotFoundError, NotReadable):
            return ""
