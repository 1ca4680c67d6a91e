"""References: backlinks, links to headings and blocks, tag uses, links to a missing name."""

from __future__ import annotations

from pathlib import Path

from vaultls.vault.index import Vault
from vaultls.vault.model import Position
from vaultls.vault.parse import parse
from vaultls.vault.references import (
    links_to_block,
    links_to_heading,
    links_to_missing,
    links_to_note,
    tag_counts,
    tag_uses,
    target_at,
)
from vaultls.vault.settings import Settings


def build(files: dict[str, str], attachments: tuple[str, ...] = (), settings: Settings | None = None) -> Vault:
    vault = Vault(Path("/vault"), settings)
    for path in attachments:
        vault.add_attachment(path)
    for path, text in files.items():
        vault.upsert(path, parse(text))
    return vault


def where(refs) -> list[tuple[str, int]]:
    return [(r.path, r.range.start.line) for r in refs]


FILES = {
    "Notes/Alpha.md": "# Alpha\n\nText. ^key\n\n## Details\n\nMore [[#Details]].\n",
    "Home.md": (
        '---\nrelated: "[[Alpha]]"\ntags: [project]\n---\n'
        "[[Alpha]] [[Notes/Alpha#Details|d]] ![[Alpha#^key]]\n"
        "[a](Notes/Alpha.md) [[Missing]] #Project/sub #projects\n"
    ),
    "Other.md": "[[alpha#details]] [[missing|again]] [[Elsewhere/Missing]] #project\n",
}


def test_backlinks_include_wikilinks_embeds_markdown_and_frontmatter_links():
    vault = build(FILES)
    assert where(links_to_note(vault, "Notes/Alpha.md")) == [
        ("Home.md", 1),
        ("Home.md", 4),
        ("Home.md", 4),
        ("Home.md", 4),
        ("Home.md", 5),
        ("Other.md", 0),
    ]


def test_backlinks_leave_out_self_links_to_headings():
    vault = build(FILES)
    assert all(r.path != "Notes/Alpha.md" for r in links_to_note(vault, "Notes/Alpha.md"))


def test_backlinks_of_an_ambiguous_name_go_to_the_best_match_only():
    vault = build({"A/Trotsky.md": "", "B/Sub/Trotsky.md": "", "Home.md": "[[Trotsky]]"})
    assert where(links_to_note(vault, "A/Trotsky.md")) == [("Home.md", 0)]
    assert links_to_note(vault, "B/Sub/Trotsky.md") == []


def test_backlinks_of_an_attachment():
    vault = build({"Home.md": "![[Figure 1.png]]"}, attachments=("img/Figure 1.png",))
    assert where(links_to_note(vault, "img/Figure 1.png")) == [("Home.md", 0)]


def test_backlinks_through_aliases_when_aliases_resolve():
    files = {"Bonapartism.md": "---\naliases: [Bonapartist]\n---\n", "Home.md": "[[Bonapartist]]"}
    assert links_to_note(build(files), "Bonapartism.md") == []
    vault = build(files, settings=Settings(resolve_aliases=True))
    assert where(links_to_note(vault, "Bonapartism.md")) == [("Home.md", 0)]


def test_links_to_heading_include_self_links_and_any_case():
    vault = build(FILES)
    details = vault.notes["Notes/Alpha.md"].parsed.headings[1]
    assert where(links_to_heading(vault, "Notes/Alpha.md", details)) == [
        ("Home.md", 4),
        ("Notes/Alpha.md", 6),
        ("Other.md", 0),
    ]


def test_links_to_block():
    vault = build(FILES)
    block = vault.notes["Notes/Alpha.md"].parsed.blocks[0]
    refs = links_to_block(vault, "Notes/Alpha.md", block)
    assert where(refs) == [("Home.md", 4)] and refs[0].link.embed


def test_links_to_missing_name_match_case_insensitively_but_not_other_folders():
    vault = build(FILES)
    link = next(x for x in vault.notes["Home.md"].parsed.links if x.target == "Missing")
    refs = links_to_missing(vault, "Home.md", link)
    assert [(r.path, r.link.target) for r in refs] == [("Home.md", "Missing"), ("Other.md", "missing")]


def test_tag_uses_are_case_insensitive_and_include_nested_and_frontmatter_tags():
    vault = build(FILES)
    assert [(r.path, r.tag.name) for r in tag_uses(vault, "project")] == [
        ("Home.md", "project"),
        ("Home.md", "Project/sub"),
        ("Other.md", "project"),
    ]


def test_tag_uses_of_a_nested_tag_leave_out_its_parent():
    vault = build(FILES)
    assert [r.tag.name for r in tag_uses(vault, "project/SUB")] == ["Project/sub"]


def test_tag_counts_count_notes_and_keep_the_most_used_spelling():
    vault = build({"a.md": "#Tag #tag", "b.md": "#tag", "c.md": "---\ntags: [other]\n---\n"})
    counts = tag_counts(vault)
    assert (counts["tag"].name, counts["tag"].notes, counts["tag"].uses) == ("tag", 2, 3)
    assert counts["other"].notes == 1


def test_target_at_tells_link_tag_block_heading_and_note_apart():
    vault = build(FILES)
    alpha = vault.notes["Notes/Alpha.md"]
    home = vault.notes["Home.md"]
    assert target_at(home, Position(4, 3)).kind == "link"
    assert target_at(home, Position(5, 33)).kind == "tag"
    assert target_at(home, Position(2, 8)).kind == "tag"
    assert target_at(alpha, Position(2, 8)).kind == "block"
    assert target_at(alpha, Position(4, 1)).kind == "heading"
    assert target_at(alpha, Position(1, 0)).kind == "note"


def test_tag_counter_agrees_with_a_full_count_as_one_note_changes():
    from vaultls.vault.references import TagCounter

    vault = build({"a.md": "#Tag #tag #other", "b.md": "#tag", "c.md": "---\ntags: [other]\n---\n"})
    counter = TagCounter()
    for text in ("#new", "#new #tag", "", "#Tag/sub #TAG"):
        vault.upsert("a.md", parse(text))
        assert counter.counts(vault, "a.md") == tag_counts(vault)
    vault.upsert("b.md", parse("#fresh"))
    assert counter.counts(vault, "a.md") == tag_counts(vault)


def test_tag_counter_leaves_out_the_tag_being_typed():
    from vaultls.vault.references import TagCounter

    vault = build({"a.md": "#tag #ta", "b.md": "#tag"})
    typing = vault.notes["a.md"].parsed.tags[1]
    counts = TagCounter().counts(vault, "a.md", typing.range)
    assert "ta" not in counts and counts["tag"].notes == 2
