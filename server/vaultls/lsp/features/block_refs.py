"""Block references to any paragraph: after `[[Note#^` completion lists the target note's
paragraphs and list items that have no block id yet (vault/paragraphs.py), besides its block
ids (features/completion.py). Words typed after `^` filter them by their text.

Choosing one inserts a new id in the link, and its command `vaultls.addBlockId` asks the editor
to write ` ^id` at the end of that paragraph in the target note (one `workspace/applyEdit`: the
server never writes into the vault). The command carries what the paragraph's last line said
and the target's version when it was open; when the target has changed since, the command
refuses (with a message) rather than put the id on the wrong line, and the edit itself carries
the version, so an editor also rejects it if the note changes before it applies it.
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types

from vaultls.lsp.cursor import Cursor
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.index import Note
from vaultls.vault.model import Range
from vaultls.vault.paragraphs import id_insertion, matches, new_block_id, paragraphs

log = logging.getLogger(__name__)

ADD_BLOCK_ID = "vaultls.addBlockId"
MAX_PARAGRAPHS = 50


def paragraph_items(
    ls: VaultLanguageServer, cursor: Cursor, note: Note, typed: str, rng: types.Range, close: str, first: int
) -> list[types.CompletionItem]:
    """The completion items of `note`'s paragraphs without a block id that match `typed` (the
    text after `^`): each inserts a new id and runs `vaultls.addBlockId` for it."""
    vault = cursor.ref.vault
    lines = ls.lines_of(vault, note.path)
    taken = {b.id for b in note.parsed.blocks}
    target_uri = ls.uri_of(vault, note.path)
    # The note the link is typed in changes as the item is applied: its version is not kept.
    doc = ls.documents.get(target_uri) if note.path != cursor.ref.path else None
    items: list[types.CompletionItem] = []
    for paragraph in paragraphs(lines, note.parsed):
        if paragraph.block_id is not None or not paragraph.excerpt or not matches(paragraph, typed):
            continue
        ident = new_block_id(taken, f"{note.path}\n{paragraph.start_line}\n{paragraph.excerpt}")
        taken.add(ident)
        last = paragraph.end_line
        where = "list item" if paragraph.kind == "item" else "paragraph"
        arguments: dict[str, Any] = {
            "uri": target_uri,
            "line": last,
            "text": lines[last],
            "id": ident,
            "version": doc.version if doc is not None else None,
        }
        items.append(
            types.CompletionItem(
                label=paragraph.excerpt,
                kind=types.CompletionItemKind.Text,
                detail=f"{where}, line {paragraph.start_line + 1}: adds ^{ident}",
                filter_text=_filter_text(typed, paragraph.excerpt),
                sort_text=f"{first + len(items):04d}",
                text_edit=types.TextEdit(range=rng, new_text=ident + close),
                command=types.Command(title=f"Add ^{ident}", command=ADD_BLOCK_ID, arguments=[arguments]),
            )
        )
        if len(items) >= MAX_PARAGRAPHS:
            break
    return items


def _filter_text(typed: str, text: str) -> str:
    """What a client filters the item by: starting with exactly what was typed, so that no
    client drops a paragraph the server matched by its words."""
    if not typed or text.casefold().startswith(typed.casefold()):
        return typed + text[len(typed) :]
    return f"{typed} {text}"


def _say(ls: VaultLanguageServer, message: str) -> None:
    log.info("%s", message)
    ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=f"vaultls: {message}"))


async def add_block_id_command(ls: VaultLanguageServer, *args: Any) -> bool:
    """Ask the editor to write ` ^id` at the end of line `line` of the note `uri`, if that line
    still says `text` (and the note is at `version`, when it was open)."""
    wanted = args[0] if args and isinstance(args[0], dict) else {}
    uri, line, text, ident = wanted.get("uri"), wanted.get("line"), wanted.get("text"), wanted.get("id")
    if not (isinstance(uri, str) and isinstance(line, int) and isinstance(text, str) and isinstance(ident, str)):
        return False
    ref = ls.locate(uri)
    if ref is None or ref.note is None:
        return False
    if any(b.id.lower() == ident.lower() for b in ref.note.parsed.blocks):
        return True  # written already (the command ran twice)
    vault, path = ref.vault, ref.path
    doc = ls.documents.get(ls.uri_of(vault, path))
    version = wanted.get("version")
    lines = ls.lines_of(vault, path)
    changed = line >= len(lines) or lines[line] != text
    if version is not None and (doc is None or doc.version != version):
        changed = True
    if changed:
        _say(ls, f"{path} changed since the completion was offered: ^{ident} was not added; pick the paragraph again")
        return False
    start, end = id_insertion(lines[line])
    rng = ls.codec.range_to_client(lines, Range.on_line(line, start, end))
    edit = types.TextEdit(range=rng, new_text=f" ^{ident}")
    target = doc.uri if doc is not None else ls.uri_of(vault, path)
    if ls.client_supports("workspace.workspace_edit.document_changes", False):
        change = types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(
                uri=target, version=doc.version if doc is not None else None
            ),
            edits=[edit],
        )
        workspace_edit = types.WorkspaceEdit(document_changes=[change])
    else:
        workspace_edit = types.WorkspaceEdit(changes={target: [edit]})
    result = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=workspace_edit, label=f"Add the block id ^{ident}")
    )
    if not result.applied:
        _say(
            ls,
            f"the editor did not add ^{ident} to {path}"
            + (f": {result.failure_reason}" if result.failure_reason else ""),
        )
    return bool(result.applied)


COMMANDS = ((ADD_BLOCK_ID, add_block_id_command),)
