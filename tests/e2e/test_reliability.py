"""A misbehaving client and hostile notes through the real server: it never dies, never
desynchronises, and keeps answering everything else. One server per client profile for the
module, on a copy of tests/vaults/basic (a server's start and end, a failing feature, and
files changing under fuzzed edits: test_reliability_own_servers.py)."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from bisect import bisect_right
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.e2e.conftest import (
    BOTH_PROFILES,
    ONE_PROFILE,
    SHARED_SERVER,
    codes,
    copy_of,
    diagnostics_for,
    open_note,
    uri,
    utf8,
)
from tests.unit.hostile import PATHOLOGICAL_LINES, billion_laughs
from vaultls.vault.check import check_note
from vaultls.vault.settings import build_settings
from vaultls.vault.store.loader import load_vault
from vaultls.vault.text import line_offsets, split_lines, utf8_column, utf16_column

pytestmark = [*SHARED_SERVER, ONE_PROFILE]


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_of("basic", tmp_path_factory.mktemp("reliability"))


def doc(note: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=note)


async def hover(client: LanguageClient, note: str, line: int, character: int):
    return await client.text_document_hover_async(
        types.HoverParams(text_document=doc(note), position=types.Position(line, character))
    )


async def definition(client: LanguageClient, note: str, line: int, character: int):
    return await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc(note), position=types.Position(line, character))
    )


async def completion(client: LanguageClient, note: str, line: int, character: int):
    return await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(note), position=types.Position(line, character))
    )


def change(client: LanguageClient, note: str, version: int, text: str, start=None, end=None) -> None:
    if start is None:
        content: types.TextDocumentContentChangeEvent = types.TextDocumentContentChangeWholeDocument(text=text)
    else:
        content = types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(*start), end=types.Position(*end)), text=text
        )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=note, version=version), content_changes=[content]
        )
    )


async def still_serving(client: LanguageClient) -> None:
    """The server answers a real request with the right answer."""
    note = await open_note(client, "Alive.md", "[[Anarchism]]")
    result = await hover(client, note, 0, 4)
    assert result is not None and "Anarchism" in result.contents.value


# ---------------------------------------------------------------- documents never opened


async def test_requests_for_documents_never_opened(client: LanguageClient):
    on_disk = uri(client, "Home.md")  # a note of the vault, read from disk
    assert (await hover(client, on_disk, 5, 12)) is not None
    for never in [uri(client, "Nothing.md"), "file:///nowhere/at/all.md", "untitled:Untitled-1", "not a uri"]:
        assert await hover(client, never, 0, 0) is None
        assert await definition(client, never, 0, 0) is None
        assert await completion(client, never, 0, 0) is None
    await still_serving(client)


async def test_change_and_close_of_documents_never_opened_are_ignored(client: LanguageClient):
    change(client, uri(client, "Ghost.md"), 3, "[[Nowhere]]")
    change(client, uri(client, "Ghost.md"), 4, "x", (0, 0), (9, 9))
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=doc(uri(client, "Ghost.md"))))
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=doc("file:///elsewhere.md")))
    await still_serving(client)
    assert uri(client, "Ghost.md") not in client.diagnostics


async def test_opening_twice_and_closing_twice(client: LanguageClient):
    note = await open_note(client, "Twice.md", "[[Nowhere]]")
    note = await open_note(client, "Twice.md", "[[Anarchism]]")
    await diagnostics_for(client, note, lambda d: d == [])
    for _ in range(2):
        client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=doc(note)))
    await still_serving(client)


# ---------------------------------------------------------------- positions and edits


@pytest.mark.parametrize("line,character", [(10**6, 0), (0, 10**6), (2**31 - 1, 2**31 - 1), (2, 10**9)])
@BOTH_PROFILES
async def test_positions_out_of_range(client: LanguageClient, line, character):
    note = await open_note(client, "Unicode.md")
    await hover(client, note, line, character)
    await definition(client, note, line, character)
    await completion(client, note, line, character)
    await still_serving(client)


@BOTH_PROFILES
async def test_change_with_a_range_past_the_end_is_clamped(client: LanguageClient):
    note = await open_note(client, "Edge.md", "start")
    change(client, note, 2, " [[Nowhere]]", (100, 0), (200, 5))  # past the end: appended
    [diag] = await diagnostics_for(client, note, lambda d: codes(d) == ["dangling-link"])
    assert diag.range.start.line == 0 and diag.range.start.character == 8
    change(client, note, 3, "", (0, 10**6), (0, 0))  # reversed range: start..end swapped
    await diagnostics_for(client, note, lambda d: d == [])
    await still_serving(client)


async def test_change_with_a_stale_version_is_applied_in_order(client: LanguageClient):
    note = await open_note(client, "Stale.md", "a")
    change(client, note, 10, "[[Nowhere]]")
    await diagnostics_for(client, note, lambda d: codes(d) == ["dangling-link"])
    change(client, note, 2, "[[Anarchism]]")  # an older version number than the buffer's
    await diagnostics_for(client, note, lambda d: d == [])
    await still_serving(client)


@BOTH_PROFILES
async def test_change_in_the_middle_of_a_surrogate_pair(client: LanguageClient):
    note = await open_note(client, "Emoji.md", "🎉🎉 [[Nowhere]]")
    change(client, note, 2, "x", (0, 1), (0, 1))  # inside the UTF-16 pair / UTF-8 sequence
    await diagnostics_for(client, note, lambda d: codes(d) == ["dangling-link"])
    await still_serving(client)


# ---------------------------------------------------------------- cancellation and floods


async def test_cancel_request(client: LanguageClient):
    note = await open_note(client, "Home.md")
    params = types.HoverParams(text_document=doc(note), position=types.Position(5, 12))
    futures = [client.protocol.send_request(types.TEXT_DOCUMENT_HOVER, params, msg_id=f"c{i}") for i in range(20)]
    for i in range(20):
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=f"c{i}"))
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="never-sent"))
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=123456))
    for future in futures:  # each is answered or cancelled, none is left hanging
        try:
            await asyncio.wait_for(asyncio.wrap_future(future) if not asyncio.isfuture(future) else future, 10)
        except (JsonRpcException, asyncio.CancelledError):
            pass
    await still_serving(client)


async def test_a_flood_of_requests_is_answered(client: LanguageClient):
    note = await open_note(client, "Home.md")
    results = await asyncio.wait_for(asyncio.gather(*(hover(client, note, 5, 12) for _ in range(500))), 120)
    assert all(r is not None and "Anarchism" in r.contents.value for r in results)
    for i in range(100):  # a burst of edits, then the last one is what counts
        change(client, note, 2 + i, f"[[Nowhere {i}]]")
    change(client, note, 200, "[[Anarchism]]")
    await diagnostics_for(client, note, lambda d: d == [], timeout=30)
    await asyncio.wait_for(still_serving(client), 20)


# ---------------------------------------------------------------- hostile notes through the server


async def test_alias_bomb_in_an_open_note(client: LanguageClient):
    note = await open_note(client, "Bomb.md", billion_laughs(tail="[[Nowhere]]\n"))
    diags = await diagnostics_for(client, note, lambda d: "frontmatter-yaml" in codes(d), timeout=20)
    assert codes(diags) == ["dangling-link", "frontmatter-yaml"]
    await still_serving(client)


@BOTH_PROFILES
async def test_pathological_lines_in_an_open_note(client: LanguageClient):
    text = "\n".join(PATHOLOGICAL_LINES.values()) + "\n[[Nowhere]]"
    note = await open_note(client, "Pathological.md", text)
    last = len(PATHOLOGICAL_LINES)
    await diagnostics_for(
        client, note, lambda d: any(x.code == "dangling-link" and x.range.start.line == last for x in d), timeout=60
    )
    await asyncio.wait_for(still_serving(client), 20)


@BOTH_PROFILES
async def test_nul_lone_cr_and_odd_separators_in_an_open_note(client: LanguageClient):
    note = await open_note(client, "Odd.md", "a\0b\rc\u2028d\x0c[[Nowhere]]\r\n[[Anarchism]]")
    [diag] = await diagnostics_for(client, note, lambda d: codes(d) == ["dangling-link"])
    # U+2028 and \f split nothing: `c`, U+2028, `d`, `\f` are 4 UTF-16 units, 6 UTF-8 bytes
    assert (diag.range.start.line, diag.range.start.character) == (1, 8 if utf8(client) else 6)
    await still_serving(client)


# ---------------------------------------------------------------- fuzzed: published == checked


PIECES = [
    "[[Anarchism]]",
    "[[Nowhere]]",
    "[[Kropotkin#Life]]",
    "[[Kropotkin#Nope]]",
    "[[Trotsky]]",
    "[[Anarchism#^core-idea]]",
    "[[#Here]]",
    "# Here\n",
    "---\n",
    "tags: [a]\n",
    "a: [\n",
    "\n",
    "\r\n",
    "`",
    "```\n",
    "🎉",
    "日本",
    " ",
    "x",
    "[m](Concepts/Anarchism.md)",
    "[m](../x.md)",
    "%%",
    "^id",
]


def _client_position(lines: list[str], line: int, col: int, as_utf8: bool) -> types.Position:
    text = lines[line]
    return types.Position(line=line, character=utf8_column(text, col) if as_utf8 else utf16_column(text, col))


def move_on_to_the_end(client: LanguageClient, note: str, text: str, version: int, as_utf8: bool) -> str:
    """Typing moves on to the end of the note (a newline there), so no link is still being
    typed (`half_typed.py`) when the diagnostics are compared; the note's text after it."""
    line, col, _ = _where(text, 1.0)
    end = _client_position(split_lines(text), line, col, as_utf8)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=note, version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=end, end=end), text="\n")],
        )
    )
    return text + "\n"


def _where(text: str, fraction: float) -> tuple[int, int, int]:
    """(line, column, offset) of a point in `text`, moved off the middle of a `\\r\\n`."""
    offsets = line_offsets(text)
    lines = split_lines(text)
    offset = int(fraction * len(text))
    line = bisect_right(offsets, offset) - 1
    col = min(offset - offsets[line], len(lines[line]))
    return line, col, offsets[line] + col


def _expected(root: Path, text: str, as_utf8: bool) -> list[tuple]:
    """What `vaultls check` says about the note, in the client's position encoding."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "basic"
        shutil.copytree(root, copy)
        (copy / "Fuzz.md").write_text(text, encoding="utf-8", newline="")
        vault, _ = load_vault(copy, build_settings(copy)[0])
        lines = split_lines(text)
        return sorted(
            (
                p.code,
                p.message,
                int(p.severity),
                _client_position(lines, p.range.start.line, p.range.start.character, as_utf8),
                _client_position(lines, p.range.end.line, p.range.end.character, as_utf8),
            )
            for p in check_note(vault, "Fuzz.md")
        )


def _published(diagnostics) -> list[tuple]:
    return sorted((str(d.code), d.message, int(d.severity), d.range.start, d.range.end) for d in diagnostics)


@BOTH_PROFILES
async def test_fuzzed_edits_leave_the_published_diagnostics_equal_to_check(client: LanguageClient, vault: Path):
    loop = asyncio.get_running_loop()
    as_utf8 = utf8(client)
    note = uri(client, "Fuzz.md")
    versions = iter(range(1, 10**6))

    async def session(start: str, edits: list[tuple[float, float, str]]) -> None:
        text = start
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=note, language_id="markdown", version=next(versions), text=text
                )
            )
        )
        for a, b, piece in edits:
            lines = split_lines(text)
            (l1, c1, o1), (l2, c2, o2) = sorted([_where(text, a), _where(text, b)])
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=note, version=next(versions)),
                    content_changes=[
                        types.TextDocumentContentChangePartial(
                            range=types.Range(
                                start=_client_position(lines, l1, c1, as_utf8),
                                end=_client_position(lines, l2, c2, as_utf8),
                            ),
                            text=piece,
                        )
                    ],
                )
            )
            text = text[:o1] + piece + text[o2:]
        text = move_on_to_the_end(client, note, text, next(versions), as_utf8)
        expected = await asyncio.to_thread(_expected, vault, text, as_utf8)
        try:
            await diagnostics_for(client, note, lambda d: _published(d) == expected, timeout=10)
            await asyncio.sleep(0.1)  # and it stays so: no later publish for an older text
            assert _published(client.diagnostics[note]) == expected, text
        finally:
            client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=doc(note)))
            client.diagnostics.pop(note, None)

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(
        st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
        st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.sampled_from(PIECES + [""])), min_size=1, max_size=8),
    )
    def check(start: str, edits: list[tuple[float, float, str]]) -> None:
        asyncio.run_coroutine_threadsafe(session(start, edits), loop).result(timeout=60)

    await asyncio.to_thread(check)
