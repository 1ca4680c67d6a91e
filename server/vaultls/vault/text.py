"""Lines as the Language Server Protocol counts them.

LSP ends a line at `\\n`, `\\r\\n` or a lone `\\r` and nowhere else. `str.splitlines` also
splits at form feeds, `\\x1c`–`\\x1e`, `\\x85` and U+2028/2029, which would shift every line
number after such a character, so vaultls never uses it on note text.
"""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # characters UTF-16 writes as two units


def has_astral(text: str) -> bool:
    """Whether `text` holds a character beyond U+FFFF (one search in C)."""
    return not text.isascii() and _ASTRAL.search(text) is not None


def indent_width(line: str) -> int:
    """The columns `line`'s leading blanks take, a tab counting to the next multiple of 4
    (CommonMark's tab stops)."""
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def split_lines(text: str) -> list[str]:
    """The lines of `text` without their terminators; always at least one (possibly empty)."""
    return _LINE_BREAK.split(text)


def line_offsets(text: str) -> list[int]:
    """Offset of the first character of every line."""
    offsets = [0]
    offsets.extend(m.end() for m in _LINE_BREAK.finditer(text))
    return offsets


def decode(data: bytes) -> tuple[str, bool]:
    """Decode a note's bytes: UTF-8 (a BOM is dropped, as editors drop it); anything that is not
    UTF-8 is decoded with replacement characters rather than refused. Returns (text, was_valid)."""
    try:
        return data.decode("utf-8-sig"), True
    except UnicodeDecodeError:
        return data.decode("utf-8-sig", errors="replace"), False


def utf16_column(line: str, column: int) -> int:
    """A code-point column of `line` as UTF-16 code units (what LSP and VS Code count)."""
    prefix = line[:column]
    if not has_astral(prefix):  # one unit per character: nearly every line
        return column
    return column + len(_ASTRAL.findall(prefix))


def utf8_column(line: str, column: int) -> int:
    return len(line[:column].encode("utf-8", errors="surrogatepass"))
