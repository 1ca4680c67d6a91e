"""Code-point columns (the model's) ⇄ the client's position encoding, computed from the very
line text the positions refer to. Done here once, so no feature ever counts UTF-16 itself.

Every conversion runs once per keystroke (the edit's range) and once per range of every
answer, so none of them walks a line character by character in Python: ASCII lines (nearly
all of a note) and, for UTF-16, lines without astral characters map columns one to one; the
rest is counted by the codecs in C, or by visiting only the astral characters of a line.
"""

from __future__ import annotations

import re

from lsprotocol import types

from vaultls.vault.model import Position, Range

_UTF8 = types.PositionEncodingKind.Utf8.value
_UTF32 = types.PositionEncodingKind.Utf32.value

# Characters outside the Basic Multilingual Plane: two UTF-16 code units each.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# UTF-8 continuation bytes (0b10xxxxxx): deleting them leaves one byte per character.
_CONTINUATION = bytes(range(0x80, 0xC0))


class PositionCodec:
    def __init__(self, encoding: str) -> None:
        # The plain value ("utf-8"): pygls may hand over the enum member, whose str() is its name.
        encoding = encoding or types.PositionEncodingKind.Utf16
        self.encoding = encoding.value if isinstance(encoding, types.PositionEncodingKind) else str(encoding)

    def _units(self, text: str) -> int:
        """How many of the client's code units `text` is. Lone surrogates (a client can send
        them as JSON escapes) count as one UTF-16 unit and three UTF-8 bytes, as they encode."""
        if text.isascii() or self.encoding == _UTF32:
            return len(text)
        if self.encoding == _UTF8:
            return len(text.encode("utf-8", errors="surrogatepass"))
        return len(text.encode("utf-16-le", errors="surrogatepass")) // 2

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
        return Position(line_no, self.column(line, max(pos.character, 0)))

    def column(self, line: str, units: int) -> int:
        """The code-point column `units` client code units into `line`: the number of
        characters that start before that many units, so a column inside a character (half of
        a surrogate pair, the middle of a UTF-8 sequence) lands after it, and one past the end
        of the line lands at its end."""
        if line.isascii() or self.encoding == _UTF32:
            return min(units, len(line))
        if self.encoding == _UTF8:
            head = line.encode("utf-8", errors="surrogatepass")[:units]
            return len(head.translate(None, _CONTINUATION))
        # UTF-16: each astral character shifts the columns after it by one unit.
        shift = 0
        for match in _ASTRAL.finditer(line):
            start = match.start() + shift  # the astral character's first unit
            if units <= start:
                break
            if units == start + 1:  # between its two surrogates
                return match.start() + 1
            shift += 1
        return min(units - shift, len(line))
