"""End-to-end rename with link updates on the `nav` vault; edits landing in non-ASCII text under
both the VS Code (UTF-16) and Neovim (UTF-8) client profiles. Every edit is applied to the vault
on disk the way an editor would (`apply_edit`), and the vault is loaded again to prove the
guarantee: no link that resolved before is dangling, and each still reaches the same (renamed)
note, heading or block. One server per client profile for the module: the server is never told
of the edits applied, and the vault is put back after each test."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.uris import to_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.e2e.conftest import BOTH_PROFILES, ONE_PROFILE, SHARED_SERVER, open_note, uri, utf8
from tests.e2e.test_navigation import at, copy_nav, span
from vaultls.vault.check import check_vault
from vaultls.vault.settings import Settings
from vaultls.vault.store.loader import load_vault

pytestmark = [*SHARED_SERVER, ONE_PROFILE]


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_nav(tmp_path_factory.mktemp("rename"))


# ----------------------------------------------------------------------------- applying edits

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")


def _offset(text: str, pos: types.Position, utf8_units: bool) -> int:
    """Offset in `text` of a client position (UTF-8 or UTF-16 code units in its line)."""
    lines = [m.group() for m in _LINE.finditer(text)][:-1] or [""]
    start = sum(len(line) for line in lines[: pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    units = 0
    for index, ch in enumerate(line):
        if units >= pos.character or ch in "\r\n":
            return start + index
        units += len(ch.encode("utf-8")) if utf8_units else len(ch.encode("utf-16-le")) // 2
    return start + len(line.rstrip("\r\n"))


def apply_edit(client: LanguageClient, edit: types.WorkspaceEdit) -> dict[str, str]:
    """Apply a WorkspaceEdit to the files on disk, as an editor would: text edits (all ranges
    refer to the text before the edit), then file renames, in order. Returns the moves."""
    operations: list = []
    if edit.document_changes is not None:
        operations = list(edit.document_changes)
    for doc_uri, edits in (edit.changes or {}).items():
        operations.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=doc_uri, version=None), edits=edits
            )
        )
    moves: dict[str, str] = {}
    root = client.vault  # type: ignore[attr-defined]
    for op in operations:
        if isinstance(op, types.TextDocumentEdit):
            path = Path(to_fs_path(op.text_document.uri))
            text = path.read_text(encoding="utf-8")
            spans = sorted(
                (
                    (_offset(text, e.range.start, utf8(client)), _offset(text, e.range.end, utf8(client)), e.new_text)
                    for e in op.edits
                ),
                reverse=True,
            )
            for start, end, new_text in spans:
                text = text[:start] + new_text + text[end:]
            path.write_text(text, encoding="utf-8", newline="")
        elif isinstance(op, types.RenameFile):
            old, new = Path(to_fs_path(op.old_uri)), Path(to_fs_path(op.new_uri))
            assert not new.exists(), f"{new} exists"
            new.parent.mkdir(parents=True, exist_ok=True)
            os.rename(old, new)
            moves[old.relative_to(root).as_posix()] = new.relative_to(root).as_posix()
        elif isinstance(op, types.CreateFile):
            path = Path(to_fs_path(op.uri))
            assert not path.exists(), f"{path} exists"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("", encoding="utf-8")
        else:
            raise AssertionError(f"unexpected operation {op!r}")
    return moves


def broken_links(vault) -> int:
    return sum(1 for p in check_vault(vault) if p.code in ("dangling-link", "missing-heading", "missing-block"))


def snapshot(root: Path):
    vault, _ = load_vault(root, Settings())
    return vault


def assert_no_link_broke(before, root: Path, moves: dict[str, str]) -> None:
    """Every link that resolved before resolves to the same note (moved if it moved), and to a
    heading or block on the same line; and `vaultls check` finds no new broken link."""
    after = snapshot(root)
    for path, note in before.notes.items():
        new_path = moves.get(path, path)
        new_links = after.notes[new_path].parsed.links
        assert len(new_links) == len(note.parsed.links), path
        for link, new_link in zip(note.parsed.links, new_links, strict=False):
            res = before.resolve(path, link)
            if res.dangling:
                continue
            new = after.resolve(new_path, new_link)
            assert new.target == moves.get(res.target, res.target), (path, link.target, new_link.target)
            if res.heading is not None:
                assert new.heading is not None and new.heading.line == res.heading.line, (path, new_link)
            if res.block is not None:
                assert new.block is not None and new.block.line == res.block.line, (path, new_link)
    assert broken_links(after) == broken_links(before)


def read(client: LanguageClient, rel: str) -> str:
    return (client.vault / rel).read_text(encoding="utf-8")  # type: ignore[attr-defined]


async def rename(client: LanguageClient, rel: str, position: types.Position, new_name: str) -> dict[str, str]:
    """Rename at a position, apply the edit, check the guarantee; returns the file moves."""
    before = snapshot(client.vault)  # type: ignore[attr-defined]
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, rel)), position=position, new_name=new_name
        )
    )
    assert edit is not None
    moves = apply_edit(client, edit)
    assert_no_link_broke(before, client.vault, moves)  # type: ignore[attr-defined]
    return moves


async def prepare(client: LanguageClient, rel: str, position: types.Position):
    return await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=types.TextDocumentIdentifier(uri=uri(client, rel)), position=position)
    )


# ----------------------------------------------------------------------------- prepareRename


async def test_prepare_rename_on_a_link_offers_the_note_name(client: LanguageClient):
    result = await prepare(client, "Home.md", at(client, "Home.md", "[[Notes/Alpha]]", 4))
    assert result.placeholder == "Alpha"
    assert result.range == span(client, "Home.md", "Notes/Alpha")


async def test_prepare_rename_on_a_heading_offers_its_text(client: LanguageClient):
    result = await prepare(client, "Notes/Alpha.md", at(client, "Notes/Alpha.md", "## Details", 4))
    assert (result.placeholder, result.range) == ("Details", span(client, "Notes/Alpha.md", "Details"))


async def test_prepare_rename_on_a_tag_offers_the_tag_without_hash(client: LanguageClient):
    result = await prepare(client, "Home.md", at(client, "Home.md", "#project/sub", 3))
    assert (result.placeholder, result.range) == ("project/sub", span(client, "Home.md", "project/sub"))


async def test_prepare_rename_on_a_dangling_link_is_refused(client: LanguageClient):
    with pytest.raises(Exception, match="nothing to rename"):
        await prepare(client, "Home.md", at(client, "Home.md", "[[Missing Page]]", 4))


# ----------------------------------------------------------------------------- notes


@BOTH_PROFILES
async def test_rename_from_a_link_renames_the_file_and_rewrites_every_link(client: LanguageClient):
    moves = await rename(client, "Home.md", at(client, "Home.md", "[[Alpha]]", 3), "Omega")
    assert moves == {"Notes/Alpha.md": "Notes/Omega.md"}
    home = read(client, "Home.md")
    for expected in (
        'related: "[[Omega]]"',
        "Bare: [[Omega]]",
        "Path: [[Notes/Omega]]",
        "[[Omega#Details|the details]]",
        "[[Omega#^key-point]]",
        "![[Omega]] and",
        'code = "[[Alpha]] is not a link here"',
    ):
        assert expected in home
    assert "[alpha](Omega.md)" in read(client, "Notes/Beta Note.md")
    assert "[[Notes/Omega#Details]]" in read(client, "Notes/Sub/Gamma.md")
    assert (
        read(client, "Unicode.md").splitlines()[2] == "日本語 🎉 [[Omega]] and 😀 [[Omega#Details|détails]] #日本/東京"
    )
    # Its title heading stays, as Obsidian leaves it (`rename.updateTitleHeading`: test_note_actions.py).
    assert read(client, "Notes/Omega.md").startswith("---\naliases: [First Letter]\ntags: project\n---\n# Alpha\n")


@BOTH_PROFILES
async def test_rename_from_the_title_heading_renames_the_note(client: LanguageClient):
    moves = await rename(client, "Notes/Alpha.md", at(client, "Notes/Alpha.md", "# Alpha", 3), "Alef")
    assert moves == {"Notes/Alpha.md": "Notes/Alef.md"}
    assert "Bare: [[Alef]]" in read(client, "Home.md")


async def test_rename_from_anywhere_in_a_note_renames_the_note(client: LanguageClient):
    moves = await rename(client, "Notes/Sub/Gamma.md", types.Position(line=1, character=0), "Delta")
    assert moves == {"Notes/Sub/Gamma.md": "Notes/Sub/Delta.md"}
    assert "Down to [[Delta]]" in read(client, "Notes/Beta Note.md")


async def test_rename_keeps_markdown_link_forms(client: LanguageClient):
    await rename(client, "Home.md", at(client, "Home.md", "[beta]", 2), "Beta Two")
    home = read(client, "Home.md")
    assert "[beta](Notes/Beta%20Two.md)" in home
    assert "[beta section](<Notes/Beta Two.md#Beta Section>)" in home
    assert "> with [[Beta Two]] inside" in home
    assert "[up](../Beta%20Two.md)" in read(client, "Notes/Sub/Gamma.md")


async def test_rename_into_a_folder_rewrites_the_moved_notes_relative_links(client: LanguageClient):
    moves = await rename(client, "Notes/Beta Note.md", types.Position(line=0, character=3), "Archive/Beta Note")
    assert moves == {"Notes/Beta Note.md": "Archive/Beta Note.md"}
    moved = read(client, "Archive/Beta Note.md")
    assert "[alpha](../Notes/Alpha.md)" in moved
    assert "[home](../Home.md#home)" in moved
    assert "[beta](Archive/Beta%20Note.md)" in read(client, "Home.md")


async def test_rename_refuses_a_name_another_note_has(client: LanguageClient):
    with pytest.raises(Exception, match="already exists"):
        await client.text_document_rename_async(
            types.RenameParams(
                text_document=types.TextDocumentIdentifier(uri=uri(client, "Home.md")),
                position=at(client, "Home.md", "[[Alpha]]", 3),
                new_name="beta note",
            )
        )


@BOTH_PROFILES
async def test_rename_of_an_open_note_uses_its_unsaved_text_and_version(client: LanguageClient):
    text = read(client, "Notes/Sub/Gamma.md").replace("See ", "Voir ✨ ")
    await open_note(client, "Notes/Sub/Gamma.md", text)
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, "Home.md")),
            position=at(client, "Home.md", "[[Alpha]]", 3),
            new_name="Omega",
        )
    )
    gamma = next(
        c
        for c in edit.document_changes
        if isinstance(c, types.TextDocumentEdit) and c.text_document.uri.endswith("Gamma.md")
    )
    assert gamma.text_document.version == 1
    line = text.split("\n")[2]
    start = line.index("Notes/Alpha")
    units = (lambda s: len(s.encode("utf-8"))) if utf8(client) else (lambda s: len(s.encode("utf-16-le")) // 2)
    assert [(e.range.start.character, e.new_text) for e in gamma.edits] == [(units(line[:start]), "Notes/Omega")]


# ----------------------------------------------------------------------------- headings, blocks, tags


@BOTH_PROFILES
async def test_rename_heading_rewrites_links_to_it(client: LanguageClient):
    moves = await rename(client, "Notes/Alpha.md", at(client, "Notes/Alpha.md", "## Details", 5), "Fine Print")
    assert moves == {}
    assert "## Fine Print" in read(client, "Notes/Alpha.md")
    assert "[[Alpha#Fine Print|the details]]" in read(client, "Home.md")
    assert "[[Notes/Alpha#Fine Print]]" in read(client, "Notes/Sub/Gamma.md")
    assert "😀 [[Alpha#Fine Print|détails]]" in read(client, "Unicode.md")


@BOTH_PROFILES
async def test_rename_heading_from_a_link_part(client: LanguageClient):
    await rename(client, "Home.md", at(client, "Home.md", "#Details|", 3), "Particulars")
    assert "## Particulars" in read(client, "Notes/Alpha.md")


async def test_rename_block_id_rewrites_links_to_it(client: LanguageClient):
    await rename(client, "Notes/Alpha.md", at(client, "Notes/Alpha.md", "^key-point", 2), "main-point")
    assert "Some text. ^main-point" in read(client, "Notes/Alpha.md")
    assert "[[Alpha#^main-point]]" in read(client, "Home.md")


async def test_rename_tag_everywhere_with_nested_tags_and_frontmatter(client: LanguageClient):
    await rename(client, "Home.md", at(client, "Home.md", "#project ", 2), "work")
    home = read(client, "Home.md")
    assert "tags: [work, work/Active]" in home
    assert "Start with #work and #work/sub, but not #projects." in home
    alpha = read(client, "Notes/Alpha.md")
    assert "tags: work\n" in alpha and "Detail text with #work/sub." in alpha


async def test_rename_tag_refuses_spaces(client: LanguageClient):
    with pytest.raises(Exception, match="not a tag"):
        await client.text_document_rename_async(
            types.RenameParams(
                text_document=types.TextDocumentIdentifier(uri=uri(client, "Home.md")),
                position=at(client, "Home.md", "#project ", 2),
                new_name="two words",
            )
        )


# ----------------------------------------------------------------------------- willRenameFiles


async def will_rename(client: LanguageClient, pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The editor's explorer moves files: ask for the link edits, apply them, move the files
    (as the editor does after the edits), and check the guarantee."""
    root: Path = client.vault  # type: ignore[attr-defined]
    before = snapshot(root)
    edit = await client.workspace_will_rename_files_async(
        types.RenameFilesParams(
            files=[types.FileRename(old_uri=(root / old).as_uri(), new_uri=(root / new).as_uri()) for old, new in pairs]
        )
    )
    if edit is not None:
        assert not any(isinstance(c, types.RenameFile) for c in edit.document_changes or [])
        apply_edit(client, edit)
    moves: dict[str, str] = {}
    for old, new in pairs:
        (root / new).parent.mkdir(parents=True, exist_ok=True)
        if (root / old).is_dir():
            for file in (root / old).rglob("*"):
                if file.is_file():
                    rel = file.relative_to(root).as_posix()
                    moves[rel] = new + rel[len(old) :]
        else:
            moves[old] = new
        os.rename(root / old, root / new)
    assert_no_link_broke(before, root, moves)
    return moves


async def test_will_rename_files_rewrites_links_to_a_moved_note(client: LanguageClient):
    await will_rename(client, [("Notes/Alpha.md", "Archive/Alpha.md")])
    home = read(client, "Home.md")
    assert "Bare: [[Alpha]]" in home and "Path: [[Archive/Alpha]]" in home
    assert "[alpha](../Archive/Alpha.md)" in read(client, "Notes/Beta Note.md")


async def test_will_rename_files_handles_a_renamed_folder(client: LanguageClient):
    moves = await will_rename(client, [("Notes", "Library")])
    assert "Notes/Sub/Gamma.md" in moves
    home = read(client, "Home.md")
    assert "Path: [[Library/Alpha]]" in home
    assert "[beta](Library/Beta%20Note.md)" in home
    assert "[[Library/Alpha#Details]]" in read(client, "Library/Sub/Gamma.md")


async def test_will_rename_files_rewrites_embeds_of_a_renamed_attachment(client: LanguageClient):
    await will_rename(client, [("Attachments/diagram.png", "Attachments/chart.png")])
    assert "![[chart.png|200]]" in read(client, "Home.md")


async def test_will_rename_files_outside_the_vault_gives_no_edit(client: LanguageClient, tmp_path: Path):
    root: Path = client.vault  # type: ignore[attr-defined]
    edit = await client.workspace_will_rename_files_async(
        types.RenameFilesParams(
            files=[
                types.FileRename(old_uri=(root / "Unicode.md").as_uri(), new_uri=(tmp_path / "Elsewhere.md").as_uri())
            ]
        )
    )
    assert edit is None


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "vaultls", "serve"]), loop_scope="module"
)
async def bare_client(lsp_client: LanguageClient):
    """A client that the test initializes itself, to read the server's capabilities (a server of
    its own for each test)."""

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        pass

    yield
    await lsp_client.shutdown_session()


async def test_server_asks_for_will_rename_of_notes_attachments_and_folders(bare_client: LanguageClient, vault: Path):
    result = await bare_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=vault.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=vault.as_uri(), name="nav")],
        )
    )
    filters = result.capabilities.workspace.file_operations.will_rename.filters
    globs = {(f.pattern.glob, f.pattern.matches) for f in filters}
    assert ("**/*.md", types.FileOperationPatternKind.File) in globs
    assert ("**/*", types.FileOperationPatternKind.Folder) in globs
    assert result.capabilities.rename_provider.prepare_provider is True


async def test_rename_of_a_note_is_refused_when_the_client_cannot_rename_files(
    bare_client: LanguageClient, vault: Path
):
    caps = client_capabilities("visual-studio-code")
    caps.workspace.workspace_edit.resource_operations = []
    await bare_client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            root_uri=vault.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=vault.as_uri(), name="nav")],
        )
    )
    bare_client.vault = vault  # type: ignore[attr-defined]
    bare_client.profile = "visual-studio-code"  # type: ignore[attr-defined]
    with pytest.raises(Exception, match="cannot rename files"):
        await prepare(bare_client, "Home.md", at(bare_client, "Home.md", "[[Alpha]]", 3))
    # A heading rename needs no file operation and still works.
    result = await prepare(bare_client, "Notes/Alpha.md", at(bare_client, "Notes/Alpha.md", "## Details", 4))
    assert result.placeholder == "Details"
