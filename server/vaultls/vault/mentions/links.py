"""Turning unlinked mentions into links, as plans (nothing is written).

A mention becomes `[[Link]]` when the shortest link that reaches its note (`Vault.shortest_link`,
as completion inserts) is the mention's text exactly, else `[[Link|text]]`: the words on the page
stay as they were, whatever their case, when the text is an alias or the note's name is
ambiguous (`[[People/Trotsky|Trotsky]]`). In a table row the `|` is written `\\|`, as Obsidian
does, so that the row keeps its cells.
"""

from __future__ import annotations

from collections.abc import Iterable

from vaultls.vault.index import Vault
from vaultls.vault.mentions.index import Mention
from vaultls.vault.refactor.plan import LinesOf, RenamePlan


def link_text(vault: Vault, target: str, written: str, line: str = "") -> str:
    """The wikilink that replaces `written` (a mention of `target` on `line`)."""
    link = vault.shortest_link(target)
    if link == written:
        return f"[[{link}]]"
    pipe = "\\|" if line.lstrip().startswith("|") else "|"
    return f"[[{link}{pipe}{written}]]"


def written(mention: Mention, lines: list[str]) -> tuple[str, str]:
    """(the mention's text as written, its line)."""
    start, end = mention.range.start, mention.range.end
    line = lines[start.line] if start.line < len(lines) else ""
    return line[start.character : end.character], line


def link_mentions(vault: Vault, target: str, mentions: Iterable[Mention], lines_of: LinesOf) -> RenamePlan:
    """The plan that links every one of `mentions` to `target`."""
    plan = RenamePlan()
    for mention in mentions:
        text, line = written(mention, lines_of(mention.path))
        if text:
            plan.add(mention.path, mention.range, link_text(vault, target, text, line))
    return plan
