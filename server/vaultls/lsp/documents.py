"""The editor's open buffers. Open buffers win over the files on disk until they are closed.

vaultls keeps its own copy rather than pygls's `Workspace` documents because pygls splits lines
with `str.splitlines` (which also breaks at form feeds and U+2028) and raises on ranges past the
end of the text; a misbehaving client must not be able to desynchronise or crash us.
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

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    def apply(self, change: types.TextDocumentContentChangeEvent, codec: PositionCodec) -> None:
        if isinstance(change, types.TextDocumentContentChangePartial):
            lines = self.lines
            start = codec.from_client(lines, change.range.start)
            end = codec.from_client(lines, change.range.end)
            if end < start:
                start, end = end, start
            offsets = line_offsets(self.text)
            begin = offsets[start.line] + start.character
            finish = offsets[end.line] + end.character
            self.text = self.text[:begin] + change.text + self.text[finish:]
        else:
            self.text = change.text
        self._lines = None
