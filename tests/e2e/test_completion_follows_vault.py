"""Completion keeps per-vault indices between keystrokes (names, paths, aliases), built ahead
of the first `[[` and checked on every request. Over the wire: whatever changed the vault —
a file created or deleted on disk, an alias typed in an open note — shows in the very next
completion, and keystrokes that change nothing keep answering the same."""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import ONE_PROFILE, diagnostics_for, open_note
from tests.e2e.test_typing import type_text

pytestmark = ONE_PROFILE


async def labels_at(client: LanguageClient, note: str, line: int, character: int) -> list[str]:
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=note),
            position=types.Position(line=line, character=character),
        )
    )
    items = result.items if isinstance(result, types.CompletionList) else (result or [])
    return [item.label for item in items]


def watched(client: LanguageClient, *changes: tuple[str, types.FileChangeType]) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(client.vault / rel).as_uri(), type=kind) for rel, kind in changes]  # type: ignore[attr-defined]
        )
    )


async def test_files_created_and_deleted_on_disk_show_in_the_next_completion(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "# Scratch\n\n[[Zy")
    await diagnostics_for(client, note)
    assert await labels_at(client, note, 2, 4) == []
    (client.vault / "Zygote.md").write_text("# Zygote\n", encoding="utf-8")  # type: ignore[attr-defined]
    (client.vault / "Attachments" / "Zymurgy.png").write_bytes(b"\x89PNG")  # type: ignore[attr-defined]
    watched(
        client, ("Zygote.md", types.FileChangeType.Created), ("Attachments/Zymurgy.png", types.FileChangeType.Created)
    )
    assert await labels_at(client, note, 2, 4) == ["Zygote", "Zymurgy.png"]
    await asyncio.sleep(0.3)  # the indices rebuilt in the background meanwhile: the same answer
    assert await labels_at(client, note, 2, 4) == ["Zygote", "Zymurgy.png"]
    (client.vault / "Zygote.md").unlink()  # type: ignore[attr-defined]
    watched(client, ("Zygote.md", types.FileChangeType.Deleted))
    assert await labels_at(client, note, 2, 4) == ["Zymurgy.png"]


async def test_an_alias_typed_in_the_open_note_is_offered_at_once(client: LanguageClient):
    note = await open_note(client, "Scratch.md", "---\naliases: [Qu]\n---\n[[Qu")
    await diagnostics_for(client, note)
    assert await labels_at(client, note, 3, 4) == ["Qu"]
    version = type_text(client, note, 1, 12, "ark", 1)  # the alias becomes `Quark`, key by key
    assert await labels_at(client, note, 3, 4) == ["Quark"]
    type_text(client, note, 1, 15, "s", version)
    assert await labels_at(client, note, 3, 4) == ["Quarks"]
