"""Hover on a link: a Markdown preview of what it points to.

The preview is the linked section as Obsidian's page preview shows it (`vault/page_preview.py`):
its links lead to the notes they resolve to, its vault images show, its headings are bold lines.
It is made inert (`vault/preview.py`): editors render it, and a note from a stranger must not
make a hover fetch a remote image, run a `command:` link or render HTML. The preview links to
and shows only files that really lie inside the vault (`roots.contained`). Names and paths from
the vault are escaped where they are quoted."""

from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types

from vaultls.lsp.cursor import cursor_at
from vaultls.lsp.features import frontmatter
from vaultls.lsp.features.callout_items import callout_hover
from vaultls.lsp.features.footnote_items import footnote_hover
from vaultls.lsp.features.hover_backlinks import backlinks_hover
from vaultls.lsp.roots import contained
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import names
from vaultls.vault.index import Resolution, Vault
from vaultls.vault.model import Link
from vaultls.vault.page_preview import is_image, markdown_uri, page_preview, preview_limits
from vaultls.vault.plural import counted, plural
from vaultls.vault.preview import code_span, inline_text
from vaultls.vault.text import split_lines


async def hover(ls: VaultLanguageServer, params: types.HoverParams) -> types.Hover | None:
    await ls.ready.wait()
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    if cursor is None:
        return None
    link = cursor.link()
    if link is None and (cursor.note.parsed.footnote_refs or cursor.note.parsed.footnotes):
        on_footnote = footnote_hover(ls, cursor)  # `[^id]`: the footnote's text (features/footnote_items.py)
        if on_footnote is not None:
            return on_footnote
    if link is None and "[!" in cursor.line_text:
        on_callout = callout_hover(ls, cursor)  # `> [!tip]`: what the type is (features/callout_items.py)
        if on_callout is not None:
            return on_callout
    if link is None:
        on_title = await backlinks_hover(ls, params)  # a title heading: who links to the note
        return on_title or frontmatter.hover(ls, cursor)  # a property name: what its schema says
    vault = cursor.ref.vault
    res = vault.resolve(cursor.ref.path, link)
    if res.dangling and not res.outside and not ls.indexed.is_set():
        # How many notes link to the missing name is known once every note is parsed
        # (`index_all`); the buffer may change meanwhile, so the hover starts again then.
        await ls.indexed.wait()
        return await hover(ls, params)
    text = _dangling(vault, link, res) if res.dangling else _preview(ls, vault, link, res)
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=ls.codec.range_to_client(cursor.lines, link.range),
    )


def _dangling(vault: Vault, link: Link, res: Resolution) -> str:
    if res.outside:
        return f"**{inline_text(link.target)}** points outside the vault."
    linkers = vault.linkers_of(names.link_lookup_key(link.target))
    count = len(linkers)
    linking = f"{counted(count, 'note')} {plural(count, 'links', 'link')}"
    text = f"**{inline_text(link.target)}** does not exist yet. {linking} to this name."
    owners = vault.alias_owners(link.target)
    if owners:
        text += f"\n\nIt is an alias of **{inline_text(vault.notes[owners[0]].name)}** ({code_span(owners[0])})."
    return text


def _preview(ls: VaultLanguageServer, vault: Vault, link: Link, res: Resolution) -> str:
    path = res.targets[0]
    note = vault.notes.get(path)
    locate = _locator(ls, vault)
    if note is None:
        name = names.last_component(path)
        shown = f"**{inline_text(name)}** · {code_span(path)} (attachment)"
        uri = locate(path)
        if uri is not None and is_image(path):
            shown += f"\n\n![{inline_text(name)}]({markdown_uri(uri)})"  # as Obsidian previews an image
        return shown
    title = f"**{inline_text(note.name)}**"
    uri = locate(path)
    header = f"{f'[{title}]({markdown_uri(uri)})' if uri else title} · {code_span(path)}"
    if res.ambiguous:
        header += f"\n\n*{len(res.targets)} notes have this name; this is the one the link resolves to.*"
    text = ls.text_of(vault, path)
    if text is None:
        return header + "\n\n*(the file cannot be read)*"
    lines = split_lines(text)
    parsed = note.parsed
    if res.heading is not None:
        start = res.heading.line
        end = next((h.line for h in parsed.headings if h.line > start and h.level <= res.heading.level), len(lines))
    elif res.block is not None:
        start, end = res.block.start_line, res.block.line + 1
    else:
        start = parsed.frontmatter.end_line + 1 if parsed.frontmatter is not None else 0
        end = len(lines)
    if res.missing:
        named = code_span("#".join(link.subpath) or "^" + str(link.block))
        header += f"\n\n*No {res.missing} {named} there; showing the start of the note.*"
    body = page_preview(vault, path, lines[start:end], locate, *preview_limits(link))  # an embed: all of it
    return f"{header}\n\n---\n\n{body}"


def _locator(ls: VaultLanguageServer, vault: Vault) -> Callable[[str], str | None]:
    """The URI of a vault path the preview may link to or show: one that really lies inside
    the vault (a file replaced by a link out of it since the scan is not)."""
    found: dict[str, str | None] = {}

    def locate(path: str) -> str | None:
        if path not in found:
            found[path] = ls.uri_of(vault, path) if contained(vault, path) else None
        return found[path]

    return locate


FEATURES = [(types.TEXT_DOCUMENT_HOVER, None, hover)]
