"""Maintenance reports, off by default: `--orphans` (notes no other note links to) and
`--stats` (how many notes, attachments and links; the dangling names ranked by how many notes
link them — the notes worth writing next). Text for people, JSON for scripts.

Paths are relative to their vault root, as in the problem formats. When several vaults are
checked at once their reports are merged: orphans listed one after the other, counts added,
dangling names with the same name (case-insensitively) added together.

Paths and names are shown `printable` in text and valid UTF-8 in JSON (`report/escape.py`).
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from vaultls.report.escape import json_text, printable
from vaultls.vault import names
from vaultls.vault.graph import DanglingName, LinkStats
from vaultls.vault.plural import counted, plural

# How many dangling names the text report lists; JSON lists them all.
TEXT_DANGLING_LIMIT = 20


def merge_stats(parts: list[LinkStats]) -> LinkStats:
    if len(parts) == 1:
        return parts[0]
    total = LinkStats()
    merged: dict[str, DanglingName] = {}
    for part in parts:
        total.notes += part.notes
        total.attachments += part.attachments
        total.links += part.links
        total.resolved_links += part.resolved_links
        total.dangling_links += part.dangling_links
        for d in part.dangling_names:
            key = names.key(d.name)
            if key in merged:
                m = merged[key]
                m.notes += d.notes
                m.links += d.links
                m.linked_from = sorted({*m.linked_from, *d.linked_from})
            else:
                merged[key] = DanglingName(d.name, d.notes, d.links, list(d.linked_from))
    total.dangling_names = sorted(merged.values(), key=lambda d: (-d.notes, -d.links, names.key(d.name)))
    return total


def as_json(orphans: list[str] | None, stats: LinkStats | None) -> dict[str, Any]:
    """`{"orphans": [path, ...], "stats": {...}}`, with only the reports asked for."""
    report: dict[str, Any] = {}
    if orphans is not None:
        report["orphans"] = list(orphans)
    if stats is not None:
        report["stats"] = {
            "notes": stats.notes,
            "attachments": stats.attachments,
            "links": stats.links,
            "resolved_links": stats.resolved_links,
            "dangling_links": stats.dangling_links,
            "dangling_names": [
                {"name": d.name, "notes": d.notes, "links": d.links, "linked_from": d.linked_from}
                for d in stats.dangling_names
            ],
        }
    return report


def write(fmt: str, out: TextIO, orphans: list[str] | None, stats: LinkStats | None) -> None:
    if fmt == "json":
        out.write(json_text(json.dumps(as_json(orphans, stats), ensure_ascii=False, indent=2)))
        out.write("\n")
        return
    sections: list[str] = []
    if orphans is not None:
        sections.append(orphans_text(orphans))
    if stats is not None:
        sections.append(stats_text(stats))
    out.write("\n".join(sections))


def orphans_text(orphans: list[str]) -> str:
    count = len(orphans)
    head = f"Orphans: {counted(count, 'note')} no other note links to\n"
    return head + "".join(f"  {printable(path)}\n" for path in orphans)


def stats_text(stats: LinkStats) -> str:
    rows = [
        ("notes", stats.notes),
        ("attachments", stats.attachments),
        ("links", stats.links),
        ("  resolved", stats.resolved_links),
        ("  dangling", stats.dangling_links),
    ]
    width = max(len(str(n)) for _, n in rows)
    lines = ["Stats:"] + [f"  {label:<13}{n:>{width}}" for label, n in rows]
    wanted = stats.dangling_names
    if wanted:
        lines.append(f"Dangling names, by how many notes link them ({len(wanted)}):")
        shown = wanted[:TEXT_DANGLING_LIMIT]
        nwidth = max(len(str(d.notes)) for d in shown)
        for d in shown:
            extra = f" ({counted(d.links, 'link')})" if d.links != d.notes else ""
            lines.append(f"  {d.notes:>{nwidth}} {plural(d.notes, 'note ', 'notes')}  {printable(d.name)}{extra}")
        if len(wanted) > len(shown):
            lines.append(f"  … and {len(wanted) - len(shown)} more (--format json lists them all)")
    return "\n".join(lines) + "\n"
