"""Commands that make notes: daily notes and notes from templates. The server never writes a
file: it asks the editor to create the note (one `workspace/applyEdit`: CreateFile, then the
filled template inserted) and then to show it (`window/showDocument`).

- `vaultls.openDailyNote [day] [uri]`: the daily note of `day` (an offset in days such as `1`
  or `-1`, an ISO date `2026-12-24`, or a word such as `tomorrow`; today by default) in the
  vault of `uri` (a note or folder URI; the first vault by default), created from the daily
  notes template when it does not exist (vault/daily_notes.py).
- `vaultls.newNote {title, folder?, template?, uri?}` (or `title, template?, folder?` as
  arguments): a new note from a template of the Templates folder (vault/new_note.py), in
  `folder` or where Obsidian puts new notes (`.obsidian/app.json`); an existing note is shown.
- `vaultls.listTemplates [uri]`: the template names `newNote` accepts, for an editor to offer.

Each answers `{"uri": ..., "created": bool}` (None when nothing was done, with a message).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any

from lsprotocol import types

from vaultls.lsp.roots import fs_path
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import names
from vaultls.vault.daily_notes import daily_config, parse_day
from vaultls.vault.index import Vault
from vaultls.vault.moment import UnsupportedToken
from vaultls.vault.new_note import Filling, compose, find_template, list_templates, note_path, templates_config
from vaultls.vault.obsidian_app import new_note_folder, read_app_json

log = logging.getLogger(__name__)

OPEN_DAILY_NOTE = "vaultls.openDailyNote"
NEW_NOTE = "vaultls.newNote"
LIST_TEMPLATES = "vaultls.listTemplates"


def say(ls: VaultLanguageServer, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
    """Tell the user why a command did nothing (every time: they asked for it)."""
    log.info("%s", message)
    ls.window_show_message(types.ShowMessageParams(type=kind, message=f"vaultls: {message}"))


def vault_for(ls: VaultLanguageServer, uri: str | None) -> Vault | None:
    """The vault of a note or folder URI; without one, the first vault."""
    if uri is None:
        return next(iter(ls.vaults.values()), None)
    ref = ls.locate(uri)
    if ref is not None:
        return ref.vault
    path = fs_path(uri)
    found = next((vault for root, vault in ls.vaults.items() if path is not None and path == root), None)
    if found is None and len(ls.vaults) == 1:
        return next(iter(ls.vaults.values()))  # the only vault, however the client spells its folder
    return found


def can_create(ls: VaultLanguageServer) -> bool:
    ops = ls.client_supports("workspace.workspace_edit.resource_operations", None) or []
    return types.ResourceOperationKind.Create in ops or "create" in ops


def _exists(vault: Vault, path: str) -> bool:
    return vault.is_note(path) or os.path.lexists(vault.abspath(path))


async def create_and_show(
    ls: VaultLanguageServer, vault: Vault, path: str, text: str, label: str
) -> dict[str, Any] | None:
    """Show the note at `path`, first creating it with `text` when it does not exist."""
    uri = ls.uri_of(vault, path)
    created = not _exists(vault, path)
    if created:
        if not can_create(ls):
            say(
                ls,
                f"this editor cannot create files for a language server (workspace edits with `create`); "
                f"create {path} yourself",
            )
            return None
        changes: list[types.CreateFile | types.TextDocumentEdit] = [
            types.CreateFile(uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=True))
        ]
        if text:
            start = types.Position(0, 0)
            changes.append(
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                    edits=[types.TextEdit(range=types.Range(start=start, end=start), new_text=text)],
                )
            )
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=types.WorkspaceEdit(document_changes=changes), label=label)
        )
        if not result.applied:
            say(
                ls,
                f"the editor did not create {path}" + (f": {result.failure_reason}" if result.failure_reason else ""),
            )
            return None
    if ls.client_supports("window.show_document.support", False):
        shown = await ls.window_show_document_async(types.ShowDocumentParams(uri=uri, take_focus=True))
        if not shown.success:
            log.info("the editor did not open %s", uri)
    return {"uri": uri, "created": created}


def template_text(ls: VaultLanguageServer, vault: Vault, path: str | None) -> str:
    text = ls.text_of(vault, path) if path else None
    return text or ""


async def open_daily_note_command(ls: VaultLanguageServer, *args: Any) -> dict[str, Any] | None:
    await ls.ready.wait()
    uri = next((a for a in args if isinstance(a, str) and ("://" in a or a.startswith("file:"))), None)
    spec = next((a for a in args if a is not None and a is not uri), None)
    vault = vault_for(ls, uri)
    if vault is None:
        say(ls, "no vault is open")
        return None
    now = dt.datetime.now()
    day = now.date() if spec is None else parse_day(str(spec), now.date())
    if day is None or isinstance(spec, bool):
        say(
            ls,
            f"{spec!r} names no day (give an offset in days such as 1 or -1, a date such as 2026-12-24, "
            "or a word such as tomorrow)",
        )
        return None
    config = daily_config(vault.root, ls.caches_for(vault).obsidian)
    try:
        path = config.note_path(day)
    except (UnsupportedToken, ValueError) as exc:
        say(ls, f"the daily note's name cannot be made: {exc}")
        return None
    text = ""
    if not _exists(vault, path) and config.template:
        template = find_template(vault, templates_config(vault.root, ls.caches_for(vault).obsidian), config.template)
        if template is None:
            say(
                ls,
                f"the daily notes template {config.template!r} ({config.source}) is not a note of the vault; "
                "the note is created empty",
            )
        else:
            title = names.strip_note_suffix(names.last_component(path))
            # As Obsidian's Daily notes fill a template: `{{date}}` is the note's day in the daily format.
            filling = Filling(title, dt.datetime.combine(day, now.time()), date_format=config.format)
            text, problems = compose(template_text(ls, vault, template), filling)
            for problem in problems:
                say(ls, problem)
    return await create_and_show(ls, vault, path, text, f"Create the daily note {path}")


def _new_note_args(args: tuple[Any, ...]) -> dict[str, Any]:
    if args and isinstance(args[0], dict):
        return dict(args[0])
    keys = ("title", "template", "folder")
    return {key: value for key, value in zip(keys, args, strict=False) if isinstance(value, str)}


async def new_note_command(ls: VaultLanguageServer, *args: Any) -> dict[str, Any] | None:
    await ls.ready.wait()
    wanted = _new_note_args(args)
    title, folder, template_name = wanted.get("title"), wanted.get("folder"), wanted.get("template")
    uri = wanted.get("uri")
    if not isinstance(uri, str) and args and isinstance(args[0], dict):  # {title, ...}, then the vault's URI
        uri = next((a for a in args[1:] if isinstance(a, str)), None)
    vault = vault_for(ls, uri if isinstance(uri, str) else None)
    if vault is None:
        say(ls, "no vault is open")
        return None
    if not isinstance(title, str):
        say(ls, "a new note needs a title")
        return None
    if not isinstance(folder, str):
        folder = new_note_folder(read_app_json(vault.root), "")
    try:
        path = note_path(folder, title)
    except ValueError as exc:
        say(ls, f"no note {title!r}: {exc}")
        return None
    text = ""
    if isinstance(template_name, str) and template_name.strip() and not _exists(vault, path):
        config = templates_config(vault.root, ls.caches_for(vault).obsidian)
        template = find_template(vault, config, template_name)
        if template is None:
            say(ls, f"no template {template_name!r} in the vault (templates folder: {config.folder or 'not set'})")
            return None
        filling = Filling(title.strip(), dt.datetime.now(), config.date_format, config.time_format)
        text, problems = compose(template_text(ls, vault, template), filling)
        for problem in problems:
            say(ls, problem)
    return await create_and_show(ls, vault, path, text, f"Create the note {path}")


async def list_templates_command(ls: VaultLanguageServer, *args: Any) -> list[str]:
    await ls.ready.wait()
    vault = vault_for(ls, args[0] if args and isinstance(args[0], str) else None)
    if vault is None:
        return []
    return [name for name, _ in list_templates(vault, templates_config(vault.root, ls.caches_for(vault).obsidian))]


COMMANDS = (
    (OPEN_DAILY_NOTE, open_daily_note_command),
    (NEW_NOTE, new_note_command),
    (LIST_TEMPLATES, list_templates_command),
)
