"""Semantic tokens and selection ranges over the wire, under both client profiles (UTF-16 and
UTF-8 columns): the legend, a dangling link's `unresolved` modifier that goes once its note is
created, range and delta requests, and the expand-selection chain."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import EXAMPLES, write_vault
from tests.e2e.conftest import BOTH_PROFILES, diagnostics_for, open_note, utf8

pytestmark = BOTH_PROFILES

NOTE = "# Links\n\nnaïve 🌱 [[Present]] and [[Missing]] #tag\n> [!note] x\n"


EXAMPLE_NOTE = "Events/Chinese Revolution 1927.md"  # links [[Trotsky]] and [[Northern Expedition]] (no note)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A copy of examples/vault with two notes of this module's own."""
    target = tmp_path / "vault"
    shutil.copytree(EXAMPLES, target)
    return write_vault(target, {"Present.md": "# Present\n", "Note.md": NOTE})


def units(client: LanguageClient, text: str) -> int:
    return len(text.encode("utf-8")) if utf8(client) else len(text.encode("utf-16-le")) // 2


def decode(client: LanguageClient, data: list[int]) -> list[tuple[int, int, int, str, list[str]]]:
    """(line, start, length, type, modifiers) of each token, with the server's legend."""
    legend = client.server_capabilities.semantic_tokens_provider.legend  # type: ignore[attr-defined]
    out = []
    line = start = 0
    for i in range(0, len(data), 5):
        delta_line, delta_start, length, kind, bits = data[i : i + 5]
        start = delta_start if delta_line else start + delta_start
        line += delta_line
        mods = [m for b, m in enumerate(legend.token_modifiers) if bits & (1 << b)]
        out.append((line, start, length, legend.token_types[kind], mods))
    return out


async def full(client: LanguageClient, note: str) -> types.SemanticTokens:
    result = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=note))
    )
    assert result is not None
    return result


def expected_links(client: LanguageClient, missing_mods: list[str]) -> list[tuple[int, int, int, str, list[str]]]:
    line = NOTE.split("\n")[2]
    present, missing = line.index("[[Present]]"), line.index("[[Missing]]")
    return [
        (2, units(client, line[:present]), units(client, "[[Present]]"), "wikilink", []),
        (2, units(client, line[:missing]), units(client, "[[Missing]]"), "wikilink", missing_mods),
    ]


async def test_the_legend_names_the_link_kinds_and_modifiers(client: LanguageClient):
    legend = client.server_capabilities.semantic_tokens_provider.legend  # type: ignore[attr-defined]
    assert {"wikilink", "link", "embed", "tag", "blockId", "callout", "footnote", "property"} <= set(legend.token_types)
    assert {"unresolved", "ambiguous"} <= set(legend.token_modifiers)


def link_token(client: LanguageClient, data: list[int], lines: list[str], link: str):
    """The wikilink token that starts where `link` is written."""
    line = next(i for i, text in enumerate(lines) if link in text)
    start = units(client, lines[line][: lines[line].index(link)])
    return next(t for t in decode(client, data) if t[:2] == (line, start) and t[3] == "wikilink")


async def test_a_dangling_link_is_unresolved_until_its_note_is_created(client: LanguageClient):
    note = await open_note(client, EXAMPLE_NOTE)
    lines = (client.vault / EXAMPLE_NOTE).read_text(encoding="utf-8").split("\n")  # type: ignore[attr-defined]
    await diagnostics_for(client, note, lambda d: any("Northern Expedition" in x.message for x in d))
    data = (await full(client, note)).data
    assert link_token(client, data, lines, "[[Northern Expedition]]")[4] == ["unresolved"]
    assert link_token(client, data, lines, "[[Trotsky]]")[4] == ["ambiguous"]  # two notes are called Trotsky
    await asyncio.sleep(0.3)  # any refresh of the first scan's end has come
    client.refreshes.clear()  # type: ignore[attr-defined]

    (client.vault / "Northern Expedition.md").write_text("# Northern Expedition\n", encoding="utf-8")  # type: ignore[attr-defined]
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(
                    uri=(client.vault / "Northern Expedition.md").as_uri(),  # type: ignore[attr-defined]
                    type=types.FileChangeType.Created,
                )
            ]
        )
    )
    await diagnostics_for(client, note, lambda d: not any("Northern Expedition" in x.message for x in d))
    data = (await full(client, note)).data
    assert link_token(client, data, lines, "[[Northern Expedition]]")[4] == []
    # Both editors can be asked to request the tokens again, and are (for the notes they show).
    for _ in range(100):
        if types.WORKSPACE_SEMANTIC_TOKENS_REFRESH in client.refreshes:  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.05)
    assert types.WORKSPACE_SEMANTIC_TOKENS_REFRESH in client.refreshes  # type: ignore[attr-defined]


async def test_tokens_are_in_the_clients_units_after_wide_characters(client: LanguageClient):
    note = await open_note(client, "Note.md")
    links = [t for t in decode(client, (await full(client, note)).data) if t[3] == "wikilink"]
    assert links == expected_links(client, ["unresolved"])


async def test_a_range_request_answers_only_the_tokens_in_the_range(client: LanguageClient):
    note = await open_note(client, "Note.md")
    result = await client.text_document_semantic_tokens_range_async(
        types.SemanticTokensRangeParams(
            text_document=types.TextDocumentIdentifier(uri=note),
            range=types.Range(start=types.Position(line=3, character=0), end=types.Position(line=4, character=0)),
        )
    )
    assert result is not None
    assert [(t[0], t[3]) for t in decode(client, result.data)] == [(3, "callout")]


async def test_a_delta_after_an_edit_gives_the_tokens_of_the_edited_text(client: LanguageClient):
    note = await open_note(client, "Note.md")
    first = await full(client, note)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=note, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=4, character=0), end=types.Position(line=4, character=0)
                    ),
                    text="[[Present]]",
                )
            ],
        )
    )
    answer = await client.text_document_semantic_tokens_full_delta_async(
        types.SemanticTokensDeltaParams(
            text_document=types.TextDocumentIdentifier(uri=note), previous_result_id=first.result_id or ""
        )
    )
    assert isinstance(answer, types.SemanticTokensDelta)
    data = list(first.data)
    for edit in answer.edits:
        data[edit.start : edit.start + edit.delete_count] = list(edit.data or [])
    assert data == list((await full(client, note)).data)
    assert decode(client, data)[-1] == (4, 0, 11, "wikilink", [])


async def test_selection_expands_from_a_links_target_to_the_whole_note(client: LanguageClient):
    note = await open_note(client, "Note.md")
    line = NOTE.split("\n")[2]
    at = line.index("Present") + 2
    result = await client.text_document_selection_range_async(
        types.SelectionRangeParams(
            text_document=types.TextDocumentIdentifier(uri=note),
            positions=[types.Position(line=2, character=units(client, line[:at]))],
        )
    )
    assert result is not None and len(result) == 1
    chain = []
    step: types.SelectionRange | None = result[0]
    while step is not None:
        chain.append(step.range)
        step = step.parent
    start = line.index("[[Present]]")

    def on_line(a: int, b: int) -> types.Range:
        return types.Range(
            start=types.Position(line=2, character=units(client, line[:a])),
            end=types.Position(line=2, character=units(client, line[:b])),
        )

    assert chain == [
        on_line(start + 2, start + 9),  # Present
        on_line(start, start + 11),  # [[Present]]
        on_line(0, len(line)),  # the line
        types.Range(start=types.Position(line=2, character=0), end=types.Position(line=3, character=11)),  # paragraph
        types.Range(start=types.Position(line=0, character=0), end=types.Position(line=3, character=11)),  # # Links
        types.Range(start=types.Position(line=0, character=0), end=types.Position(line=4, character=0)),  # the note
    ]
