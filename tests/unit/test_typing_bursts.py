"""Typing: a burst of `didChange` notifications is applied to the buffer at once, while the
model (the parsed note and the index) catches up once, before anything reads it.

These drive the real server object and its registered handlers in-process, without a client:
the keystrokes of a burst are delivered with no `await` between them, exactly as the server
sees a burst that is already waiting in its pipe, so "one publish per burst" is deterministic
here and needs no timing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.workspace import Workspace

from tests.conftest import write_vault
from vaultls.lsp.app import create_server
from vaultls.lsp.registry import guarded
from vaultls.lsp.roots import NoteRef
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import names

SETTLE = 0.2  # comfortably longer than the diagnostics delay (20 ms)


class Harness:
    """A server with one vault indexed from disk and the published diagnostics recorded."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.ls: VaultLanguageServer = create_server()
        self.ls.protocol.client_capabilities = types.ClientCapabilities()
        self.ls.protocol._workspace = Workspace(root.as_uri(), position_encoding=types.PositionEncodingKind.Utf16)
        self.published: list[types.PublishDiagnosticsParams] = []
        self.ls.text_document_publish_diagnostics = self.published.append  # type: ignore[method-assign]
        vault = self.ls.add_root(root)
        for path in sorted(root.rglob("*.md")):
            self.ls.update_note(NoteRef(vault, path.relative_to(root).as_posix()))
        self.ls.ready.set()
        self.versions: dict[str, int] = {}
        self.parsed: list[str] = []
        update_note = self.ls.update_note

        def counting(ref: NoteRef, text: str | None = None, valid_utf8: bool = True) -> set[str]:
            self.parsed.append(ref.path)
            return update_note(ref, text, valid_utf8)

        self.ls.update_note = counting  # type: ignore[method-assign]

    def uri(self, rel: str) -> str:
        return (self.root / rel).as_uri()

    def handle(self, method: str, params: Any) -> Any:
        """Call the handler as pygls would: through the `guarded` wrapper it was registered with."""
        return self.ls.protocol.fm.features[method](params)

    def open(self, rel: str, text: str | None = None) -> str:
        uri = self.uri(rel)
        text = (self.root / rel).read_text(encoding="utf-8") if text is None else text
        self.versions[uri] = 1
        self.handle(
            types.TEXT_DOCUMENT_DID_OPEN,
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
            ),
        )
        return uri

    def type(self, uri: str, line: int, column: int, text: str) -> int:
        """`text` typed at (line, column), one didChange per character, with no pause between
        them; returns the last version."""
        for ch in text:
            self.versions[uri] += 1
            here = types.Position(line=line, character=column)
            self.handle(
                types.TEXT_DOCUMENT_DID_CHANGE,
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                    content_changes=[
                        types.TextDocumentContentChangePartial(range=types.Range(start=here, end=here), text=ch)
                    ],
                ),
            )
            if ch == "\n":
                line, column = line + 1, 0
            else:
                column += 1
        return self.versions[uri]

    def publishes_for(self, uri: str) -> list[types.PublishDiagnosticsParams]:
        return [p for p in self.published if p.uri == uri]

    def note(self, rel: str):  # noqa: ANN201 - Note | None
        return self.ls.vaults[self.root].notes.get(rel)


@pytest.fixture
async def harness(tmp_path: Path):
    root = write_vault(
        tmp_path / "vault",
        {
            "Target.md": "# Target\n\nIntro.\n\n## Life\n\nText.\n",
            "Draft.md": "# Draft\n\nsee \n",
            "Other.md": "[[Draft#New part]]\n",
        },
    )
    h = Harness(root)
    yield h
    h.ls.cancel_tasks()
    for handle in list(h.ls.diagnostics._pending.values()):
        handle.cancel()


async def settled(h: Harness) -> None:
    await asyncio.sleep(SETTLE)


def position(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


async def test_a_burst_of_keystrokes_parses_the_note_once(harness: Harness):
    draft = harness.open("Draft.md")
    await settled(harness)
    harness.parsed.clear()
    harness.type(draft, 2, 4, "[[Target#Life]] and more")
    assert harness.parsed == []  # keystrokes only edit the buffer
    await settled(harness)
    assert harness.parsed == ["Draft.md"]


async def test_a_burst_publishes_diagnostics_once_for_the_final_version(harness: Harness):
    draft = harness.open("Draft.md")
    await settled(harness)
    before = len(harness.publishes_for(draft))
    final = harness.type(draft, 2, 4, "[[Nowhere]]")
    await settled(harness)
    after = harness.publishes_for(draft)[before:]
    assert [p.version for p in after] == [final]
    assert [d.code for d in after[0].diagnostics] == ["dangling-link"]


async def test_a_request_right_after_a_burst_answers_from_the_final_text(harness: Harness):
    draft = harness.open("Draft.md")
    harness.type(draft, 2, 4, "[[Target#Life]]")
    found = await harness.handle(
        types.TEXT_DOCUMENT_DEFINITION,
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=draft), position=position(2, 8)),
    )
    assert [(loc.uri, loc.range.start.line) for loc in found] == [(harness.uri("Target.md"), 4)]


async def test_document_symbols_right_after_typing_a_heading_list_it(harness: Harness):
    draft = harness.open("Draft.md")
    harness.type(draft, 2, 4, "\n## Fresh")
    symbols = await harness.handle(
        types.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=draft)),
    )
    flat: list[str] = []
    stack = list(symbols)
    while stack:
        symbol = stack.pop()
        flat.append(symbol.name)
        stack.extend(getattr(symbol, "children", None) or [])
    assert "Fresh" in flat


async def test_a_request_after_an_edit_re_checks_the_open_notes_it_affects(harness: Harness):
    draft = harness.open("Draft.md")
    other = harness.open("Other.md")
    await settled(harness)
    assert [d.code for d in harness.publishes_for(other)[-1].diagnostics] == ["missing-heading"]
    harness.type(draft, 2, 4, "\n## New part")
    await harness.handle(
        types.TEXT_DOCUMENT_HOVER,
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=other), position=position(0, 3)),
    )
    assert [h.text for h in harness.note("Draft.md").parsed.headings][-1] == "New part"
    await settled(harness)
    assert harness.publishes_for(other)[-1].diagnostics == []


async def test_a_request_waiting_for_the_index_sees_the_edits_made_while_it_waited(harness: Harness):
    draft = harness.open("Draft.md")
    await settled(harness)
    harness.ls.ready.clear()
    request = asyncio.ensure_future(
        harness.handle(
            types.TEXT_DOCUMENT_DEFINITION,
            types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=draft), position=position(2, 8)),
        )
    )
    await asyncio.sleep(0)  # the handler has started and waits for the index
    harness.type(draft, 2, 4, "[[Target]]")
    harness.ls.ready.set()
    found = await request
    assert [loc.uri for loc in found] == [harness.uri("Target.md")]


async def test_closing_an_edited_note_goes_back_to_the_file(harness: Harness):
    draft = harness.open("Draft.md")
    harness.type(draft, 0, 7, " renamed")
    harness.handle(
        types.TEXT_DOCUMENT_DID_CLOSE,
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=draft)),
    )
    await settled(harness)
    assert [h.text for h in harness.note("Draft.md").parsed.headings] == ["Draft"]


async def test_an_edited_document_that_is_no_note_gets_no_diagnostics(harness: Harness):
    (harness.root / "notes.txt").write_text("plain\n", encoding="utf-8")
    text = harness.open("notes.txt")
    harness.type(text, 0, 5, " [[Nowhere]]")
    await settled(harness)
    assert harness.publishes_for(text) == []
    assert not names.is_note_path("notes.txt")


async def test_a_cancelled_request_is_cancelled_inside_its_handler(harness: Harness):
    seen: list[str] = []

    async def slow(ls: VaultLanguageServer, params: Any) -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    task = asyncio.ensure_future(guarded("test/slow", slow)(harness.ls, None))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen == ["cancelled"]


async def test_an_awaiting_handler_gets_what_its_awaits_return_and_raise(harness: Harness):
    async def handler(ls: VaultLanguageServer, params: Any) -> tuple[int, str]:
        loop = asyncio.get_running_loop()
        ok: asyncio.Future[int] = loop.create_future()
        loop.call_soon(ok.set_result, 7)
        bad: asyncio.Future[int] = loop.create_future()
        loop.call_soon(bad.set_exception, KeyError("k"))
        try:
            await bad
        except KeyError as exc:
            return await ok, str(exc)
        return 0, ""

    assert await guarded("test/awaits", handler)(harness.ls, None) == (7, "'k'")
