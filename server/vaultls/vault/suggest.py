"""What completion after `[[` offers, and in which order: the link suggester.

Obsidian's suggester matches what was typed against every note, every file it can open and
every alias, and offers an alias as an item of its own (`[[Len` offers `Lenin` and
`Vladimir Lenin`, the alias of `Lenin`). Here every candidate gets a tier by how well its
name matches, best first:

  0 exact      the name is what was typed (case-insensitively, as every key here)
  1 prefix     the name starts with it
  2 word       a word of the name starts with it (after a space, `/`, `-`, `_`, `.` ...)
  3 substring  the name holds it
  4 fuzzy      the name holds its characters in order (two or more of them)

and within a tier the more *popular* target comes first: more notes linking to it (counted in
doubling buckets: 0, 1, 2-3, 4-7, ...), then the more recently modified file, then the shorter
path; a note's own item comes before its aliases. After `[[` alone every note and file is
offered in that order, aliases after them.

Files Obsidian does not show (`.json`, `.yaml`, ...: not in its accepted formats) are not
offered, unless `.obsidian/app.json` has `showUnsupportedFiles` (Settings → Files and links →
Detect all file extensions).

What a keystroke costs: the candidates are kept sorted by popularity and their keys joined in
that order in one string, so each tier is a few searches in C that stop once `limit` matches
are found (the first found are the most popular). They are rebuilt only when the targets, the
aliases or the popularity change; popularity (backlinks, modification times) is refreshed in
the background in small steps (`refresh_steps`, then `prepare_steps`), never on a keystroke,
once the vault is fully indexed (until then a large vault's targets rank by path length), and modification
times are read only for notes that changed since they were last read.

Pure model: no pygls, no lsprotocol; `lsp/features/completion.py` turns what is found here
into items.
"""

from __future__ import annotations

import functools
import heapq
import os
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from typing import NamedTuple

from vaultls.vault import names
from vaultls.vault.index import Note, Vault
from vaultls.vault.name_index import Aliases, NameIndex, Targets, subsequence_across
from vaultls.vault.obsidian_app import APP_FILE, read_app_json

# Obsidian's accepted file formats (help: "Accepted file formats"), plus its own canvas and
# bases files. Notes (`.md`) are always offered.
SUPPORTED_EXTENSIONS = frozenset(
    {
        "md",
        "canvas",
        "base",
        *("avif", "bmp", "gif", "jpeg", "jpg", "png", "svg", "webp"),
        *("flac", "m4a", "mp3", "ogg", "wav", "webm", "3gp"),
        *("mkv", "mov", "mp4", "ogv"),
        "pdf",
    }
)

EXACT, PREFIX, WORD, SUBSTRING, FUZZY, LATER = range(6)
_SEP = "\0"  # between keys in the joined strings: no key holds it
_WORD_STARTS = (" ", "/", "-", "_", ".", "(", "[", ",", "'", '"')
_STAT_CHUNK = 200  # notes whose modification time one background step reads (~1-7 ms)
_KEY_CHUNK = 1000  # targets whose linking notes one background step counts (~10-30 ms)
_SMALL = 2000  # targets a vault ranks at once, on the first request, rather than in steps
_RERANK_SHARE = 0.01  # changed notes, as a share of a large vault, that make it ranked again


def is_supported(path: str) -> bool:
    """Whether Obsidian shows this file (without "Detect all file extensions")."""
    name = names.last_component(path)
    dot = name.rfind(".")
    return dot > 0 and name[dot + 1 :].lower() in SUPPORTED_EXTENSIONS


def shows_unsupported_files(app: dict[str, object]) -> bool:
    return app.get("showUnsupportedFiles") is True


class Found(NamedTuple):
    """One suggestion: a target, or an alias of a note (then `alias` is set)."""

    tier: int
    path: str
    alias: str | None


class Candidates:
    """Keys in popularity order, joined for searching (see the module docstring)."""

    def __init__(self, keys: list[str], payload: list[int], ranks: list[int]) -> None:
        order = sorted(range(len(keys)), key=ranks.__getitem__)  # stable: ties keep their order
        self.keys = tuple(map(keys.__getitem__, order))
        self.payload = tuple(map(payload.__getitem__, order))
        self.ranks = tuple(map(ranks.__getitem__, order))
        self.joined = _SEP + _SEP.join(self.keys) + _SEP
        # Where key i starts in `joined`: each key is preceded by one separator.
        self.starts = tuple(accumulate((len(k) + 1 for k in self.keys[:-1]), initial=1)) if self.keys else ()
        exact: dict[str, tuple[int, ...]] = {}
        for place, key in enumerate(self.keys):
            exact[key] = (*exact[key], place) if key in exact else (place,)  # tuples: the collector skips them
        self.exact = exact

    def __len__(self) -> int:
        return len(self.keys)

    def place_at(self, at: int) -> int:
        return bisect_right(self.starts, at) - 1

    def search(self, wanted: str, limit: int) -> list[tuple[int, int]]:
        """(tier, place) of the best `limit` matches of `wanted` (a key), best first."""
        if not wanted:
            return [(PREFIX, place) for place in range(min(limit, len(self.keys)))]
        found: list[tuple[int, int]] = [(EXACT, place) for place in self.exact.get(wanted, ())][:limit]
        taken = {place for _, place in found}
        tiers: list[tuple[int, Callable[[], Iterator[int]]]] = [
            (PREFIX, lambda: self._after(_SEP + wanted)),
            (WORD, lambda: _merged(self._after(start + wanted) for start in _WORD_STARTS)),
            (SUBSTRING, lambda: self._after(wanted, skip=0)),
        ]
        if len(wanted) >= 2:
            tiers.append((FUZZY, lambda: self._fuzzy(wanted)))
        for tier, matches in tiers:
            if len(found) >= limit:
                break
            for place in matches():
                if place not in taken:
                    taken.add(place)
                    found.append((tier, place))
                    if len(found) >= limit:
                        break
        return found

    def _after(self, needle: str, skip: int = 1) -> Iterator[int]:
        """Places of the keys holding `needle` (its first `skip` characters before the key's
        own text, as the separator of a prefix), in order, each once."""
        joined, find = self.joined, self.joined.find
        at = find(needle)
        while at >= 0:
            place = self.place_at(at + skip)
            yield place
            end = self.starts[place + 1] if place + 1 < len(self.starts) else len(joined)
            at = find(needle, max(end - 1, at + 1))

    def _fuzzy(self, wanted: str) -> Iterator[int]:
        pattern = subsequence_across(wanted)
        at = 0
        while True:
            m = pattern.search(self.joined, at)
            if m is None:
                return
            place = self.place_at(m.start())
            yield place
            at = self.starts[place + 1] if place + 1 < len(self.starts) else len(self.joined)


def _merged(streams: Iterable[Iterator[int]]) -> Iterator[int]:
    """The places of several ascending streams, ascending, each once (a word search runs one
    stream per word start; together they must keep popularity order)."""
    last = -1
    for place in heapq.merge(*streams):
        if place != last:
            last = place
            yield place


@dataclass
class _Built:
    """Candidates and what they were built from (identity: rebuilt when any is replaced)."""

    source: object
    show_unsupported: bool
    generation: int
    candidates: Candidates
    paths: tuple[str, ...]
    aliases: tuple[str, ...] = ()


@dataclass
class _Ranking:
    """A new ranking and the candidates built with it, until `Suggester._take` takes them."""

    ranks: dict[str, int] = field(default_factory=dict)
    names: _Built | None = None
    paths: _Built | None = None
    aliases: _Built | None = None


class Suggester:
    """The link suggester of one vault (the language server keeps one per vault, beside its
    `NameIndex`, whose indices tell when notes, files or aliases changed)."""

    def __init__(self, vault: Vault, index: NameIndex) -> None:
        self.vault = vault
        self.index = index
        self._mtimes: dict[str, tuple[Note, int]] = {}  # path → (the note read, its mtime in ns)
        self._ranks: dict[str, int] | None = None  # path → place in popularity order
        self._generation = 0  # bumped whenever `_ranks` is recomputed
        self._ranked_indexed = False  # ranked by `refresh_steps` (not by path length alone)
        self._unranked = 0  # notes changed since the last ranking (`refresh_steps`)
        self._names: _Built | None = None
        self._paths: _Built | None = None
        self._aliases: _Built | None = None
        self._app: tuple[object, bool] | None = None  # (app.json's stat key, showUnsupportedFiles)

    # ------------------------------------------------------------------ settings

    def show_unsupported(self) -> bool:
        """`showUnsupportedFiles` of `.obsidian/app.json`, read again only when the file
        changed (its `lstat`: never follows a link out of the vault; the read is contained)."""
        try:
            st = os.lstat(self.vault.root / APP_FILE)
            stamp: object = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            stamp = None
        if self._app is None or self._app[0] != stamp:
            shown = stamp is not None and shows_unsupported_files(read_app_json(self.vault.root))
            self._app = (stamp, shown)
        return self._app[1]

    # ------------------------------------------------------------------ popularity

    def refresh_steps(self, indexed: bool) -> list[Callable[[], object]]:
        """Background steps (`completion_warmup`) that rank every target again, each a few
        milliseconds at 10,000 notes: the modification times of the notes that changed since
        they were last read, a chunk at a time; the linking notes of every target, a chunk at
        a time; then the sort. None until the vault is `indexed` (the scan's second pass files
        every note's links: before it, no backlink is known, and the scan needs the cores);
        until then a large vault's targets rank by path length (`ranks`). Nothing when no
        note changed since. In a vault of more than `_SMALL` targets, a few notes changed (fewer than
        `_RERANK_SHARE` of them since the last ranking) have their times read and keep the
        ranking as it is: a new ranking costs the whole vault, and a few changed notes move
        few targets between popularity buckets (a new note ranks last in its tier until then)."""
        if not indexed:
            return []
        notes = list(self.vault.notes.values())
        mtimes = self._mtimes
        stale = [note for note in notes if mtimes.get(note.path, (None, 0))[0] is not note]
        new = sum(1 for note in stale if note.path not in mtimes)
        if not stale and self._ranks is not None and self._ranked_indexed and len(mtimes) == len(notes):
            return []
        steps: list[Callable[[], object]] = [
            self._mtime_step(stale[i : i + _STAT_CHUNK]) for i in range(0, len(stale), _STAT_CHUNK)
        ]
        paths = [*self.vault.notes, *self.vault.attachments]
        ranked = self._ranks is not None and self._ranked_indexed and len(mtimes) + new == len(notes)
        if ranked and len(paths) > _SMALL and self._unranked + len(stale) < len(notes) * _RERANK_SHARE:
            self._unranked += len(stale)
            return steps
        keys: list[tuple[int, int, int, str]] = []
        steps += [self._key_step(paths[i : i + _KEY_CHUNK], keys) for i in range(0, len(paths), _KEY_CHUNK)]
        ranking = _Ranking()
        steps.append(lambda: self._rank(notes, keys, ranking))
        steps += [functools.partial(self._prebuild, ranking, which) for which in ("names", "paths", "aliases")]
        steps.append(lambda: self._take(ranking))
        return steps

    def know_mtimes(self, stats: Mapping[str, tuple[int, int]]) -> None:
        """The (size, modification time) a scan took of each note just before reading it
        (`stat_notes`; -1 for a file written moments before), for the notes as they are now:
        not read again until a note changes."""
        mtimes = self._mtimes
        for path, note in self.vault.notes.items():
            stat = stats.get(path)
            if stat is not None and stat[1] >= 0 and path not in mtimes:
                mtimes[path] = (note, stat[1])

    def _mtime_step(self, notes: list[Note]) -> Callable[[], None]:
        return lambda: self._read_mtimes(notes)

    def _read_mtimes(self, notes: list[Note]) -> None:
        root = self.vault.root
        for note in notes:
            try:
                mtime = os.lstat(root / note.path).st_mtime_ns
            except OSError:
                mtime = 0
            self._mtimes[note.path] = (note, mtime)

    def _key_step(self, paths: list[str], keys: list[tuple[int, int, int, str]]) -> Callable[[], None]:
        def step() -> None:
            mtimes = self._mtimes
            keys.extend(popularity_key(self.vault, path, mtimes[path][1] if path in mtimes else 0) for path in paths)

        return step

    def _rank(self, notes: list[Note], keys: list[tuple[int, int, int, str]], ranking: _Ranking) -> None:
        present = {note.path for note in notes}
        for gone in [path for path in self._mtimes if path not in present]:
            del self._mtimes[gone]
        keys.sort()
        ranking.ranks = {key[3]: place for place, key in enumerate(keys)}

    def ranks(self) -> dict[str, int]:
        if self._ranks is None:  # before the first `refresh_steps`
            paths = [*self.vault.notes, *self.vault.attachments]
            if len(paths) <= _SMALL:  # as cheap as a few background steps: by backlinks now
                self._ranks = popularity_ranks(self.vault, {})
            else:  # by path length until the background steps have ranked them
                self._ranks = {p: i for i, p in enumerate(sorted(paths, key=_short))}
            self._generation += 1
        return self._ranks

    # ------------------------------------------------------------------ candidates

    def _targets(self, targets: Targets, by_path: bool) -> _Built:
        built = self._paths if by_path else self._names
        shown = self.show_unsupported()
        ranks = self.ranks()
        if (
            built is None
            or built.source is not targets
            or built.show_unsupported != shown
            or (built.generation != self._generation)
        ):
            built = self._built_targets(targets, by_path, shown, ranks, self._generation)
            if by_path:
                self._paths = built
            else:
                self._names = built
        return built

    def _built_targets(
        self, targets: Targets, by_path: bool, shown: bool, ranks: dict[str, int], generation: int
    ) -> _Built:
        vault = self.vault
        paths = [p for p in targets.ordered if shown or p in vault.notes or is_supported(p)]
        texts = paths if by_path else [label_of(vault, p) for p in paths]
        keys = [names.key(t) for t in texts]
        last = len(ranks)
        order = [ranks.get(p, last) for p in paths]
        return _Built(targets, shown, generation, Candidates(keys, list(range(len(paths))), order), tuple(paths))

    def _alias_candidates(self, aliases: Aliases) -> _Built:
        built = self._aliases
        ranks = self.ranks()
        if built is None or built.source is not aliases or built.generation != self._generation:
            built = self._aliases = self._built_aliases(aliases, ranks, self._generation)
        return built

    def _built_aliases(self, aliases: Aliases, ranks: dict[str, int], generation: int) -> _Built:
        vault = self.vault
        keep = [
            i
            for i, owner in enumerate(aliases.owners)
            if (note := vault.notes.get(owner)) is not None and names.key(aliases.aliases[i]) != names.key(note.name)
        ]
        last = len(ranks)
        keys = [aliases.memo.get(aliases.aliases[i]) or names.key(aliases.aliases[i]) for i in keep]
        order = [ranks.get(aliases.owners[i], last) for i in keep]
        cands = Candidates(keys, keep, order)
        return _Built(aliases, False, generation, cands, tuple(aliases.owners), tuple(aliases.aliases))

    def _prebuild(self, ranking: _Ranking, which: str) -> None:
        """One of the candidate sets of a new ranking, built before it is taken (`_take`), so
        that no request builds it itself meanwhile."""
        generation = self._generation + 1
        if which == "aliases":
            ranking.aliases = self._built_aliases(self.index.aliases(), ranking.ranks, generation)
            return
        by_path = which == "paths"
        built = self._built_targets(self.index.targets(), by_path, self.show_unsupported(), ranking.ranks, generation)
        if by_path:
            ranking.paths = built
        else:
            ranking.names = built

    def _take(self, ranking: _Ranking) -> None:
        self._ranks, self._unranked, self._ranked_indexed = ranking.ranks, 0, True
        self._generation += 1
        self._names, self._paths, self._aliases = ranking.names, ranking.paths, ranking.aliases

    def prepare_steps(self) -> list[Callable[[], object]]:
        """Building the candidates ahead of the first `[[` (after `refresh_steps`)."""
        return [
            lambda: self._targets(self.index.targets(), False),
            lambda: self._targets(self.index.targets(), True),
            lambda: self._alias_candidates(self.index.aliases()),
        ]

    # ------------------------------------------------------------------ the search

    def suggest(self, typed: str, limit: int, notes: list[Note] | None = None) -> list[Found]:
        """The best `limit` suggestions for `typed` (the text after `[[`), best first. With a
        `/` typed, paths are matched (and no alias); otherwise names and aliases."""
        notes = list(self.vault.notes.values()) if notes is None else notes
        wanted = names.key(typed.strip())
        by_path = "/" in typed
        targets = self._targets(self.index.targets(notes), by_path)
        ranks = targets.candidates.ranks
        found: list[tuple[int, int, int, int, str, str | None]] = [
            (tier, ranks[place], 0, place, targets.paths[targets.candidates.payload[place]], None)
            for tier, place in targets.candidates.search(wanted, limit)
        ]
        if not by_path:
            aliases = self._alias_candidates(self.index.aliases(notes))
            cands = aliases.candidates
            for tier, place in cands.search(wanted, limit):
                i = cands.payload[place]
                found.append(
                    (LATER if not wanted else tier, cands.ranks[place], 1, place, aliases.paths[i], aliases.aliases[i])
                )
        found.sort(key=lambda f: f[:4])
        return [Found(tier, path, alias) for tier, _, _, _, path, alias in found[:limit]]


def popularity_key(vault: Vault, path: str, mtime: int) -> tuple[int, int, int, str]:
    """What places a target in popularity order, smallest first: more linking notes (in
    doubling buckets, so that a note edited today is not buried under one linked once more),
    then the more recently modified (`mtime`, ns), then the shorter path, then the path."""
    linked = vault.linker_count(names.link_lookup_key(path)).bit_length()
    return (-linked, -mtime, len(path), path)


def popularity_ranks(vault: Vault, mtimes: dict[str, int]) -> dict[str, int]:
    """Every note's and file's place in popularity order (`popularity_key`), at once."""
    paths = [*vault.notes, *vault.attachments]
    order = sorted(paths, key=lambda p: popularity_key(vault, p, mtimes.get(p, 0)))
    return {path: place for place, path in enumerate(order)}


def _short(path: str) -> tuple[int, str]:
    return (len(path), path)


def label_of(vault: Vault, path: str) -> str:
    """What a target is called: a note's name, a file's name with its extension."""
    note = vault.notes.get(path)
    return note.name if note is not None else names.last_component(path)
