"""Rename with link updates: `textDocument/prepareRename`, `textDocument/rename` and
`workspace/willRenameFiles`. The plans come from `vaultls.vault.rename`; this module picks what
is being renamed and translates a plan into a WorkspaceEdit.

What a rename at the cursor renames:
- on a link's `#heading` / `#^block` part: that heading / block id;
- elsewhere on a link: the note (or attachment) it resolves to;
- on a `#tag`: the tag, everywhere; on a `^block-id`: the block id;
- on the note's title heading (a level-1 heading that says the note's name), or anywhere that
  is not one of the above: the note itself; on any other heading: that heading.

A note rename is one WorkspaceEdit: the link edits, then a RenameFile. Clients that cannot
rename files through a WorkspaceEdit (no `rename` in `workspace.workspaceEdit.resourceOperations`)
are told so and get nothing, since rewriting the links without moving the file would break
every one of them; they can rename the file in their file explorer, which sends
`workspace/willRenameFiles` and gets the same link edits.

A note renamed either way keeps its title heading, as in Obsidian; the setting
`rename.updateTitleHeading` renames it too (and the links to it), the same from a link and
from the file explorer. Each rename says what it changes ("Updated 3 links in 2 notes", a
`window/showMessage`) when it changes links: an edit with many files is otherwise silent.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError

from vaultls.lsp.cursor import Cursor, cursor_at
from vaultls.lsp.features.footnote_items import footnote_rename
from vaultls.lsp.features.references import Lines
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import names
from vaultls.vault.index import Vault
from vaultls.vault.model import Range
from vaultls.vault.plural import counted
from vaultls.vault.refactor import (
    RenameError,
    RenamePlan,
    changed_links,
    fragment_parts,
    move_files,
    path_span,
    rename_block,
    rename_heading,
    rename_note,
    rename_tag,
    retitle,
    title_heading,
    validate_note_name,
)
from vaultls.vault.references import target_at

log = logging.getLogger(__name__)

_WORD = re.compile(r"\S+")


class Refused(JsonRpcInternalError):
    """A rename we will not do; the client shows the message. LSP's RequestFailed code, and a
    subclass of the error the feature guard passes through untouched."""

    CODE = int(types.LSPErrorCodes.RequestFailed)


@dataclass
class Choice:
    """What a rename at the cursor renames."""

    what: str  # "note", "file", "heading", "block", "tag"
    range: Range  # shown to the user as the thing being renamed
    placeholder: str
    plan: Callable[[str], RenamePlan]
    moves_files: bool = False


def choose(ls: VaultLanguageServer, cursor: Cursor) -> Choice:
    footnote = footnote_rename(cursor)  # `[^id]`: the id in this note (features/footnote_items.py)
    if footnote is not None:
        return Choice("footnote", *footnote)
    vault, path, note = cursor.ref.vault, cursor.ref.path, cursor.note
    lines = Lines(ls, vault)
    target = target_at(note, cursor.pos)
    col = cursor.pos.character
    if target.kind == "link" and target.link is not None:
        link = target.link
        res = vault.resolve(path, link)
        if res.outside or res.target is None:
            raise Refused(f'"{link.target}" does not exist: there is nothing to rename')
        dest = res.target
        line_no = link.target_range.start.line
        for start, end, raw in fragment_parts(link, cursor.line_text):
            if start <= col <= end:
                rng = Range.on_line(line_no, start, end)
                if raw.startswith("^") and res.block is not None:
                    block = res.block
                    return Choice(
                        "block",
                        Range.on_line(line_no, start + 1, end),
                        block.id,
                        lambda new: rename_block(vault, dest, block, new, lines),  # noqa: B023 - returned at once
                    )
                if res.heading is not None and not raw.startswith("^"):
                    heading = res.heading
                    return Choice(
                        "heading",
                        rng,
                        heading.text,
                        lambda new: rename_heading(vault, dest, heading, new, lines),  # noqa: B023 - returned at once
                    )
        if link.is_self:
            raise Refused("put the cursor on the heading or block part of the link to rename it")
        start, end = path_span(link, cursor.line_text)
        rng = Range.on_line(line_no, start, end)
        if dest in vault.notes:
            return _note_choice(vault, dest, rng, lines)
        return _file_choice(vault, dest, rng, lines)
    if target.kind == "tag" and target.tag is not None:
        tag = target.tag
        written = cursor.line_text[tag.range.start.character : tag.range.end.character]
        start = tag.range.start.character + len(written) - len(written.lstrip("#"))
        rng = Range.on_line(tag.range.start.line, start, start + len(tag.name))
        return Choice("tag", rng, tag.name, lambda new: rename_tag(vault, tag.name, new, lines))
    if target.kind == "block" and target.block is not None:
        block = target.block
        rng = Range.on_line(block.line, block.range.start.character + 1, block.range.end.character)
        return Choice("block", rng, block.id, lambda new: rename_block(vault, path, block, new, lines))
    if target.kind == "heading" and target.heading is not None:
        heading = target.heading
        if title_heading(note) != heading:
            return Choice(
                "heading", heading.range, heading.text, lambda new: rename_heading(vault, path, heading, new, lines)
            )
        return _note_choice(vault, path, heading.range, lines)
    word = next((m for m in _WORD.finditer(cursor.line_text) if m.start() <= col <= m.end()), None)
    rng = Range.on_line(cursor.pos.line, word.start(), word.end()) if word else Range.on_line(cursor.pos.line, col, col)
    return _note_choice(vault, path, rng, lines)


def _note_choice(vault: Vault, path: str, rng: Range, lines: Lines) -> Choice:
    note = vault.notes[path]
    title = vault.settings.rename_title_heading
    return Choice(
        "note", rng, note.name, lambda new: rename_note(vault, path, new, lines, title_heading=title), moves_files=True
    )


def _file_choice(vault: Vault, path: str, rng: Range, lines: Lines) -> Choice:
    """An attachment, renamed from a link to it: the new name keeps the old extension unless
    one is given."""
    name = names.last_component(path)

    def plan(new: str) -> RenamePlan:
        new = new.strip()
        validate_note_name(new)
        extension = name[name.rfind(".") :] if "." in name else ""
        if extension and "." not in names.last_component(new):
            new += extension
        folder = path.rpartition("/")[0]
        new_path = new.lstrip("/") if "/" in new else (f"{folder}/{new}" if folder else new)
        return move_files(vault, {path: new_path}, lines)

    return Choice("file", rng, name, plan, moves_files=True)


def _can_rename_files(ls: VaultLanguageServer) -> bool:
    ops = ls.client_supports("workspace.workspace_edit.resource_operations", None) or []
    return types.ResourceOperationKind.Rename in ops or "rename" in ops


def _document_changes(ls: VaultLanguageServer) -> bool:
    # Clients that list resource operations apply `documentChanges` (they can carry nothing
    # else); Neovim lists them without setting `documentChanges`.
    return bool(ls.client_supports("workspace.workspace_edit.document_changes", False)) or _can_rename_files(ls)


async def _choice_at(ls: VaultLanguageServer, uri: str, position: types.Position) -> tuple[Cursor, Choice] | None:
    """What a rename at this position would rename, refused early when it would have to move
    a file the client cannot move."""
    await ls.indexed.wait()
    cursor = cursor_at(ls, uri, position)
    if cursor is None:
        return None
    choice = choose(ls, cursor)
    if choice.moves_files and not _can_rename_files(ls):
        raise Refused(_NO_FILE_RENAME)
    return cursor, choice


async def prepare_rename(
    ls: VaultLanguageServer, params: types.PrepareRenameParams
) -> types.PrepareRenamePlaceholder | None:
    found = await _choice_at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    cursor, choice = found
    return types.PrepareRenamePlaceholder(
        range=ls.codec.range_to_client(cursor.lines, choice.range), placeholder=choice.placeholder
    )


_NO_FILE_RENAME = (
    "this editor cannot rename files through the language server; rename the file in its file "
    "explorer instead and vaultls updates the links (workspace/willRenameFiles)"
)


async def rename(ls: VaultLanguageServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    found = await _choice_at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    cursor, choice = found
    try:
        plan = choice.plan(params.new_name)
    except RenameError as exc:
        raise Refused(f"cannot rename: {exc}") from exc
    _tell_changes(ls, cursor.ref.vault, plan)
    return workspace_edit(ls, cursor.ref.vault, plan, rename_files=True)


def _tell_changes(ls: VaultLanguageServer, vault: Vault, plan: RenamePlan) -> None:
    """ "Updated 3 links in 2 notes", when a rename changes links."""
    links, notes = changed_links(vault, plan)
    if not links:
        return
    message = f"vaultls: updated {counted(links, 'link')} in {counted(notes, 'note')}"
    try:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=message))
    except Exception:  # noqa: BLE001 - no client connected (shutdown)
        log.debug("could not show message", exc_info=True)


def workspace_edit(
    ls: VaultLanguageServer, vault: Vault, plan: RenamePlan, *, rename_files: bool
) -> types.WorkspaceEdit:
    """A plan as a WorkspaceEdit: text edits first (on the files' current URIs), then the file
    renames. Ranges are converted from the lines the edits were computed on."""
    lines = Lines(ls, vault)
    per_file: list[tuple[str, list[types.TextEdit]]] = []
    for path, changes in plan.sorted_edits().items():
        text = lines(path)
        per_file.append(
            (
                ls.uri_of(vault, path),
                [types.TextEdit(range=ls.codec.range_to_client(text, c.range), new_text=c.new_text) for c in changes],
            )
        )
    if not _document_changes(ls):
        return types.WorkspaceEdit(changes=dict(per_file))
    document_changes: list[types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile] = []
    for uri, edits in per_file:
        doc = ls.documents.get(uri)
        document_changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=doc.uri if doc is not None else uri, version=doc.version if doc is not None else None
                ),
                edits=edits,
            )
        )
    if rename_files:
        for old, new in sorted(plan.moves.items()):
            document_changes.append(
                types.RenameFile(
                    old_uri=ls.uri_of(vault, old),
                    new_uri=ls.uri_of(vault, new),
                    options=types.RenameFileOptions(overwrite=False, ignore_if_exists=False),
                )
            )
    return types.WorkspaceEdit(document_changes=document_changes)


async def will_rename_files(ls: VaultLanguageServer, params: types.RenameFilesParams) -> types.WorkspaceEdit | None:
    """The user is renaming or moving files or folders in the editor: return the link edits, to
    be applied before the files move. Files moved out of the vault (or into a hidden or
    excluded folder) get no edits: links to them will dangle, as they would in Obsidian."""
    await ls.indexed.wait()
    moves_by_vault: dict[int, tuple[Vault, dict[str, str]]] = {}
    for change in params.files:
        old_ref, new_ref = ls.locate(change.old_uri), ls.locate(change.new_uri)
        if old_ref is None or new_ref is None or new_ref.vault is not old_ref.vault:
            continue
        vault, old, new = old_ref.vault, old_ref.path, new_ref.path
        _, moves = moves_by_vault.setdefault(id(vault), (vault, {}))
        if old in vault.notes or old in vault.attachments:
            moves[old] = new
            continue
        prefix = old + "/"  # a folder: everything in it moves
        for path in (*vault.notes, *vault.attachments):
            if path.startswith(prefix):
                moves[path] = new + path[len(old) :]
    edit: types.WorkspaceEdit | None = None
    for vault, moves in moves_by_vault.values():
        try:
            plan = move_files(vault, moves, Lines(ls, vault))
            if vault.settings.rename_title_heading:
                plan.merge(retitle(vault, moves, Lines(ls, vault)))
        except RenameError as exc:
            ls.tell_once(f"links were not updated for this move: {exc}")
            continue
        if not plan.edits:
            continue
        _tell_changes(ls, vault, plan)
        part = workspace_edit(ls, vault, plan, rename_files=False)
        edit = part if edit is None else _merge(edit, part)
    return edit


def _merge(a: types.WorkspaceEdit, b: types.WorkspaceEdit) -> types.WorkspaceEdit:
    if a.document_changes is not None or b.document_changes is not None:
        return types.WorkspaceEdit(document_changes=[*(a.document_changes or []), *(b.document_changes or [])])
    return types.WorkspaceEdit(changes={**(a.changes or {}), **(b.changes or {})})


_MD_FILES = types.FileOperationRegistrationOptions(
    filters=[
        types.FileOperationFilter(
            scheme="file",
            pattern=types.FileOperationPattern(glob="**/*.md", matches=types.FileOperationPatternKind.File),
        ),
        types.FileOperationFilter(
            scheme="file",
            pattern=types.FileOperationPattern(glob="**/*.markdown", matches=types.FileOperationPatternKind.File),
        ),
        # Attachments (`![[Figure 1.png]]`) and folders (everything inside moves) too.
        types.FileOperationFilter(
            scheme="file",
            pattern=types.FileOperationPattern(glob="**/*.*", matches=types.FileOperationPatternKind.File),
        ),
        types.FileOperationFilter(
            scheme="file",
            pattern=types.FileOperationPattern(glob="**/*", matches=types.FileOperationPatternKind.Folder),
        ),
    ]
)

FEATURES = (
    (types.TEXT_DOCUMENT_PREPARE_RENAME, None, prepare_rename),
    (types.TEXT_DOCUMENT_RENAME, None, rename),
    (types.WORKSPACE_WILL_RENAME_FILES, _MD_FILES, will_rename_files),
)
