""" "Create note from template …" on a dangling link, next to "Create note" (code_actions.py):
one action per template of the Templates folder (`.obsidian/templates.json`), at most
`MAX_TEMPLATES`, each creating the note where "Create note" would, filled from that template
(vault/new_note.py), and opening it. One action per template, not one that asks: every editor
lists code actions, not every one has a picker a server can drive."""

from __future__ import annotations

import datetime as dt

from lsprotocol import types

from vaultls.lsp.cursor import Cursor
from vaultls.lsp.features.commands import OPEN_NOTE
from vaultls.lsp.features.new_notes import can_create, template_text
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import names
from vaultls.vault.model import Link
from vaultls.vault.new_note import Filling, compose, list_templates, templates_config, title_problem
from vaultls.vault.obsidian_app import new_note_path, read_app_json

MAX_TEMPLATES = 10


def template_actions(
    ls: VaultLanguageServer, cursor: Cursor, link: Link, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    """The "Create note … from template …" actions of the dangling `link`."""
    if not can_create(ls):
        return []
    vault = cursor.ref.vault
    templates = list_templates(vault, templates_config(vault.root, ls.caches_for(vault).obsidian))
    if not templates:
        return []
    target = link.target.replace("\\", "/")
    last = names.last_component(target)
    if not last or ("." in last and not names.is_note_path(last)):
        return []  # an attachment
    relative = link.kind == "markdown" or target.startswith(("./", "../"))
    rel = new_note_path(read_app_json(vault.root), cursor.ref.path, target, relative)
    if rel is None or vault.is_note(rel):
        return []
    title = names.strip_note_suffix(names.last_component(rel))
    if title_problem(title) is not None:
        return []
    uri = ls.uri_of(vault, rel)
    config = templates_config(vault.root, ls.caches_for(vault).obsidian)
    filling = Filling(title, dt.datetime.now(), config.date_format, config.time_format)
    actions = []
    for name, path in templates[:MAX_TEMPLATES]:
        text, _ = compose(template_text(ls, vault, path), filling)
        start = types.Position(0, 0)
        changes: list[types.CreateFile | types.TextDocumentEdit] = [
            types.CreateFile(uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=True))
        ]
        if text:
            changes.append(
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                    edits=[types.TextEdit(range=types.Range(start=start, end=start), new_text=text)],
                )
            )
        actions.append(
            types.CodeAction(
                title=f"Create note {rel} from template {name}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(document_changes=changes),
                command=types.Command(title="Open the new note", command=OPEN_NOTE, arguments=[uri]),
            )
        )
    return actions
