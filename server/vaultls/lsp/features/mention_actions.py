"""Unlinked mentions in the editor (the model is vault/mentions/):

- code actions (`refactor.rewrite`), offered through `code_actions.py`: on a plain-text
  occurrence of another note's name or alias, "Link to [[Name]]" (one a note, four at most when
  several notes share the name); on the note's title heading or in its frontmatter, "Link all N
  unlinked mentions of this note", one WorkspaceEdit over every note that mentions it (with the
  versions of open ones). That one is offered once the vault's mentions of the note are known:
  a request looks for them for a few milliseconds (a small vault's are found), and the rest
  are found in the background, in slices of as long, for a later request;
- the command `vaultls.unlinkedMentions URI`: the Locations of every unlinked mention of the
  note, for a references view (VS Code) or the quickfix list (Neovim). The first reads the notes
  that may hold the note's names; then every note not scanned yet is scanned in the
  background, in slices, so that the next commands read nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any

from lsprotocol import types

from vaultls.lsp.cursor import Cursor
from vaultls.lsp.features.references import Lines
from vaultls.lsp.features.rename import Refused, workspace_edit
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.index import Vault
from vaultls.vault.mentions import Mention, MentionIndex, TextOf, link_mentions, link_text, written
from vaultls.vault.plural import counted
from vaultls.vault.refactor import RenamePlan, title_heading

UNLINKED_MENTIONS = "vaultls.unlinkedMentions"
SLICE = 0.02  # seconds of reading and scanning notes between two looks at the event loop
MAX_TARGETS = 4  # "Link to" actions for one mention of a name several notes share
LINK_MENTIONS = "link-mentions"  # the `data` of "Link all", whose edit is made on resolve
COMPLETING = ""  # in `MentionIndex.preparing`: every note is being scanned in the background


def _text_of(ls: VaultLanguageServer, vault: Vault) -> TextOf:
    return lambda path: ls.text_of(vault, path)


def _index(ls: VaultLanguageServer, vault: Vault) -> MentionIndex:
    return ls.caches_for(vault).mentions


def mention_actions(ls: VaultLanguageServer, cursor: Cursor, params: types.CodeActionParams) -> list[types.CodeAction]:
    """The mention actions at the request's range (see the module docstring)."""
    only = params.context.only
    kind = types.CodeActionKind.RefactorRewrite
    if only and not any(kind == o or kind.startswith(f"{o}.") for o in only):
        return []
    vault, path = cursor.ref.vault, cursor.ref.path
    index, text_of = _index(ls, vault), _text_of(ls, vault)
    start = ls.codec.from_client(cursor.lines, params.range.start)
    end = ls.codec.from_client(cursor.lines, params.range.end)
    actions: list[types.CodeAction] = []
    for mention in index.mentions_in(vault, path, text_of):
        if mention.range.start <= end and start <= mention.range.end:
            actions += [_link_one(ls, cursor, mention, target) for target in mention.targets[:MAX_TARGETS]]
    if _on_title_or_frontmatter(cursor):
        action = _link_all(ls, vault, path, index, text_of)
        if action is not None:
            actions.append(action)
    return actions


def _link_one(ls: VaultLanguageServer, cursor: Cursor, mention: Mention, target: str) -> types.CodeAction:
    vault = cursor.ref.vault
    text, line = written(mention, cursor.lines)
    plan = RenamePlan()
    plan.add(cursor.ref.path, mention.range, link_text(vault, target, text, line))
    return types.CodeAction(
        title=f"Link to [[{vault.shortest_link(target)}]]",
        kind=types.CodeActionKind.RefactorRewrite,
        edit=workspace_edit(ls, vault, plan, rename_files=False),
    )


def _on_title_or_frontmatter(cursor: Cursor) -> bool:
    line = cursor.pos.line
    title = title_heading(cursor.note)
    if title is not None and title.line == line:
        return True
    frontmatter = cursor.note.parsed.frontmatter
    return frontmatter is not None and frontmatter.start_line <= line <= frontmatter.end_line


def _link_all(
    ls: VaultLanguageServer, vault: Vault, path: str, index: MentionIndex, text_of: TextOf
) -> types.CodeAction | None:
    if not index.prepare(vault, path, text_of, SLICE):
        if path not in index.preparing:
            index.preparing.add(path)
            ls.spawn(_prepare_in_background(ls, vault, path))
        return None
    mentions = index.mentions_of(vault, path, text_of)
    if not mentions:
        return None
    action = types.CodeAction(
        title=_link_all_title(len(mentions)),
        kind=types.CodeActionKind.RefactorRewrite,
        data={"vaultls": LINK_MENTIONS, "uri": ls.uri_of(vault, path)},
    )
    resolvable = ls.client_supports("text_document.code_action.resolve_support.properties", None) or []
    if "edit" not in resolvable:
        action.edit = _link_all_edit(ls, vault, path, mentions)
    return action  # else the edit (every mentioning note read) is made when the action is chosen


def _link_all_title(n: int) -> str:
    if n == 1:
        return "Link the unlinked mention of this note"
    return f"Link all {counted(n, 'unlinked mention')} of this note"


def _link_all_edit(ls: VaultLanguageServer, vault: Vault, path: str, mentions: list[Mention]) -> types.WorkspaceEdit:
    return workspace_edit(ls, vault, link_mentions(vault, path, mentions, Lines(ls, vault)), rename_files=False)


def resolve_link_all(ls: VaultLanguageServer, action: types.CodeAction) -> types.CodeAction:
    """The edit of "Link all N unlinked mentions", made when the action is chosen
    (`codeAction/resolve`, through `refactor.resolve_code_action`)."""
    data = action.data if isinstance(action.data, dict) else {}
    ref = ls.locate(str(data.get("uri", "")))
    if ref is None or ref.note is None:
        raise Refused("the note is gone since this action was offered; ask again")
    vault, path = ref.vault, ref.path
    mentions = _index(ls, vault).mentions_of(vault, path, _text_of(ls, vault))
    if not mentions:
        raise Refused("the note has no unlinked mentions any more")
    action.title = _link_all_title(len(mentions))
    action.edit = _link_all_edit(ls, vault, path, mentions)
    return action


async def _prepare(ls: VaultLanguageServer, vault: Vault, path: str) -> bool:
    """Find the mentions of `path` in slices, the loop free in between; False when the vault
    was replaced meanwhile."""
    index = _index(ls, vault)
    while not index.prepare(vault, path, _text_of(ls, vault), SLICE):
        await asyncio.sleep(0)
        if ls.vaults.get(vault.root) is not vault:
            return False
    return True


async def _prepare_in_background(ls: VaultLanguageServer, vault: Vault, path: str) -> None:
    index = _index(ls, vault)
    try:
        await _prepare(ls, vault, path)
    finally:
        index.preparing.discard(path)


async def _complete_in_background(ls: VaultLanguageServer, vault: Vault) -> None:
    """Scan every note not scanned yet, in slices, so that later queries read nothing."""
    index = _index(ls, vault)
    if COMPLETING in index.preparing:
        return
    index.preparing.add(COMPLETING)
    try:
        while ls.vaults.get(vault.root) is vault and not index.complete(vault, _text_of(ls, vault), SLICE):
            await asyncio.sleep(0)
    finally:
        index.preparing.discard(COMPLETING)


async def unlinked_mentions_command(ls: VaultLanguageServer, *args: Any) -> list[Any]:
    """`vaultls.unlinkedMentions URI`: the Locations of every unlinked mention of the note."""
    await ls.ready.wait()
    uri = args[0] if args and isinstance(args[0], str) else None
    ref = ls.locate(uri) if uri is not None else None
    if ref is None or ref.note is None:
        return []
    vault, path = ref.vault, ref.path
    if not await _prepare(ls, vault, path):
        return []
    found = _index(ls, vault).mentions_of(vault, path, _text_of(ls, vault))
    ls.spawn(_complete_in_background(ls, vault))
    return _locations(ls, vault, found)


def _locations(ls: VaultLanguageServer, vault: Vault, mentions: list[Mention]) -> list[dict[str, Any]]:
    """The mentions as LSP Locations, written as JSON values directly (a note's name may be
    mentioned thousands of times). An ASCII line's columns are the same in every encoding, so
    only the notes with a mention on another line are read for theirs."""
    lines = Lines(ls, vault)
    uris: dict[str, str] = {}
    out: list[dict[str, Any]] = []
    for mention in mentions:
        uri = uris.get(mention.path)
        if uri is None:
            uri = uris[mention.path] = ls.uri_of(vault, mention.path)
        if mention.ascii_line:
            start, end = mention.range.start, mention.range.end
            begin, stop = (start.line, start.character), (end.line, end.character)
        else:
            found = ls.codec.range_to_client(lines(mention.path), mention.range)
            begin, stop = (found.start.line, found.start.character), (found.end.line, found.end.character)
        out.append(
            {
                "uri": uri,
                "range": {
                    "start": {"line": begin[0], "character": begin[1]},
                    "end": {"line": stop[0], "character": stop[1]},
                },
            }
        )
    return out


COMMANDS = ((UNLINKED_MENTIONS, unlinked_mentions_command),)
