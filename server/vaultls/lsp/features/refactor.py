"""Refactoring code actions, offered next to the quick fixes of `code_actions.py` (which calls
`refactor_actions`):

- "Extract section to new note" (`refactor.extract`) on a heading line, except a note's title:
  creates a note named after the heading with the section's text, replaces the section with a
  link to it, and points every link into the section at the new note (`vault.extract`). Needs a
  client that can create files through a WorkspaceEdit.
- "Add alias" (`refactor.rewrite`) on a link with display text, `[[Anarchism|anarchists]]`:
  adds the display text to the target note's `aliases`, so completion and Obsidian's search
  find the note by that name.
"""

from __future__ import annotations

from lsprotocol import types

from vaultls.lsp.cursor import Cursor
from vaultls.lsp.features.mention_actions import LINK_MENTIONS, resolve_link_all
from vaultls.lsp.features.references import Lines
from vaultls.lsp.features.rename import Refused, workspace_edit
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import names
from vaultls.vault.model import Heading, Link
from vaultls.vault.refactor import RenameError, add_alias, extract_section, title_heading
from vaultls.vault.references import target_at

KINDS = (types.CodeActionKind.RefactorExtract, types.CodeActionKind.RefactorRewrite)


def _wanted(params: types.CodeActionParams, kind: str) -> bool:
    only = params.context.only
    return not only or any(kind == o or kind.startswith(f"{o}.") for o in only)


def refactor_actions(ls: VaultLanguageServer, cursor: Cursor, params: types.CodeActionParams) -> list[types.CodeAction]:
    actions: list[types.CodeAction] = []
    target = target_at(cursor.note, cursor.pos)
    if target.kind == "heading" and _wanted(params, types.CodeActionKind.RefactorExtract):
        action = _extract(ls, cursor, target.heading)
        if action is not None:
            actions.append(action)
    if target.kind == "link" and _wanted(params, types.CodeActionKind.RefactorRewrite):
        action = _alias(ls, cursor, target.link)
        if action is not None:
            actions.append(action)
    return actions


def _can_create(ls: VaultLanguageServer) -> bool:
    ops = ls.client_supports("workspace.workspace_edit.resource_operations", None) or []
    return types.ResourceOperationKind.Create in ops or "create" in ops


def _extract(ls: VaultLanguageServer, cursor: Cursor, heading: Heading | None) -> types.CodeAction | None:
    if heading is None or not heading.text or title_heading(cursor.note) == heading or not _can_create(ls):
        return None
    data = {
        "vaultls": "extract-section",
        "uri": ls.uri_of(cursor.ref.vault, cursor.ref.path),
        "line": heading.line,
        "text": heading.text,
    }
    action = types.CodeAction(
        title=f'Extract section "{heading.text}" to a new note', kind=types.CodeActionKind.RefactorExtract, data=data
    )
    resolvable = ls.client_supports("text_document.code_action.resolve_support.properties", None) or []
    if "edit" in resolvable:
        return action  # the edit costs a check of the whole vault: computed only when chosen
    try:
        return _with_extract_edit(ls, action)
    except Refused:
        return None


def _with_extract_edit(ls: VaultLanguageServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    ref = ls.locate(str(data.get("uri", "")))
    note = ref.note if ref is not None else None
    heading = (
        next((h for h in note.parsed.headings if h.line == data.get("line") and h.text == data.get("text")), None)
        if note is not None
        else None
    )
    if ref is None or heading is None:
        raise Refused("the note changed since this action was offered; ask again")
    vault, path = ref.vault, ref.path
    try:
        extraction = extract_section(vault, path, heading, Lines(ls, vault))
    except RenameError as exc:
        raise Refused(f"cannot extract: {exc}") from exc
    edit = workspace_edit(ls, vault, extraction.plan, rename_files=False)
    new_uri = ls.uri_of(vault, extraction.new_path)
    start = types.Position(line=0, character=0)
    create: list[types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile] = [
        types.CreateFile(uri=new_uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=False)),
        types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=new_uri, version=None),
            edits=[types.TextEdit(range=types.Range(start=start, end=start), new_text=extraction.new_text)],
        ),
    ]
    existing = list(edit.document_changes or []) or [
        types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None), edits=edits
        )
        for uri, edits in (edit.changes or {}).items()
    ]
    action.title = f"Extract section to new note {extraction.new_path}"
    action.edit = types.WorkspaceEdit(document_changes=[*create, *existing])
    return action


async def resolve_code_action(ls: VaultLanguageServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data
    if isinstance(data, dict) and data.get("vaultls") == LINK_MENTIONS and action.edit is None:
        return resolve_link_all(ls, action)  # "Link all N unlinked mentions" (features/mention_actions.py)
    if not isinstance(data, dict) or data.get("vaultls") != "extract-section" or action.edit is not None:
        return action
    await ls.indexed.wait()
    return _with_extract_edit(ls, action)


def _alias(ls: VaultLanguageServer, cursor: Cursor, link: Link | None) -> types.CodeAction | None:
    if link is None or link.kind != "wiki" or not link.display or link.embed:
        return None
    vault = cursor.ref.vault
    res = vault.resolve(cursor.ref.path, link)
    if res.target is None or res.target not in vault.notes:
        return None
    note = vault.notes[res.target]
    if names.key(link.display) == names.key(note.name):
        return None
    try:
        plan = add_alias(vault, res.target, link.display, Lines(ls, vault))
    except RenameError:
        return None
    return types.CodeAction(
        title=f'Add alias "{link.display}" to {note.name}',
        kind=types.CodeActionKind.RefactorRewrite,
        edit=workspace_edit(ls, vault, plan, rename_files=False),
    )


FEATURES = ((types.CODE_ACTION_RESOLVE, None, resolve_code_action),)
