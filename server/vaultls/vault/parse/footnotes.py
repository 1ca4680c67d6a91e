"""Footnotes of one note: `[^id]` references and `[^id]: text` definitions, as rows.

A pass of its own after the block-level walk (`body`), run only on a note that holds `[^` at
all, so the walk of every other note costs nothing more. It skips what the walk found to be
code, math or a comment (`code_spans`) and masks inline code, math and comments on the other
lines as the link scan does (`inline.InlineScanner.mask`).

The rules (docs/semantics.md, "Footnotes"):
- an id is one or more characters other than white space, `[`, `]`, `^`, `` ` `` and `#`
  (Obsidian neither renders nor finds footnotes named with those); ids match without regard
  to case (Obsidian 1.8+ and GFM);
- a definition is `[^id]:` at the start of a line (up to three spaces before it, in a block
  quote or not); it runs on over the following lines that are indented (Obsidian's "add 2
  spaces"), and over blank lines when the next line is indented by four or more (a footnote
  of several paragraphs, as GFM);
- every other `[^id]` outside code is a reference, also inside a definition's text; an
  escaped `\\[^id]` is none;
- inline footnotes `^[text]` need no id and are not recorded.
"""

from __future__ import annotations

import re

from vaultls.vault.parse.inline import InlineScanner
from vaultls.vault.parse.rows import FootnoteRow

_REF = re.compile(r"\[\^([^\s\[\]^`#]+)\]")
# Written so that no two parts can take the same blank (a line of many `> ` never backtracks).
_DEF = re.compile(r"[ ]{0,3}(?:>[ ]*)*\[\^([^\s\[\]^`#]+)\]:")


def footnote_key(ident: str) -> str:
    """What two footnote ids that name the same footnote have in common."""
    return ident.casefold()


def find_footnotes(lines: list[str], start: int, code_spans: list[tuple[int, int]]) -> list[FootnoteRow]:
    """The footnote definitions of lines `start`.. and then the references, each in the order
    they are written. `code_spans`: the walk's spans of code, math and comments."""
    hidden: set[int] = set()
    for first, last in code_spans:
        hidden.update(range(first, last + 1))
    scanner = InlineScanner([], [], [])
    definitions: list[FootnoteRow] = []
    references: list[FootnoteRow] = []
    open_def: int | None = None  # index in `definitions` of the definition the lines may continue
    after_blank = -1  # the first non-blank line after the blank lines being read (or `n`)
    n = len(lines)
    for i in range(start, n):
        raw = lines[i]
        if open_def is not None:
            if raw.strip():
                goes_on = raw[:1] in (" ", "\t") and _DEF.match(raw) is None
            else:
                # A blank line: the definition goes on when the next non-blank line is indented
                # by 4+ (looked for once per run of blank lines).
                if after_blank <= i:
                    after_blank = i + 1
                    while after_blank < n and not lines[after_blank].strip():
                        after_blank += 1
                goes_on = after_blank < n and lines[after_blank].startswith(("    ", "\t"))
            if not goes_on:
                open_def = None
        if i in hidden or "[^" not in raw:
            if open_def is not None and raw.strip():
                _extend(definitions, open_def, i)
            continue
        scanner.comment = None
        text = scanner.mask(raw)
        from_col = 0
        m = _DEF.match(text)
        if m is not None:
            definitions.append((m.group(1), True, i, m.start(1) - 2, m.end(1) + 1, i))
            open_def = len(definitions) - 1
            from_col = m.end()
        elif open_def is not None and raw.strip():
            _extend(definitions, open_def, i)
        for r in _REF.finditer(text, from_col):
            at = r.start()
            if at and text[at - 1] == "\\":
                continue
            references.append((r.group(1), False, i, at, r.end(), i))
    return definitions + references


def _extend(definitions: list[FootnoteRow], at: int, line: int) -> None:
    ident, is_def, def_line, a, b, _ = definitions[at]
    definitions[at] = (ident, is_def, def_line, a, b, line)
