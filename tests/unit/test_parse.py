"""The parser: where links, headings, blocks and tags are, and where they are not."""

from __future__ import annotations

import pytest

from vaultls.vault.model import Position, Range
from vaultls.vault.parse import parse


def targets(text: str) -> list[str]:
    return [link.target for link in parse(text).links]


def only_link(text: str):
    links = parse(text).links
    assert len(links) == 1, links
    return links[0]


# ---------------------------------------------------------------- wikilink forms


def test_bare_wikilink_has_target_and_range():
    link = only_link("See [[Anarchism]] here")
    assert link.target == "Anarchism"
    assert link.range == Range.on_line(0, 4, 17)
    assert link.kind == "wiki" and not link.embed


def test_wikilink_with_extension_keeps_it_in_target():
    assert only_link("[[Note.md]]").target == "Note.md"


def test_wikilink_with_folder():
    assert only_link("[[People/Trotsky]]").target == "People/Trotsky"


def test_display_text_after_first_pipe():
    link = only_link("[[Note|shown | text]]")
    assert (link.target, link.display) == ("Note", "shown | text")


def test_escaped_pipe_in_table_separates_display_text():
    link = only_link("| [[Note\\|shown]] | x |")
    assert (link.target, link.display) == ("Note", "shown")


def test_heading_part():
    link = only_link("[[Note#Heading]]")
    assert (link.target, link.subpath, link.block) == ("Note", ("Heading",), None)


def test_nested_heading_part():
    assert only_link("[[Note#Heading#Subheading]]").subpath == ("Heading", "Subheading")


def test_block_part():
    link = only_link("[[Note#^block-id]]")
    assert (link.target, link.subpath, link.block) == ("Note", (), "block-id")


def test_heading_in_this_note_has_empty_target():
    link = only_link("[[#Heading in this note]]")
    assert link.is_self and link.subpath == ("Heading in this note",)


def test_block_in_this_note():
    link = only_link("[[#^block-in-this-note]]")
    assert link.is_self and link.block == "block-in-this-note"


def test_embed_prefix():
    link = only_link("![[Figure 1.png|100x200]]")
    assert link.embed and link.target == "Figure 1.png" and link.display == "100x200"
    assert link.range.start == Position(0, 0)


def test_whitespace_around_parts_is_trimmed():
    link = only_link("[[ labor aristocracy # Origins | the layer ]]")
    assert (link.target, link.subpath, link.display) == ("labor aristocracy", ("Origins",), "the layer")


def test_link_needs_no_space_before_it():
    assert targets("towards[[reformism]]") == ["reformism"]


def test_unclosed_link_is_not_a_link():
    assert targets("[[Note\nmore]]") == []


def test_empty_link_is_not_a_link():
    assert targets("[[]] [[ ]] [[|x]]") == []


def test_several_links_on_one_line():
    assert targets("[[a]] and [[b|B]] and ![[c]]") == ["a", "b", "c"]


def test_target_range_covers_target_and_subpath():
    link = only_link("x [[Note#Head|shown]]")
    assert link.target_range == Range.on_line(0, 4, 13)


# ---------------------------------------------------------------- markdown links


def test_markdown_link_to_note_is_url_decoded():
    link = only_link("[text](Folder/My%20Note.md#My%20Heading)")
    assert (link.kind, link.target, link.subpath) == ("markdown", "Folder/My Note.md", ("My Heading",))


def test_markdown_link_in_angle_brackets():
    assert only_link("[text](<My Note.md>)").target == "My Note.md"


def test_markdown_link_with_slug_fragment():
    assert only_link("[x](Note.md#my-heading)").subpath == ("my-heading",)


@pytest.mark.parametrize("url", ["https://obsidian.md", "mailto:a@b.org", "obsidian://open?x", "file:///etc/passwd"])
def test_urls_with_a_scheme_are_not_vault_links(url: str):
    assert targets(f"[x]({url})") == []


def test_markdown_image_is_an_embed():
    link = only_link("![alt](Attachments/pic.png)")
    assert link.embed and link.target == "Attachments/pic.png"


def test_markdown_link_to_heading_in_this_note():
    link = only_link("[see](#Heading)")
    assert link.is_self and link.subpath == ("Heading",)


# ---------------------------------------------------------------- where links are not


def test_no_links_in_fenced_code():
    assert targets("```\n[[a]]\n```\n[[b]]") == ["b"]


def test_no_links_in_tilde_fence_with_info_string():
    assert targets("~~~python\n[[a]]\n~~~\n[[b]]") == ["b"]


def test_closing_fence_may_be_indented_three_spaces():
    assert targets("```\n[[a]]\n   ```\n[[after]]") == ["after"]


def test_closing_fence_must_be_as_long_as_the_opening():
    assert targets("````\n```\n[[inside]]\n````\n[[after]]") == ["after"]


def test_unclosed_fence_runs_to_end_of_file():
    assert targets("[[before]]\n```\n[[a]]\n[[b]]") == ["before"]


def test_no_links_in_indented_code_after_blank_line():
    assert targets("text\n\n    [[code]]\n\n[[after]]") == ["after"]


def test_indented_line_continuing_a_paragraph_is_not_code():
    assert targets("text\n    [[continued]]") == ["continued"]


def test_nested_list_items_indented_four_spaces_keep_their_links():
    assert targets("- item\n    - sub [[nested]]\n\n    - more [[nested2]]") == ["nested", "nested2"]


def test_tab_indented_list_item_keeps_its_link():
    assert targets("- item\n\t- sub [[tabbed]]") == ["tabbed"]


def test_list_continuation_line_keeps_its_link():
    assert targets("- item\n  continued [[link]]") == ["link"]


def test_no_links_in_inline_code():
    assert targets("`[[a]]` and ``[[b]]`` and [[c]]") == ["c"]


def test_unmatched_backtick_is_literal():
    assert targets("a ` b [[c]]") == ["c"]


def test_no_links_in_html_comment():
    assert targets("<!-- [[a]] --> [[b]]") == ["b"]


def test_html_comment_across_lines():
    assert targets("<!-- [[a]]\n[[b]]\n--> [[c]]") == ["c"]


def test_no_links_in_obsidian_comment():
    assert targets("%% [[a]] %% [[b]]") == ["b"]


def test_obsidian_comment_across_lines():
    assert targets("%%\n[[a]]\n%%\n[[b]]") == ["b"]


def test_admonition_fence_holds_markdown():
    parsed = parse("```ad-note\ntitle: x\n[[inside]] #tag\n## Heading\n```\n[[after]]")
    assert [link.target for link in parsed.links] == ["inside", "after"]
    assert [h.text for h in parsed.headings] == ["Heading"]
    assert [t.name for t in parsed.tags] == ["tag"]


def test_code_fence_inside_admonition_fence_still_hides_links():
    assert targets("````ad-info\n```\n[[code]]\n```\n[[text]]\n````\n[[after]]") == ["text", "after"]


def test_native_callout_links_count():
    assert targets("> [!note] Title\n> see [[Note]]") == ["Note"]


def test_fence_inside_block_quote_ends_with_the_quote():
    assert targets("> ```\n> [[code]]\n\n[[after]]") == ["after"]


def test_no_links_in_math_block():
    assert targets("$$\n[[a]]\n$$\n[[b]]") == ["b"]


# ---------------------------------------------------------------- line endings and encodings


def test_crlf_line_endings_keep_columns():
    parsed = parse("# Title\r\n\r\nsee [[Note]]\r\n")
    link = parsed.links[0]
    assert link.range == Range.on_line(2, 4, 12)
    assert parsed.headings[0].text == "Title"


def test_lone_cr_line_endings():
    assert parse("a\r[[Note]]").links[0].range.start == Position(1, 0)


def test_bom_does_not_hide_frontmatter():
    parsed = parse("\ufeff---\ntags: [a]\n---\n[[Note]]")
    assert parsed.frontmatter is not None and parsed.frontmatter.data == {"tags": ["a"]}


def test_emoji_before_link_counts_code_points():
    link = only_link("🎉 日本 [[Note]]")
    assert link.range.start == Position(0, 5)


def test_form_feed_does_not_break_lines():
    assert parse("a\x0cb [[Note]]\nc").links[0].range.start.line == 0


# ---------------------------------------------------------------- headings and blocks


def test_atx_headings_with_levels():
    parsed = parse("# One\n## Two ##\ntext\n###### Six")
    assert [(h.level, h.text) for h in parsed.headings] == [(1, "One"), (2, "Two"), (6, "Six")]


def test_heading_range_is_its_text():
    assert parse("## Two words").headings[0].range == Range.on_line(0, 3, 12)


def test_hash_without_space_is_a_tag_not_a_heading():
    parsed = parse("#tag")
    assert parsed.headings == [] and [t.name for t in parsed.tags] == ["tag"]


def test_setext_headings():
    parsed = parse("Title\n=====\n\nSub\n---")
    assert [(h.level, h.text, h.line) for h in parsed.headings] == [(1, "Title", 0), (2, "Sub", 3)]


def test_no_headings_in_code():
    assert parse("```\n# not\n```").headings == []


def test_block_id_at_end_of_paragraph():
    parsed = parse("first line\nsecond line ^my-id")
    block = parsed.blocks[0]
    assert (block.id, block.line, block.start_line) == ("my-id", 1, 0)


def test_block_id_on_own_line_names_previous_block():
    parsed = parse("| a | b |\n| - | - |\n\n^table-id")
    block = parsed.blocks[0]
    assert (block.id, block.line, block.start_line) == ("table-id", 3, 0)


def test_block_id_on_list_item_names_that_item():
    parsed = parse("- one\n- two ^two")
    assert parsed.blocks[0].start_line == 1


def test_caret_inside_text_is_not_a_block_id():
    assert parse("x^2 is not an id").blocks == []


# ---------------------------------------------------------------- tags


def test_tags_in_text():
    tags = parse("#one and #two/nested, #with-dash_und").tags
    assert [t.name for t in tags] == ["one", "two/nested", "with-dash_und"]


def test_number_only_is_not_a_tag():
    assert [t.name for t in parse("#123 #y1984").tags] == ["y1984"]


def test_tags_are_not_in_urls_or_links():
    assert parse("https://x.org/#frag [[Note#Heading]] a#b").tags == []


def test_tag_range_includes_hash():
    assert parse("x #tag").tags[0].range == Range.on_line(0, 2, 6)


def test_non_ascii_tag():
    assert [t.name for t in parse("#méthode").tags] == ["méthode"]


# ---------------------------------------------------------------- frontmatter


def test_frontmatter_mapping_and_key_ranges():
    fm = parse("---\ntitle: Hello\nauthor:\n---\nbody").frontmatter
    assert fm.data == {"title": "Hello", "author": None}
    assert fm.key_ranges["author"] == Range.on_line(2, 0, 6)
    assert fm.end_line == 3


def test_frontmatter_may_end_with_dots():
    assert parse("---\na: 1\n...\n[[x]]").frontmatter.data == {"a": 1}


def test_later_dashes_are_a_thematic_break_not_frontmatter():
    parsed = parse("text\n---\na: 1\n---")
    assert parsed.frontmatter is None


def test_unclosed_frontmatter_is_not_frontmatter():
    assert parse("---\na: 1\n[[x]]").frontmatter is None


def test_invalid_yaml_is_reported_at_its_line_and_body_still_parsed():
    parsed = parse("---\ntitle: ok\ntags: [a\nstatus: x\n---\n[[Link]]")
    fm = parsed.frontmatter
    assert fm.error and "invalid YAML" in fm.error
    assert fm.error_range.start.line == 3
    assert [link.target for link in parsed.links] == ["Link"]


def test_frontmatter_that_is_a_list_is_an_error():
    fm = parse("---\n- a\n- b\n---\n").frontmatter
    assert fm.error and "mapping" in fm.error and fm.data == {}


def test_duplicate_keys_are_recorded():
    fm = parse("---\na: 1\na: 2\n---\n").frontmatter
    assert fm.data == {"a": 2} and [k for k, _ in fm.duplicate_keys] == ["a"]


def test_quoted_wikilinks_in_frontmatter_are_links():
    link = only_link('---\nrelated: "[[Note]]"\nplain: [[Not]]\n---\n')
    assert link.target == "Note" and link.in_frontmatter


def test_other_frontmatter_text_has_no_links():
    assert targets("---\nnote: see Note\n---\n") == []


def test_aliases_list_and_string():
    assert parse("---\naliases: [A, B]\n---\n").aliases == ["A", "B"]
    assert parse("---\naliases: Solo\n---\n").aliases == ["Solo"]


def test_frontmatter_tags_are_tags():
    tags = parse("---\ntags: [one, '#two']\n---\n").tags
    assert [(t.name, t.in_frontmatter) for t in tags] == [("one", True), ("two", True)]
    assert tags[0].range == Range.on_line(1, 7, 10)


def test_frontmatter_tags_as_string():
    assert [t.name for t in parse("---\ntags: one, two\n---\n").tags] == ["one", "two"]


def test_yaml_alias_bomb_does_not_hang():
    bomb = "---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    bomb += "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n---\n[[x]]"
    assert targets(bomb) == ["x"]


def test_code_spans_are_recorded_for_completion():
    parsed = parse("a\n```\ncode\n```\nb")
    assert parsed.line_in_code(2) and not parsed.line_in_code(4)


def test_a_lone_surrogate_in_frontmatter_is_a_yaml_error_not_a_crash():
    # An editor's buffer can hold one (JSON carries `\ud800`); a file read from disk cannot.
    note = parse("---\ntitle: b\ud800\n---\n# Heading [[Link]]\n")
    assert note.frontmatter is not None and "invalid YAML" in (note.frontmatter.error or "")
    assert [link.target for link in note.links] == ["Link"]
