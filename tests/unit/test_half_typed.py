"""A link still being typed is not reported (lsp/half_typed.py): where the last edit left the
cursor, and which link problems that hides."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from vaultls.lsp.half_typed import edit_end, without_half_typed
from vaultls.lsp.positions import PositionCodec
from vaultls.vault.check import check_note
from vaultls.vault.index import Vault
from vaultls.vault.model import Position
from vaultls.vault.parse import parse

UTF16 = PositionCodec(types.PositionEncodingKind.Utf16)


def insertion(line: int, character: int, text: str) -> types.TextDocumentContentChangePartial:
    at = types.Position(line, character)
    return types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text=text)


def problems_of(text: str, at: Position | None) -> list[str]:
    vault = Vault(Path("/nonexistent-vault"))
    parsed = parse(text)
    vault.upsert("Note.md", parsed)
    found = without_half_typed(check_note(vault, "Note.md"), parsed.links, at)
    return sorted(p.message for p in found)


def test_the_cursor_ends_after_the_inserted_text():
    assert edit_end(["See [[]]"], insertion(0, 6, "P"), UTF16) == Position(0, 7)


def test_the_cursor_ends_on_the_last_line_of_a_multi_line_insertion():
    assert edit_end(["abc"], insertion(0, 1, "x\nyz"), UTF16) == Position(1, 2)


def test_columns_are_code_points_after_utf16_text():
    assert edit_end(["🎉 [[]]"], insertion(0, 5, "N"), UTF16) == Position(0, 5)  # 🎉 is 2 units, 1 code point


def test_a_whole_document_change_says_nothing_of_the_cursor():
    assert edit_end(["x"], types.TextDocumentContentChangeWholeDocument(text="y"), UTF16) is None


def test_a_link_with_the_cursor_inside_is_not_reported():
    assert problems_of("See [[Perm]] and [[Gone]]\n", Position(0, 8)) == ['no note named "Gone" in the vault']


def test_a_link_is_reported_once_the_cursor_is_past_its_end():
    assert problems_of("See [[Perm]]\n", Position(0, 12)) == ['no note named "Perm" in the vault']


def test_without_a_cursor_every_link_is_reported():
    assert len(problems_of("[[Perm]] [[Gone]]\n", None)) == 2
