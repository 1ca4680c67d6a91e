"""The data a parsed note is made of.

Positions are (line, column) with the column counted in Unicode code points, the unit Python
strings index by. Converting to what a client expects (UTF-16 for VS Code, UTF-8 or UTF-16 for
Neovim) happens once at the LSP edge, so the model never has to know who is asking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, order=True, slots=True)
class Position:
    line: int
    character: int


@dataclass(frozen=True, order=True, slots=True)
class Range:
    start: Position
    end: Position

    @staticmethod
    def on_line(line: int, start: int, end: int) -> Range:
        return Range(Position(line, start), Position(line, end))

    def contains(self, pos: Position) -> bool:
        """Inclusive at both ends: a cursor right after `]]` still belongs to the link."""
        return self.start <= pos <= self.end


@dataclass(frozen=True, slots=True)
class Link:
    """One link as written, wikilink or Markdown link.

    `target` is the note/file part with whitespace trimmed (for Markdown links: URL-decoded),
    `subpath` the heading chain (`["Heading", "Sub"]`) and `block` the block id, when given.
    """

    kind: str  # "wiki" | "markdown"
    target: str
    subpath: tuple[str, ...]
    block: str | None
    display: str | None
    embed: bool
    range: Range  # the whole link, `!` included
    target_range: Range  # target plus its #heading/#^block part; the whole link if none
    in_frontmatter: bool = False

    @property
    def is_self(self) -> bool:
        """`[[#Heading]]`, `[[#^id]]` and `[text](#Heading)` point into the linking note."""
        return self.target == ""


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    line: int
    range: Range


@dataclass(frozen=True, slots=True)
class Block:
    id: str
    line: int  # the line the `^id` is written on
    range: Range  # the `^id` itself
    start_line: int  # first line of the block it names (paragraph, list item, table, ...)


@dataclass(frozen=True, slots=True)
class Tag:
    name: str  # without `#`
    range: Range
    in_frontmatter: bool = False


@dataclass(frozen=True, slots=True)
class Footnote:
    """A footnote's `[^id]` as written: a definition (`[^id]: text`, running to `end_line`) or
    a reference (`end_line` is its own line). Ids match whatever their case (`key`)."""

    id: str
    range: Range  # the `[^id]` itself
    end_line: int

    @property
    def key(self) -> str:
        return self.id.casefold()


@dataclass(slots=True)
class Frontmatter:
    """The YAML block at the top of a note, between `---` and `---`/`...`.

    `data` is the parsed mapping (empty when the YAML is invalid or not a mapping);
    `key_ranges` and `value_ranges` locate each top-level key and its value so diagnostics can
    point at them; `error` describes invalid YAML, with the line it happened on.
    """

    start_line: int  # the opening `---`
    end_line: int  # the closing `---` / `...`
    data: dict[str, Any] = field(default_factory=dict)
    key_ranges: dict[str, Range] = field(default_factory=dict)
    value_ranges: dict[str, Range] = field(default_factory=dict)
    error: str | None = None
    error_range: Range | None = None
    duplicate_keys: list[tuple[str, Range]] = field(default_factory=list)
    # (message, range): YAML that Obsidian reads, but not as written (`created: {{date}}`).
    warnings: list[tuple[str, Range]] = field(default_factory=list)


@dataclass(slots=True)
class ParsedNote:
    """Everything vaultls knows about one note's text; no file system, no vault."""

    frontmatter: Frontmatter | None
    headings: list[Heading]
    blocks: list[Block]
    links: list[Link]
    tags: list[Tag]
    aliases: list[str]
    line_count: int
    # Line spans (inclusive) of fenced/indented code, comments and math: no links live there,
    # and completion must not start there.
    code_spans: list[tuple[int, int]]
    # Line spans of Admonition-style ```ad-*``` fences and `> [!callout]` blocks (folding).
    callout_spans: list[tuple[int, int]] = field(default_factory=list)
    # `<!-- vaultls-ignore [codes] -->` and `%% vaultls-ignore [codes] %%` comments: (line,
    # codes), no codes meaning every code; each silences its own line and the next.
    ignores: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    # The lines that hold a character beyond U+FFFF: there, UTF-16 columns differ from code points.
    wide: tuple[int, ...] = ()
    # Footnote definitions (`[^id]: text`) and references (`[^id]`), in the order written.
    footnotes: list[Footnote] = field(default_factory=list)
    footnote_refs: list[Footnote] = field(default_factory=list)

    def line_in_code(self, line: int) -> bool:
        return any(start <= line <= end for start, end in self.code_spans)
