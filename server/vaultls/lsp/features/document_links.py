"""Document links (`textDocument/documentLink`): every link that resolves becomes clickable in
clients that show document links. The target is the note's (or attachment's) file URI; when
the link names a heading or block, the URI carries a `#L<line>` fragment, the form VS Code
opens at that line. Dangling links get no document link (there is nothing to open; the
`dangling-link` diagnostic and its quick fix cover them)."""

from __future__ import annotations

from lsprotocol import types

from vaultls.lsp.server import VaultLanguageServer


async def document_link(ls: VaultLanguageServer, params: types.DocumentLinkParams) -> list[types.DocumentLink] | None:
    await ls.ready.wait()
    ref = ls.locate(params.text_document.uri)
    if ref is None or ref.note is None:
        return None
    vault, path = ref.vault, ref.path
    lines = ls.lines_of(vault, path)
    links: list[types.DocumentLink] = []
    tooltips = bool(ls.client_supports("text_document.document_link.tooltip_support", False))
    for link in ref.note.parsed.links:
        res = vault.resolve(path, link)
        if res.target is None:
            continue
        target = ls.uri_of(vault, res.target)
        tooltip = res.target
        if res.heading is not None:
            target += f"#L{res.heading.line + 1}"
            tooltip += f" › {res.heading.text}"
        elif res.block is not None:
            target += f"#L{res.block.start_line + 1}"
            tooltip += f" › ^{res.block.id}"
        links.append(
            types.DocumentLink(
                range=ls.codec.range_to_client(lines, link.range), target=target, tooltip=tooltip if tooltips else None
            )
        )
    return links


FEATURES = ((types.TEXT_DOCUMENT_DOCUMENT_LINK, types.DocumentLinkOptions(resolve_provider=False), document_link),)
