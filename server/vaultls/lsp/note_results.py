"""What the server remembers of each note's problems between diagnostics runs, so that a pull or
a whole-vault push after one edit checks that edit, not the vault.

A note's problems change when the note does (its index entry is a new `Note` after every
upsert) or when something its links lead to does. The index says which notes those are on
every change (`Vault.upsert` and friends return them, the server hands them to `forget`);
what can change any note's problems (settings, schema files, the end of a scan) forgets all
(`forget_all`).

A result id is a digest of the problems themselves, with a token of the server's session: a
note checked again that has the same problems keeps its id, and the client hears "unchanged".
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from vaultls.vault.check import NoteChecker, Problem, check_note, needs_schema_check, schema_problems
from vaultls.vault.index import Note, Vault
from vaultls.vault.problems import problem_order

# A pull or push over many notes gives the event loop back this often (seconds of work), so
# that completion and hover typed meanwhile wait for one slice at most, not for the vault.
SLICE = 0.004
# A pull or push that checked at least this many notes freezes what it made (`collector_paused`).
FREEZE_AFTER = 500


def result_id(session: str, problems: list[Problem]) -> str:
    """The result id of a note with these problems (in this server session)."""
    if not problems:
        return f"{session}-none"
    data = repr(
        [
            (p.range.start.line, p.range.start.character, p.range.end.line, p.range.end.character)
            + (int(p.severity), p.code, p.message, p.data)
            for p in problems
        ]
    )
    return f"{session}-{hashlib.blake2b(data.encode('utf-8'), digest_size=8).hexdigest()}"


@dataclass
class NoteResult:
    """One note's problems as last checked, for the index entry they were checked on."""

    note: Note
    problems: list[Problem]
    result_id: str


class VaultResults:
    """The problems of a vault's notes that are still what a check would find now."""

    def __init__(self, vault: Vault, session: str) -> None:
        self.vault = vault
        self.session = session
        self.known: dict[str, NoteResult] = {}
        self.changes = 0  # bumped when other notes are affected: a `NoteChecker` is valid while it stays
        self.epoch = 0  # bumped by `forget_all`: schema problems found before it are stale
        self._settings = vault.settings
        self._checker: tuple[int, NoteChecker] | None = None
        # Notes changed alone since the checker was made: what it remembers of them (their
        # headings, a link into themselves) may be stale, so they are checked with a new one.
        self._changed_alone: set[str] = set()
        self._uris: dict[str, str] = {}
        self.checked = 0  # notes checked so far (see `collector_paused`)

    def forget(self, paths: Iterable[str]) -> None:
        """These notes' problems may have changed. A note that changed alone (an edit that
        affects no other note, as typing mostly is) keeps the run's checker for the others."""
        known = self.known
        paths = list(paths)
        for path in paths:
            known.pop(path, None)
        if len(paths) == 1:
            self._changed_alone.add(paths[0])
        elif paths:
            self.changes += 1

    def forget_all(self) -> None:
        self.known.clear()
        self.changes += 1
        self.epoch += 1

    def uri_of(self, path: str, make: Callable[[Vault, str], str]) -> str:
        """`make(vault, path)`, remembered (a pull asks for every note's URI)."""
        uri = self._uris.get(path)
        if uri is None:
            uri = self._uris[path] = make(self.vault, path)
        return uri

    def current(self, path: str) -> NoteResult | None:
        """The note's result if nothing it depends on changed since it was checked."""
        if self.vault.settings is not self._settings:
            self._settings = self.vault.settings
            self.forget_all()
        found = self.known.get(path)
        if found is not None and found.note is not self.vault.notes.get(path):
            del self.known[path]  # changed without a word (the scan's second pass)
            return None
        return found

    def needs_schema(self, path: str) -> Note | None:
        """The note, when checking it runs a schema check (in a thread: see `check_in_slices`)."""
        note = self.vault.notes.get(path)
        return note if note is not None and needs_schema_check(self.vault, note) else None

    def check(self, path: str, schema_found: list[Problem] | None = None) -> NoteResult | None:
        """The note's result, checked now unless it is current (None: no such note)."""
        found = self.current(path)
        if found is not None:
            return found
        note = self.vault.notes.get(path)
        if note is None:
            return None
        self.checked += 1
        checker = NoteChecker(self.vault) if path in self._changed_alone else self._run_checker()
        problems = sorted(check_note(self.vault, path, checker, schema_found), key=problem_order)
        found = self.known[path] = NoteResult(note, problems, result_id(self.session, problems))
        return found

    def _run_checker(self) -> NoteChecker:
        """A checker remembers resolutions: one serves every check until the vault changes."""
        if self._checker is None or self._checker[0] != self.changes:
            self._checker = (self.changes, NoteChecker(self.vault))
            self._changed_alone.clear()
        return self._checker[1]

    async def check_in_slices(self, path: str, pace: Pace) -> NoteResult | None:
        """`check`, with a schema check (a stranger's schema may use its whole time budget) in a
        thread, and the event loop given back when the slice is used up."""
        await pace.tick()
        found = self.current(path)
        if found is not None:
            return found
        note = self.needs_schema(path)
        if note is None:
            return self.check(path)
        epoch = self.epoch
        schema_found = await asyncio.to_thread(schema_problems, self.vault, note)
        if self.vault.notes.get(path) is not note or self.epoch != epoch:
            return self.check(path)  # changed meanwhile: checked again, within the budget
        return self.check(path, schema_found)


@contextlib.contextmanager
def collector_paused(results: Iterable[VaultResults]) -> Iterator[None]:
    """No cyclic garbage collection while a pull or push runs; when it checked a vault's worth
    of notes, what the server keeps of them is frozen out of the collector afterwards. A full
    collection walks every object alive, which took about a second on 10,000 notes, in the
    middle of whatever slice it fell into: completion typed meanwhile would wait for it. (As
    `vault.allocation.bulk_allocation` does for the scan, less its collection first, which is
    that very pause: garbage with reference cycles made meanwhile, little and rare, is frozen
    with the rest, while the results, which hold no cycles, are freed as usual when forgotten.)"""
    results = list(results)
    before = sum(r.checked for r in results)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if sum(r.checked for r in results) - before >= FREEZE_AFTER:
                gc.freeze()
            gc.enable()


class Pace:
    """Gives the event loop back after every `SLICE` of work (`await pace.tick()`)."""

    def __init__(self, budget: float = SLICE) -> None:
        self.budget = budget
        self.started = time.perf_counter()

    async def tick(self) -> None:
        if time.perf_counter() - self.started >= self.budget:
            await asyncio.sleep(0)
            self.started = time.perf_counter()
