"""The link graph around a note: incoming and outgoing links by note, heading link counts,
document highlights, the title heading and the hover's "Linked from" lines."""

from __future__ import annotations

from pathlib import Path

from vaultls.vault.backlinks import (
    Edge,
    heading_data,
    heading_of_data,
    highlights,
    incoming,
    link_counts,
    linked_from,
    note_title,
    outgoing,
    section_lines,
)
from vaultls.vault.index import Vault
from vaultls.vault.model import Position
from vaultls.vault.parse import parse
from vaultls.vault.references import links_to_note


def build(files: dict[str, str], attachments: tuple[str, ...] = ()) -> Vault:
    vault = Vault(Path("/vault"))
    for path in attachments:
        vault.add_attachment(path)
    for path, text in files.items():
        vault.upsert(path, parse(text))
    return vault


FILES = {
    "Alpha.md": (
        "# Alpha\n\nSee [[Beta]] and [[Beta#Part]] and [[#Details]].\n\n"
        "## Details\n\n[[Gamma]] [[Nowhere]] [[nowhere]]\n"
    ),
    "Beta.md": "# Beta\n\n## Part\n\nBack to [[Alpha]], [[Alpha#Details]].\n",
    "Gamma.md": "Intro\n\n[[Alpha]] ![[pic.png]]\n[[Alpha]]\n",
}


def vault() -> Vault:
    return build(FILES, attachments=("pic.png",))


def lines(path: str) -> list[str]:
    return FILES[path].split("\n")


def test_incoming_groups_the_links_to_a_note_by_linking_note():
    edges = incoming(vault(), "Alpha.md")
    assert [(e.source, [r.start.line for r in e.ranges]) for e in edges] == [("Beta.md", [4, 4]), ("Gamma.md", [2, 3])]


def test_incoming_holds_exactly_the_references_of_the_note():
    v = vault()
    from_edges = sorted((e.source, r) for e in incoming(v, "Alpha.md") for r in e.ranges)
    assert from_edges == sorted((ref.path, ref.range) for ref in links_to_note(v, "Alpha.md"))


def test_incoming_of_a_heading_holds_only_the_links_to_it_self_links_included():
    v = vault()
    details = v.notes["Alpha.md"].parsed.headings[1]
    edges = incoming(v, "Alpha.md", details)
    assert [(e.source, len(e.ranges)) for e in edges] == [("Alpha.md", 1), ("Beta.md", 1)]


def test_outgoing_lists_each_target_once_in_the_order_first_linked():
    edges = outgoing(vault(), "Alpha.md")
    assert [(e.target, e.missing, len(e.ranges)) for e in edges] == [
        ("Beta.md", None, 2),
        ("Gamma.md", None, 1),
        (None, "Nowhere", 2),
    ]


def test_outgoing_leaves_out_links_into_the_note_itself():
    assert all(e.target != "Alpha.md" for e in outgoing(vault(), "Alpha.md"))


def test_outgoing_includes_attachments():
    assert [e.target for e in outgoing(vault(), "Gamma.md")] == ["Alpha.md", "pic.png"]


def test_outgoing_of_a_heading_reads_only_its_section():
    v = vault()
    details = v.notes["Alpha.md"].parsed.headings[1]
    assert [(e.target, e.missing) for e in outgoing(v, "Alpha.md", details)] == [("Gamma.md", None), (None, "Nowhere")]


def test_outgoing_of_a_missing_path_is_empty():
    assert outgoing(vault(), "Nope.md") == []


def test_link_counts_count_the_backlinks_and_the_links_to_each_heading():
    v = vault()
    counts = link_counts(v, "Alpha.md")
    assert counts.note == 4
    assert [(h.text, n) for h, n in counts.headings] == [("Details", 2)]


def test_link_counts_of_a_note_nobody_links_to_are_zero():
    counts = link_counts(build({"Lonely.md": "# Lonely\n"}), "Lonely.md")
    assert (counts.note, counts.headings) == (0, ())


def test_link_counts_follow_a_new_link_in_another_note():
    v = vault()
    v.upsert("Delta.md", parse("[[Beta]] [[Beta#Part]]\n"))
    counts = link_counts(v, "Beta.md")
    assert counts.note == 4
    assert [(h.text, n) for h, n in counts.headings] == [("Part", 2)]


def test_title_is_the_first_level_one_heading_whatever_it_says():
    parsed = parse("## Intro\n\n# Something else\n\n# Note\n")
    title = note_title(parsed, "Note")
    assert title is not None and title.text == "Something else"


def test_title_without_a_level_one_heading_is_the_heading_that_says_the_name():
    parsed = parse("## Intro\n\n## note\n")
    title = note_title(parsed, "Note")
    assert title is not None and title.line == 2


def test_a_note_without_such_a_heading_has_no_title():
    assert note_title(parse("Text\n\n## Intro\n"), "Note") is None


def test_a_section_ends_at_the_next_heading_of_its_level_or_above():
    parsed = parse("# A\n## B\ntext\n### C\n## D\n")
    assert section_lines(parsed, parsed.headings[1]) == (1, 4)
    assert section_lines(parsed, parsed.headings[0])[1] == parsed.line_count


def test_heading_data_finds_the_heading_again_after_it_moved():
    old = parse("# A\n## B\n")
    data = heading_data(old.headings[1])
    moved = parse("# A\n\nnew line\n## B\n")
    found = heading_of_data(moved, data)
    assert found is not None and found.line == 3


def test_heading_data_that_is_not_a_heading_finds_nothing():
    parsed = parse("# A\n")
    assert heading_of_data(parsed, "A") is None
    assert heading_of_data(parsed, [1, 2, 3]) is None
    assert heading_of_data(parsed, [1, "Gone", 0]) is None


def highlighted(v: Vault, path: str, line: int, character: int) -> list[tuple[int, int, bool]]:
    found = highlights(v, path, v.notes[path], Position(line, character))
    return sorted((h.range.start.line, h.range.start.character, h.declaration) for h in found)


def test_highlight_on_a_link_shows_every_link_to_the_same_note():
    v = build({"A.md": "[[B]] text [[b]]\n[[B#H]] [[C]]\n", "B.md": "# B\n## H\n", "C.md": ""})
    assert highlighted(v, "A.md", 0, 2) == [(0, 0, False), (0, 11, False), (1, 0, False)]


def test_highlight_on_a_link_to_a_heading_shows_only_the_links_to_that_heading():
    v = build({"A.md": "[[B]] [[B#H]]\n[[B#H]]\n", "B.md": "# B\n## H\n"})
    assert highlighted(v, "A.md", 0, 8) == [(0, 6, False), (1, 0, False)]


def test_highlight_on_a_self_link_shows_the_heading_too():
    v = build({"A.md": "# A\n## H\n[[#H]] and [[A#H]]\n"})
    assert highlighted(v, "A.md", 2, 2) == [(1, 3, True), (2, 0, False), (2, 11, False)]


def test_highlight_on_a_dangling_link_shows_the_links_to_the_same_missing_name():
    v = build({"A.md": "[[Gone]] [[gone]] [[Other]]\n"})
    assert highlighted(v, "A.md", 0, 2) == [(0, 0, False), (0, 9, False)]


def test_highlight_on_a_heading_shows_the_links_to_it_in_the_note():
    v = build({"A.md": "# A\n## H\n[[#H]] [[A#H]] [[#A]]\n"})
    assert highlighted(v, "A.md", 1, 1) == [(1, 3, True), (2, 0, False), (2, 7, False)]


def test_highlight_on_plain_text_is_empty():
    v = build({"A.md": "text [[B]]\n", "B.md": ""})
    assert highlighted(v, "A.md", 0, 1) == []


def test_linked_from_shows_the_line_of_each_first_link():
    v = vault()
    mentions = linked_from(incoming(v, "Alpha.md"), lines)
    assert [(m.source, m.line, m.before, m.link, m.after) for m in mentions] == [
        ("Beta.md", 4, "Back to ", "[[Alpha]]", ", [[Alpha#Details]]."),
        ("Gamma.md", 2, "", "[[Alpha]]", " ![[pic.png]]"),
    ]


def test_linked_from_lists_only_the_first_few_notes():
    edges = [Edge(f"N{i}.md", "A.md", incoming(vault(), "Alpha.md")[0].ranges) for i in range(8)]
    assert len(linked_from(edges, lambda p: lines("Beta.md"), limit=5)) == 5


def test_linked_from_cuts_a_long_line_around_the_link():
    long = "x" * 200 + " [[A]] " + "y" * 200
    v = build({"A.md": "# A\n", "B.md": long + "\n"})
    (mention,) = linked_from(incoming(v, "A.md"), lambda p: [long])
    assert mention.link == "[[A]]"
    assert mention.before.startswith("…") and len(mention.before) <= 62
    assert mention.after.endswith("…") and len(mention.after) <= 62
