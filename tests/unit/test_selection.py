"""Selection ranges (`vault.selection`): from the cursor outwards, each holding the one before."""

from __future__ import annotations

from vaultls.vault.model import Position
from vaultls.vault.parse import parse
from vaultls.vault.selection import selection_chain
from vaultls.vault.text import split_lines


def chain(text: str, needle: str, offset: int = 0) -> list[str]:
    """The text of each range around the `offset`-th character of `needle`, innermost first."""
    lines = split_lines(text)
    line = next(i for i, t in enumerate(lines) if needle in t)
    pos = Position(line, lines[line].index(needle) + offset)
    out = []
    for rng in selection_chain(parse(text), lines, pos):
        picked = lines[rng.start.line : rng.end.line + 1]
        picked[-1] = picked[-1][: rng.end.character]
        picked[0] = picked[0][rng.start.character :]
        out.append("\n".join(picked))
    return out


NOTE = """---
title: T
---
# Top
Intro line with [[Target#Part|shown words]] in it
and a second line.

## Sub
- item one
  continued [[Other]]
  - nested [x](Doc.md) here
- item two
"""


def test_from_a_links_shown_text_to_the_whole_note():
    assert chain(NOTE, "shown words", 2) == [
        "shown words",
        "[[Target#Part|shown words]]",
        "Intro line with [[Target#Part|shown words]] in it",
        "Intro line with [[Target#Part|shown words]] in it\nand a second line.",
        NOTE.split("---\n", 2)[2].rstrip("\n"),
        NOTE,
    ]


def test_the_target_of_a_wikilink_comes_before_the_whole_link():
    assert chain(NOTE, "Target#Part", 3)[:2] == ["Target#Part", "[[Target#Part|shown words]]"]


def test_the_text_of_a_markdown_link_comes_before_the_whole_link():
    assert chain(NOTE, "[x](Doc.md)", 1)[:2] == ["x", "[x](Doc.md)"]


def test_a_nested_list_item_then_its_parent_item_then_the_section():
    assert chain(NOTE, "nested", 0)[:4] == [
        "  - nested [x](Doc.md) here",
        "- item one\n  continued [[Other]]\n  - nested [x](Doc.md) here",
        "## Sub\n- item one\n  continued [[Other]]\n  - nested [x](Doc.md) here\n- item two",
        "# Top\n" + NOTE.split("# Top\n")[1].rstrip("\n"),
    ]
    assert chain(NOTE, "nested", 0)[-1] == NOTE


def test_a_continuation_line_belongs_to_its_item():
    assert chain(NOTE, "continued", 0)[1] == "- item one\n  continued [[Other]]\n  - nested [x](Doc.md) here"


def test_each_range_strictly_holds_the_one_before():
    text = "# One\n\none line\n"
    ranges = selection_chain(parse(text), split_lines(text), Position(2, 1))
    assert len(ranges) == len(set(ranges))
    for inner, outer in zip(ranges, ranges[1:], strict=False):
        assert outer.start <= inner.start and inner.end <= outer.end


def test_a_single_line_paragraph_is_not_repeated_as_its_own_paragraph():
    assert chain("# H\n\njust this\n\nmore", "just", 0) == ["just this", "# H\n\njust this\n\nmore"]


def test_inside_a_code_block_the_block_then_the_section():
    text = "# H\n```\ncode [[x]]\n```\nafter"
    assert chain(text, "code", 0) == ["code [[x]]", "```\ncode [[x]]\n```", text]


def test_in_the_frontmatter_the_frontmatter_then_the_note():
    text = "---\na: 1\nb: 2\n---\nbody"
    assert chain(text, "b: 2", 0) == ["b: 2", "---\na: 1\nb: 2\n---", text]


def test_a_heading_line_expands_to_its_section_then_the_parent_sections():
    text = "# A\nx\n## B\ny\n# C"
    assert chain(text, "## B", 0) == ["## B", "## B\ny", "# A\nx\n## B\ny", text]
