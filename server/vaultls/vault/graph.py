"""The vault's link graph, for maintenance reports: which notes nothing links to (orphans),
and how many links there are, resolved or dangling, with the dangling names ranked by how many
notes want them.

A link counts for the note it resolves to (the best candidate when it is ambiguous, as
Obsidian follows it). A link from a note to itself — `[[#Heading]]` or the note's own name —
does not make that note less of an orphan. Links in frontmatter count, as they do in
Obsidian's graph. Templates (notes in the template folders, vault/templates.py) are not in
either report unless `templates.check` is set: nothing is meant to link to a template, and its
links are placeholders (`[[{{title}}]]`); links from templates still make their targets linked.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from vaultls.vault import names
from vaultls.vault.check import is_exempt_template
from vaultls.vault.index import Vault


def linked_notes(vault: Vault) -> set[str]:
    """Every note that some other note links to."""
    linked: set[str] = set()
    for path, note in vault.notes.items():
        for link in note.parsed.links:
            if link.is_self:
                continue
            target = vault.resolve(path, link).target
            if target is not None and target != path and target in vault.notes:
                linked.add(target)
    return linked


def orphans(vault: Vault, only: set[str] | None = None) -> list[str]:
    """The notes (of `only`, when given) that no other note links to, sorted by path. Links are
    counted from the whole vault either way."""
    linked = linked_notes(vault)
    paths = vault.notes if only is None else (p for p in only if p in vault.notes)
    return sorted(p for p in paths if p not in linked and not is_exempt_template(vault, p))


@dataclass
class DanglingName:
    """A name links point to but no note has: a note worth writing."""

    name: str  # as most often written (the first spelling seen on a tie)
    notes: int  # distinct notes linking it
    links: int  # links to it, all notes together
    linked_from: list[str] = field(default_factory=list)  # the linking notes, sorted


@dataclass
class LinkStats:
    notes: int = 0
    attachments: int = 0
    links: int = 0
    resolved_links: int = 0
    dangling_links: int = 0
    dangling_names: list[DanglingName] = field(default_factory=list)  # most wanted first


def link_stats(vault: Vault, only: set[str] | None = None, only_attachments: set[str] | None = None) -> LinkStats:
    """Counts over the notes of `only` (every note when None) and the attachments of
    `only_attachments` (every attachment when None). Links resolve against the whole vault.

    Dangling names are grouped case-insensitively without a `.md` suffix (`[[Kuomintang]]` and
    `[[kuomintang.md]]` want the same note); links that climb out of the vault count as dangling
    links but name no note to write, so they are not ranked."""
    paths = sorted(vault.notes) if only is None else sorted(p for p in only if p in vault.notes)
    paths = [p for p in paths if not is_exempt_template(vault, p)]
    stats = LinkStats(
        notes=len(paths),
        attachments=len(vault.attachments if only_attachments is None else vault.attachments & only_attachments),
    )
    wanted_by: dict[str, set[str]] = defaultdict(set)
    wanted_links: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for path in paths:
        for link in vault.notes[path].parsed.links:
            stats.links += 1
            res = vault.resolve(path, link)
            if not res.dangling:
                stats.resolved_links += 1
                continue
            stats.dangling_links += 1
            if res.outside:
                continue
            written = names.strip_note_suffix(link.target.strip())
            key = names.key(written)
            wanted_by[key].add(path)
            wanted_links[key] += 1
            spellings[key][written] += 1
    ranked = [
        DanglingName(
            name=spellings[key].most_common(1)[0][0],
            notes=len(linkers),
            links=wanted_links[key],
            linked_from=sorted(linkers),
        )
        for key, linkers in wanted_by.items()
    ]
    ranked.sort(key=lambda d: (-d.notes, -d.links, names.key(d.name)))
    stats.dangling_names = ranked
    return stats
