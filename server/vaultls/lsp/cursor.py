"""What is under the cursor: the note, its current lines, and the link there, if any."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from vaultls.lsp.server import NoteRef, VaultLanguageServer
from vaultls.vault.index import Note
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
