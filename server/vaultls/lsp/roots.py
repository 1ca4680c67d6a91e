"""Roots and settings: which vault a URI belongs to and under which path (`locate`), whether
vaultls may read a vault path (`contained`), how an open document is keyed (`doc_key`), whether
a root's file system ignores case (`probe_case_insensitive`), and the settings the client sent
for each root (`ClientSettings`). URIs are converted by `vaultls.vault.uris` only."""

from __future__ import annotations

import functools
import itertools
import os
import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vaultls.vault import uris
from vaultls.vault.index import Note, Vault
from vaultls.vault.names import key as fold
from vaultls.vault.settings import Settings, build_settings

ANY_ROOT = Path("*")  # the key of workspace settings that apply to every root


@dataclass
class NoteRef:
    """Where a URI lives in the model."""

    vault: Vault
    path: str  # vault-relative

    @property
    def note(self) -> Note | None:
        return self.vault.notes.get(self.path)


def fs_path(uri: str) -> Path | None:
    """The file a URI names on this system, or None (see `uris.to_path`)."""
    path = uris.to_path(uri)
    return None if path is None else Path(path)


def locate(vaults: Mapping[Path, Vault], uri: str, case_insensitive: Collection[Path] = ()) -> NoteRef | None:
    """The vault and vault-relative path of a URI, or None when it is not a note of ours
    (outside every root, hidden, excluded, or not a file). In a root listed in
    `case_insensitive`, a URI that differs in case from the file names the file as spelled
    on disk (or as indexed, once the file is gone)."""
    path = fs_path(uri)
    if path is None:
        return None
    best = vault_containing(vaults, path, case_insensitive)
    if best is None:
        path = path.resolve()
        best = vault_containing(vaults, path, case_insensitive)
    if best is None:
        return None
    ignore_case = best.root in case_insensitive
    rel = uris.relative(best.root, path, ignore_case)
    if not rel or best.files.skips(rel):
        return None
    if ignore_case and rel not in best.notes and rel not in best.attachments:
        rel = real_spelling(best.root, rel) or indexed_spelling(best, rel) or rel
    return NoteRef(best, rel)


def vault_containing(vaults: Mapping[Path, Vault], path: Path, case_insensitive: Collection[Path] = ()) -> Vault | None:
    """The vault with the deepest root that holds `path` (roots may nest)."""
    best: Vault | None = None
    for root, vault in vaults.items():
        inside = uris.relative(root, path, root in case_insensitive) is not None
        if inside and (best is None or len(root.parts) > len(best.root.parts)):
            best = vault
    return best


def probe_case_insensitive(root: Path) -> bool:
    """Whether the file system holding `root` ignores case, asked once when the root is added:
    an entry of the root (on the vault's own file system, even when the root is a mount point)
    found again under its name with the case swapped, as the same file. With no entry to ask,
    the root's own name; with neither, the system's habit (Windows and macOS ignore case).
    Only `lstat`: nothing is written into the vault."""
    real = Path(os.path.realpath(root))
    try:
        with os.scandir(real) as entries:
            names = [entry.name for entry in itertools.islice(entries, 20)]
    except OSError:
        names = []
    probes = [real / name for name in names] + [real]
    for path in probes:
        swapped = path.with_name(path.name.swapcase()) if path.name else path
        if swapped == path:
            continue
        try:
            own = os.lstat(path)
        except OSError:
            continue
        try:
            other = os.lstat(swapped)
        except OSError:
            return False  # the other spelling is no file: case matters
        return os.path.samestat(own, other)
    return sys.platform in ("win32", "darwin")


def real_spelling(root: Path, rel: str) -> str | None:
    """`rel` spelled as its folders list it, on a file system that ignores case; None when
    there is no such file. A name listed as written wins, else the one name that differs from
    it in case only (NFC, lowercased: macOS may list it decomposed)."""
    folder, found = root, []
    for part in rel.split("/"):
        try:
            listed = os.listdir(folder)
        except OSError:
            return None
        if part not in listed:
            wanted = fold(part)
            same = [name for name in listed if fold(name) == wanted]
            if len(same) != 1:
                return None
            part = same[0]
        found.append(part)
        folder = folder / part
    return "/".join(found)


def indexed_spelling(vault: Vault, rel: str) -> str | None:
    """The indexed note or file whose path differs from `rel` in case only (the first in
    order, should there be several)."""
    wanted = fold(rel)
    same = sorted(p for p in (*vault.notes, *vault.attachments) if fold(p) == wanted)
    return same[0] if same else None


def case_variants(vault: Vault, rel: str) -> list[str]:
    """Indexed notes whose path differs from `rel` in case only: on a file system that ignores
    case they are the same file under an old spelling (a rename that changed only case)."""
    wanted = fold(rel)
    return [p for p in vault.notes if p != rel and fold(p) == wanted]


def contained(vault: Vault, path: str) -> bool:
    """Whether vaultls may read a vault path: it is no symbolic link to a folder, and where it
    really is lies inside the vault. `walk` decides so for the first scan; this is the same
    rule for what comes later (a closed buffer read again, a watched-file event, a note replaced
    by a link since), so a link planted in a cloned vault never makes vaultls read `~/.ssh`."""
    file = vault.abspath(path)
    real_root = os.path.realpath(vault.root)
    real = os.path.realpath(file)
    if os.path.commonpath([real_root, real]) != real_root:
        return False
    return not (os.path.islink(file) and os.path.isdir(real))


def uri_of(vault: Vault, path: str) -> str:
    return uris.from_path(uris.join(vault.root, path))


def doc_key(uri: str) -> str:
    """The key of an open document: its URI as vaultls writes it. Clients percent-encode
    file URIs differently (`%C3%A9` or `é`, `%3A` or `:`), so a buffer is found by its path,
    and diagnostics still go out under the client's own spelling (`OpenDocument.uri`)."""
    return uris.key(uri)


# `doc_key`, remembered: it parses and rebuilds the URI, and `didChange` asks for every
# keystroke. It depends on nothing but the string, so it never goes stale.
key_of = functools.lru_cache(maxsize=10_000)(doc_key)


class ClientSettings:
    """What the client said about settings: its `initializationOptions`, and its answers to
    `workspace/configuration` (section `vaultls`) by root, `ANY_ROOT` for every root. With the
    defaults and each root's `.vaultls.toml` they make a root's `Settings` (`settings_for`)."""

    def __init__(self) -> None:
        self.init_options: dict[str, Any] = {}
        self.by_root: dict[Path, dict[str, Any]] = {}

    def set_init_options(self, options: object) -> str | None:
        """Take `initializationOptions` (their own object, or one under `vaultls`); a message
        saying why when they are no object."""
        if isinstance(options, dict):
            inner = options.get("vaultls")
            self.init_options = inner if isinstance(inner, dict) else options
        elif options is not None:
            return "initializationOptions must be an object; ignored"
        return None

    def settings_for(self, root: Path) -> tuple[Settings, list[str]]:
        """The settings of the vault at `root`, and what was wrong with any layer of them."""
        return build_settings(
            root,
            (self.init_options, "initializationOptions"),
            (self.by_root.get(root) or self.by_root.get(ANY_ROOT), "workspace settings"),
        )
