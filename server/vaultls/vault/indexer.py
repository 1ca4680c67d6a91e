"""The language server's first scan of a vault, in two passes (`Indexer`).

The first pass indexes every note's name and aliases, which is all that resolving a link
needs; the second files every note as a linker of its targets and parses the notes the cache
did not hold. A server answers requests that resolve links after the first pass, and those
that need every note's links or tags (references, rename, workspace symbols and diagnostics)
after the second. On a cold start at 10,000 notes that is the difference between diagnostics
in about a second and in several.

Pure model: it drives `VaultLoader` and fills a `Vault`, and knows nothing of LSP. Whoever
runs it (the language server) says which notes are open in an editor (their buffers win over
the files), is told the progress, and runs the cache write in the background; the thresholds
are constructor parameters.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Collection, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from vaultls.vault.index import Note, Vault
from vaultls.vault.store import index_blob
from vaultls.vault.store.loader import PendingNote, VaultLoader, add_note

log = logging.getLogger(__name__)

# A first scan of at least this many notes makes the server `ready` after its first pass (names
# and aliases), before the second (links, tags, the parse of notes not cached); below it, both
# passes run back to back (`Indexer.first_passes`).
SPLIT_MIN_NOTES = 1000

BATCH = 1000  # notes filed as linkers between two turns of the event loop

Progress = Callable[[str, int], None]
"""Told how far a scan got: (message, percentage from 0 to 100)."""

Allocation = Callable[[], AbstractContextManager[None]]
"""What each pass runs in: `allocation.bulk_allocation` in the server, nothing by default."""


def _nothing_open(vault: Vault) -> Collection[str]:
    return ()


def _no_progress(message: str, percentage: int) -> None:
    pass


@dataclass
class Scan:
    """A first scan between its two passes."""

    vault: Vault
    loader: VaultLoader
    # path → its first-pass `Note`, or None when the file could not be read then
    pending: dict[str, Note | None] = field(default_factory=dict)
    unlinked: list[str] = field(default_factory=list)  # cached notes not yet filed as linkers
    restore: index_blob.Restore = field(default_factory=index_blob.Restore)  # the cached index, whole


class Indexer:
    """Scans vaults in two passes (see the module docstring).

    `open_paths(vault)`: the vault paths of the notes open in an editor, which the scan leaves
    alone (they are indexed from their buffers). `progress`: told how far the scan got.
    `in_background(work)`: runs `work` (the cache write, after the second pass) without the
    scan waiting for it; by default in a thread of its own. `split_min_notes`: fewer notes
    than this in all vaults together are scanned in both passes at once. `second_pass_delay`:
    seconds between the passes when they are split (0 in use; a test holds them apart).
    `allocation`: what each pass runs in; the server gives `allocation.bulk_allocation`
    (the garbage collector paused, the index frozen out of it), a process-wide choice that
    is the program's to make, not the model's.
    """

    def __init__(
        self,
        *,
        open_paths: Callable[[Vault], Collection[str]] = _nothing_open,
        progress: Progress | None = None,
        in_background: Callable[[Callable[[], None]], object] | None = None,
        split_min_notes: int = SPLIT_MIN_NOTES,
        second_pass_delay: float = 0.0,
        allocation: Allocation = contextlib.nullcontext,
    ) -> None:
        self.open_paths = open_paths
        self.progress = progress or _no_progress
        self.in_background = in_background
        self.split_min_notes = split_min_notes
        self.second_pass_delay = second_pass_delay
        self.allocation = allocation

    async def first_passes(self, vaults: Iterable[Vault]) -> list[Scan]:
        """The first pass of every vault, and the second at once when all of them together
        hold fewer than `split_min_notes` notes. Returns the scans whose second pass is still
        to come (`second_passes`)."""
        scans = [await self.first_pass(vault) for vault in list(vaults)]
        if sum(len(scan.vault.notes) for scan in scans) < self.split_min_notes:
            # A small vault's second pass takes a fraction of a second: every feature gets the
            # whole index from the start rather than some of it a moment later.
            for scan in scans:
                await self.second_pass(scan)
            return []
        return scans

    async def second_passes(self, scans: list[Scan]) -> None:
        if scans and self.second_pass_delay:
            await asyncio.sleep(self.second_pass_delay)
        for scan in scans:
            await self.second_pass(scan)

    async def index(self, vault: Vault) -> None:
        """Index every note of `vault`: both passes at once."""
        await self.second_pass(await self.first_pass(vault))

    async def first_pass(self, vault: Vault) -> Scan:
        """Every note's name and aliases, which is all that resolving a link needs: cached notes
        by their summaries, the others by their frontmatter alone (`VaultLoader.first_pass`).
        Filing each note as a linker of its targets, and parsing the notes not cached, are left
        to `second_pass`."""
        loader = VaultLoader(vault.root, vault.settings, lazy=True)
        scan = Scan(vault, loader)
        # The cached notes that are unchanged come whole from one blob (names, aliases, linkers).
        await asyncio.to_thread(loader.discover, scan.restore.vouch)
        found = loader.found
        for rel, why in found.skipped:
            log.info("skipped %s: %s", rel, why)
        for rel in found.attachments:
            vault.add_attachment(rel)
        total = max(loader.total, 1)
        done = len(scan.restore.vouched)
        with self.allocation():  # the server's: no cyclic GC while the index is built, frozen afterwards
            scan.restore.apply(vault, loader.cache)
            async for batch in loader.afirst_pass():
                open_paths = self.open_paths(vault)
                for rel, note, valid in batch:
                    if rel in open_paths or rel in vault.notes:
                        continue  # open, or re-read on a file event since the scan began: newer
                    if note is None:
                        scan.pending[rel] = None  # unreadable for now; the second pass tries again
                        continue
                    add_note(vault, rel, note, valid, remember_links=False)
                    if isinstance(note, PendingNote):
                        scan.pending[rel] = vault.notes[rel]
                    else:
                        scan.unlinked.append(rel)
                done += len(batch)
                self.progress(f"names: {done}/{total} notes", done * 30 // total)
        log.info(
            "first pass: %d notes (%d from the cache) and %d other files in %s",
            len(vault.notes),
            len(loader.hits),
            len(vault.attachments),
            vault.root,
        )
        return scan

    async def second_pass(self, scan: Scan) -> None:
        """The rest of the index: the cached notes filed as linkers, the others parsed (in
        worker processes for many; see `VaultLoader`) and put in place of their first-pass
        selves, in batches with the loop free in between. A note changed meanwhile (opened,
        edited, deleted, re-read on a file event) is newer than the parse and is kept. The
        cache is written afterwards, in the background."""
        vault, loader = scan.vault, scan.loader
        total = max(len(scan.unlinked) + len(loader.misses), 1)
        done = 0
        with self.allocation():
            for start in range(0, len(scan.unlinked), BATCH):
                for rel in scan.unlinked[start : start + BATCH]:
                    vault.remember_links(rel)
                done += len(scan.unlinked[start : start + BATCH])
                self.progress(f"links: {done}/{total} notes", 30 + done * 70 // total)
                await asyncio.sleep(0)
            scan.unlinked.clear()
            async for batch in loader.abatches(hits=False):
                for rel, note, valid in batch:
                    if rel not in scan.pending:
                        continue  # open, or indexed on a file event, before the first pass got to it
                    first = scan.pending.pop(rel)
                    if vault.notes.get(rel) is first:  # as the first pass left it (or absent then and now)
                        add_note(vault, rel, note, valid)
                done += len(batch)
                self.progress(f"links: {done}/{total} notes", 30 + min(done, total) * 70 // total)
        for rel in loader.unreadable:
            log.info("skipped %s: unreadable", rel)
        log.info("indexed %d notes (%d parsed) in %s", len(vault.notes), len(loader.misses), vault.root)
        save = loader.save if scan.restore.complete or loader.cache is None else lambda: _save_and_refresh(loader)
        if self.in_background is None:
            threading.Thread(target=save, name="vaultls-cache-save", daemon=False).start()
        else:
            self.in_background(save)


def _save_and_refresh(loader: VaultLoader) -> None:
    """Store what the scan parsed, then the index blob of the cache as it now is."""
    loader.save()
    if loader.cache is not None:
        index_blob.refresh(loader.cache, loader.found.notes)
