"""vaultls never reads or reveals a file outside its vault: links that climb out, absolute
paths, `file:` URIs and symbolic links pointing outside give no hover content, no definition
and no completion, whatever the client does; and it never writes into the vault. One server
per module (links that appear later: test_containment_watched_files.py)."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import write_vault
from tests.e2e.conftest import ONE_PROFILE, SHARED_SERVER, open_note, uri

pytestmark = [*SHARED_SERVER, ONE_PROFILE]

SECRET = "TOPSECRET-7f3a"

# One hostile link per line; the column is a character inside the link.
HOSTILE = [
    "[[../outside/secret]]",
    "[x](../outside/secret.md)",
    "[[../../../../../../../../etc/passwd]]",
    "[y](../../../../../../../../etc/passwd)",
    "[z](/etc/passwd)",
    "[[/etc/passwd]]",
    "[f](file:///etc/passwd)",
    "[g](file://localhost/etc/passwd)",
    "[[secretlink]]",
    "[s](secretlink.md)",
    "[[inner]]",
    "[[linked/inner]]",
    "[e](%2E%2E/outside/secret.md)",
    "[b](..\\outside\\secret.md)",
    "![[../outside/secret.md]]",
    "[[outside/secret]]",
]


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This replaces the e2e `vault` fixture, so the `client` fixture serves this vault."""
    return hostile_vault(tmp_path_factory.mktemp("containment"))


def hostile_vault(tmp_path: Path) -> Path:
    """A vault next to a folder of secrets, with planted symbolic links into it."""
    outside = write_vault(
        tmp_path / "outside",
        {
            "secret.md": f"# Secret\n\n{SECRET} [[Home]]\n",
            "dir/inner.md": f"# Inner\n\n{SECRET}\n",
            "dir/secretpic.png": SECRET.encode(),
        },
    )
    root = write_vault(
        tmp_path / "vault",
        {
            "Home.md": "\n".join(HOSTILE) + "\n[[Real]]\n",
            "Real.md": "# Real\n\nInside the vault.\n",
        },
    )
    (root / "secretlink.md").symlink_to(outside / "secret.md")
    (root / "linked").symlink_to(outside / "dir", target_is_directory=True)
    return root


def _secret_free(value: object) -> bool:
    return SECRET not in repr(value) and "outside" not in _uris(value)


def _uris(value: object) -> str:
    if isinstance(value, list):
        return " ".join(getattr(v, "uri", "") or getattr(v, "target_uri", "") for v in value)
    return getattr(value, "uri", "") or ""


async def _hover(client: LanguageClient, note: str, line: int, character: int):
    return await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(line, character)
        )
    )


async def _definition(client: LanguageClient, note: str, line: int, character: int):
    return await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(line, character)
        )
    )


async def _completion(client: LanguageClient, note: str, line: int, character: int):
    return await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=note), position=types.Position(line, character)
        )
    )


def _labels(result) -> list[str]:
    if result is None:
        return []
    items = result.items if isinstance(result, types.CompletionList) else result
    return [f"{i.label} {i.detail} {i.text_edit.new_text if i.text_edit else ''}" for i in items]


async def test_the_vault_itself_works(client: LanguageClient):
    note = await open_note(client, "Home.md")
    result = await _hover(client, note, len(HOSTILE), 3)
    assert result is not None and "Inside the vault" in result.contents.value


@pytest.mark.parametrize("line", range(len(HOSTILE)), ids=HOSTILE)
async def test_hostile_links_reveal_nothing(client: LanguageClient, line: int):
    note = await open_note(client, "Home.md")
    for character in (2, 5, len(HOSTILE[line]) - 3):
        result = await _hover(client, note, line, character)
        assert _secret_free(result), result
        if result is not None:
            assert "Secret" not in result.contents.value and "Inner" not in result.contents.value
        location = await _definition(client, note, line, character)
        assert not location, location


async def test_completion_offers_nothing_from_outside(client: LanguageClient):
    for typed in ["sec", "secret", "inn", "Inner", "../", "../outside/", "linked/", "/etc/", "passwd", ""]:
        text = f"see [[{typed}"
        note = await open_note(client, "Scratch.md", text)
        result = await _completion(client, note, 0, len(text))
        labels = _labels(result)
        assert not any("secret" in label.lower() or "inner" in label.lower() for label in labels), (typed, labels)
        assert _secret_free(result)
    note = await open_note(client, "Scratch.md", "see [[Real#")
    assert _secret_free(await _completion(client, note, 0, 11))


async def test_requests_on_uris_outside_the_vault(client: LanguageClient):
    outside = client.vault.parent / "outside"  # type: ignore[attr-defined]
    for target in [
        (outside / "secret.md").as_uri(),
        uri(client, "secretlink.md"),
        uri(client, "linked/inner.md"),
        uri(client, "../outside/secret.md"),
        "file:///etc/passwd",
    ]:
        for line, character in [(0, 2), (2, 3)]:
            assert _secret_free(await _hover(client, target, line, character))
            assert not await _definition(client, target, line, character)
            assert _secret_free(await _completion(client, target, line, character))


async def test_closing_a_symlinked_note_does_not_read_through_the_link(client: LanguageClient):
    """Opening the link shows the editor's own text; closing it must not make vaultls read the
    file outside and index it."""
    linked = await open_note(client, "secretlink.md", "# Opened\n")
    home = await open_note(client, "Home.md")
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=linked))
    )
    await asyncio.sleep(0.3)
    for line in (8, 9):
        assert _secret_free(await _hover(client, home, line, 4))
        assert not await _definition(client, home, line, 4)


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


async def test_nothing_is_written_into_the_vault(client: LanguageClient):
    root: Path = client.vault  # type: ignore[attr-defined]
    before = _tree(root.parent)
    note = await open_note(client, "Home.md")
    for version in range(2, 6):
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=note, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=f"[[Real]] v{version}")],
            )
        )
    await _hover(client, note, 0, 3)
    await _completion(client, note, 0, 2)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=note))
    )
    await asyncio.sleep(0.3)
    assert _tree(root.parent) == before
    assert not any(p.name.startswith(".vaultls") or p.suffix in (".sqlite3", ".db") for p in root.rglob("*"))


async def test_document_links_never_point_outside(client: LanguageClient):
    note = await open_note(client, "Home.md")
    links = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=types.TextDocumentIdentifier(uri=note))
    )
    root = client.vault.resolve()  # type: ignore[attr-defined]
    targets = [link.target for link in links or [] if link.target]
    assert targets, "the link to Real.md is there"
    for target in targets:
        path = Path(target.removeprefix("file://")).resolve()
        assert path.is_relative_to(root), target
