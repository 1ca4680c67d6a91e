"""End-to-end navigation features on the `nav` test vault (one server per client profile for
the module): references, document and workspace symbols, document links, folding ranges and tag
completion; ranges in non-ASCII text under the VS Code (UTF-16) and Neovim (UTF-8) profiles.
The position helpers here are shared with test_rename*.py."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import VAULTS
from tests.e2e.conftest import BOTH_PROFILES, ONE_PROFILE, SHARED_SERVER, open_note, uri, utf8

pytestmark = [*SHARED_SERVER, ONE_PROFILE]


def copy_nav(tmp_path: Path) -> Path:
    target = tmp_path / "nav"
    shutil.copytree(VAULTS / "nav", target)
    return target


def lines_of(client: LanguageClient, rel: str) -> list[str]:
    return (client.vault / rel).read_text(encoding="utf-8").split("\n")  # type: ignore[attr-defined]


def units(client: LanguageClient, text: str) -> int:
    if utf8(client):
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def at(client: LanguageClient, rel: str, needle: str, offset: int = 0, nth: int = 0) -> types.Position:
    """The client position of `needle` (+`offset` code points) in note `rel`."""
    seen = 0
    for number, line in enumerate(lines_of(client, rel)):
        start = line.find(needle)
        while start >= 0:
            if seen == nth:
                return types.Position(line=number, character=units(client, line[: start + offset]))
            seen += 1
            start = line.find(needle, start + 1)
    raise AssertionError(f"{needle!r} not in {rel}")


def span(client: LanguageClient, rel: str, needle: str, nth: int = 0) -> types.Range:
    start = at(client, rel, needle, 0, nth)
    line = lines_of(client, rel)[start.line]
    col = line.find(needle)
    for _ in range(nth):
        col = line.find(needle, col + 1)
    end = types.Position(line=start.line, character=units(client, line[: col + len(needle)]))
    return types.Range(start=start, end=end)


def rel_of(client: LanguageClient, uri: str) -> str:
    root = client.vault.as_uri()  # type: ignore[attr-defined]
    assert uri.startswith(root + "/"), uri
    return unquote(uri[len(root) + 1 :])


def where(client: LanguageClient, locations) -> list[tuple[str, int]]:
    return sorted((rel_of(client, loc.uri), loc.range.start.line) for loc in locations)


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `client` fixture serves this module a copy of tests/vaults/nav."""
    return copy_nav(tmp_path_factory.mktemp("navigation"))


async def references(client: LanguageClient, rel: str, position: types.Position, declaration: bool = False):
    result = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, rel)),
            position=position,
            context=types.ReferenceContext(include_declaration=declaration),
        )
    )
    return list(result or [])


ALPHA_BACKLINKS = [
    ("Home.md", 2),
    ("Home.md", 8),
    ("Home.md", 9),
    ("Home.md", 10),
    ("Home.md", 11),
    ("Home.md", 12),
    ("Notes/Beta Note.md", 4),
    ("Notes/Sub/Gamma.md", 2),
    ("Unicode.md", 2),
    ("Unicode.md", 2),
]


# ----------------------------------------------------------------------------- references


async def test_references_on_a_link_are_the_backlinks_of_its_note(client: LanguageClient):
    found = await references(client, "Home.md", at(client, "Home.md", "[[Alpha]]", 3))
    assert where(client, found) == ALPHA_BACKLINKS


async def test_references_anywhere_in_a_note_are_its_backlinks(client: LanguageClient):
    found = await references(client, "Notes/Alpha.md", at(client, "Notes/Alpha.md", "Some text", 2))
    assert where(client, found) == ALPHA_BACKLINKS


async def test_references_with_declaration_start_with_the_note_itself(client: LanguageClient):
    found = await references(client, "Notes/Alpha.md", at(client, "Notes/Alpha.md", "Some text"), declaration=True)
    assert (rel_of(client, found[0].uri), found[0].range.start) == ("Notes/Alpha.md", types.Position(0, 0))
    assert len(found) == len(ALPHA_BACKLINKS) + 1


async def test_references_on_a_heading_are_the_links_to_that_heading(client: LanguageClient):
    found = await references(client, "Notes/Alpha.md", at(client, "Notes/Alpha.md", "## Details", 4))
    assert where(client, found) == [("Home.md", 10), ("Notes/Sub/Gamma.md", 2), ("Unicode.md", 2)]


async def test_references_on_a_link_with_a_heading_are_the_links_to_that_heading(client: LanguageClient):
    found = await references(client, "Home.md", at(client, "Home.md", "[[Alpha#Details", 4))
    assert where(client, found) == [("Home.md", 10), ("Notes/Sub/Gamma.md", 2), ("Unicode.md", 2)]


async def test_references_on_a_block_id_are_the_links_to_that_block(client: LanguageClient):
    found = await references(client, "Notes/Alpha.md", at(client, "Notes/Alpha.md", "^key-point", 3))
    assert where(client, found) == [("Home.md", 11)]


async def test_references_on_a_tag_find_every_case_nested_and_frontmatter_use(client: LanguageClient):
    found = await references(client, "Home.md", at(client, "Home.md", "#project ", 2))
    assert where(client, found) == [
        ("Home.md", 1),
        ("Home.md", 1),
        ("Home.md", 6),
        ("Home.md", 6),
        ("Notes/Alpha.md", 2),
        ("Notes/Alpha.md", 10),
    ]


async def test_references_on_a_dangling_link_are_the_links_to_the_same_missing_name(client: LanguageClient):
    found = await references(client, "Home.md", at(client, "Home.md", "[[Missing Page]]", 3))
    assert where(client, found) == [("Home.md", 14), ("Home.md", 14), ("Notes/Beta Note.md", 5)]


@BOTH_PROFILES
async def test_reference_ranges_count_non_ascii_text_in_the_client_encoding(client: LanguageClient):
    found = await references(client, "Home.md", at(client, "Home.md", "[[Alpha]]", 3))
    in_unicode = sorted(
        (loc.range.start.character, loc.range.end.character) for loc in found if rel_of(client, loc.uri) == "Unicode.md"
    )
    first = span(client, "Unicode.md", "[[Alpha]]")
    second = span(client, "Unicode.md", "[[Alpha#Details|détails]]")
    assert in_unicode == [(first.start.character, first.end.character), (second.start.character, second.end.character)]
    assert first.start.character == (15 if utf8(client) else 7)


async def test_references_follow_unsaved_edits(client: LanguageClient):
    await open_note(client, "Notes/Sub/Gamma.md", "# Gamma\n\nNow [[Alpha]] only.\n")
    found = await references(client, "Home.md", at(client, "Home.md", "[[Alpha]]", 3))
    assert ("Notes/Sub/Gamma.md", 2) in where(client, found)
    assert len(found) == len(ALPHA_BACKLINKS)


# ----------------------------------------------------------------------------- symbols


async def test_document_symbols_are_the_nested_heading_outline(client: LanguageClient):
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri(client, "Notes/Alpha.md")))
    )

    def tree(symbols):
        return [(s.name, tree(s.children or [])) for s in symbols]

    assert tree(result) == [("Alpha", [("Details", [("Deeper", [])]), ("Related", [])])]
    details = result[0].children[0]
    assert (details.range.start.line, details.range.end.line) == (8, 15)
    assert details.selection_range == span(client, "Notes/Alpha.md", "Details")


@BOTH_PROFILES
async def test_document_symbol_ranges_count_non_ascii_in_the_client_encoding(client: LanguageClient):
    note = await open_note(client, "New.md", "# 日本 🎉 Title\ntext é\n")
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=note))
    )
    assert result[0].name == "日本 🎉 Title"
    assert result[0].selection_range == types.Range(
        start=types.Position(line=0, character=2),
        end=types.Position(line=0, character=units(client, "# 日本 🎉 Title")),
    )
    assert result[0].range.end == types.Position(line=2, character=0)


async def workspace_symbols(client: LanguageClient, query: str):
    result = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))
    return [(s.name, s.kind, rel_of(client, s.location.uri), s.location.range.start.line) for s in result]


async def test_workspace_symbols_find_notes_first(client: LanguageClient):
    found = await workspace_symbols(client, "alph")
    assert found[0] == ("Alpha", types.SymbolKind.File, "Notes/Alpha.md", 0)
    assert ("Alpha", types.SymbolKind.String, "Notes/Alpha.md", 4) in found


async def test_workspace_symbols_find_headings_fuzzily(client: LanguageClient):
    assert ("Beta Section", types.SymbolKind.String, "Notes/Beta Note.md", 2) in await workspace_symbols(
        client, "btsec"
    )


async def test_workspace_symbols_find_aliases(client: LanguageClient):
    assert ("First Letter", types.SymbolKind.Constant, "Notes/Alpha.md", 0) in await workspace_symbols(
        client, "first let"
    )


async def test_workspace_symbols_find_tags(client: LanguageClient):
    found = await workspace_symbols(client, "#proj")
    assert {name for name, *_ in found} == {"#project", "#Project/Active", "#project/sub", "#projects"}
    assert all(kind == types.SymbolKind.Key for _, kind, *_ in found)


# ----------------------------------------------------------------------------- document links


async def test_document_links_target_the_resolved_notes_and_files(client: LanguageClient):
    result = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=types.TextDocumentIdentifier(uri=uri(client, "Home.md")))
    )
    targets = {
        (link.range.start.line, unquote(link.target.split(str(client.vault.name) + "/", 1)[1])) for link in result
    }
    assert (2, "Notes/Alpha.md") in targets  # frontmatter link
    assert (8, "Notes/Alpha.md") in targets
    assert (10, "Notes/Alpha.md#L9") in targets  # at the heading's line
    assert (11, "Notes/Alpha.md#L7") in targets  # at the block's line
    assert (12, "Attachments/diagram.png") in targets
    assert (13, "Notes/Beta Note.md#L3") in targets
    assert (15, "Home.md#L5") in targets  # a self-link to a heading
    assert not any(line == 14 for line, _ in targets)  # dangling links open nothing
    assert not any(line == 20 for line, _ in targets)  # not in a code fence


@BOTH_PROFILES
async def test_document_link_ranges_count_non_ascii_in_the_client_encoding(client: LanguageClient):
    result = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=types.TextDocumentIdentifier(uri=uri(client, "Unicode.md")))
    )
    assert [link.range for link in result] == [
        span(client, "Unicode.md", "[[Alpha]]"),
        span(client, "Unicode.md", "[[Alpha#Details|détails]]"),
    ]


# ----------------------------------------------------------------------------- folding


async def test_folding_ranges_cover_frontmatter_sections_callouts_and_code(client: LanguageClient):
    result = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=types.TextDocumentIdentifier(uri=uri(client, "Home.md")))
    )
    folds = {(f.start_line, f.end_line) for f in result}
    assert {(0, 3), (4, 22), (17, 18), (20, 22)} <= folds


async def test_folding_ranges_nest_heading_sections(client: LanguageClient):
    result = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=types.TextDocumentIdentifier(uri=uri(client, "Notes/Alpha.md")))
    )
    assert {(f.start_line, f.end_line) for f in result} == {(0, 3), (4, 18), (8, 14), (12, 14), (16, 18)}


# ----------------------------------------------------------------------------- tag completion


async def complete(client: LanguageClient, rel: str, text: str, line: int, col_text: str):
    note = await open_note(client, rel, text)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=note),
            position=types.Position(line=line, character=units(client, col_text)),
        )
    )
    return result


async def test_tag_completion_after_hash_offers_tags_with_note_counts(client: LanguageClient):
    result = await complete(client, "New.md", "Tagged #pro", 0, "Tagged #pro")
    items = {item.label: item.detail for item in result.items}
    assert items["#project"] == "2 notes"
    assert items["#Project/Active"] == "1 note"
    assert "#project/sub" in items
    assert list(items)[0] == "#project"  # most used first


@BOTH_PROFILES
async def test_tag_completion_replaces_the_typed_tag(client: LanguageClient):
    result = await complete(client, "New.md", "日本語 🎉 #pro", 0, "日本語 🎉 #pro")
    item = next(i for i in result.items if i.label == "#project")
    assert item.text_edit.new_text == "#project"
    start = units(client, "日本語 🎉 ")
    assert (item.text_edit.range.start.character, item.text_edit.range.end.character) == (start, start + 4)


async def test_tag_completion_in_frontmatter_tags_inserts_bare_names(client: LanguageClient):
    result = await complete(client, "New.md", "---\ntags: [pro]\n---\n", 1, "tags: [pro")
    assert result is not None
    assert "project" in {item.text_edit.new_text for item in result.items}


async def test_tag_completion_leaves_wikilink_completion_alone(client: LanguageClient):
    result = await complete(client, "New.md", "see [[Alp", 0, "see [[Alp")
    assert [item.label for item in result.items][:1] == ["Alpha"]


async def test_no_tag_completion_inside_inline_code(client: LanguageClient):
    result = await complete(client, "New.md", "`#pro", 0, "`#pro")
    assert result is None or not result.items
