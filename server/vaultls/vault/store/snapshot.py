"""What the last `vaultls check` of a vault found, kept in the index cache as one blob, so that
the next check reads one row instead of the vault's notes, and checks again only what may have
changed (bulk_check.check_from_snapshot).

For every note: the size and modification time of the file that was checked, what the index
needs of it (valid UTF-8, aliases, the `Anchors` of its headings and blocks, the lookup keys of
its links, the state of its frontmatter) and its problem rows (None when that check did not
check it). With it, the `environment`: a digest of everything else a note's problems depend
on: the vaultls version and parser (`cache.fingerprint`), the settings, the vault's Obsidian
configuration (templates, `types.json`). Another environment makes the snapshot unusable.

Which problems still hold (`stale`): a note's problems depend on its own text and on the
notes its links name: which notes have a name or alias, and the headings and blocks of those
it links to. So every note is checked again whose file changed (or is new), that links by
name (`names.link_lookup_key`, the key the index files linkers under, as the server's
`Vault.upsert` does) to a note that changed, appeared or went (its name, its aliases before
and after), or to an attachment that appeared or went, and every note that can have schema
problems (a schema is a file of its own, which may change). A note whose name another note
gained or lost is re-checked also where a link names that note's aliases (the dangling-link
message suggests the alias's owner by its shortest link, which depends on such names).

A file modified within `cache.RACY_SECONDS` of its stat is recorded as never matching: a
second write in the same clock tick with the same size would otherwise go unseen.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vaultls.vault import names
from vaultls.vault.index import note_name
from vaultls.vault.problems import ProblemRow
from vaultls.vault.store import cache

FORMAT = 1
OBSIDIAN = ".obsidian"

# What the index needs of one note (as the whole-vault check's round one says it): (path, valid
# UTF-8, aliases, heading keys, block keys, link lookup keys, frontmatter state).
Summary = tuple[str, bool, list[str], "tuple[tuple[int, str, str], ...]", frozenset[str], tuple[str, ...], Any]
# A file's (size, mtime in ns); the mtime is -1 when it was too recent to trust.
Stat = tuple[int, int]
# A check from a snapshot re-reads at most this many changed notes (or a tenth of the vault):
# beyond that, checking the whole vault (in workers) costs about as much.
MAX_CHANGES = 200


class NoteState:
    """One note of a snapshot. What every check reads of it is plain (its stat, aliases,
    frontmatter state, `wide`); the rest stays encoded until asked for: its summary for the
    index, its link keys and its problem rows (a check of five notes reads five notes' rows)."""

    __slots__ = ("stat", "aliases", "fm_state", "wide", "_core", "_keys", "_rows")

    def __init__(
        self, stat: Stat, aliases: list[str], fm_state: Any, wide: bool, core: bytes, keys: bytes, rows: bytes | None
    ) -> None:
        self.stat, self.aliases, self.fm_state, self.wide = stat, aliases, fm_state, wide
        self._core, self._keys, self._rows = core, keys, rows

    @classmethod
    def of(cls, stat: Stat, summary: Summary, rows: list[ProblemRow] | None, wide: bool) -> NoteState:
        path, valid, aliases, headings, blocks, keys, fm_state = summary
        core = marshal.dumps((path, valid, headings, blocks))
        return cls(stat, aliases, fm_state, wide, core, marshal.dumps(keys), None if rows is None else _rows(rows))

    def summary(self) -> Summary:
        path, valid, headings, blocks = marshal.loads(self._core)
        return (path, valid, self.aliases, headings, blocks, (), self.fm_state)

    def link_keys(self) -> tuple[str, ...]:
        keys: tuple[str, ...] = marshal.loads(self._keys)
        return keys

    @property
    def checked(self) -> bool:
        """Whether the run that made the snapshot checked this note (its rows are known)."""
        return self._rows is not None

    @property
    def has_problems(self) -> bool:
        return bool(self._rows)

    def with_rows(self, rows: list[ProblemRow], wide: bool) -> NoteState:
        """This note as checked again (its file unchanged)."""
        return NoteState(self.stat, self.aliases, self.fm_state, wide, self._core, self._keys, _rows(rows))

    def rows(self) -> list[ProblemRow]:
        if not self._rows:
            return []
        rows: list[ProblemRow] = marshal.loads(self._rows)
        return rows

    def key(self, stat: Stat | None) -> int | None:
        """`CheckResult.note_keys` of this note with its file at `stat` (None: too recent)."""
        if stat is None or stat[1] < 0 or not self._rows:
            return None
        return note_key(stat, self._rows)

    def fields(self) -> tuple[Any, ...]:
        """What the snapshot's index holds of the note (its rows are kept apart)."""
        return (self.stat, self.aliases, self.fm_state, self.wide, self._core, self._keys)

    @property
    def encoded_rows(self) -> bytes | None:
        return self._rows

    def attach(self, rows: bytes) -> None:
        """The note's problem rows, read from where the snapshot keeps them (`encode`)."""
        self._rows = rows


def note_key(stat: Stat, rows: bytes) -> int:
    """What a note's output in a format depends on: its problems and its text (UTF-16 columns)."""
    return zlib.crc32(rows, (stat[0] * 1_000_003 + stat[1]) & 0xFFFFFFFF)


def _rows(rows: list[ProblemRow]) -> bytes:
    return marshal.dumps(rows) if rows else b""


@dataclass
class Snapshot:
    environment: str
    notes: dict[str, NoteState] = field(default_factory=dict)
    attachments: tuple[str, ...] = ()
    # Made by `encode` (of the notes it writes): names.key of a file name → notes with it, and
    # each key an alias is looked up by (`_alias_keys`) → notes with that alias.
    by_name: dict[str, list[str]] = field(default_factory=dict)
    by_alias: dict[str, list[str]] = field(default_factory=dict)


def environment(root: Path, settings: Any, fingerprint: str) -> str:
    """The digest of what problems depend on besides the notes (see the module docstring)."""
    parts: list[Any] = [FORMAT, fingerprint, repr(settings)]
    try:
        with os.scandir(root / OBSIDIAN) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_file():
                    st = entry.stat()
                    parts.append((entry.name, st.st_size, st.st_mtime_ns))
    except OSError:
        parts.append("no .obsidian")
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def stat_notes(root: Path, rels: Iterable[str]) -> dict[str, Stat]:
    """Each note's `Stat`, taken before anything reads it (unreadable notes are left out)."""
    out: dict[str, Stat] = {}
    base = str(root) + os.sep
    racy = time.time_ns() - int(cache.RACY_SECONDS * 1e9)
    stat = os.stat
    native = os.sep == "/"
    for rel in rels:
        try:
            st = stat(base + (rel if native else rel.replace("/", os.sep)))
        except OSError:
            continue
        out[rel] = (st.st_size, st.st_mtime_ns if st.st_mtime_ns < racy else -1)
    return out


def encode(snapshot: Snapshot) -> tuple[bytes, dict[str, bytes | None]]:
    """The snapshot's index (one blob: what every check reads), and each note's problem rows
    (kept apart, by note: a check of five notes reads five; None: not checked)."""
    notes = {path: state.fields() for path, state in snapshot.notes.items()}
    rows = {path: state.encoded_rows for path, state in snapshot.notes.items()}
    by_name: dict[str, list[str]] = {}
    by_alias: dict[str, list[str]] = {}
    for path, state in snapshot.notes.items():
        by_name.setdefault(names.key(note_name(path)), []).append(path)
        for key in _alias_keys(state.aliases) if state.aliases else ():
            by_alias.setdefault(key, []).append(path)
    return marshal.dumps((FORMAT, snapshot.environment, notes, snapshot.attachments, by_name, by_alias)), rows


def decode(blob: bytes | None, environment: str) -> Snapshot | None:
    """The snapshot whose index `encode` made, if it was made in this environment (None
    otherwise), without the notes' rows (`NoteState.attach`)."""
    if blob is None:
        return None
    try:
        fmt, env, notes, attachments, by_name, by_alias = marshal.loads(blob)
        if fmt != FORMAT or env != environment:
            return None
        states = {path: NoteState(*fields, None) for path, fields in notes.items()}  # type: ignore[call-arg]
        return Snapshot(env, states, tuple(attachments), by_name, by_alias)
    except (ValueError, TypeError, EOFError):
        return None


def of_check(
    environment: str,
    stats: dict[str, Stat],
    summaries: Iterable[Summary],
    found: Iterable[tuple[str, list[ProblemRow], bool]],
    unreadable: set[str],
    attachments: Sequence[str],
) -> tuple[bytes, dict[str, bytes | None]]:
    """The snapshot of a check of every note: the summaries it made, the problems it found
    (path, rows, wide), the stats taken before it read the notes."""
    rows = {path: (got, wide) for path, got, wide in found}
    notes: dict[str, NoteState] = {}
    for summary in summaries:
        path = summary[0]
        stat = stats.get(path)
        if stat is not None and path not in unreadable:
            got, wide = rows.get(path, ([], False))
            notes[path] = NoteState.of(stat, summary, got, wide)
    return encode(Snapshot(environment, notes, tuple(attachments)))


@dataclass
class Changes:
    """How the vault differs from a snapshot."""

    changed: list[str]  # notes new or whose file changed
    removed: list[str]
    attachments_changed: set[str]  # attachments that appeared or went

    def count(self) -> int:
        return len(self.changed) + len(self.removed) + len(self.attachments_changed)


def changes(snapshot: Snapshot, stats: dict[str, Stat], notes: Sequence[str], attachments: Sequence[str]) -> Changes:
    known = snapshot.notes
    changed = [
        rel for rel in notes if (state := known.get(rel)) is None or state.stat[1] < 0 or stats.get(rel) != state.stat
    ]
    removed = [rel for rel in known.keys() - set(notes)]
    return Changes(changed, removed, set(attachments) ^ set(snapshot.attachments))


def stale(
    snapshot: Snapshot,
    found: Changes,
    fresh: dict[str, Summary],
    wanted: Iterable[str],
    needs_schema: Callable[[Any], bool],
) -> set[str]:
    """The notes of `wanted` whose problems the snapshot may no longer say (module docstring).
    `fresh`: the summaries of the changed notes, as read now."""
    known = snapshot.notes
    keys: set[str] = set()
    moved_names: set[str] = set()
    for rel in (*found.changed, *found.removed):
        name = names.key(note_name(rel))
        keys.add(name)
        if rel not in known or rel not in fresh:  # appeared or went: its name changed hands
            moved_names.add(name)
        for aliases in (known[rel].aliases if rel in known else None, fresh[rel][2] if rel in fresh else None):
            if aliases is not None:
                keys.update(_alias_keys(aliases))
    for rel in found.attachments_changed:
        keys.add(names.key(names.last_component(rel)))
    if moved_names:  # the aliases of every note that bears such a name (module docstring)
        for rel, state in known.items():
            if names.key(note_name(rel)) in moved_names:
                keys.update(_alias_keys(state.aliases))
    out: set[str] = set()
    for rel in wanted:
        note = known.get(rel)
        if (
            note is None
            or rel in fresh
            or not note.checked
            or needs_schema(note.fm_state)
            or (keys and not keys.isdisjoint(note.link_keys()))
        ):
            out.add(rel)
    return out


def _alias_keys(aliases: list[str]) -> set[str]:
    return {names.key(alias) for alias in aliases} | {names.link_lookup_key(alias) for alias in aliases}


def index_for(snapshot: Snapshot, present: set[str], fresh: dict[str, Summary], link_keys: set[str]) -> set[str]:
    """The notes (of `present`) an index must hold to check links with these lookup keys as
    the whole vault's index would: those a key names (by file name or alias), and those that
    bear the name of an alias's owner (the dangling-link message names the owner by its
    shortest link, which depends on them). `fresh`: the notes read again, whose aliases are
    theirs, not the snapshot's."""
    out: set[str] = set()
    owners: set[str] = set()
    by_name, by_alias = snapshot.by_name, snapshot.by_alias
    for key in link_keys:
        out.update(rel for rel in by_name.get(key, ()) if rel in present)
        for rel in by_alias.get(key, ()):
            if rel in present and rel not in fresh:
                out.add(rel)
                owners.add(names.key(note_name(rel)))
    fresh_names = {rel: names.key(note_name(rel)) for rel in fresh}
    for rel, summary in fresh.items():
        if fresh_names[rel] in link_keys:
            out.add(rel)
        if summary[2] and not link_keys.isdisjoint(_alias_keys(summary[2])):
            out.add(rel)
            owners.add(fresh_names[rel])
    for name in owners:
        out.update(rel for rel in by_name.get(name, ()) if rel in present)
        out.update(rel for rel, key in fresh_names.items() if key == name)
    return out
