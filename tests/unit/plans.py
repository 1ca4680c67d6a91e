"""Helpers for tests of refactoring plans: in-memory vaults, applying a plan, and the guarantee
every plan keeps (no link that resolved stops resolving)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from vaultls.vault.index import Vault
from vaultls.vault.parse import parse
from vaultls.vault.refactor import RenamePlan, apply_changes
from vaultls.vault.text import split_lines


def build(files: dict[str, str], attachments: tuple[str, ...] = ()) -> Vault:
    vault = Vault(Path("/vault"))
    for path in attachments:
        vault.add_attachment(path)
    for path, text in files.items():
        vault.upsert(path, parse(text))
    return vault


def lines_of(files: dict[str, str]) -> Callable[[str], list[str]]:
    return lambda path: split_lines(files[path])


def applied(files: dict[str, str], plan: RenamePlan) -> dict[str, str]:
    out = {}
    for path, text in files.items():
        if path in plan.edits:
            text = apply_changes(split_lines(text), plan.edits[path])
        out[plan.moves.get(path, path)] = text
    return out


def assert_links_kept(files, plan, attachments=()):
    """The guarantee: every link that resolved before resolves to the same (moved) note and the
    same heading/block line after the plan is applied."""
    before = build(files, attachments)
    after = build(applied(files, plan), tuple(plan.moves.get(a, a) for a in attachments))
    for path, note in before.notes.items():
        new_path = plan.moves.get(path, path)
        after_links = after.notes[new_path].parsed.links
        assert len(after_links) == len(note.parsed.links)
        for link, new_link in zip(note.parsed.links, after_links, strict=True):
            res = before.resolve(path, link)
            if res.dangling:
                continue
            new = after.resolve(new_path, new_link)
            assert new.target == plan.moves.get(res.target, res.target), (path, link.target, new_link.target)
            if res.heading is not None:
                assert new.heading is not None and new.heading.line == res.heading.line
            if res.block is not None:
                assert new.block is not None and new.block.line == res.block.line
