"""The editor's open buffers. Open buffers win over the files on disk until they are closed.

vaultls keeps its own copy rather than pygls's `Workspace` documents because pygls splits lines
with `str.splitlines` (which also breaks at form feeds and U+2028) and raises on ranges past the
end of the text; a misbehaving client must not be able to desynchronise or crash us.

A keystroke is the common edit: a few characters inserted or deleted inside one line. Such an
edit updates the cached lines and line offsets in place instead of splitting the whole text
again, so typing costs O(lines) list arithmetic, not a regex pass over the note per key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lsprotocol import types

from vaultls.lsp.positions import PositionCodec
from vaultls.vault.text import line_offsets, split_lines


@dataclass
class OpenDocument:
    uri: str
    text: str
    version: int | None = None
    _lines: list[str] | None = field(default=None, repr=False)
    _offsets: list[int] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    @property
    def offsets(self) -> list[int]:
        """Offset in `text` of the first character of every line."""
        if self._offsets is None:
            self._offsets = line_offsets(self.text)
        return self._offsets

    def apply(self, change: types.TextDocumentContentChangeEvent, codec: PositionCodec) -> None:
        if not isinstance(change, types.TextDocumentContentChangePartial):
            self.text = change.text
            self._lines = self._offsets = None
            return
        lines = self.lines
        start = codec.from_client(lines, change.range.start)
        end = codec.from_client(lines, change.range.end)
        if end < start:
            start, end = end, start
        offsets = self.offsets
        begin = offsets[start.line] + start.character
        finish = offsets[end.line] + end.character
        new = change.text
        self.text = self.text[:begin] + new + self.text[finish:]
        if start.line == end.line and "\n" not in new and "\r" not in new:
            line = lines[start.line]
            edited = line[: start.character] + new + line[end.character :]
            if edited or "\r" not in self.text:
                # Inside one line, and no line break added: only that line and the offsets of
                # the lines after it change. Columns stop before a line's terminator, so such
                # an edit cannot split a `\r\n`; it joins a lone `\r` and the next `\n` into
                # one only when it empties the line between them, left to the slow path. New
                # lists rather than changes in place: a feature may still hold the old ones.
                lines = list(lines)
                lines[start.line] = edited
                self._lines = lines
                delta = len(new) - (end.character - start.character)
                if delta:
                    after = start.line + 1
                    self._offsets = offsets[:after] + [offset + delta for offset in offsets[after:]]
                return
        self._lines = self._offsets = None
