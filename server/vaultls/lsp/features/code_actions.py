"""Quick fixes for link diagnostics. They are WorkspaceEdits for the user to accept: the server
never creates or changes a file itself."""

from __future__ import annotations

from lsprotocol import types

from vaultls.lsp.cursor import Cursor, cursor_at
from vaultls.lsp.features.refactor import KINDS as REFACTOR_KINDS
from vaultls.lsp.features.refactor import refactor_actions
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import names
from vaultls.vault.index import normalise_path
from vaultls.vault.model import Link, Position, Range


async def code_action(ls: VaultLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    await ls.indexed.wait()
    cursor = cursor_at(ls, params.text_document.uri, params.range.start)
    if cursor is None:
        return None
    actions: list[types.CodeAction] = []
    for diagnostic in params.context.diagnostics:
        if diagnostic.source != "vaultls":
            continue
        start = ls.codec.from_client(cursor.lines, diagnostic.range.start)
        link = next((found for found in cursor.note.parsed.links if found.target_range.start == start), None)
        if link is None:
            continue
        if diagnostic.code == "dangling-link":
            data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
            if data.get("alias_of"):
                actions.append(_use_alias_owner(ls, cursor, link, data["alias_of"], diagnostic))
            create = _create_note(ls, cursor, link, diagnostic)
            if create is not None:
                actions.append(create)
        elif diagnostic.code == "ambiguous-link" and link.kind == "wiki":
            data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
            for candidate in data.get("candidates", [])[:8]:
                actions.append(_disambiguate(ls, cursor, link, candidate, diagnostic))
    actions.extend(refactor_actions(ls, cursor, params))  # extract section, add alias (features/refactor.py)
    return actions or None


def _replace(ls: VaultLanguageServer, cursor: Cursor, *edits: tuple[Range, str]) -> types.WorkspaceEdit:
    uri = ls.uri_of(cursor.ref.vault, cursor.ref.path)
    return types.WorkspaceEdit(
        changes={uri: [types.TextEdit(range=ls.codec.range_to_client(cursor.lines, r), new_text=t) for r, t in edits]}
    )


def _use_alias_owner(
    ls: VaultLanguageServer, cursor: Cursor, link: Link, owner: str, diagnostic: types.Diagnostic
) -> types.CodeAction:
    """`[[Bonapartist]]` → `[[Bonapartism|Bonapartist]]`: same words on the page, a real link."""
    sub = "".join(f"#{part}" for part in link.subpath) + (f"#^{link.block}" if link.block else "")
    shown = link.display or link.target
    if link.kind == "wiki":
        new = f"{'!' if link.embed else ''}[[{owner}{sub}|{shown}]]"
    else:
        new = f"{'!' if link.embed else ''}[{shown}]({_md_path(owner + '.md')}{_md_fragment(sub)})"
    return types.CodeAction(
        title=f'Link to {owner} ("{link.target}" is its alias)',
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=True,
        edit=_replace(ls, cursor, (link.range, new)),
    )


def _create_note(
    ls: VaultLanguageServer, cursor: Cursor, link: Link, diagnostic: types.Diagnostic
) -> types.CodeAction | None:
    ops = ls.client_supports("workspace.workspace_edit.resource_operations", None) or []
    if types.ResourceOperationKind.Create not in ops and "create" not in ops:
        return None
    target = link.target.replace("\\", "/")
    last = names.last_component(target)
    if "." in last and not names.is_note_path(last):
        return None  # an attachment: nothing we could create
    vault = cursor.ref.vault
    folder = cursor.note.folder
    if link.kind == "markdown" or target.startswith(("./", "../")):
        rel = normalise_path(f"{folder}/{target}" if folder else target)
    elif "/" in target:
        rel = normalise_path(target.lstrip("/"))
    else:
        rel = f"{folder}/{target}" if folder else target
    if not rel:
        return None  # climbs out of the vault
    if not names.is_note_path(rel):
        rel += ".md"
    uri = ls.uri_of(vault, rel)
    title = names.strip_note_suffix(names.last_component(rel))
    edit = types.WorkspaceEdit(
        document_changes=[
            types.CreateFile(uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=True)),
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=[
                    types.TextEdit(
                        range=types.Range(start=types.Position(0, 0), end=types.Position(0, 0)), new_text=f"# {title}\n"
                    )
                ],
            ),
        ]
    )
    return types.CodeAction(
        title=f"Create note {rel}",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=edit,
    )


def _disambiguate(
    ls: VaultLanguageServer, cursor: Cursor, link: Link, candidate: str, diagnostic: types.Diagnostic
) -> types.CodeAction:
    start = link.target_range.start
    path = names.strip_note_suffix(candidate) if cursor.ref.vault.is_note(candidate) else candidate
    edits = [(Range(start, Position(start.line, start.character + len(link.target))), path)]
    if link.display is None and not link.embed:
        # Keep what the reader sees: `[[Trotsky]]` → `[[People/Trotsky|Trotsky]]`.
        close = link.range.end.character - 2
        edits.append((Range.on_line(link.range.end.line, close, close), f"|{link.target}"))
    return types.CodeAction(
        title=f"Link to {candidate} explicitly",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=_replace(ls, cursor, *edits),
    )


def _md_path(path: str) -> str:
    return path.replace(" ", "%20")


def _md_fragment(sub: str) -> str:
    return sub.replace(" ", "%20")


FEATURES = (
    (
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, *REFACTOR_KINDS], resolve_provider=True
        ),
        code_action,
    ),
)
