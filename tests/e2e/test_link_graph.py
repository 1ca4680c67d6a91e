"""The link graph in the editor, through the real server on examples/vault (one server per
client profile for the module): call hierarchy (backlinks and outgoing links), code lenses
with link counts, document highlights, and backlinks in the hover of a title heading. Ranges
in non-ASCII text are checked under both position encodings."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import EXAMPLES
from tests.e2e.conftest import BOTH_PROFILES, ONE_PROFILE, SHARED_SERVER, open_note, uri
from tests.e2e.test_navigation import at, references, rel_of, span, units
from vaultls.lsp.lens_refresh import LENS_REFRESH_DELAY

pytestmark = [*SHARED_SERVER, ONE_PROFILE]


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("link-graph") / "example"
    shutil.copytree(EXAMPLES, target)
    return target


def doc(client: LanguageClient, rel: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri(client, rel))


async def prepare(client: LanguageClient, rel: str, position: types.Position) -> list[types.CallHierarchyItem]:
    items = await client.text_document_prepare_call_hierarchy_async(
        types.CallHierarchyPrepareParams(text_document=doc(client, rel), position=position)
    )
    return list(items or [])


async def incoming(client: LanguageClient, item: types.CallHierarchyItem) -> list[types.CallHierarchyIncomingCall]:
    calls = await client.call_hierarchy_incoming_calls_async(types.CallHierarchyIncomingCallsParams(item=item))
    return list(calls or [])


async def outgoing(client: LanguageClient, item: types.CallHierarchyItem) -> list[types.CallHierarchyOutgoingCall]:
    calls = await client.call_hierarchy_outgoing_calls_async(types.CallHierarchyOutgoingCallsParams(item=item))
    return list(calls or [])


def places(client: LanguageClient, pairs) -> list[tuple[str, int, int, int, int]]:
    return sorted((rel_of(client, u), r.start.line, r.start.character, r.end.line, r.end.character) for u, r in pairs)


async def lenses(client: LanguageClient, rel: str) -> list[types.CodeLens]:
    found = await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc(client, rel)))
    resolved = [await client.code_lens_resolve_async(lens) for lens in found or []]
    return sorted(resolved, key=lambda lens: lens.range.start.line)


# ----------------------------------------------------------------------------- call hierarchy


@BOTH_PROFILES
@pytest.mark.parametrize("rel", ["Concepts/Mutual Aid.md", "People/Lenin.md", "People/Kropotkin.md"])
async def test_incoming_calls_of_a_note_are_its_references(client: LanguageClient, rel: str):
    position = types.Position(line=0, character=0)
    (item,) = await prepare(client, rel, position)
    calls = await incoming(client, item)
    from_calls = places(client, [(call.from_.uri, r) for call in calls for r in call.from_ranges])
    refs = places(client, [(loc.uri, loc.range) for loc in await references(client, rel, position)])
    assert from_calls and from_calls == refs


async def test_incoming_calls_come_one_per_linking_note(client: LanguageClient):
    (item,) = await prepare(client, "People/Lenin.md", types.Position(line=0, character=0))
    sources = [rel_of(client, call.from_.uri) for call in await incoming(client, item)]
    assert len(sources) == len(set(sources))
    assert "Welcome.md" in sources and "Concepts/Dual Power.md" in sources


async def test_a_note_item_is_the_note_named_by_its_path(client: LanguageClient):
    (item,) = await prepare(client, "People/Lenin.md", at(client, "People/Lenin.md", "Led the"))
    assert (item.name, item.detail, item.kind) == ("Lenin", "People/Lenin.md", types.SymbolKind.File)
    assert item.selection_range.start.line == 4  # the title heading


async def test_prepared_on_a_link_the_item_is_its_target(client: LanguageClient):
    (item,) = await prepare(client, "Welcome.md", at(client, "Welcome.md", "[[Lenin]]", 3))
    assert (rel_of(client, item.uri), item.name) == ("People/Lenin.md", "Lenin")


async def test_prepared_on_a_heading_the_item_is_the_heading_with_the_links_to_it(client: LanguageClient):
    (item,) = await prepare(client, "People/Lenin.md", at(client, "People/Lenin.md", "April Theses"))
    assert (item.name, item.kind) == ("April Theses", types.SymbolKind.String)
    calls = await incoming(client, item)
    assert [rel_of(client, call.from_.uri) for call in calls] == ["Concepts/Dual Power.md"]
    assert list(calls[0].from_ranges) == [span(client, "Concepts/Dual Power.md", "[[Lenin#April Theses]]")]


async def test_prepared_on_a_link_to_a_heading_the_item_is_that_heading(client: LanguageClient):
    rel = "Concepts/Dual Power.md"
    (item,) = await prepare(client, rel, at(client, rel, "[[Lenin#April Theses]]", 4))
    assert (rel_of(client, item.uri), item.name) == ("People/Lenin.md", "April Theses")


@BOTH_PROFILES
async def test_outgoing_calls_are_the_notes_it_links_to_with_the_links_in_it(client: LanguageClient):
    rel = "日本語ノート.md"
    (item,) = await prepare(client, rel, types.Position(line=0, character=0))
    calls = await outgoing(client, item)
    assert [(c.to.name, list(c.from_ranges)) for c in calls] == [
        ("Anarchism", [span(client, rel, "[[Anarchism]]")]),
        ("Kropotkin", [span(client, rel, "[[Kropotkin]]")]),
        ("Mutual Aid", [span(client, rel, "[[Mutual Aid]]")]),
    ]


async def test_a_dangling_target_is_an_outgoing_item_marked_missing_without_calls(client: LanguageClient):
    rel = "Events/Chinese Revolution 1927.md"
    (item,) = await prepare(client, rel, types.Position(line=0, character=0))
    calls = await outgoing(client, item)
    missing = [c for c in calls if c.to.detail and "missing" in c.to.detail]
    assert sorted(c.to.name for c in missing) == ["Bonapartist", "Kuomintang", "Northern Expedition"]
    kuomintang = next(c for c in missing if c.to.name == "Kuomintang")
    assert list(kuomintang.from_ranges) == [span(client, rel, "[[Kuomintang]]")]
    assert await incoming(client, kuomintang.to) == []
    assert await outgoing(client, kuomintang.to) == []


async def test_an_item_is_found_again_from_its_uri_without_data(client: LanguageClient):
    (item,) = await prepare(client, "People/Lenin.md", types.Position(line=0, character=0))
    item.data = None
    assert len(await incoming(client, item)) == len(
        await incoming(client, (await prepare(client, "People/Lenin.md", types.Position(0, 0)))[0])
    )


async def test_an_item_naming_another_vault_is_found_by_its_uri_only(client: LanguageClient):
    (item,) = await prepare(client, "People/Lenin.md", types.Position(line=0, character=0))
    item.data = {"vault": "/etc", "path": "passwd"}
    assert len(await incoming(client, item)) > 0  # the URI's note, not /etc/passwd


# ----------------------------------------------------------------------------- code lens


async def test_code_lens_counts_the_backlinks_above_the_title(client: LanguageClient):
    rel = "People/Lenin.md"
    found = await lenses(client, rel)
    backlinks = await references(client, rel, types.Position(line=0, character=0))
    title = found[0]
    assert title.range.start.line == 4
    assert title.command is not None and title.command.title == f"{len(backlinks)} backlinks"


async def test_code_lens_counts_the_links_to_a_heading(client: LanguageClient):
    found = await lenses(client, "People/Lenin.md")
    heading = [lens for lens in found if lens.range.start.line == 9]
    assert [lens.command.title for lens in heading if lens.command] == ["1 link"]


async def test_a_code_lens_shows_the_references_it_counts(client: LanguageClient):
    rel = "People/Lenin.md"
    title = (await lenses(client, rel))[0]
    assert title.command is not None and title.command.command == "vaultls.showReferences"
    note_uri, position, locations = title.command.arguments or []
    assert note_uri == uri(client, rel) and position == {"line": 4, "character": 2}
    backlinks = await references(client, rel, types.Position(line=0, character=0))
    assert places(
        client,
        [
            (loc["uri"], types.Range(types.Position(**loc["range"]["start"]), types.Position(**loc["range"]["end"])))
            for loc in locations
        ],
    ) == places(client, [(loc.uri, loc.range) for loc in backlinks])


async def test_a_note_without_a_title_has_its_lens_on_the_first_line(client: LanguageClient):
    note = await open_note(client, "Untitled scratch.md", "no heading here\n")
    found = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=note))
    )
    assert [lens.range.start for lens in found or []] == [types.Position(0, 0)]


async def test_code_lens_count_changes_after_another_note_adds_a_link(client: LanguageClient):
    rel = "People/Bakunin.md"
    before = (await lenses(client, rel))[0].command
    await open_note(client, "A new note.md", "I read about [[Bakunin]] today.\n")
    after = (await lenses(client, rel))[0].command
    assert before is not None and after is not None
    assert int(after.title.split()[0]) == int(before.title.split()[0]) + 1


def lens_refreshes(client: LanguageClient) -> int:
    return client.refreshes.count(types.WORKSPACE_CODE_LENS_REFRESH)  # type: ignore[attr-defined]


async def quiet(client: LanguageClient, seconds: float) -> None:
    """Wait until no lens refresh has arrived for `seconds` (those of earlier changes, such as
    the documents the test before closed, are in by then)."""
    loop = asyncio.get_running_loop()
    seen, since, deadline = lens_refreshes(client), loop.time(), loop.time() + 10
    while loop.time() - since < seconds and loop.time() < deadline:
        await asyncio.sleep(0.05)
        if lens_refreshes(client) != seen:
            seen, since = lens_refreshes(client), loop.time()


async def lens_refreshes_after(client: LanguageClient, change, expected: int) -> int:
    """How many `workspace/codeLens/refresh` requests `change` brings: those that arrive until
    the server has been quiet for a while after `expected` of them (or for 10 s at most)."""
    await lenses(client, "People/Bakunin.md")  # answered once the scan is done (its end refreshes too)
    await quiet(client, 3 * LENS_REFRESH_DELAY)
    before = lens_refreshes(client)
    await change()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while lens_refreshes(client) - before < expected and loop.time() < deadline:
        await asyncio.sleep(0.05)
    await quiet(client, 3 * LENS_REFRESH_DELAY)
    return lens_refreshes(client) - before


async def test_a_client_that_can_refresh_lenses_is_asked_to_when_another_note_links_to_an_open_one(
    client: LanguageClient,
):
    await open_note(client, "People/Bakunin.md")

    async def link_from_another_note() -> None:
        await open_note(client, "A new note.md", "I read about [[Bakunin]] today.\n")

    assert await lens_refreshes_after(client, link_from_another_note, expected=1) == 1


async def test_lenses_are_not_refreshed_while_the_only_open_note_is_typed_in(client: LanguageClient):
    note = await open_note(client, "A new note.md", "I read about\n")

    async def type_a_link() -> None:
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=note, version=2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text="I read about [[Bakunin]]\n")],
            )
        )
        await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc(client, "A new note.md")))

    assert await lens_refreshes_after(client, type_a_link, expected=0) == 0


@pytest.mark.profiles("neovim")
async def test_a_client_that_cannot_refresh_lenses_is_never_asked_to(client: LanguageClient):
    await open_note(client, "People/Bakunin.md")

    async def link_from_another_note() -> None:
        await open_note(client, "A new note.md", "I read about [[Bakunin]] today.\n")

    assert await lens_refreshes_after(client, link_from_another_note, expected=0) == 0


# ----------------------------------------------------------------------------- highlights

SCRATCH = (
    "# Scratch\n\n## Part\n\n"
    "日本 🎉 [[Lenin]] and [[lenin]] and [[Trotsky]]\n"
    "[[#Part]] [[Gone]] [[gone]] [[Lenin#April Theses]]\n"
)


async def highlights(client: LanguageClient, note: str, position: types.Position) -> list[tuple[types.Range, int]]:
    found = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=types.TextDocumentIdentifier(uri=note), position=position)
    )
    return sorted(
        ((h.range, int(h.kind or 1)) for h in found or []), key=lambda hk: (hk[0].start.line, hk[0].start.character)
    )


def scratch_span(client: LanguageClient, needle: str) -> types.Range:
    for number, line in enumerate(SCRATCH.split("\n")):
        col = line.find(needle)
        if col >= 0:
            return types.Range(
                start=types.Position(number, units(client, line[:col])),
                end=types.Position(number, units(client, line[: col + len(needle)])),
            )
    raise AssertionError(needle)


@BOTH_PROFILES
async def test_highlight_on_a_link_shows_every_link_to_the_same_note(client: LanguageClient):
    note = await open_note(client, "Scratch.md", SCRATCH)
    found = await highlights(client, note, scratch_span(client, "[[Lenin]]").start)
    read = types.DocumentHighlightKind.Read.value
    assert found == [
        (scratch_span(client, "[[Lenin]]"), read),
        (scratch_span(client, "[[lenin]]"), read),
        (scratch_span(client, "[[Lenin#April Theses]]"), read),
    ]


async def test_highlight_on_a_self_link_shows_the_heading(client: LanguageClient):
    note = await open_note(client, "Scratch.md", SCRATCH)
    found = await highlights(client, note, scratch_span(client, "[[#Part]]").start)
    assert [r.start.line for r, _ in found] == [2, 5]
    assert found[0][1] == types.DocumentHighlightKind.Write.value


async def test_highlight_on_a_dangling_link_shows_the_same_missing_name(client: LanguageClient):
    note = await open_note(client, "Scratch.md", SCRATCH)
    found = await highlights(client, note, scratch_span(client, "[[Gone]]").start)
    assert [r for r, _ in found] == [scratch_span(client, "[[Gone]]"), scratch_span(client, "[[gone]]")]


async def test_highlight_on_a_heading_shows_the_links_to_it(client: LanguageClient):
    note = await open_note(client, "Scratch.md", SCRATCH)
    found = await highlights(client, note, types.Position(line=2, character=4))
    assert [r.start.line for r, _ in found] == [2, 5]


# ----------------------------------------------------------------------------- hover


async def hover_text(client: LanguageClient, rel: str, position: types.Position) -> str | None:
    hover = await client.text_document_hover_async(types.HoverParams(text_document=doc(client, rel), position=position))
    if hover is None:
        return None
    assert isinstance(hover.contents, types.MarkupContent)
    return hover.contents.value


async def test_hovering_the_title_shows_the_notes_it_is_linked_from(client: LanguageClient):
    text = await hover_text(client, "People/Lenin.md", types.Position(line=4, character=3))
    assert text is not None and text.startswith("**Linked from** 7 notes")
    assert "Concepts/Dual Power.md" in text and "line 7" in text
    assert "**\\[\\[Lenin#April Theses\\]\\]**" in text
    assert text.rstrip().endswith("*and 2 more*")


async def test_hovering_the_title_shows_the_linking_lines_inert(client: LanguageClient):
    await open_note(client, "A scratch.md", '<img src="https://t.example/p"> [Run](command:x) [[Lenin]]\n')
    text = await hover_text(client, "People/Lenin.md", types.Position(line=4, character=3))
    assert text is not None and "A scratch.md" in text
    assert re.search(r"(?<!\\)<img", text) is None and re.search(r"(?<!\\)\]\(command:", text) is None
    assert "\\<img" in text


async def test_hovering_the_title_of_a_note_nobody_links_to_says_so(client: LanguageClient):
    await open_note(client, "Lonely.md", "# Lonely\n")
    text = await hover_text(client, "Lonely.md", types.Position(line=0, character=3))
    assert text == "**Linked from** no note yet."


async def test_hovering_other_text_shows_no_backlinks(client: LanguageClient):
    assert await hover_text(client, "People/Lenin.md", at(client, "People/Lenin.md", "Led the")) is None
