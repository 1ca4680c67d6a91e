"""Footnotes as the parser reads them: `[^id]` references and `[^id]: text` definitions, with the
rules docs/semantics.md ("Footnotes") writes down."""

from __future__ import annotations

from vaultls.vault.model import Range
from vaultls.vault.parse import parse
from vaultls.vault.store.encoding import decode, encode


def refs(text: str) -> list[tuple[str, int, int]]:
    return [(f.id, f.range.start.line, f.range.start.character) for f in parse(text).footnote_refs]


def defs(text: str) -> list[tuple[str, int, int]]:
    return [(f.id, f.range.start.line, f.end_line) for f in parse(text).footnotes]


def test_a_reference_is_recorded_with_the_range_of_its_brackets():
    note = parse("Text[^1] here.\n")
    assert [(f.id, f.range) for f in note.footnote_refs] == [("1", Range.on_line(0, 4, 8))]


def test_a_definition_at_the_start_of_a_line_is_a_definition_not_a_reference():
    text = "Text[^note].\n\n[^note]: The text.\n"
    assert defs(text) == [("note", 2, 2)]
    assert refs(text) == [("note", 0, 4)]
    assert parse(text).footnotes[0].range == Range.on_line(2, 0, 7)


def test_indented_lines_continue_a_definition():
    text = "[^1]: first\n  second\n\tthird\nnot part\n"
    assert defs(text) == [("1", 0, 2)]


def test_a_blank_line_then_a_line_indented_by_four_continues_a_definition():
    assert defs("[^1]: first\n\n    second paragraph\n\nafter\n") == [("1", 0, 2)]
    assert defs("[^1]: first\n\n  not enough\n") == [("1", 0, 0)]


def test_a_new_definition_ends_the_one_before():
    assert defs("[^a]: one\n  more\n[^b]: two\n") == [("a", 0, 1), ("b", 2, 2)]


def test_a_reference_inside_a_definition_is_a_reference():
    assert refs("[^a]: see [^b]\n") == [("b", 0, 10)]


def test_footnotes_in_code_fences_are_not_footnotes():
    text = "```\nx[^1]\n[^1]: no\n```\n~~~md\n[^2]\n~~~\n"
    assert refs(text) == [] and defs(text) == []


def test_footnotes_in_inline_code_math_and_comments_are_not_footnotes():
    text = "`[^1]` and $x[^2]$ and %%[^3]%% and <!-- [^4] --> but [^5]\n"
    assert refs(text) == [("5", 0, 54)]


def test_footnotes_in_a_multi_line_comment_are_not_footnotes():
    assert refs("%%\n[^1]\n%%\n") == []


def test_footnotes_in_the_frontmatter_are_not_footnotes():
    assert refs("---\ntitle: a[^1]\n---\nbody\n") == []


def test_an_escaped_reference_is_no_reference():
    assert refs("not \\[^1] but [^2]\n") == [("2", 0, 14)]


def test_ids_hold_no_blanks_brackets_carets_backticks_or_hashes():
    assert refs("[^a b] [^a#b] [^] [^ok-1_x.y] [^注]\n") == [("ok-1_x.y", 0, 18), ("注", 0, 30)]


def test_inline_footnotes_are_not_recorded():
    note = parse("Text.^[An inline footnote.]\n")
    assert note.footnote_refs == [] and note.footnotes == []


def test_a_definition_in_a_block_quote_is_a_definition():
    assert defs("> [^q]: quoted\n") == [("q", 0, 0)]


def test_crlf_line_endings_give_the_same_footnotes():
    lf = "A[^1].\n\n[^1]: one\n  two\n"
    crlf = lf.replace("\n", "\r\n")
    assert (refs(crlf), defs(crlf)) == (refs(lf), defs(lf))


def test_the_key_of_a_footnote_ignores_case():
    note = parse("A[^Note].\n\n[^note]: x\n")
    assert note.footnote_refs[0].key == note.footnotes[0].key


def test_footnotes_survive_the_cache_encoding():
    note = parse("A[^1] and [^x].\n\n[^1]: one\n  two\n")
    assert decode(encode(note)) == note
