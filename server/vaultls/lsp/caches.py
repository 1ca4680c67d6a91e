"""What features compute from one vault and keep between requests (`VaultCaches`). The server
holds one per vault (`VaultLanguageServer.caches_for`): a vault replaced by a new scan (its
excludes changed) starts with empty ones, and no module keeps state of its own."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from vaultls.vault.check import Problem, check_vault
from vaultls.vault.index import Vault
from vaultls.vault.name_index import NameIndex
from vaultls.vault.references import TagCounter
from vaultls.vault.settings import Settings
from vaultls.vault.suggest import Suggester
from vaultls.vault.symbols import SymbolIndex

# A whole-vault check costs about 1.5 s on 10,000 notes. It is reused while no note, file or
# setting changed and the server asked no client to pull again (which it does after a change
# that notes do not show, such as an edited schema file); and for at most this long, so that
# a change nothing signals (a schema edited while every note is closed) is seen soon.
MAX_AGE = 30.0


@dataclass
class CheckedVault:
    """The last whole-vault check (`check_vault`) by note path, and what it was computed from."""

    paths: list[str]
    parsed: list[object]
    attachments: frozenset[str]
    settings: Settings
    generation: int
    at: float
    problems: dict[str, list[Problem]]

    @classmethod
    def of(cls, vault: Vault, generation: int) -> CheckedVault:
        by_path: dict[str, list[Problem]] = {}
        for problem in check_vault(vault):
            by_path.setdefault(problem.path, []).append(problem)
        notes = vault.notes
        return cls(
            list(notes),
            [n.parsed for n in notes.values()],
            frozenset(vault.attachments),
            vault.settings,
            generation,
            time.monotonic(),
            by_path,
        )

    def still_valid(self, vault: Vault, generation: int) -> bool:
        notes = vault.notes
        return (
            self.generation == generation
            and time.monotonic() - self.at < MAX_AGE
            and self.settings == vault.settings
            and len(self.paths) == len(notes)
            and all(a is b for a, b in zip(self.parsed, (n.parsed for n in notes.values()), strict=False))
            and self.paths == list(notes)
            and self.attachments == frozenset(vault.attachments)
        )


@dataclass
class VaultCaches:
    """One vault's feature caches. Each checks itself against the vault when used."""

    vault: Vault
    names: NameIndex  # completion: note names, paths and aliases
    suggest: Suggester  # completion: what `[[` offers, ranked (over `names`)
    symbols: SymbolIndex = field(default_factory=SymbolIndex)  # workspace symbols
    tags: TagCounter = field(default_factory=TagCounter)  # tag completion
    checked: CheckedVault | None = None  # workspace diagnostics: the last whole-vault check

    @classmethod
    def of(cls, vault: Vault) -> VaultCaches:
        names = NameIndex(vault)
        return cls(vault, names, Suggester(vault, names))

    def problems(self, generation: int = 0) -> dict[str, list[Problem]]:
        """`check_vault(vault)` by note path, recomputed only when the vault changed (or
        `generation`, bumped whenever a client is asked to pull diagnostics again)."""
        if self.checked is None or not self.checked.still_valid(self.vault, generation):
            self.checked = CheckedVault.of(self.vault, generation)
        return self.checked.problems
