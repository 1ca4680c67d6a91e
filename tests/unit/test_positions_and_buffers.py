"""Positions in the client's encoding and the open buffers edited with them.

The conversions take shortcuts (ASCII and BMP-only lines map one to one; the rest is counted by
the codecs), so each is checked against the plain definition: walk the line, count units.
"""

from __future__ import annotations

import random

import pytest
from lsprotocol import types

from vaultls.lsp.documents import OpenDocument
from vaultls.lsp.positions import PositionCodec
from vaultls.vault.model import Position
from vaultls.vault.text import line_offsets, split_lines

UTF8, UTF16, UTF32 = (
    types.PositionEncodingKind.Utf8,
    types.PositionEncodingKind.Utf16,
    types.PositionEncodingKind.Utf32,
)
ENCODINGS = [UTF8, UTF16, UTF32]


def units_of(ch: str, encoding: str) -> int:
    """The definition: how many code units one character is in `encoding`."""
    if encoding == UTF8:
        return len(ch.encode("utf-8", errors="surrogatepass"))
    if encoding == UTF16:
        return 2 if ord(ch) > 0xFFFF else 1
    return 1


def column_by_walking(line: str, units: int, encoding: str) -> int:
    """The definition: the number of characters that start before `units` code units."""
    seen = 0
    for index, ch in enumerate(line):
        if seen >= units:
            return index
        seen += units_of(ch, encoding)
    return len(line)


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


# ---------------------------------------------------------------- client → model


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_ascii_line_counts_the_same_in_every_encoding(encoding):
    codec = PositionCodec(encoding)
    assert codec.from_client(["see [[Note]]"], pos(0, 6)) == Position(0, 6)
    assert codec.to_client(["see [[Note]]"], Position(0, 6)) == pos(0, 6)


def test_a_bmp_line_counts_code_points_in_utf16_and_bytes_in_utf8():
    line = "日本語 [[x]]"  # three 3-byte characters
    assert PositionCodec(UTF16).from_client([line], pos(0, 4)) == Position(0, 4)
    assert PositionCodec(UTF8).from_client([line], pos(0, 10)) == Position(0, 4)
    assert PositionCodec(UTF8).to_client([line], Position(0, 4)) == pos(0, 10)


def test_an_emoji_is_two_utf16_units_four_utf8_bytes_and_one_utf32_unit():
    line = "a🎉b"
    assert PositionCodec(UTF16).from_client([line], pos(0, 3)) == Position(0, 2)
    assert PositionCodec(UTF8).from_client([line], pos(0, 5)) == Position(0, 2)
    assert PositionCodec(UTF32).from_client([line], pos(0, 2)) == Position(0, 2)
    assert PositionCodec(UTF16).to_client([line], Position(0, 2)) == pos(0, 3)
    assert PositionCodec(UTF8).to_client([line], Position(0, 2)) == pos(0, 5)


def test_a_column_inside_a_character_lands_after_it():
    assert PositionCodec(UTF16).from_client(["a🎉b"], pos(0, 2)) == Position(0, 2)  # between surrogates
    assert PositionCodec(UTF8).from_client(["aéb"], pos(0, 2)) == Position(0, 2)  # inside é's two bytes


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("line", ["short", "日本語", "a🎉b", ""])
def test_a_column_past_the_end_of_a_line_is_its_end(encoding, line):
    assert PositionCodec(encoding).from_client([line, "next"], pos(0, 999)) == Position(0, len(line))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_line_past_the_end_of_the_document_is_the_end_of_its_last_line(encoding):
    assert PositionCodec(encoding).from_client(["one", "two🎉"], pos(7, 0)) == Position(1, 4)


def test_no_lines_is_the_start():
    assert PositionCodec(UTF16).from_client([], pos(3, 3)) == Position(0, 0)


def test_the_encoding_may_be_given_as_the_enum_or_its_value():
    assert PositionCodec(UTF8).encoding == PositionCodec("utf-8").encoding == "utf-8"


# Lone surrogates reach us from JSON escapes a client sends (`"\ud83d"`): one UTF-16 unit each.
ALPHABET = ["a", " ", "[", "é", "日", "🎉", "𝔸", "\ud83d", "\ude00", "\x00"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_column_of_random_lines_agrees_with_walking_the_line(encoding):
    codec = PositionCodec(encoding)
    rng = random.Random(4)
    for _ in range(300):
        line = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 12)))
        total = sum(units_of(ch, encoding) for ch in line)
        for units in range(total + 3):
            assert codec.from_client([line], pos(0, units)) == Position(0, column_by_walking(line, units, encoding)), (
                line,
                units,
            )
        for column in range(len(line) + 1):
            expected = sum(units_of(ch, encoding) for ch in line[:column])
            assert codec.to_client([line], Position(0, column)) == pos(0, expected), (line, column)


# ---------------------------------------------------------------- buffers


def edit(start: tuple[int, int], end: tuple[int, int], text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(range=types.Range(start=pos(*start), end=pos(*end)), text=text)


def assert_consistent(doc: OpenDocument) -> None:
    """The cached lines and offsets are what the text gives when split afresh."""
    assert doc.lines == split_lines(doc.text)
    assert doc.offsets == line_offsets(doc.text)


def test_typing_inside_a_line_changes_that_line_only():
    doc = OpenDocument("file:///n.md", "# Title\nsee \nend\n")
    _ = doc.lines  # cached, as after the first keystroke
    for column, ch in enumerate("[[x]]", start=4):
        doc.apply(edit((1, column), (1, column), ch), PositionCodec(UTF16))
    assert doc.text == "# Title\nsee [[x]]\nend\n"
    assert_consistent(doc)


def test_an_edit_inserting_a_line_break_splits_the_line():
    doc = OpenDocument("file:///n.md", "ab\ncd")
    doc.apply(edit((0, 1), (0, 1), "\r\n"), PositionCodec(UTF16))
    assert doc.lines == ["a", "b", "cd"]
    assert_consistent(doc)


def test_an_edit_across_lines_joins_them():
    doc = OpenDocument("file:///n.md", "ab\r\ncd\ref")
    doc.apply(edit((0, 1), (2, 1), "-"), PositionCodec(UTF16))
    assert doc.text == "a-f"
    assert_consistent(doc)


def test_emptying_the_line_between_a_lone_cr_and_a_lf_joins_them_into_one_break():
    doc = OpenDocument("file:///n.md", "a\rX\nb")
    _ = doc.lines
    doc.apply(edit((1, 0), (1, 1), ""), PositionCodec(UTF16))
    assert doc.text == "a\r\nb"
    assert doc.lines == ["a", "b"]
    assert_consistent(doc)


def test_a_whole_document_change_replaces_the_text():
    doc = OpenDocument("file:///n.md", "old\ntext")
    _ = doc.lines
    doc.apply(types.TextDocumentContentChangeWholeDocument(text="new"), PositionCodec(UTF16))
    assert doc.lines == ["new"]
    assert_consistent(doc)


def test_lines_handed_out_earlier_are_not_changed_by_a_later_edit():
    doc = OpenDocument("file:///n.md", "abc\ndef")
    before = doc.lines
    doc.apply(edit((0, 3), (0, 3), "!"), PositionCodec(UTF16))
    assert before == ["abc", "def"] and doc.lines == ["abc!", "def"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_random_edits_keep_text_lines_and_offsets_in_step(encoding):
    codec = PositionCodec(encoding)
    rng = random.Random(11)
    pieces = ["x", "é", "🎉", "\n", "\r", "\r\n", "", "ab", "[["]
    text = "start\r\nmiddle 🎉\rend\n"
    doc = OpenDocument("file:///n.md", text)
    for _ in range(400):
        lines = split_lines(text)
        a = (rng.randrange(len(lines) + 1), rng.randrange(8))
        b = (a[0] + rng.choice([0, 0, 0, 1]), rng.randrange(8)) if rng.random() < 0.8 else a
        new = "".join(rng.choice(pieces) for _ in range(rng.choice([0, 1, 1, 2])))
        doc.apply(edit(a, b, new), codec)
        # The definition: positions clamped and converted, then the text spliced.
        offsets = line_offsets(text)
        start = codec.from_client(lines, pos(*a))
        end = codec.from_client(lines, pos(*b))
        start, end = min(start, end), max(start, end)
        text = text[: offsets[start.line] + start.character] + new + text[offsets[end.line] + end.character :]
        assert doc.text == text
        assert_consistent(doc)
