"""Semantic tokens of a note (`vault.tokens`): what each span of text is, in code points."""

from __future__ import annotations

from tests.unit.vaults import vault_of
from vaultls.lsp.features.semantic_tokens import encode
from vaultls.lsp.positions import PositionCodec
from vaultls.lsp.token_results import TokenResults, edit_between
from vaultls.vault.text import split_lines
from vaultls.vault.tokens import Token, note_tokens


def tokens_of(text: str, others: dict[str, str] | None = None, path: str = "a.md") -> list[Token]:
    vault = vault_of({**(others or {}), path: text})
    return note_tokens(vault, path, vault.notes[path].parsed, split_lines(text))


def spans(text: str, others: dict[str, str] | None = None) -> list[tuple[str, str, tuple[str, ...]]]:
    """(text of the token, type, modifiers) of every token."""
    lines = split_lines(text)
    return [(lines[t.line][t.start : t.end], t.type, t.modifiers) for t in tokens_of(text, others)]


def test_a_wikilink_to_a_note_is_a_resolved_wikilink_token():
    assert spans("see [[Note]] now", {"Note.md": ""}) == [("[[Note]]", "wikilink", ())]


def test_a_dangling_wikilink_is_unresolved():
    assert spans("see [[Nowhere|shown]]") == [("[[Nowhere|shown]]", "wikilink", ("unresolved",))]


def test_a_wikilink_that_several_notes_answer_is_ambiguous():
    others = {"A/X.md": "", "B/X.md": ""}
    assert spans("[[X]]", others) == [("[[X]]", "wikilink", ("ambiguous",))]


def test_a_link_to_a_missing_heading_of_an_existing_note_stays_resolved():
    assert spans("[[Note#Nope]]", {"Note.md": "# Yes"}) == [("[[Note#Nope]]", "wikilink", ())]


def test_a_markdown_link_to_a_note_is_a_link_token_and_a_url_is_none():
    assert spans("[t](Note.md) [u](https://example.org) [v](Gone.md)", {"Note.md": ""}) == [
        ("[t](Note.md)", "link", ()),
        ("[v](Gone.md)", "link", ("unresolved",)),
    ]


def test_embeds_of_either_form_are_embed_tokens():
    others = {"pic.png": ""}
    assert spans("![[pic.png|100]] ![alt](pic.png) ![[gone.png]]", others) == [
        ("![[pic.png|100]]", "embed", ()),
        ("![alt](pic.png)", "embed", ()),
        ("![[gone.png]]", "embed", ("unresolved",)),
    ]


def test_tags_in_text_and_in_the_frontmatter():
    text = "---\ntags: [alpha]\n---\nsome #beta/gamma text"
    assert [s for s in spans(text) if s[1] == "tag"] == [("alpha", "tag", ()), ("#beta/gamma", "tag", ())]


def test_frontmatter_keys_are_properties_and_quoted_links_there_are_links():
    text = '---\ntitle: Hi\nrelated: "[[Gone]]"\n---\nbody'
    assert spans(text) == [
        ("title", "property", ()),
        ("related", "property", ()),
        ("[[Gone]]", "wikilink", ("unresolved",)),
    ]


def test_a_block_id_is_a_block_id_token():
    assert spans("A paragraph. ^para-1") == [("^para-1", "blockId", ())]


def test_a_callout_type_is_a_callout_token_nested_ones_too():
    text = "> [!warning]+ Careful\n> text\n> > [!tip] inner\n[!note] is no callout outside a quote"
    assert spans(text) == [("[!warning]", "callout", ()), ("[!tip]", "callout", ())]


def test_footnote_references_and_the_label_of_a_definition():
    text = "A claim.[^1] More[^note].\n\n[^1]: The source."
    assert spans(text) == [
        ("[^1]", "footnote", ()),
        ("[^note]", "footnote", ()),
        ("[^1]", "footnote", ("declaration",)),
    ]


def test_nothing_in_code_is_a_token():
    text = "```\n[[Gone]] #tag > [!note] [^1] ^id\n```\n    \n`[^2]` and `[[Gone]]`\n%%\n[[Gone]]\n%%"
    assert spans(text) == []


def test_tokens_come_in_order_of_place():
    text = "#b [[X]] #a\n> [!note]\n[[Y]]"
    tokens = tokens_of(text)
    assert tokens == sorted(tokens)
    assert [t.type for t in tokens] == ["tag", "wikilink", "tag", "callout", "wikilink"]


def test_columns_are_code_points_with_crlf_line_ends():
    text = "---\r\nk: v\r\n---\r\nx [[Gone]] #t\r\n"
    tokens = tokens_of(text)
    assert [(t.line, t.start, t.end, t.type) for t in tokens] == [
        (1, 0, 1, "property"),
        (3, 2, 10, "wikilink"),
        (3, 11, 13, "tag"),
    ]


def test_columns_after_wide_characters_are_code_points():
    text = "🌱 naïve [[Gone]] 日本 #t"
    tokens = tokens_of(text)
    assert [(t.start, t.end) for t in tokens] == [(8, 16), (20, 22)]


def test_the_delta_between_two_results_is_one_edit_on_token_boundaries():
    old = [0, 0, 4, 0, 0, 1, 2, 3, 0, 1, 0, 5, 2, 3, 0]
    new = [0, 0, 4, 0, 0, 1, 2, 3, 0, 0, 0, 5, 2, 3, 0]
    assert edit_between(old, new) == (5, 5, [1, 2, 3, 0, 0])
    assert edit_between(old, old) is None
    assert edit_between(old, old[:10]) == (10, 5, [])


def test_only_the_last_result_of_a_document_is_kept_and_only_so_many_documents():
    results = TokenResults(limit=2)
    first = results.remember("a", [1])
    second = results.remember("a", [2])
    assert results.previous("a", first) is None
    assert results.previous("a", second) == [2]
    results.remember("b", [3])
    results.remember("c", [4])
    assert results.previous("a", second) is None


def test_the_encoding_is_relative_and_in_the_clients_units():
    lines = ["🌱 [[a]] x", "b [[c]]"]
    tokens = [Token(0, 2, 7, "wikilink"), Token(1, 2, 7, "wikilink", ("unresolved",))]
    assert encode(tokens, lines, PositionCodec("utf-16")) == [0, 3, 5, 0, 0, 1, 2, 5, 0, 1]
    assert encode(tokens, lines, PositionCodec("utf-8")) == [0, 5, 5, 0, 0, 1, 2, 5, 0, 1]


def test_a_token_beyond_the_text_is_left_out_of_the_encoding():
    assert encode([Token(3, 0, 2, "tag")], ["one line"], PositionCodec("utf-16")) == []
