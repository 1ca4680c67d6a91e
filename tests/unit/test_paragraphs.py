"""The paragraphs and list items a block reference may name, and the new block ids given to
them (vault/paragraphs.py)."""

from __future__ import annotations

from vaultls.vault.paragraphs import Paragraph, id_insertion, matches, new_block_id, paragraphs
from vaultls.vault.parse import parse
from vaultls.vault.text import split_lines

NOTE = """---
title: x
---
# Title

First paragraph
continues here.

- item one
  continued
  - nested ^nest
- [ ] a task

```
not a paragraph
```
Setext heading
===

> a quote

| a | b |
|---|---|

Last one
^own
***
"""


def extents(text: str) -> list[tuple[int, int, str, str | None]]:
    return [(p.start_line, p.end_line, p.kind, p.block_id) for p in paragraphs(split_lines(text), parse(text))]


def test_paragraphs_and_list_items_are_found_with_their_extents_and_ids():
    assert extents(NOTE) == [
        (5, 6, "paragraph", None),
        (8, 9, "item", None),
        (10, 10, "item", "nest"),
        (11, 11, "item", None),
        (24, 24, "paragraph", "own"),
    ]


def test_the_excerpt_is_the_text_without_the_list_marker_or_block_id():
    found = paragraphs(NOTE.split("\n"), parse(NOTE))
    assert [p.excerpt for p in found] == [
        "First paragraph continues here.",
        "item one continued",
        "nested",
        "a task",
        "Last one",
    ]


def test_crlf_lines_give_the_same_paragraphs():
    crlf = NOTE.replace("\n", "\r\n")
    assert extents(crlf) == extents(NOTE)


def test_indented_code_and_comments_are_no_paragraphs():
    text = "Intro\n\n    code line\n\n%%\nhidden\n%%\nOutro\n"
    assert [(s, e) for s, e, _, _ in extents(text)] == [(0, 0), (7, 7)]


def test_typed_words_filter_paragraphs_by_their_text_in_any_case():
    paragraph = Paragraph(0, 0, "paragraph", "The State and Revolution", None)
    assert matches(paragraph, "state REVOL")
    assert matches(paragraph, "")
    assert not matches(paragraph, "state lenin")


def test_a_new_block_id_is_six_lowercase_letters_or_digits():
    ident = new_block_id(set(), "seed")
    assert len(ident) == 6 and all(c in "abcdefghijklmnopqrstuvwxyz0123456789" for c in ident)


def test_new_block_ids_are_unique_in_the_note():
    taken = {"abc123"}
    for n in range(2000):
        ident = new_block_id(taken, f"same paragraph text {n % 3}")
        assert ident.lower() not in {t.lower() for t in taken}
        taken.add(ident)
    assert len(taken) == 2001


def test_a_new_block_id_avoids_an_id_taken_in_another_case():
    first = new_block_id(set(), "seed")
    assert new_block_id({first.upper()}, "seed") != first


def test_the_same_paragraph_gets_the_same_id_on_every_request():
    assert new_block_id({"x"}, "Note.md\n3\ntext") == new_block_id({"x"}, "Note.md\n3\ntext")


def test_the_id_replaces_the_trailing_blanks_of_the_last_line():
    assert id_insertion("text  ") == (4, 6)
    assert id_insertion("text") == (4, 4)
