"""Code lenses with link counts (`textDocument/codeLens`, `codeLens/resolve`): "N backlinks"
above the note's title heading (its first line when it has none), "N links" above each of its
headings that links lead to. A lens counts what the references view lists for it: the links
to the note (`references.links_to_note`), or to the heading (`links_to_heading`, the note's own
`[[#Heading]]` links included).

The lens request only counts (through the index's reverse map, never the whole vault); the
Locations are made when the editor resolves a lens it shows. The lens runs
`vaultls.showReferences URI POSITION LOCATIONS`: the VS Code extension hands it to VS Code's
references view (`editor.action.showReferences`), the Neovim plugin fills the quickfix list.
Counts follow changes to other notes through `lens_refresh.py`.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from vaultls.lsp.features.references import Lines
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.backlinks import heading_data, heading_of_data, incoming, link_counts, note_title
from vaultls.vault.plural import counted

SHOW_REFERENCES = "vaultls.showReferences"


async def code_lens(ls: VaultLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
    await ls.indexed.wait()  # a count is only right once every note's links are known
    uri = params.text_document.uri
    ref = ls.locate(uri)
    if ref is None or ref.note is None:
        return None
    note = ref.note
    lines = ls.lines_of(ref.vault, ref.path)
    counts = link_counts(ref.vault, ref.path)
    title = note_title(note.parsed, note.name)
    title_range = (
        ls.codec.range_to_client(lines, title.range)
        if title is not None
        else types.Range(types.Position(0, 0), types.Position(0, 0))
    )
    lenses = [types.CodeLens(range=title_range, data={"uri": uri})]
    for heading, _count in counts.headings:
        lenses.append(
            types.CodeLens(
                range=ls.codec.range_to_client(lines, heading.range),
                data={"uri": uri, "heading": heading_data(heading)},
            )
        )
    return lenses


async def resolve(ls: VaultLanguageServer, lens: types.CodeLens) -> types.CodeLens:
    await ls.indexed.wait()
    data: dict[str, Any] = lens.data if isinstance(lens.data, dict) else {}
    uri = data.get("uri")
    ref = ls.locate(uri) if isinstance(uri, str) else None
    note = ref.note if ref is not None else None
    if ref is None or note is None:
        return lens
    if "heading" in data:
        heading = heading_of_data(note.parsed, data["heading"])
        edges = incoming(ref.vault, ref.path, heading) if heading is not None else []
    else:
        edges = incoming(ref.vault, ref.path)
    found = [(edge.source, rng) for edge in edges for rng in edge.ranges]
    title = counted(len(found), "link" if "heading" in data else "backlink")
    lines = Lines(ls, ref.vault)
    locations = [ls.converter.unstructure(lines.location(path, rng)) for path, rng in found]
    position = ls.converter.unstructure(lens.range.start)
    lens.command = types.Command(title=title, command=SHOW_REFERENCES, arguments=[uri, position, locations])
    return lens


async def show_references(ls: VaultLanguageServer, *args: Any) -> Any:
    """The lens's command, when a client sends it to the server rather than running it itself:
    its Locations back (the editors' own references views are what the plugins open)."""
    return args[2] if len(args) > 2 else []


FEATURES = (
    (types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=True), code_lens),
    (types.CODE_LENS_RESOLVE, None, resolve),
)
COMMANDS = ((SHOW_REFERENCES, show_references),)
