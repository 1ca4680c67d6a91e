"""`vault/page_preview.py`: a section of a note as Obsidian's page preview shows it. Links lead to
the notes the vault's resolver finds from the previewed note, vault images show, headings are
bold lines, block ids are hidden; what leads nowhere is text, and the preview stays inert."""

from __future__ import annotations

import re

import pytest

from tests.unit.vaults import vault_of
from vaultls.vault.index import Vault
from vaultls.vault.page_preview import MAX_CHARS, MAX_LINKS, MAX_NOTES_READ, display, page_preview
from vaultls.vault.parse import parse
from vaultls.vault.text import split_lines

ROOT = "file:///vault/"
LINK = re.compile(r"(?<![\\!])\[((?:[^\]\\]|\\.)*)\]\(([^)\s]*)\)")
IMAGE = re.compile(r"(?<!\\)!\[((?:[^\]\\]|\\.)*)\]\(([^)\s]*)\)")


def uri(path: str) -> str:
    return ROOT + path.replace(" ", "%20")


class Notes(dict[str, str]):
    """A vault's files, kept beside the vault made of them: a preview needs the note's text."""

    def __init__(self, files: dict[str, str]) -> None:
        super().__init__(files)
        self.vault: Vault = vault_of(files)


def make(files: dict[str, str]) -> Notes:
    return Notes(files)


def preview(notes: Notes, path: str, locate=uri) -> str:
    """The preview of the whole note at `path`, as the hover asks for it."""
    return page_preview(notes.vault, path, split_lines(notes[path]), locate)


def links(markdown: str) -> list[tuple[str, str]]:
    """(text, destination) of every link a renderer shows (not an image, not escaped)."""
    return LINK.findall(markdown)


def images(markdown: str) -> list[tuple[str, str]]:
    return IMAGE.findall(markdown)


PEOPLE = {
    "Lenin.md": "# Lenin\n\nIntro.\n\n## Death\n\nIn 1924. ^death\n",
    "Left Opposition.md": "Text.\n\n## Platform\n",
    "pic.png": "",
}


# ---------------------------------------------------------------- links


def test_a_wikilink_becomes_a_link_to_the_note_it_resolves_to():
    notes = make({**PEOPLE, "Trotsky.md": "See [[lenin]]."})
    assert preview(notes, "Trotsky.md") == f"See [lenin]({uri('Lenin.md')})."


def test_an_alias_is_the_link_text():
    notes = make({**PEOPLE, "Trotsky.md": "Led the [[Left Opposition|opposition]]."})
    assert links(preview(notes, "Trotsky.md")) == [("opposition", uri("Left Opposition.md"))]


def test_a_heading_link_shows_note_and_heading_and_opens_at_the_heading_line():
    notes = make({**PEOPLE, "Trotsky.md": "[[Lenin#Death]]"})
    assert links(preview(notes, "Trotsky.md")) == [("Lenin \\> Death", uri("Lenin.md") + "#L5")]


def test_a_block_link_opens_at_the_first_line_of_the_block():
    notes = make({**PEOPLE, "Trotsky.md": "[[Lenin#^death]]"})
    assert links(preview(notes, "Trotsky.md")) == [("Lenin \\> ^death", uri("Lenin.md") + "#L7")]


def test_a_link_to_a_missing_heading_opens_the_note():
    notes = make({**PEOPLE, "Trotsky.md": "[[Lenin#Exile]]"})
    assert links(preview(notes, "Trotsky.md")) == [("Lenin \\> Exile", uri("Lenin.md"))]


def test_a_link_into_the_previewed_note_leads_into_that_note():
    notes = make({**PEOPLE, "Trotsky.md": "See [[#Exile]].\n\n## Exile\n"})
    assert links(preview(notes, "Trotsky.md")) == [("Exile", uri("Trotsky.md") + "#L3")]


def test_links_resolve_from_the_previewed_note():
    # From `A/Note.md`, `[x](Sibling.md)` is `A/Sibling.md`, whoever hovers.
    notes = make({"Sibling.md": "", "A/Sibling.md": "", "A/Note.md": "[x](Sibling.md)"})
    assert links(preview(notes, "A/Note.md")) == [("x", uri("A/Sibling.md"))]


def test_a_dangling_link_shows_its_text_not_a_link():
    notes = make({**PEOPLE, "Trotsky.md": "Before [[Nowhere Yet]] after."})
    assert preview(notes, "Trotsky.md") == "Before Nowhere Yet after."


def test_a_dangling_link_shows_its_alias():
    notes = make({**PEOPLE, "Trotsky.md": "[[Nowhere|somewhere]]"})
    assert preview(notes, "Trotsky.md") == "somewhere"


def test_a_link_out_of_the_vault_shows_as_text():
    notes = make({**PEOPLE, "Trotsky.md": "[[../../etc/passwd]] and [p](../../etc/passwd)"})
    out = preview(notes, "Trotsky.md")
    assert not links(out) and "etc/passwd" in out


def test_a_file_the_caller_may_not_show_is_not_linked():
    notes = make({**PEOPLE, "Trotsky.md": "[[Lenin]] and [[Left Opposition]]"})
    out = preview(notes, "Trotsky.md", lambda p: None if p == "Lenin.md" else uri(p))
    assert links(out) == [("Left Opposition", uri("Left Opposition.md"))]
    assert out.startswith("Lenin and ")


def test_a_markdown_link_to_a_note_keeps_its_text_and_leads_to_the_file():
    notes = make({**PEOPLE, "Trotsky.md": '[**his** life](Lenin.md#Death "title")'})
    assert preview(notes, "Trotsky.md") == f'[**his** life]({uri("Lenin.md")}#L5 "title")'


def test_a_dangling_markdown_link_shows_its_text():
    notes = make({**PEOPLE, "Trotsky.md": "[the book](Books/Missing.md)"})
    assert preview(notes, "Trotsky.md") == "the book"


def test_an_external_link_stays_as_written():
    notes = make({**PEOPLE, "Trotsky.md": "[site](https://example.org/a_(b)) and <https://example.org>"})
    assert preview(notes, "Trotsky.md") == "[site](https://example.org/a_(b)) and \\<https://example.org>"


def test_a_note_embed_is_a_link_to_the_note():
    notes = make({**PEOPLE, "Trotsky.md": "![[Lenin#Death]]"})
    out = preview(notes, "Trotsky.md")
    assert links(out) == [("Lenin \\> Death", uri("Lenin.md") + "#L5")] and not images(out)


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("[[Note]]", "Note"),
        ("[[Folder/Note]]", "Folder/Note"),
        ("[[Note#A#B]]", "Note > A > B"),
        ("[[Note#^id]]", "Note > ^id"),
        ("[[#A]]", "A"),
        ("[[Note#A|shown]]", "shown"),
        ("![[pic.png|300]]", "pic.png"),
        ("![[pic.png|a diagram]]", "a diagram"),
        ("[text](Note.md#A)", "text"),
    ],
)
def test_link_text_is_what_obsidian_shows(written, shown):
    assert display(parse(written).links[0]) == shown


# ---------------------------------------------------------------- images


def test_an_image_embed_shows_the_vault_image():
    notes = make({**PEOPLE, "Trotsky.md": "![[pic.png]]"})
    assert preview(notes, "Trotsky.md") == f"![pic.png]({uri('pic.png')})"


def test_an_image_size_is_not_its_alt_text():
    notes = make({**PEOPLE, "Trotsky.md": "![[pic.png|300x200]]"})
    assert images(preview(notes, "Trotsky.md")) == [("pic.png", uri("pic.png"))]


def test_a_markdown_image_of_a_vault_file_shows_it():
    notes = make({**PEOPLE, "Trotsky.md": "![a portrait](pic.png)"})
    assert images(preview(notes, "Trotsky.md")) == [("a portrait", uri("pic.png"))]


@pytest.mark.parametrize("embed", ["![[missing.png]]", "![](../../etc/passwd.png)", "![x](/etc/shadow.png)"])
def test_an_image_that_is_not_in_the_vault_is_not_shown(embed):
    notes = make({**PEOPLE, "Trotsky.md": embed})
    out = preview(notes, "Trotsky.md")
    assert not images(out) and not links(out)


def test_an_image_the_caller_may_not_show_is_not_shown():
    notes = make({**PEOPLE, "Trotsky.md": "![[pic.png]]"})
    assert preview(notes, "Trotsky.md", lambda p: None) == "pic.png"


def test_an_embed_of_a_file_that_is_no_image_is_a_link():
    notes = make({**PEOPLE, "Report.pdf": "", "Trotsky.md": "![[Report.pdf#page=3]]"})
    out = preview(notes, "Trotsky.md")
    assert not images(out) and [d for _, d in links(out)] == [uri("Report.pdf")]


# ---------------------------------------------------------------- headings and block ids


@pytest.mark.parametrize("level", range(1, 7))
def test_a_heading_becomes_a_bold_line(level):
    notes = make({"N.md": f"{'#' * level} The Title\nText"})
    assert preview(notes, "N.md") == "**The Title**\nText"


def test_a_heading_loses_its_closing_hashes():
    notes = make({"N.md": "## Title ##"})
    assert preview(notes, "N.md") == "**Title**"


def test_a_setext_heading_becomes_a_bold_line():
    notes = make({"N.md": "Title\n=====\n\nSub\n---\nText"})
    assert preview(notes, "N.md") == "**Title**\n\n\n**Sub**\n\nText"


def test_a_heading_in_a_quote_stays_in_the_quote():
    notes = make({"N.md": "> ## Quoted"})
    assert preview(notes, "N.md") == "> **Quoted**"


def test_a_heading_keeps_its_links():
    notes = make({**PEOPLE, "N.md": "## On [[Lenin]]"})
    assert preview(notes, "N.md") == f"**On [Lenin]({uri('Lenin.md')})**"


def test_a_block_id_at_the_end_of_a_paragraph_is_not_shown():
    notes = make({"N.md": "Led the opposition. ^left-opposition\nNext."})
    assert preview(notes, "N.md") == "Led the opposition.\nNext."


def test_a_block_id_on_its_own_line_is_not_shown():
    notes = make({"N.md": "| a | b |\n|---|---|\n\n^table-id\n\nAfter."})
    assert "^table-id" not in preview(notes, "N.md")


def test_a_block_id_after_a_heading_is_not_shown():
    notes = make({"N.md": "## Exile ^exile"})
    assert preview(notes, "N.md") == "**Exile**"


def test_code_is_shown_as_written():
    text = "```\n## not a heading [[Lenin]] ^not-an-id\n```\nand `[[Lenin]]` here"
    notes = make({**PEOPLE, "N.md": text})
    assert preview(notes, "N.md") == text


# ---------------------------------------------------------------- line endings, bounds


def test_a_note_with_crlf_line_endings_previews_the_same():
    text = "# Title\r\n\r\nSee [[Lenin#Death]] ^id\r\n\r\nSub\r\n---\r\n"
    notes = make({**PEOPLE, "N.md": text})
    expected = make({**PEOPLE, "N.md": text.replace("\r\n", "\n")})
    out = preview(notes, "N.md")
    assert out == preview(expected, "N.md") and "\r" not in out
    assert links(out) == [("Lenin \\> Death", uri("Lenin.md") + "#L5")]


def test_a_section_starting_with_a_thematic_break_is_not_frontmatter():
    notes = make({**PEOPLE, "N.md": "---\nSee [[Lenin]]\n---\n"})
    assert links(preview(notes, "N.md")) == [("Lenin", uri("Lenin.md"))]


def test_a_long_section_is_cut_and_says_so():
    notes = make({"N.md": "".join(f"line {i}\n" for i in range(100))})
    out = preview(notes, "N.md")
    assert out.endswith("*… (truncated)*") and "line 23" in out and "line 24" not in out


def test_only_the_first_links_are_resolved():
    notes = make({**PEOPLE, "N.md": "[[Lenin]] " * (MAX_LINKS + 20)})
    out = preview(notes, "N.md")
    assert len(links(out)) == MAX_LINKS and out.rstrip().endswith("Lenin Lenin")


class Cached:
    """A note known by its summary (as after a warm start), read in full when first asked."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.aliases: list[str] = []
        self.link_keys: tuple[str, ...] = ()

    def materialise(self):
        return parse(self.text)


def test_heading_lines_are_looked_up_in_a_few_notes_not_yet_read():
    count = MAX_NOTES_READ + 2
    notes = make({"N.md": " ".join(f"[[C{i}#Part]]" for i in range(count))})
    for i in range(count):
        notes.vault.add_deferred(f"C{i}.md", Cached("Intro\n## Part\n"))
    found = links(preview(notes, "N.md"))
    assert [d for _, d in found] == [uri(f"C{i}.md") + "#L2" for i in range(MAX_NOTES_READ)] + [
        uri(f"C{i}.md") for i in range(MAX_NOTES_READ, count)
    ]


def test_a_note_read_already_gives_its_heading_line_whatever_the_count():
    count = MAX_NOTES_READ + 2
    notes = make(
        {"N.md": " ".join(f"[[C{i}#Part]]" for i in range(count)), **{f"C{i}.md": "x\n## Part" for i in range(count)}}
    )
    assert all(d.endswith("#L2") for _, d in links(preview(notes, "N.md")))


# ---------------------------------------------------------------- hostile notes


def test_an_alias_cannot_make_a_command_link_of_what_follows():
    notes = make({**PEOPLE, "N.md": "[x][[Nowhere|(command:evil)]] [y][[Lenin|(command:evil)]]"})
    out = preview(notes, "N.md")
    assert not any(d.startswith("command:") for _, d in links(out)), out
    assert "](command:" not in out


def test_characters_that_stand_for_links_cannot_be_forged():
    notes = make({**PEOPLE, "N.md": "\ue0000\ue001 [[Lenin]] \ue0001\ue001"})
    out = preview(notes, "N.md")
    assert links(out) == [("Lenin", uri("Lenin.md"))] and "\ue000" not in out


HOSTILE = (
    "# Hostile [[Lenin|x]](command:evil)\n"
    "[run](javascript:alert(1)) [go](command:workbench.action.terminal.new) [[javascript:alert(1)]]\n"
    "![[../../etc/passwd]] ![](../../../etc/passwd) ![x](file:///etc/passwd) [[Lenin|![x](https://tracker.example/p.gif)]]\n"
    "<img src=https://tracker.example/p.gif> "
    + "[[" * 100
    + "Lenin"
    + "]]" * 100
    + "\n"
    + "".join(f"[[Lenin#Death|{'(' * 20}]]" for i in range(20))
    + "\n"
    + "[" * 500
    + "]" * 500
    + ("word " * 100_000)
)


def test_a_hostile_note_gives_a_bounded_safe_preview():
    notes = make({**PEOPLE, "N.md": HOSTILE})
    out = preview(notes, "N.md")
    assert len(out) < MAX_CHARS + MAX_LINKS * 60
    assert len(links(out)) > 20  # links were there to be made, and were
    for _, dest in links(out) + images(out):
        assert dest.startswith(ROOT) or dest.startswith(("https:", "http:")), dest
    assert not any(d.startswith(("https:", "http:")) for _, d in images(out))
    assert not re.search(r"(?<!\\)<[A-Za-z/!?]", out)
    assert "etc/passwd)" not in out and "](javascript:" not in out and "](command:" not in out
