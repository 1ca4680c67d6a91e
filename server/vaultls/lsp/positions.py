"""Code-point columns (the model's) ⇄ the client's position encoding, computed from the very
line text the positions refer to. Done here once, so no feature ever counts UTF-16 itself."""

from __future__ import annotations

from lsprotocol import types

from vaultls.vault.model import Position, Range


class PositionCodec:
    def __init__(self, encoding: str) -> None:
        self.encoding = str(encoding or types.PositionEncodingKind.Utf16)

    def _units(self, text: str) -> int:
        if self.encoding == types.PositionEncodingKind.Utf8:
            return len(text.encode("utf-8", errors="surrogatepass"))
        if self.encoding == types.PositionEncodingKind.Utf32:
            return len(text)
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)

    def to_client(self, lines: list[str], pos: Position) -> types.Position:
        line = lines[pos.line] if 0 <= pos.line < len(lines) else ""
        return types.Position(line=pos.line, character=self._units(line[: pos.character]))

    def range_to_client(self, lines: list[str], rng: Range) -> types.Range:
        return types.Range(start=self.to_client(lines, rng.start), end=self.to_client(lines, rng.end))

    def from_client(self, lines: list[str], pos: types.Position) -> Position:
        """A client position as a code-point position, clamped into the text: clients do send
        positions past the end of a line or of the document, and that must not raise."""
        if not lines:
            return Position(0, 0)
        line_no = min(max(pos.line, 0), len(lines) - 1)
        line = lines[line_no]
        if pos.line >= len(lines):
            return Position(line_no, len(line))
        wanted = max(pos.character, 0)
        if self.encoding == types.PositionEncodingKind.Utf32:
            return Position(line_no, min(wanted, len(line)))
        units = 0
        for index, ch in enumerate(line):
            if units >= wanted:
                return Position(line_no, index)
            units += self._units(ch)
        return Position(line_no, len(line))
