"""The server's reliability where a test needs a server of its own (a fresh one each time): its
start and end on a raw wire, a feature made to fail, and fuzzed edits while notes are created,
deleted and renamed on disk."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import (
    BOTH_PROFILES,
    answer_registrations,
    codes,
    diagnostics_for,
    open_note,
    start_session,
    uri,
    utf8,
)
from tests.e2e.launch_server import server_command
from tests.e2e.test_reliability import (
    _client_position,
    _expected,
    _published,
    _where,
    completion,
    definition,
    doc,
    hover,
    move_on_to_the_end,
)
from vaultls.vault.text import split_lines

SERVER = [sys.executable, "-m", "vaultls", "serve"]


# ---------------------------------------------------------------- ending


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _raw(*messages: dict | bytes) -> bytes:
    return b"".join(m if isinstance(m, bytes) else _frame(m) for m in messages)


def _initialize(root: Path) -> dict:
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"processId": None, "rootUri": root.as_uri(), "capabilities": {}},
    }


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
    message = _raw(
        _initialize(vault),
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "exit"},
    )
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
        while line := stdout.readline().strip():
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


# ---------------------------------------------------------------- fuzzed: published == checked, with files changing


OTHER_NOTES = ["Extra.md", "Sub/Extra.md", "Here.md"]
OTHER_BODIES = ["# Here\n", "para ^id\n", "", "---\naliases: [Nowhere]\n---\n"]
LINKING = ["[[Extra]]", "[[Extra#Here]]", "[[Sub/Extra]]", "[[Here#^id]]", "[[Nowhere]]", "[e](Extra.md)", "\n", " "]


@BOTH_PROFILES
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
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=(vault / rel).as_uri(), type=kind) for rel, kind in events]
            )
        )

    async def session(start: str, ops: list[tuple]) -> None:
        text = start
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=note, language_id="markdown", version=next(versions), text=text
                )
            )
        )
        for op in ops:
            if op[0] == "edit":
                _, a, piece = op
                lines = split_lines(text)
                line, col, offset = _where(text, a)
                position = _client_position(lines, line, col, as_utf8)
                client.text_document_did_change(
                    types.DidChangeTextDocumentParams(
                        text_document=types.VersionedTextDocumentIdentifier(uri=note, version=next(versions)),
                        content_changes=[
                            types.TextDocumentContentChangePartial(
                                range=types.Range(start=position, end=position), text=piece
                            )
                        ],
                    )
                )
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
        text = move_on_to_the_end(client, note, text, next(versions), as_utf8)
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
