"""Find references (`textDocument/references`): backlinks and their kin.

What is asked for depends on where the cursor is (`references.target_at`):
- on a link: the links to what it resolves to — the note, or the heading or block it names;
  on a dangling link, every link to the same missing name;
- on a `#tag` (text or frontmatter): every use of the tag, any case, nested tags included;
- on a `^block-id`: the links to that block;
- on a heading: the links to that heading; on the note's title heading, the note's backlinks
  as well (the title stands for the note);
- anywhere else: the note's backlinks (wikilinks, embeds, Markdown and frontmatter links).
With `includeDeclaration`, the note's first line, the heading or the block id is listed too.
"""

from __future__ import annotations

from lsprotocol import types

from vaultls.lsp.cursor import cursor_at
from vaultls.lsp.features.footnote_items import footnote_references
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.index import Vault
from vaultls.vault.model import Range
from vaultls.vault.refactor import title_heading
from vaultls.vault.references import (
    Ref,
    links_to_block,
    links_to_heading,
    links_to_missing,
    links_to_note,
    tag_uses,
    target_at,
)

TOP = Range.on_line(0, 0, 0)


class Lines:
    """Each note's current lines, read once per request (open buffers win over disk)."""

    def __init__(self, ls: VaultLanguageServer, vault: Vault) -> None:
        self.ls, self.vault = ls, vault
        self._cache: dict[str, list[str]] = {}

    def __call__(self, path: str) -> list[str]:
        lines = self._cache.get(path)
        if lines is None:
            lines = self._cache[path] = self.ls.lines_of(self.vault, path)
        return lines

    def location(self, path: str, rng: Range) -> types.Location:
        client_range = (
            types.Range(start=types.Position(0, 0), end=types.Position(0, 0))
            if rng == TOP
            else self.ls.codec.range_to_client(self(path), rng)
        )
        return types.Location(uri=self.ls.uri_of(self.vault, path), range=client_range)


async def references(ls: VaultLanguageServer, params: types.ReferenceParams) -> list[types.Location] | None:
    await ls.indexed.wait()
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    if cursor is None:
        return None
    on_footnote = footnote_references(ls, cursor, params.context.include_declaration)
    if on_footnote is not None:  # `[^id]`: its uses in the note (features/footnote_items.py)
        return on_footnote
    vault, path, note = cursor.ref.vault, cursor.ref.path, cursor.note
    target = target_at(note, cursor.pos)
    refs: list[Ref] = []
    declaration: tuple[str, Range] | None = None
    if target.kind == "link" and target.link is not None:
        link = target.link
        res = vault.resolve(path, link)
        if res.dangling or res.target is None:
            refs = [] if res.outside else links_to_missing(vault, path, link)
        elif res.heading is not None:
            refs, declaration = links_to_heading(vault, res.target, res.heading), (res.target, res.heading.range)
        elif res.block is not None:
            refs, declaration = links_to_block(vault, res.target, res.block), (res.target, res.block.range)
        else:
            refs, declaration = links_to_note(vault, res.target), (res.target, TOP)
    elif target.kind == "tag" and target.tag is not None:
        refs = tag_uses(vault, target.tag.name)
    elif target.kind == "block" and target.block is not None:
        refs, declaration = links_to_block(vault, path, target.block), (path, target.block.range)
    elif target.kind == "heading" and target.heading is not None:
        refs, declaration = links_to_heading(vault, path, target.heading), (path, target.heading.range)
        if title_heading(note) == target.heading:
            seen = {(r.path, r.range) for r in refs}
            refs += [r for r in links_to_note(vault, path) if (r.path, r.range) not in seen]
    else:
        refs, declaration = links_to_note(vault, path), (path, TOP)
    lines = Lines(ls, vault)
    found: list[tuple[str, Range]] = []
    if declaration is not None and params.context.include_declaration:
        found.append(declaration)
    found += sorted({(r.path, r.range) for r in refs}, key=lambda pr: (pr[0], pr[1].start))
    return [lines.location(p, r) for p, r in found]


FEATURES = ((types.TEXT_DOCUMENT_REFERENCES, None, references),)
