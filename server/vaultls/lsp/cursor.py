"""What is under the cursor: the note, its current lines, and the link there, if any."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from vaultls.lsp.roots import NoteRef
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.index import Note, Resolution
from vaultls.vault.model import Link, Position


@dataclass
class Cursor:
    ref: NoteRef
    note: Note
    lines: list[str]
    pos: Position  # code points

    @property
    def line_text(self) -> str:
        return self.lines[self.pos.line] if self.pos.line < len(self.lines) else ""

    def link(self) -> Link | None:
        for link in self.note.parsed.links:
            if link.range.start.line == self.pos.line and link.range.contains(self.pos):
                return link
        return None


def cursor_at(ls: VaultLanguageServer, uri: str, position: types.Position) -> Cursor | None:
    ref = ls.locate(uri)
    if ref is None or ref.note is None:
        return None
    lines = ls.lines_of(ref.vault, ref.path)
    return Cursor(ref, ref.note, lines, ls.codec.from_client(lines, position))


@dataclass
class LinkAt:
    """The link under the cursor and where it leads."""

    cursor: Cursor
    link: Link
    resolution: Resolution


async def link_at(ls: VaultLanguageServer, uri: str, position: types.Position) -> LinkAt | None:
    """What definition, hover and friends all start from; waits for the index first."""
    await ls.ready.wait()
    cursor = cursor_at(ls, uri, position)
    link = cursor.link() if cursor is not None else None
    if cursor is None or link is None:
        return None
    return LinkAt(cursor, link, cursor.ref.vault.resolve(cursor.ref.path, link))
