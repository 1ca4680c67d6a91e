"""Making text from a vault safe to print. A vault may come from a stranger, and its file names,
link targets and messages quoting them reach a terminal or a CI log.

Human formats (text, github, the text reports, stderr) pass every value through `printable`:
control characters (C0 including ESC and newline, DEL, C1), the line and paragraph separators
U+2028/U+2029 and the bidirectional overrides and isolates U+202A–U+202E, U+2066–U+2069 are
shown escaped, so none of them moves the cursor, retitles the terminal, starts a new line
(which GitHub Actions would read as a workflow command) or reorders what is shown.

A file name that is not valid UTF-8 (on Linux, Python gives its bad bytes as the surrogates
U+DC80–U+DCFF) is shown with those bytes escaped, in every format: `bad\\xff.md`.

The escapes, in Python's notation: `\\t`, `\\n`, `\\r`; `\\xNN` for the other ASCII control
characters and for a byte that is not UTF-8 (so `\\x` always stands for one byte); `\\uNNNN` for
the other code points (C1 controls, separators, bidi controls, a lone surrogate that stands for
no byte). A backslash is not escaped: names and messages without these characters print
exactly as they are.

Machine formats (json, sarif) keep control characters as JSON escapes them, and pass their
finished text through `json_text`, which turns only the bad bytes into the same `\\xNN` text, so
the JSON is valid UTF-8.
"""

from __future__ import annotations

import re
from types import MappingProxyType

_NAMED = MappingProxyType({"\t": "\\t", "\n": "\\n", "\r": "\\r"})

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# The same, but a newline passes: to check text made of whole lines at once.
UNSAFE_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_char(char: str) -> str:
    """The escape of one of the characters `printable` escapes."""
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code < 0x80:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (os.fsdecode's surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def _escape_match(match: re.Match[str]) -> str:
    return escape_char(match.group())


def printable(text: str) -> str:
    """`text` with its control, separator, bidi and undecodable characters escaped."""
    if UNSAFE.search(text) is None:
        return text
    return UNSAFE.sub(_escape_match, text)


def _json_escape_match(match: re.Match[str]) -> str:
    # Inside a JSON string: the escape's backslash is itself escaped.
    return "\\" + escape_char(match.group())


def json_text(text: str) -> str:
    """Finished JSON text (from `json.dumps(..., ensure_ascii=False)`) with each surrogate in
    it, which cannot be written as UTF-8, replaced by its `printable` escape as string content
    (the JSON string then holds the text `bad\\xff.md`). Surrogates can only stand in strings
    there, so this cannot break the JSON."""
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub(_json_escape_match, text)
