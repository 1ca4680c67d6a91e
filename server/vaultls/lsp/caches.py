"""What features compute from one vault and keep between requests (`VaultCaches`). The server
holds one per vault (`VaultLanguageServer.caches_for`): a vault replaced by a new scan (its
excludes changed) starts with empty ones, and no module keeps state of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from vaultls.lsp.token_results import TokenResults
from vaultls.vault.daily_notes import ConfigFiles
from vaultls.vault.index import Vault
from vaultls.vault.mentions import MentionIndex
from vaultls.vault.name_index import NameIndex
from vaultls.vault.references import TagCounter
from vaultls.vault.suggest import Suggester
from vaultls.vault.symbols import SymbolIndex


@dataclass
class Rerun:
    """One background task at a time, run once more when asked again meanwhile: completion's
    warm-up, which every opened note and file event asks for (notes opened while a large vault
    is indexed would otherwise each rank it, and read every note's modification time, again)."""

    task: asyncio.Task[None] | None = None
    again: bool = False

    def request(
        self, spawn: Callable[[Coroutine[Any, Any, None]], asyncio.Task[None]], work: Callable[[], Awaitable[None]]
    ) -> None:
        if self.task is not None and not self.task.done():
            self.again = True
            return

        async def rounds() -> None:
            self.again = True
            while self.again:
                self.again = False
                await work()

        self.task = spawn(rounds())


@dataclass
class VaultCaches:
    """One vault's feature caches. Each checks itself against the vault when used."""

    vault: Vault
    names: NameIndex  # completion: note names, paths and aliases
    suggest: Suggester  # completion: what `[[` offers, ranked (over `names`)
    symbols: SymbolIndex = field(default_factory=SymbolIndex)  # workspace symbols
    tags: TagCounter = field(default_factory=TagCounter)  # tag completion
    obsidian: ConfigFiles = field(default_factory=ConfigFiles)  # Obsidian's settings files (daily notes, templates)
    tokens: TokenResults = field(default_factory=TokenResults)  # semantic tokens last sent, for deltas
    mentions: MentionIndex = field(default_factory=MentionIndex)  # unlinked mentions, each note's scan
    warmup: Rerun = field(default_factory=Rerun)  # completion's warm-up (completion_warmup.py)

    @classmethod
    def of(cls, vault: Vault) -> VaultCaches:
        names = NameIndex(vault)
        return cls(vault, names, Suggester(vault, names))
