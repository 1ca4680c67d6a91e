"""A misbehaving client, hostile notes and a failing feature, through the real server: it never
dies, never desynchronises, and keeps answering everything else."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
from bisect import bisect_right
from pathlib import Path

import pytest
import pytest_lsp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import answer_registrations, codes, diagnostics_for, open_note, start_session, uri, utf8
from tests.e2e.launch_server import server_command
from tests.unit.hostile import PATHOLOGICAL_LINES, billion_laughs
from vaultls.vault.check import check_note
from vaultls.vault.settings import build_settings
from vaultls.vault.store.loader import load_vault
from vaultls.vault.text import line_offsets, split_lines, utf8_column, utf16_column

SERVER = [sys.executable, "-m", "vaultls", "serve"]


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
async def test_positions_out_of_range(client: LanguageClient, line, character):
    note = await open_note(client, "Unicode.md")
    await hover(client, note, line, character)
    await definition(client, note, line, character)
    await completion(client, note, line, character)
    await still_serving(client)


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


async def test_pathological_lines_in_an_open_note(client: LanguageClient):
    text = "\n".join(PATHOLOGICAL_LINES.values()) + "\n[[Nowhere]]"
    note = await open_note(client, "Pathological.md", text)
    last = len(PATHOLOGICAL_LINES)
    await diagnostics_for(
        client, note, lambda d: any(x.code == "dangling-link" and x.range.start.line == last for x in d), timeout=60
    )
    await asyncio.wait_for(still_serving(client), 20)


async def test_nul_lone_cr_and_odd_separators_in_an_open_note(client: LanguageClient):
    note = await open_note(client, "Odd.md", "a\0b\rc\u2028d\x0c[[Nowhere]]\r\n[[Anarchism]]")
    [diag] = await diagnostics_for(client, note, lambda d: codes(d) == ["dangling-link"])
    # U+2028 and \f split nothing: `c`, U+2028, `d`, `\f` are 4 UTF-16 units, 6 UTF-8 bytes
    assert (diag.range.start.line, diag.range.start.character) == (1, 8 if utf8(client) else 6)
    await still_serving(client)


# ---------------------------------------------------------------- ending


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _raw(*messages: dict | bytes) -> bytes:
    return b"".join(m if isinstance(m, bytes) else _frame(m) for m in messages)


def _initialize(root: Path) -> dict:
    return {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}}


def _responses(stdout: bytes) -> list[dict]:
    out = []
    while stdout:
        head, _, rest = stdout.partition(b"\r\n\r\n")
        headers = dict(line.split(b":", 1) for line in head.split(b"\r\n"))
        length = int(headers[b"Content-Length"])
        out.append(json.loads(rest[:length]))
        stdout = rest[length:]
    return out


def test_exit_without_shutdown_ends_the_server(vault: Path):
    proc = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    message = _raw(_initialize(vault), {"jsonrpc": "2.0", "method": "initialized", "params": {}},
                   {"jsonrpc": "2.0", "method": "exit"})
    try:
        proc.stdin.write(message)
        proc.stdin.flush()
        assert proc.wait(timeout=20) is not None
    finally:
        if proc.poll() is None:
            proc.kill()
    assert any(r.get("id") == 1 and "result" in r for r in _responses(proc.stdout.read()))


def test_the_client_going_away_ends_the_server(vault: Path):
    proc = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        proc.stdin.write(_raw(_initialize(vault)))
        proc.stdin.close()  # the editor crashed: end of input
        assert proc.wait(timeout=20) is not None
    finally:
        if proc.poll() is None:
            proc.kill()


def test_garbage_on_the_wire_gets_errors_and_the_server_goes_on(vault: Path):
    note = (vault / "Home.md").as_uri()
    hover_home = {"textDocument": {"uri": note}, "position": {"line": 5, "character": 12}}
    messages = _raw(
        _initialize(vault),
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        b"Content-Length: 9\r\n\r\n{not json",
        {"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"textDocument": {}}},
        {"jsonrpc": "2.0", "id": 3, "method": "no/such/method", "params": {}},
        {"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": "a string"},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": 7}},
        {"jsonrpc": "2.0", "id": 5, "method": "textDocument/hover", "params": hover_home},
    )
    proc = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        proc.stdin.write(messages)
        proc.stdin.flush()
        by_id = _read_until(proc.stdout, 5)
        proc.stdin.write(_raw({"jsonrpc": "2.0", "id": 6, "method": "shutdown"}, {"jsonrpc": "2.0", "method": "exit"}))
        proc.stdin.close()
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert {2, 3, 4} <= {i for i, r in by_id.items() if "error" in r}, by_id
    assert "Anarchism" in by_id[5]["result"]["contents"]["value"], by_id[5]


def _read_until(stdout, wanted_id: int) -> dict:
    """Responses by id, read until the one with `wanted_id` arrives."""
    by_id: dict = {}
    while wanted_id not in by_id:
        headers = {}
        while (line := stdout.readline().strip()):
            name, _, value = line.partition(b":")
            headers[name] = value.strip()
        message = json.loads(stdout.read(int(headers[b"Content-Length"])))
        if "id" in message and "method" not in message:
            by_id[message["id"]] = message
    return by_id


# ---------------------------------------------------------------- crash isolation


@pytest_lsp.fixture(
    params=["visual-studio-code"],
    config=ClientServerConfig(
        server_command=server_command("--fail", "textDocument/hover", "--fail", "workspace/didChangeWatchedFiles"),
    ),
)
async def failing(lsp_client: LanguageClient, request: pytest.FixtureRequest, vault: Path):
    answer_registrations(lsp_client)
    await start_session(lsp_client, request.param, vault)
    yield
    await lsp_client.shutdown_session()


async def test_a_failing_feature_answers_errors_and_the_others_keep_working(failing: LanguageClient):
    client = failing
    note = await open_note(client, "Home.md")
    for _ in range(3):
        with pytest.raises(JsonRpcException, match="textDocument/hover failed"):
            await hover(client, note, 5, 12)
    [location] = await definition(client, note, 5, 12)
    assert location.uri.endswith("Anarchism.md")
    found = await completion(client, await open_note(client, "S.md", "[[An"), 0, 4)
    assert "Anarchism" in [i.label for i in found.items]
    await diagnostics_for(client, note, lambda d: "dangling-link" in codes(d))
    for _ in range(3):  # a failing notification: told once, not three times
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=uri(client, "x.md"), type=types.FileChangeType.Created)]
            )
        )
    await asyncio.sleep(0.5)
    told = [m for m in client.messages if "didChangeWatchedFiles failed" in m.message]
    assert len(told) == 1 and told[0].type == types.MessageType.Error
    [location] = await definition(client, note, 5, 12)  # still alive after all that


# ---------------------------------------------------------------- fuzzed: published == checked


PIECES = ["[[Anarchism]]", "[[Nowhere]]", "[[Kropotkin#Life]]", "[[Kropotkin#Nope]]", "[[Trotsky]]",
          "[[Anarchism#^core-idea]]", "[[#Here]]", "# Here\n", "---\n", "tags: [a]\n", "a: [\n", "\n", "\r\n",
          "`", "```\n", "🎉", "日本", " ", "x", "[m](Concepts/Anarchism.md)", "[m](../x.md)", "%%", "^id"]


def _client_position(lines: list[str], line: int, col: int, as_utf8: bool) -> types.Position:
    text = lines[line]
    return types.Position(line=line, character=utf8_column(text, col) if as_utf8 else utf16_column(text, col))


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
            (p.code, p.message, int(p.severity),
             _client_position(lines, p.range.start.line, p.range.start.character, as_utf8),
             _client_position(lines, p.range.end.line, p.range.end.character, as_utf8))
            for p in check_note(vault, "Fuzz.md")
        )


def _published(diagnostics) -> list[tuple]:
    return sorted((str(d.code), d.message, int(d.severity), d.range.start, d.range.end) for d in diagnostics)


async def test_fuzzed_edits_leave_the_published_diagnostics_equal_to_check(client: LanguageClient, vault: Path):
    loop = asyncio.get_running_loop()
    as_utf8 = utf8(client)
    note = uri(client, "Fuzz.md")
    versions = iter(range(1, 10**6))

    async def session(start: str, edits: list[tuple[float, float, str]]) -> None:
        text = start
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=note, language_id="markdown", version=next(versions), text=text)))
        for a, b, piece in edits:
            lines = split_lines(text)
            (l1, c1, o1), (l2, c2, o2) = sorted([_where(text, a), _where(text, b)])
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=note, version=next(versions)),
                    content_changes=[types.TextDocumentContentChangePartial(
                        range=types.Range(start=_client_position(lines, l1, c1, as_utf8),
                                          end=_client_position(lines, l2, c2, as_utf8)),
                        text=piece)]))
            text = text[:o1] + piece + text[o2:]
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


OTHER_NOTES = ["Extra.md", "Sub/Extra.md", "Here.md"]
OTHER_BODIES = ["# Here\n", "para ^id\n", "", "---\naliases: [Nowhere]\n---\n"]
LINKING = ["[[Extra]]", "[[Extra#Here]]", "[[Sub/Extra]]", "[[Here#^id]]", "[[Nowhere]]", "[e](Extra.md)", "\n", " "]


async def test_fuzzed_edits_creates_deletes_and_renames_keep_diagnostics_equal_to_check(
    client: LanguageClient, vault: Path
):
    """As above, with notes created, deleted and renamed on disk (and announced as watched-file
    events) between the edits of the open note."""
    loop = asyncio.get_running_loop()
    as_utf8 = utf8(client)
    note = uri(client, "Fuzz.md")
    versions = iter(range(1, 10**6))

    def announce(*events: tuple[str, types.FileChangeType]) -> None:
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(vault / rel).as_uri(), type=kind) for rel, kind in events]))

    async def session(start: str, ops: list[tuple]) -> None:
        text = start
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=note, language_id="markdown", version=next(versions), text=text)))
        for op in ops:
            if op[0] == "edit":
                _, a, piece = op
                lines = split_lines(text)
                line, col, offset = _where(text, a)
                position = _client_position(lines, line, col, as_utf8)
                client.text_document_did_change(types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=note, version=next(versions)),
                    content_changes=[types.TextDocumentContentChangePartial(
                        range=types.Range(start=position, end=position), text=piece)]))
                text = text[:offset] + piece + text[offset:]
            elif op[0] == "create":
                _, rel, body = op
                existed = (vault / rel).exists()
                (vault / rel).parent.mkdir(parents=True, exist_ok=True)
                (vault / rel).write_text(body, encoding="utf-8")
                announce((rel, types.FileChangeType.Changed if existed else types.FileChangeType.Created))
            elif op[0] == "delete":
                _, rel = op
                if (vault / rel).exists():
                    (vault / rel).unlink()
                    announce((rel, types.FileChangeType.Deleted))
            else:
                _, old, new = op
                if (vault / old).exists() and not (vault / new).exists():
                    (vault / new).parent.mkdir(parents=True, exist_ok=True)
                    (vault / old).rename(vault / new)
                    announce((old, types.FileChangeType.Deleted), (new, types.FileChangeType.Created))
        expected = await asyncio.to_thread(_expected, vault, text, as_utf8)
        try:
            await diagnostics_for(client, note, lambda d: _published(d) == expected, timeout=10)
            await asyncio.sleep(0.1)
            assert _published(client.diagnostics[note]) == expected, text
        finally:
            client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=doc(note)))
            client.diagnostics.pop(note, None)

    op = st.one_of(
        st.tuples(st.just("edit"), st.floats(0, 1), st.sampled_from(LINKING)),
        st.tuples(st.just("create"), st.sampled_from(OTHER_NOTES), st.sampled_from(OTHER_BODIES)),
        st.tuples(st.just("delete"), st.sampled_from(OTHER_NOTES)),
        st.tuples(st.just("rename"), st.sampled_from(OTHER_NOTES), st.sampled_from(OTHER_NOTES)),
    )

    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(st.lists(st.sampled_from(LINKING), max_size=4).map("".join), st.lists(op, min_size=1, max_size=10))
    def check(start: str, ops: list[tuple]) -> None:
        asyncio.run_coroutine_threadsafe(session(start, ops), loop).result(timeout=60)

    await asyncio.to_thread(check)
