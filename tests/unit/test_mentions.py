"""Unlinked mentions in the model: which plain text names which note, and the links that
replace it (vault/mentions/)."""

from __future__ import annotations

from tests.unit.vaults import vault_of
from vaultls.vault.mentions import Dictionary, MentionIndex, link_mentions, link_text, prose_lines, scan, skipped
from vaultls.vault.mentions.dictionary import WORD
from vaultls.vault.mentions.scan import words_of
from vaultls.vault.parse import parse
from vaultls.vault.refactor import apply_changes
from vaultls.vault.text import split_lines

NAMES = [
    ("Paris.md", "Paris", []),
    ("Paris Commune.md", "Paris Commune", []),
    ("People/Lenin.md", "Lenin", ["Vladimir Ilyich Ulyanov"]),
    ("Méthode.md", "Méthode", []),
]


def found(text: str, names=NAMES) -> list[str]:
    """The matched text of every mention in `text`, in order."""
    lines = split_lines(text)
    return [lines[line][start:end] for line, start, end, _ in scan(text, Dictionary(names)).matches()]


def test_a_name_matches_as_a_whole_word():
    assert found("Paris is big; Parisian is not Paris.") == ["Paris", "Paris"]


def test_a_name_matches_in_any_case():
    assert found("paris and PARIS") == ["paris", "PARIS"]


def test_a_name_inside_a_word_or_joined_by_underscore_is_no_mention():
    assert found("Lenins Lenin_x xLenin") == []


def test_an_alias_matches_like_a_name():
    assert found("Then vladimir ilyich ulyanov spoke.") == ["vladimir ilyich ulyanov"]


def test_a_multi_word_name_matches_across_single_spaces_only():
    assert found("Vladimir Ilyich Ulyanov, Vladimir  Ilyich Ulyanov") == ["Vladimir Ilyich Ulyanov"]


def test_the_longest_name_at_a_place_wins():
    assert found("The Paris Commune fell.") == ["Paris Commune"]


def test_code_is_no_prose():
    text = "`Paris` and\n```\nParis\n```\n    \n$$\nParis\n$$\n$Paris$ %%Paris%% <!-- Paris -->\n"
    assert found(text) == []


def test_links_embeds_urls_and_tags_are_no_prose():
    text = "[[Paris]] ![[Paris]] [Paris](Paris.md) [x](https://paris.org/Paris) https://x.org/Paris #Paris"
    assert found(text) == []


def test_reference_style_links_and_their_definitions_are_no_prose():
    assert found("[Paris][1] and [Paris][]\n[Paris]: https://paris.org\n[1]: Paris.md") == []


def test_link_display_text_is_no_mention():
    assert found("[[Lenin|Paris]] [Paris](https://paris.org)") == []


def test_frontmatter_and_headings_are_no_prose():
    text = "---\ntitle: Paris\naliases: [Paris]\n---\n# Paris\n## In Paris\nParis"
    assert found(text) == ["Paris"]


def test_a_comment_over_several_lines_is_no_prose():
    assert found("%% Paris\nParis\nParis %%\nParis") == ["Paris"]


def test_non_ascii_names_and_text_match():
    assert found("La MÉTHODE, la méthode et la me\u0301thode.") == ["MÉTHODE", "méthode", "me\u0301thode"]


def test_crlf_lines_keep_their_columns():
    text = "x\r\n  Lenin\r\nParis\r\n"
    assert scan(text, Dictionary(NAMES)).matches() == [
        (1, 2, 7, "lenin"),
        (2, 0, 5, "paris"),
    ]


def test_prose_keeps_columns():
    assert prose_lines("a `b` Paris") == ["a     Paris"]


def test_skip_rule_leaves_out_one_letter_numbers_and_common_words():
    assert skipped("A")
    assert skipped("x")
    assert skipped("42")
    assert skipped("3.14")
    assert skipped("The")
    assert skipped("To do")
    assert skipped("Index")
    assert skipped("a|b")


def test_skip_rule_keeps_dates_short_names_and_names_with_one_rare_word():
    assert not skipped("2024-01-15")
    assert not skipped("AI")
    assert not skipped("The Commune")


def test_skipped_names_are_not_looked_for():
    assert found("A the 42 a", [("A.md", "A", []), ("The.md", "The", []), ("42.md", "42", [])]) == []


def test_a_note_never_mentions_itself():
    vault = vault_of({"Paris.md": "Paris is here.", "Lenin.md": "Lenin went to Paris."})
    index = MentionIndex()
    texts = {"Paris.md": "Paris is here.", "Lenin.md": "Lenin went to Paris."}
    assert [m.path for m in index.mentions_of(vault, "Paris.md", texts.get)] == ["Lenin.md"]
    assert index.mentions_in(vault, "Paris.md", texts.get) == []


def test_a_note_named_by_a_longer_name_of_its_own_is_not_a_mention_of_the_shorter():
    texts = {"Paris.md": "x", "Paris Commune.md": "The Paris Commune was here."}
    vault = vault_of(texts)
    assert MentionIndex().mentions_in(vault, "Paris Commune.md", texts.get) == []


def test_mentions_in_a_note_name_their_targets():
    texts = {"Paris.md": "x", "People/Lenin.md": "---\naliases: [Ulyanov]\n---\nx", "A.md": "Ulyanov in Paris"}
    vault = vault_of(texts)
    mentions = MentionIndex().mentions_in(vault, "A.md", texts.get)
    assert [(m.range.start.character, m.targets) for m in mentions] == [(0, ("People/Lenin.md",)), (11, ("Paris.md",))]


def test_a_changed_note_is_scanned_again_and_no_other():
    texts = {"Paris.md": "x", "A.md": "Paris", "B.md": "Paris"}
    vault = vault_of(texts)
    index = MentionIndex()
    assert len(index.mentions_of(vault, "Paris.md", texts.get)) == 2
    read: list[str] = []

    def text_of(path: str) -> str | None:
        read.append(path)
        return texts.get(path)

    texts["A.md"] = "no mention"
    vault.upsert("A.md", parse(texts["A.md"]))
    assert [m.path for m in index.mentions_of(vault, "Paris.md", text_of)] == ["B.md"]
    assert read == ["A.md"]


def test_a_new_note_is_found_in_the_notes_that_mention_it_without_reading_the_others():
    texts = {"A.md": "We met Kropotkin.", "B.md": "Nothing here."}
    vault = vault_of(texts)
    index = MentionIndex()
    assert index.mentions_of(vault, "A.md", texts.get) == []
    assert index.mentions_in(vault, "B.md", texts.get) == []
    texts["Kropotkin.md"] = "x"
    vault.upsert("Kropotkin.md", parse("x"))
    read: list[str] = []

    def text_of(path: str) -> str | None:
        read.append(path)
        return texts.get(path)

    assert [m.path for m in index.mentions_of(vault, "Kropotkin.md", text_of)] == ["A.md"]
    assert "B.md" not in read


def test_a_removed_alias_is_no_longer_a_mention():
    texts = {"Lenin.md": "---\naliases: [Ulyanov]\n---\n", "A.md": "Ulyanov"}
    vault = vault_of(texts)
    index = MentionIndex()
    assert len(index.mentions_in(vault, "A.md", texts.get)) == 1
    vault.upsert("Lenin.md", parse("no aliases"))
    assert index.mentions_in(vault, "A.md", texts.get) == []


def test_link_text_is_bare_when_it_is_the_text_as_written():
    vault = vault_of({"Paris.md": "x"})
    assert link_text(vault, "Paris.md", "Paris") == "[[Paris]]"


def test_link_text_keeps_a_different_case_or_an_alias_as_display():
    vault = vault_of({"Paris.md": "x", "Lenin.md": "x"})
    assert link_text(vault, "Paris.md", "paris") == "[[Paris|paris]]"
    assert link_text(vault, "Lenin.md", "Ulyanov") == "[[Lenin|Ulyanov]]"


def test_link_text_is_the_shortest_unique_path_for_a_shared_name():
    vault = vault_of({"People/Trotsky.md": "x", "Archive/Trotsky.md": "x"})
    assert link_text(vault, "People/Trotsky.md", "Trotsky") == "[[People/Trotsky|Trotsky]]"


def test_link_text_escapes_the_pipe_in_a_table_row():
    vault = vault_of({"Paris.md": "x"})
    assert link_text(vault, "Paris.md", "paris", "| paris | x |") == "[[Paris\\|paris]]"


def test_linking_every_mention_leaves_none():
    texts = {"Paris.md": "x", "A.md": "Paris and paris, in `Paris`? No: in paris.\n| paris | x |"}
    vault = vault_of(texts)
    index = MentionIndex()
    mentions = index.mentions_of(vault, "Paris.md", texts.get)
    plan = link_mentions(vault, "Paris.md", mentions, lambda p: split_lines(texts[p]))
    texts["A.md"] = apply_changes(split_lines(texts["A.md"]), plan.edits["A.md"])
    assert texts["A.md"] == (
        "[[Paris]] and [[Paris|paris]], in `Paris`? No: in [[Paris|paris]].\n| [[Paris\\|paris]] | x |"
    )
    vault.upsert("A.md", parse(texts["A.md"]))
    assert index.mentions_of(vault, "Paris.md", texts.get) == []


def test_a_mention_on_an_ascii_line_says_so_and_one_after_other_text_does_not():
    texts = {"Paris.md": "x", "A.md": "Paris\ncafé Paris\n`é` Paris"}
    vault = vault_of(texts)
    mentions = MentionIndex().mentions_in(vault, "A.md", texts.get)
    assert [(m.range.start.line, m.ascii_line) for m in mentions] == [(0, True), (1, False), (2, False)]


def test_once_complete_a_query_of_any_note_reads_nothing():
    texts = {"Paris.md": "x", "Lenin.md": "y", "A.md": "Lenin in Paris", "B.md": "Paris"}
    vault = vault_of(texts)
    index = MentionIndex()
    assert index.complete(vault, texts.get)
    read: list[str] = []

    def text_of(path: str) -> str | None:
        read.append(path)
        return texts.get(path)

    assert [m.path for m in index.mentions_of(vault, "Paris.md", text_of)] == ["A.md", "B.md"]
    assert [m.path for m in index.mentions_of(vault, "Lenin.md", text_of)] == ["A.md"]
    assert read == []


def test_the_fast_word_split_finds_the_words_the_word_pattern_finds():
    for text in ["foo_bar _ a-b c.d", "x\u2014y «z» w’v", "me\u0301thode 日本語 1,5", "tab\there\nnew", "_é_ \u0301"]:
        assert words_of(text) == set(WORD.findall(text)), text


def test_a_search_in_slices_ends_and_finds_a_note_changed_after_its_slice():
    texts = {"Paris.md": "x", **{f"N{i}.md": "nothing" for i in range(5)}, "Z.md": "Paris"}
    vault = vault_of(texts)
    index = MentionIndex()
    assert not index.prepare(vault, "Paris.md", texts.get, budget=0)  # one note a call
    calls = 1
    while not index.prepare(vault, "Paris.md", texts.get, budget=0):
        calls += 1
    assert calls == 5
    texts["N0.md"] = "Paris again"
    vault.upsert("N0.md", parse(texts["N0.md"]))
    assert [m.path for m in index.mentions_of(vault, "Paris.md", texts.get)] == ["N0.md", "Z.md"]
