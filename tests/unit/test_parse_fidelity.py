"""The parser reads notes as Obsidian does in the places where real vaults showed a difference
(issue 17). Every case runs with LF and with CRLF line endings."""

from __future__ import annotations

import pytest

from vaultls.vault.parse import parse

pytestmark = pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])


def _parsed(text: str, eol: str):
    return parse(text.replace("\n", eol))


def _targets(text: str, eol: str) -> list[str]:
    return [link.target for link in _parsed(text, eol).links]


def test_tab_indented_fence_in_a_list_item_ends_at_its_tab_indented_closing_fence(eol: str) -> None:
    parsed = _parsed("1. step\n\n\t```js\n\t[[In Code]]\n\t```\n\n## Later\n\n[[Missing One]]\n", eol)
    assert [link.target for link in parsed.links] == ["Missing One"]
    assert [h.text for h in parsed.headings] == ["Later"]


def test_fence_closing_indented_with_spaces_and_tab_mixed(eol: str) -> None:
    assert _targets("- item\n\n  \t```\n  \t[[In Code]]\n    ```\n[[After]]\n", eol) == ["After"]


def test_tab_before_a_closing_fence_at_top_level_is_too_deep_to_close_it(eol: str) -> None:
    # CommonMark: a closing fence may be indented at most three columns more than its opener.
    assert _targets("```\n\t```\n[[In Code]]\n```\n[[After]]\n", eol) == ["After"]


def test_math_block_with_text_on_its_opening_line(eol: str) -> None:
    parsed = _parsed("$$x = 1\n[[In Math]]\n$$\n\n## After\n\n[[Real]]\n", eol)
    assert [link.target for link in parsed.links] == ["Real"]
    assert [h.text for h in parsed.headings] == ["After"]


def test_text_after_a_math_blocks_closing_dollars_is_read(eol: str) -> None:
    assert _targets("$$\nx\ny$$ and [[After]]\n", eol) == ["After"]


def test_inline_math_holds_no_link(eol: str) -> None:
    assert _targets("$[(T+S)R](u)$ and [[Real]]\n", eol) == ["Real"]


def test_display_math_on_one_line_holds_no_link(eol: str) -> None:
    assert _targets("$$ [[\\mathcal S]] $$ then [[Real]]\n", eol) == ["Real"]


def test_prices_are_prose_and_their_links_count(eol: str) -> None:
    assert _targets("costs $5 and [[Real]] and $10\n", eol) == ["Real"]


def test_math_needs_no_blank_after_its_opening_dollar(eol: str) -> None:
    assert _targets("a $ [[Real]] $ b\n", eol) == ["Real"]


def test_math_closing_dollar_is_not_followed_by_a_digit(eol: str) -> None:
    assert _targets("$x$5 [[Real]]\n", eol) == ["Real"]


def test_escaped_dollar_opens_no_math(eol: str) -> None:
    assert _targets("\\$x [[Real]] y$\n", eol) == ["Real"]


def test_math_hides_tags(eol: str) -> None:
    assert [t.name for t in _parsed("$x #notatag$ #tag\n", eol).tags] == ["tag"]


def test_inline_code_inside_a_wikilink_is_part_of_its_target(eol: str) -> None:
    link = _parsed("[[#`fgets` Limitation Null termination]]\n", eol).links[0]
    assert link.subpath == ("`fgets` Limitation Null termination",)


def test_code_span_opened_before_a_wikilink_still_hides_it(eol: str) -> None:
    assert _targets("`code [[Hidden]]` [[Real]]\n", eol) == ["Real"]


def test_dollar_inside_a_wikilink_is_part_of_its_target(eol: str) -> None:
    assert _targets("[[Price $5]] and $x$\n", eol) == ["Price $5"]


def test_escaped_bracket_before_a_wikilink(eol: str) -> None:
    assert _targets("List\\[[[RunnableConfig]]\\]\n", eol) == ["RunnableConfig"]


def test_escaped_double_bracket_is_no_link(eol: str) -> None:
    assert _targets("\\[[Not a link]] [[Real]]\n", eol) == ["Real"]


def test_escaped_bracket_in_a_line_with_code_spans(eol: str) -> None:
    assert _targets("`x` List\\[[[RunnableConfig]]\\]\n", eol) == ["RunnableConfig"]


def test_heading_with_inline_code_keeps_its_text(eol: str) -> None:
    assert [h.text for h in _parsed("## `fgets` Limitation: Null termination\n", eol).headings] == [
        "`fgets` Limitation: Null termination"
    ]
