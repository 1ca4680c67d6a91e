"""A section of a note as Obsidian's page preview shows it, as Markdown for a hover.

Obsidian's page preview shows a note rendered: its links are links, its embedded images are
images, its block ids are not shown. An editor's hover renders Markdown, so the section is
rewritten into Markdown that shows the same, then made inert (`preview.inert_markdown`):

- Links: every wikilink, embed and Markdown link the parser finds in the section is resolved
  by the vault's resolver (`Vault.resolve`) from the previewed note, where Obsidian resolves it.
  One that leads to a note or file the caller lets the preview name (`locate` gives its URI)
  becomes a Markdown link to that URI, with `#L<line>` (1-based) for a heading or block, which
  VS Code opens at that line. It shows what Obsidian shows: the alias, else the link's text
  with ` > ` between note, headings and `^block`, without the note when it points into the
  note itself (`[[#Life]]` shows `Life`); a Markdown link keeps its own text. A link that leads
  nowhere (dangling, out of the vault, not for the preview to name) shows as that text, not a
  link: Markdown has no way to style it the way Obsidian greys an unresolved link.
- Images: an embed (`![[pic.png]]`, `![](pic.png)`) of an image in the vault becomes an image
  of its URI; `![[pic.png|300]]` is a size, not an alt text. Every other image is taken care
  of by `inert_markdown` (a remote one shows as its alt text). SVGs are shown too: editors
  render them as `<img>`, which loads nothing else and runs no script.
- Headings become bold lines (ATX and setext alike), so that a preview holds several sections
  rather than two large titles, and looks the same in Neovim's float.
- Block ids (`^left-opposition`) are taken out.

Bounded: the section is cut to `MAX_LINES` and `MAX_CHARS` (an embed's hover, which shows the
whole embedded part: `EMBED_MAX_LINES`, `EMBED_MAX_CHARS`) before anything else, and at most
`MAX_LINKS` links are resolved; later ones show as their text. Lines of headings and blocks
are looked up in at most `MAX_NOTES_READ` notes not yet read in full (see `_Linker`).

The links are put in after `inert_markdown` (which breaks every `file:` link a note writes):
each is first replaced by a token of private-use characters and digits, which that pass
leaves alone, and what a token stands for is text with every character that could join it to
its neighbours escaped, or a link whose URI holds no blank, bracket or parenthesis.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from vaultls.vault import names
from vaultls.vault.index import Resolution, Vault
from vaultls.vault.model import Heading, Link, ParsedNote
from vaultls.vault.parse import parse
from vaultls.vault.preview import inert_markdown, inline_text

MAX_LINES = 24
MAX_CHARS = 2000
MAX_LINKS = 100
MAX_NOTES_READ = 8
# An embed's hover shows the whole embedded part, as the note shows it, up to these.
EMBED_MAX_LINES = 400
EMBED_MAX_CHARS = 20000
TRUNCATED = "\n\n*… (truncated)*"
# Obsidian's image formats (help: "Accepted file formats").
IMAGE_EXTENSIONS = frozenset({"avif", "bmp", "gif", "jpeg", "jpg", "png", "svg", "webp"})

_OPEN, _CLOSE = "\ue000", "\ue001"
_TOKEN = re.compile(f"{_OPEN}([0-9]+){_CLOSE}")
_NO_TOKENS = str.maketrans({_OPEN: "\ufffd", _CLOSE: "\ufffd"})
_SETEXT_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_IMAGE_SIZE = re.compile(r"[0-9]+(?:x[0-9]+)?")
# What a URI may hold as it is in a Markdown link destination; anything else is %-encoded.
_URI_SAFE = "/:#%?=&;@+,$!*'~-._"

Edit = tuple[int, int, str]  # (start column, end column, replacement) on one line


def page_preview(
    vault: Vault,
    path: str,
    lines: list[str],
    locate: Callable[[str], str | None],
    max_lines: int = MAX_LINES,
    max_chars: int = MAX_CHARS,
) -> str:
    """Markdown that shows `lines` (a section of the note at vault path `path`) as Obsidian's
    page preview does (see the module's docstring). `locate` gives the URI of a vault path
    the preview may link to or show, or None for one it must not."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    text = "\n".join(lines[:max_lines]).rstrip()
    cut = len(lines) > max_lines
    if len(text) > max_chars:
        text, cut = text[:max_chars].rstrip(), True
    text = text.translate(_NO_TOKENS)
    rows = text.split("\n")
    # A blank line first, so that a section starting with `---` is not read as frontmatter;
    # the parser's lines are one more than the section's.
    parsed = parse("\n" + text)
    edits: list[list[Edit]] = [[] for _ in rows]
    cuts = _block_id_cuts(parsed, rows)
    for line, column in cuts.items():
        edits[line].append((column, len(rows[line]), ""))
    for heading in parsed.headings:
        _demote(heading, rows, edits, cuts)
    linker = _Linker(vault, path, locate)
    for n, link in enumerate(parsed.links):
        line = link.range.start.line - 1
        if 0 <= line < len(rows) and link.range.end.line == link.range.start.line:
            edit = linker.edit(link) if n < MAX_LINKS else None
            if edit is None:
                edit = (link.range.start.character, link.range.end.character, linker.token(_text(display(link))))
            edits[line].append(edit)
    shown = "\n".join(_apply(row, row_edits) for row, row_edits in zip(rows, edits, strict=True))
    body = _TOKEN.sub(lambda m: linker.tokens[int(m.group(1))], inert_markdown(shown))
    return body + (TRUNCATED if cut else "")


def preview_limits(link: Link) -> tuple[int, int]:
    """(lines, characters) a hover shows of what `link` names: the whole of an embed (up to
    `EMBED_MAX_*`), the start of anything else (a page preview's `MAX_*`)."""
    return (EMBED_MAX_LINES, EMBED_MAX_CHARS) if link.embed else (MAX_LINES, MAX_CHARS)


def display(link: Link) -> str:
    """What Obsidian shows for a link: its alias or text, else `Note > Heading > ^block`
    (without the note for a link into the note itself)."""
    if link.display and (link.kind == "markdown" or not link.embed or not _IMAGE_SIZE.fullmatch(link.display)):
        return link.display
    parts = [link.target] if link.target else []
    parts.extend(link.subpath)
    if link.block is not None:
        parts.append("^" + link.block)
    return " > ".join(parts) or link.target


def is_image(path: str) -> bool:
    """Whether Obsidian shows the file at `path` as an image."""
    return names.last_component(path).rpartition(".")[2].lower() in IMAGE_EXTENSIONS


def markdown_uri(uri: str) -> str:
    """`uri` as a Markdown link destination: blanks, brackets and parentheses %-encoded."""
    return quote(uri, safe=_URI_SAFE)


# ---------------------------------------------------------------- links


@dataclass(slots=True)
class _Linker:
    """Makes the links of one preview. A link written several times is resolved once; the
    line of a heading or block is looked up in at most `MAX_NOTES_READ` notes that are not
    read in full yet (a cached note is decoded for it), so that one preview stays quick on a
    warm start: a link past that leads to the note, not to the line."""

    vault: Vault
    path: str
    locate: Callable[[str], str | None]
    tokens: list[str] = field(default_factory=list)
    places: dict[tuple[str, str, tuple[str, ...], str | None], tuple[str, str] | None] = field(default_factory=dict)
    reads: int = MAX_NOTES_READ

    def edit(self, link: Link) -> Edit | None:
        """The edit that makes `link` a link (or an image) to where it resolves, or None when
        it resolves to nothing the preview may name."""
        key = (link.kind, link.target, link.subpath, link.block)
        if key not in self.places:
            self.places[key] = self.place(link)
        place = self.places[key]
        if place is None:
            return None
        target, uri = place
        start, end = link.range.start.character, link.range.end.character
        if link.embed and not self.vault.is_note(target) and is_image(target):
            alt = display(link) if link.kind == "wiki" else link.display or names.last_component(target)
            return start, end, self.token(f"![{_text(alt)}]({uri})")
        span = link.target_range
        if link.kind == "markdown" and not link.embed and span.start.line == span.end.line == link.range.start.line:
            if start < span.start.character <= span.end.character < end:
                # The link keeps its own text (and its formatting); only where it leads changes.
                return span.start.character, span.end.character, self.token(uri)
        return start, end, self.token(f"[{_text(display(link))}]({uri})")

    def place(self, link: Link) -> tuple[str, str] | None:
        """(vault path, URI with the line of its heading or block) of where `link` leads."""
        note_only = replace(link, subpath=(), block=None) if link.subpath or link.block is not None else link
        target = self.vault.resolve(self.path, note_only).target
        uri = self.locate(target) if target is not None else None
        if target is None or uri is None:
            return None
        uri = markdown_uri(uri)
        note = self.vault.notes.get(target)
        if note is not None and note_only is not link and (note.is_materialised or self.reads > 0):
            self.reads -= not note.is_materialised
            uri += _fragment(self.vault.resolve(self.path, link))
        return target, uri

    def token(self, replacement: str) -> str:
        self.tokens.append(replacement)
        return f"{_OPEN}{len(self.tokens) - 1}{_CLOSE}"


def _fragment(res: Resolution) -> str:
    if res.heading is not None:
        return f"#L{res.heading.line + 1}"
    if res.block is not None:
        return f"#L{res.block.start_line + 1}"
    return ""


def _text(text: str) -> str:
    """`text` shown as itself wherever a token stood: after a `]` too, where a `(` would make
    a link of what follows."""
    shown = inline_text(text).replace("(", "\\(").replace(")", "\\)")
    return shown or "\u2026"  # never nothing: the text around the token would join


# ---------------------------------------------------------------- headings and block ids


def _block_id_cuts(parsed: ParsedNote, rows: list[str]) -> dict[int, int]:
    """{section line: column where its block id and the blanks before it start}."""
    cuts: dict[int, int] = {}
    for block in parsed.blocks:
        line = block.line - 1
        if 0 <= line < len(rows) and block.range.start.line == block.line:
            row = rows[line]
            cuts[line] = len(row[: block.range.start.character].rstrip(" \t"))
    return cuts


def _demote(heading: Heading, rows: list[str], edits: list[list[Edit]], cuts: dict[int, int]) -> None:
    """Edits that make a heading's line a bold line (its block id cut, as on any line)."""
    line = heading.line - 1
    if not 0 <= line < len(rows) or heading.range.start.line != heading.line:
        return
    row = rows[line]
    start, end = heading.range.start.character, heading.range.end.character
    end = len(row[start : min(end, cuts.pop(line, end))].rstrip(" \t")) + start
    before = row[:start].rstrip(" \t")
    if before.endswith("#"):  # ATX: `## Text ##`
        hashes = len(before.rstrip("#"))
        row_edits = [(hashes, len(row), "")] if end <= start else [(hashes, start, "**"), (end, len(row), "**")]
    elif line + 1 < len(rows) and _SETEXT_UNDERLINE.match(rows[line + 1]):  # `Text` over `---`
        row_edits = [(start, start, "**"), (end, len(row), "**")] if end > start else []
        edits[line + 1][:] = [(0, len(rows[line + 1]), "")]
    else:
        return
    edits[line][:] = [e for e in edits[line] if e[1] <= start] + row_edits


def _apply(row: str, row_edits: list[Edit]) -> str:
    """`row` with its edits made; one that overlaps an earlier one is left out."""
    if not row_edits:
        return row
    out: list[str] = []
    at = 0
    for start, end, replacement in sorted(row_edits, key=lambda e: (e[0], e[1])):
        if start < at or end > len(row):
            continue
        out.append(row[at:start])
        out.append(replacement)
        at = end
    out.append(row[at:])
    return "".join(out)
