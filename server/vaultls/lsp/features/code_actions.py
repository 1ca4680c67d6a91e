"""Quick fixes for link diagnostics. They are WorkspaceEdits for the user to accept: the server
never creates or changes a file itself.

Only the diagnostics under the request's range get actions: a client may send every
diagnostic of the line (Neovim does), and the actions of a link next to the cursor's are noise.

"Create note" creates the note where Obsidian would (`vault.obsidian_app`: `.obsidian/app.json`
`newFileLocation`, the vault root by default) and then opens it: the action carries the
command `vaultls.openNote`, which the client runs after applying the edit, and the server
answers with `window/showDocument` (features/commands.py)."""

from __future__ import annotations

from lsprotocol import types

from vaultls.lsp.cursor import Cursor, cursor_at
from vaultls.lsp.features.commands import OPEN_NOTE
from vaultls.lsp.features.mention_actions import mention_actions
from vaultls.lsp.features.refactor import KINDS as REFACTOR_KINDS
from vaultls.lsp.features.refactor import refactor_actions
from vaultls.lsp.features.template_actions import template_actions
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import names
from vaultls.vault.index import Vault, find_heading
from vaultls.vault.model import Link, Position, Range
from vaultls.vault.obsidian_app import new_note_path, read_app_json


async def code_action(ls: VaultLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    await ls.indexed.wait()
    cursor = cursor_at(ls, params.text_document.uri, params.range.start)
    if cursor is None:
        return None
    actions: list[types.CodeAction] = []
    for diagnostic in params.context.diagnostics:
        if diagnostic.source != "vaultls" or not _overlaps(diagnostic.range, params.range):
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
                actions += template_actions(ls, cursor, link, diagnostic)  # features/template_actions.py
        elif diagnostic.code == "ambiguous-link" and link.kind == "wiki":
            data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
            candidates = [c for c in data.get("candidates", []) if isinstance(c, str)]
            for candidate in with_subpath(cursor.ref.vault, candidates, link)[:8]:
                actions.append(_disambiguate(ls, cursor, link, candidate, diagnostic))
    actions.extend(refactor_actions(ls, cursor, params))  # extract section, add alias (features/refactor.py)
    actions.extend(mention_actions(ls, cursor, params))  # link unlinked mentions (features/mention_actions.py)
    return actions or None


def _overlaps(a: types.Range, b: types.Range) -> bool:
    """Whether two ranges share a position (an empty range, a cursor, touching either end)."""
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (
        b.start.line,
        b.start.character,
    ) <= (a.end.line, a.end.character)


def with_subpath(vault: Vault, candidates: list[str], link: Link) -> list[str]:
    """The candidates of an ambiguous link that have the heading or block it names (all of
    them when it names none): linking to another one would only move the problem."""
    if link.block is None and not link.subpath:
        return candidates
    kept = []
    for path in candidates:
        note = vault.notes.get(path)
        if note is None:
            continue
        if link.block is not None:
            wanted = names.key(link.block)
            if any(names.key(b.id) == wanted for b in note.parsed.blocks):
                kept.append(path)
        elif find_heading(note.parsed.headings, link.subpath) is not None:
            kept.append(path)
    return kept


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
    if not last or ("." in last and not names.is_note_path(last)):
        return None  # an attachment: nothing we could create
    vault = cursor.ref.vault
    relative = link.kind == "markdown" or target.startswith(("./", "../"))
    rel = new_note_path(read_app_json(vault.root), cursor.ref.path, target, relative)
    if rel is None:
        return None  # climbs out of the vault
    uri = ls.uri_of(vault, rel)
    title = names.strip_note_suffix(names.last_component(rel))
    start = types.Position(0, 0)
    edit = types.WorkspaceEdit(
        document_changes=[
            # `ignoreIfExists`: a file the index does not know (excluded, hidden) is never
            # overwritten; the title is then added at its top, which the user sees and can undo.
            types.CreateFile(uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=True)),
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=[types.TextEdit(range=types.Range(start=start, end=start), new_text=f"# {title}\n")],
            ),
        ]
    )
    # Opened once the edit is applied (the client runs a code action's command after its edit).
    command = types.Command(title="Open the new note", command=OPEN_NOTE, arguments=[uri])
    return types.CodeAction(
        title=f"Create note {rel}",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=edit,
        command=command,
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
