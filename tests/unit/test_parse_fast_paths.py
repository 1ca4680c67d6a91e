"""Edges of the parser's fast paths: plain paragraph and blank lines skip the block-level
checks, Markdown links and inline code are searched for from a literal, positions are looked up
in per-line rows, and simple frontmatter is read without YAML. Each test pins one behaviour the
fast path must share with the general one."""

from __future__ import annotations

from vaultls.vault.model import Range
from vaultls.vault.parse import parse


def targets(text: str) -> list[str]:
    return [link.target for link in parse(text).links]


# ---------------------------------------------------------------- plain and blank lines


def test_line_starting_with_a_non_breaking_space_is_read_after_it():
    # Not a blank for the block structure (only " " and tab indent), but stripped like one.
    headings = parse("\u00a0# Title").headings
    assert [(h.level, h.text, h.range) for h in headings] == [(1, "Title", Range.on_line(0, 3, 8))]


def test_paragraph_line_closes_an_open_callout():
    note = parse("> [!note] Title\n> body\nafter [[x]]")
    assert note.callout_spans == [(0, 1)]
    assert targets("> [!note] Title\n> body\nafter [[x]]") == ["x"]


def test_blank_line_closes_an_open_callout():
    assert parse("> [!tip]\n> body\n\nafter").callout_spans == [(0, 1)]


def test_paragraph_after_a_blank_line_ends_the_list_so_indented_code_can_follow():
    text = "- item\n\nparagraph\n\n    code [[hidden]]\n"
    assert targets(text) == []
    assert parse(text).code_spans == [(4, 5)]


def test_indented_line_after_a_blank_line_inside_a_list_is_list_content():
    assert targets("- item\n\n    - nested [[shown]]\n") == ["shown"]


def test_paragraph_line_above_an_underline_is_a_setext_heading():
    heading = parse("Title [[x]]\n===\n").headings[0]
    assert (heading.level, heading.text, heading.line) == (1, "Title [[x]]", 0)


def test_list_item_makes_the_next_indented_line_list_content():
    assert targets("- item\n    [[shown]]") == ["shown"]


def test_dashes_with_blanks_are_a_thematic_break_so_the_next_indented_line_is_code():
    assert targets("- - -\n    [[hidden]]") == []


def test_dash_and_blank_under_a_paragraph_is_a_setext_underline():
    heading = parse("Title\n- \n").headings[0]
    assert (heading.level, heading.text) == (2, "Title")


def test_list_item_under_a_paragraph_is_no_underline():
    note = parse("Title\n- item [[x]]")
    assert note.headings == [] and [link.target for link in note.links] == ["x"]


def test_paragraph_line_inside_a_multiline_comment_is_hidden():
    assert targets("%%\nplain [[hidden]]\n%%\nplain [[shown]]") == ["shown"]


def test_paragraph_line_inside_a_math_block_is_hidden():
    assert targets("$$\nplain [[hidden]]\n$$\nplain [[shown]]") == ["shown"]


def test_paragraph_line_inside_an_unclosed_fence_is_hidden():
    note = parse("```\nplain [[hidden]]\n\nmore")
    assert note.links == [] and note.code_spans == [(0, 3)]


def test_block_id_on_a_continuation_line_names_the_whole_paragraph():
    block = parse("first line\nsecond line ^abc").blocks[0]
    assert (block.id, block.line, block.start_line) == ("abc", 1, 0)


def test_block_id_on_its_own_line_after_a_blank_names_the_block_above():
    block = parse("para one\npara two\n\n^abc").blocks[0]
    assert (block.line, block.start_line) == (3, 0)


# ---------------------------------------------------------------- Markdown links and inline code


def test_markdown_embed_range_starts_at_the_bang():
    link = parse("see ![alt](pic.png) here").links[0]
    assert link.embed and link.range == Range.on_line(0, 4, 19)


def test_bang_right_after_a_markdown_link_makes_the_next_one_an_embed():
    links = parse("[a](b.md)![c](d.png)").links
    assert [(link.target, link.embed) for link in links] == [("b.md", False), ("d.png", True)]


def test_markdown_link_text_may_hold_bracketed_parts():
    assert parse("[a [b] c](d.md)").links[0].display == "a [b] c"


def test_markdown_link_text_with_an_unclosed_bracket_is_not_a_link():
    assert targets("[a [b c](d.md)") == ["d.md"]  # only `[b c](d.md)` is one


def test_markdown_link_inside_wikilink_display_is_part_of_the_wikilink():
    links = parse("[[x|[a](b.md)]]").links
    assert [(link.kind, link.target, link.display) for link in links] == [("wiki", "x", "[a](b.md)")]


def test_code_span_closes_only_at_a_run_of_the_same_length():
    assert targets("``[[a]] ` [[b]]`` [[c]]") == ["c"]


def test_unmatched_backtick_run_is_literal_text():
    assert targets("``[[a]]` [[b]]") == ["a", "b"]


def test_comment_on_one_line_hides_only_what_is_inside():
    assert targets("<!-- [[a]] --> [[b]] %% [[c]] %% [[d]]") == ["b", "d"]


# ---------------------------------------------------------------- positions


def test_link_far_into_a_long_line_has_exact_columns():
    link = parse("x" * 5000 + " [[far]]").links[0]
    assert link.range == Range.on_line(0, 5001, 5008)
    assert link.target_range == Range.on_line(0, 5003, 5006)


def test_equal_positions_are_shared_between_notes():
    first, second = parse("a [[x]]").links[0], parse("b [[y]]").links[0]
    assert first.range.start is second.range.start
    assert first.target_range.end is second.target_range.end


def test_wikilink_target_range_leaves_out_surrounding_blanks():
    link = parse("[[  Note  |shown]]").links[0]
    assert (link.target, link.target_range) == ("Note", Range.on_line(0, 4, 8))


# ---------------------------------------------------------------- simple frontmatter


def fm(body: str):
    return parse(f"---\n{body}\n---\ntext").frontmatter


def test_date_value_is_its_text_as_in_yaml_1_2():
    assert fm("created: 2023-10-06").data == {"created": "2023-10-06"}


def test_impossible_date_is_text_too():
    front = fm("created: 2023-02-30")
    assert front.data == {"created": "2023-02-30"} and front.error is None


def test_boolean_and_null_words_are_read_as_yaml_1_2_reads_them():
    assert fm("a: yes\nb: Off\nc: null\nd: y\ne: TRUE").data == {"a": "yes", "b": "Off", "c": None, "d": "y", "e": True}


def test_yaml_1_1_boolean_word_as_key_is_text():
    assert fm("yes: a").data == {"yes": "a"}


def test_boolean_word_as_key_becomes_its_string():
    assert fm("true: a").data == {"True": "a"}


def test_number_value_is_a_number():
    assert fm("count: 12\nratio: 0.5").data == {"count": 12, "ratio": 0.5}


def test_words_keep_inner_blanks():
    assert fm("title: two  spaces").data == {"title": "two  spaces"}


def test_flow_list_of_words_and_its_range():
    front = fm("tags: [alpha, beta gamma]")
    assert front.data == {"tags": ["alpha", "beta gamma"]}
    assert front.value_ranges["tags"] == Range.on_line(1, 6, 25)


def test_block_list_range_runs_from_first_item_to_start_of_next_line():
    front = fm("aliases:\n  - One\n  - Two words\ncreated: 2024-01-02")
    assert front.data["aliases"] == ["One", "Two words"]
    assert front.key_ranges["aliases"] == Range.on_line(1, 0, 7)
    value = front.value_ranges["aliases"]
    assert (value.start.line, value.start.character, value.end.line, value.end.character) == (2, 2, 4, 0)


def test_block_list_at_the_end_of_the_frontmatter_ends_on_the_closing_line():
    value = fm("aliases:\n- One").value_ranges["aliases"]
    assert (value.start.line, value.start.character, value.end.line, value.end.character) == (2, 0, 3, 0)


def test_key_given_twice_is_reported_and_the_last_value_kept():
    front = fm("status: draft\nstatus: done")
    assert front.data == {"status": "done"}
    assert [name for name, _ in front.duplicate_keys] == ["status"]


def test_quoted_wikilink_value_is_a_frontmatter_link():
    link = parse('---\nrelated: "[[Other note]]"\n---\n').links[0]
    assert (link.target, link.in_frontmatter) == ("Other note", True)
    assert link.range == Range.on_line(1, 10, 24)


def test_tags_given_as_a_flow_list_are_tags_at_their_words():
    tags = parse("---\ntags: [alpha, beta]\n---\n").tags
    assert [(t.name, t.range, t.in_frontmatter) for t in tags] == [
        ("alpha", Range.on_line(1, 7, 12), True),
        ("beta", Range.on_line(1, 14, 18), True),
    ]


def test_comment_after_a_value_is_not_part_of_it():
    assert fm("status: draft # todo").data == {"status": "draft"}


def test_non_ascii_words_are_strings():
    assert fm("place: São Paulo\nname: 日本語").data == {"place": "São Paulo", "name": "日本語"}
