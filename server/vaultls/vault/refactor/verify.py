"""Checking a plan before it is returned: the edited notes are re-parsed, the moves applied to a
copy of the index, and every link that could be affected is resolved again. A link that resolved
before must resolve to the same note (moved, if it moved) and to the same heading or block.
"""

from __future__ import annotations

from dataclasses import replace

from vaultls.vault import names
from vaultls.vault.index import Resolution, Vault, find_heading
from vaultls.vault.model import ParsedNote
from vaultls.vault.parse import parse
from vaultls.vault.refactor.plan import LinesOf, RenameError, RenamePlan, apply_changes
from vaultls.vault.references import links_into


def future_vault(vault: Vault, moves: dict[str, str], texts: dict[str, str]) -> Vault:
    """A copy of the index as it will be after the moves and with `texts` for edited notes.
    Only what resolution reads is copied (names, paths, headings, blocks, aliases): the copy
    never answers "who links here", so the notes' own links are left out to keep it cheap."""
    future = Vault(vault.root, vault.settings)
    for path in vault.attachments:
        future.add_attachment(moves.get(path, path))
    for path, note in vault.notes.items():
        parsed = parse(texts[path]) if path in texts else replace(note.parsed, links=[], tags=[])
        future.upsert(moves.get(path, path), parsed, note.valid_utf8)
    return future


def broken_by_moves(
    vault: Vault, plan: RenamePlan, sources: set[str], lines_of: LinesOf, future: Vault
) -> set[tuple[str, int]]:
    """(source, link index) of every link that resolved before and would not resolve to the
    same place after the plan. `future` already holds the moves; edited notes are re-parsed
    into it here (and put back afterwards, so it can be reused)."""
    moves = plan.moves
    texts = {p: apply_changes(lines_of(p), c) for p, c in plan.edits.items() if p in vault.notes}
    for path, text in texts.items():
        future.upsert(moves.get(path, path), parse(text), vault.notes[path].valid_utf8)
    failures: set[tuple[str, int]] = set()
    try:
        for source in sources:
            before_links = vault.notes[source].parsed.links
            new_source = moves.get(source, source)
            after_links = future.notes[new_source].parsed.links if source in texts else before_links
            if len(after_links) != len(before_links):
                failures |= {(source, i) for i in range(len(before_links))}
                continue
            for index, (before, after) in enumerate(zip(before_links, after_links, strict=True)):
                res = vault.resolve(source, before)
                if res.dangling:
                    continue
                if not _same_place(res, future.resolve(new_source, after), moves):
                    failures.add((source, index))
    finally:
        for path in texts:
            note = vault.notes[path]
            future.upsert(moves.get(path, path), replace(note.parsed, links=[], tags=[]), note.valid_utf8)
    return failures


def _same_place(before: Resolution, after: Resolution, moves: dict[str, str]) -> bool:
    if before.target is None:
        return True
    if after.target != moves.get(before.target, before.target):
        return False
    if before.missing is None and after.missing is not None:
        return False
    if before.heading is not None and (after.heading is None or after.heading.line != before.heading.line):
        return False
    if before.block is not None and (after.block is None or after.block.line != before.block.line):
        return False
    return True


def verify_subpaths(vault: Vault, path: str, plan: RenamePlan, lines_of: LinesOf) -> None:
    """After a heading or block rename, every link into `path` that named an existing heading
    or block must name the one on the same line; raises `RenameError` if one would not."""
    before = list(links_into(vault, path))
    target_parsed = _edited(vault, path, plan, lines_of)
    edited: dict[str, ParsedNote] = {}
    for source, link, res in before:
        if res.missing or (res.heading is None and res.block is None):
            continue
        if source not in edited:
            edited[source] = _edited(vault, source, plan, lines_of)
        index = vault.notes[source].parsed.links.index(link)
        after_links = edited[source].links
        if index >= len(after_links):
            raise RenameError(f"the rename would change the links of {source}")
        after = after_links[index]
        if res.heading is not None:
            found = (
                find_heading(target_parsed.headings, after.subpath, after.kind == "markdown") if after.subpath else None
            )
            ok = found is not None and found.line == res.heading.line
        else:
            block, wanted = res.block, names.key(after.block or "")
            ok = block is not None and any(
                b.line == block.line and names.key(b.id) == wanted for b in target_parsed.blocks
            )
        if not ok:
            raise RenameError(f"the rename would break a link in {source} (line {link.range.start.line + 1})")


def _edited(vault: Vault, path: str, plan: RenamePlan, lines_of: LinesOf) -> ParsedNote:
    if path not in plan.edits:
        return vault.notes[path].parsed
    return parse(apply_changes(lines_of(path), plan.edits[path]))
