"""A note's frontmatter: the YAML mapping between a `---` first line and the next `---`/`...`.

Most notes' frontmatter is a few `key: value` lines, read here without YAML (`_simple`); the rest
goes through YAML as Obsidian reads it (YAML 1.2's core schema, `yaml12.Yaml12Loader`), guarded
against YAML that would hang whatever walks its data (`MAX_FRONTMATTER_VALUES`). Both give the
same `Frontmatter`: data, and the range of every key and value. Quoted wikilinks in property
values and the `tags` property are links and tags (`frontmatter_links_and_tags`); `aliases` is
read alone, before the rest of a vault, by `frontmatter_aliases`.
"""

from __future__ import annotations

import json
import re

import yaml

from vaultls.vault.model import Frontmatter, Range
from vaultls.vault.parse.links import find_wikilinks
from vaultls.vault.parse.positions import line_range, position, span
from vaultls.vault.parse.rows import LinkRow, TagRow
from vaultls.vault.parse.yaml12 import Yaml12Loader
from vaultls.vault.text import split_lines

_MERGE_TAG = "tag:yaml.org,2002:merge"
# Values in the frontmatter once aliases are expanded. Far above any real note, far below what
# hangs code that walks the data (schema checks, JSON output): nine nested aliases of nine
# items each (a "billion laughs") are 387 million values but only a few lines of YAML.
MAX_FRONTMATTER_VALUES = 100_000

_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'")
_QUOTE_CHAR = re.compile(r"[\"']")
_TAG_SPLIT = re.compile(r"[,\s]+")


def closing_fence(lines: list[str]) -> int | None:
    """The index of the first `---` or `...` line after the first line: where the frontmatter
    ends when the first line (`---`) opens one. None when no line closes it."""
    return next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)


def parse_frontmatter(lines: list[str], end: int) -> Frontmatter:
    """The frontmatter in lines[1:end] (`end`: see `closing_fence`). Invalid YAML becomes
    `error` and `error_range`."""
    return _simple(lines, end) or _yaml(lines, end)


def aliases(frontmatter: Frontmatter | None) -> list[str]:
    """The note's aliases: the `aliases` (or `alias`) property, a list or a comma-separated string."""
    if frontmatter is None:
        return []
    value = frontmatter.data.get("aliases", frontmatter.data.get("alias"))
    if isinstance(value, str):
        value = [part for part in value.split(",")]
    if not isinstance(value, list):
        return []
    return [str(item).strip() for item in value if isinstance(item, (str, int, float)) and str(item).strip()]


def frontmatter_aliases(text: str) -> list[str]:
    """`parse(text).aliases`, from the frontmatter alone: the first pass of a cold start needs
    every note's aliases (a link may name a note by one) long before it needs the rest.

    Frontmatter without the word `alias` and without a `\\` (a YAML escape could spell it) has
    no `aliases` or `alias` property whatever else it holds (a `<<: *merged` mapping is written
    in the same block), so it is not even parsed."""
    if "\r" in text:
        lines = split_lines(text)
        end = closing_fence(lines)
    else:
        lines, end = _head_lines(text)  # the frontmatter's lines only, not the body's hundreds
    if lines[0].startswith("\ufeff"):
        lines[0] = " " + lines[0][1:]  # as `parse_rows` reads it
    if lines[0].strip() != "---" or end is None:
        return []
    block = "\n".join(lines[1:end])
    if "alias" not in block and "\\" not in block:
        return []
    return aliases(_simple(lines, end, ranges=False) or _yaml(lines, end))


def _head_lines(text: str) -> tuple[list[str], int | None]:
    """The `\n`-separated lines of `text` up to the closing fence of a frontmatter that the first
    line opens, and that fence's index (None when there is none)."""
    first = text.find("\n")
    lines = [text if first < 0 else text[:first]]
    if first < 0 or lines[0].lstrip("\ufeff").strip() != "---":
        return lines, None
    start = first + 1
    while True:
        stop = text.find("\n", start)
        line = text[start:] if stop < 0 else text[start:stop]
        lines.append(line)
        if line.rstrip() in ("---", "..."):
            return lines, len(lines) - 1
        if stop < 0:
            return lines, None
        start = stop + 1


# --------------------------------------------------------------------------- through YAML


def _yaml(lines: list[str], end: int) -> Frontmatter:
    fm = Frontmatter(start_line=0, end_line=end)
    source = "\n".join(lines[1:end])
    try:
        loader = Yaml12Loader(source)
    except ValueError as exc:  # a lone surrogate, which an editor's buffer can hold: no YAML text
        fm.error = f"invalid YAML in frontmatter: {exc}"
        fm.error_range = line_range(0, 0, 3)
        return fm
    try:
        node = loader.get_single_node()
        if node is None:
            return fm
        if not isinstance(node, yaml.MappingNode):
            fm.error = "frontmatter must be a mapping of properties (`key: value` lines)"
            fm.error_range = line_range(0, 0, 3)
            return fm
        # Without an alias (`*name`) the nodes are a tree of at most a few per character: only
        # long or aliasing YAML can be unusable, and most frontmatter is neither.
        unusable = _unusable(node) if "*" in source or len(source) * 4 >= MAX_FRONTMATTER_VALUES else None
        if unusable is not None:
            fm.error = f"invalid YAML in frontmatter: {unusable}"
            fm.error_range = Range.on_line(0, 0, 3)
            return fm
        pairs = list(node.value)  # constructing moves `<<: *merged` keys in here
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = 1 + (mark.line if mark else 0)
        line = min(line, end - 1) if end > 1 else 0
        fm.error = f"invalid YAML in frontmatter: {exc.problem or exc.context}"
        fm.error_range = line_range(line, 0, len(lines[line]))
        return fm
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        # Unhashable keys (`? [a]: b`), recursion and the like: still a YAML problem to report.
        fm.error = f"invalid YAML in frontmatter: {exc}"
        fm.error_range = line_range(0, 0, 3)
        return fm
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return fm
    fm.data = {str(k): v for k, v in data.items()}
    if loader.collection_keys:
        fm.warnings = _collection_key_warnings(lines, pairs, fm.data, loader.collection_keys)
    seen: set[str] = set()
    for key_node, value_node in pairs:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
            continue
        name = str(key_node.value)
        key_range = _mark_range(key_node)
        if name in seen:
            # YAML keeps the last value, as Obsidian does; the first one is silently lost.
            fm.duplicate_keys.append((name, key_range))
        seen.add(name)
        fm.key_ranges[name] = key_range
        fm.value_ranges[name] = _mark_range(value_node)
    return fm


def _collection_key_warnings(
    lines: list[str],
    pairs: list[tuple[yaml.Node, yaml.Node]],
    data: dict[str, object],
    keys: list[tuple[yaml.Node, str]],
) -> list[tuple[str, Range]]:
    """Warnings for keys that are mappings or lists (`created: {{date}}`, an unquoted template
    placeholder): valid YAML, which Obsidian reads, but not the text it looks like. Each says
    what Obsidian shows: the property's value as JSON, or the name it gives the property."""
    names = {id(node): name for node, name in keys}
    out: list[tuple[str, Range]] = []
    for key_node, value_node in pairs:
        if id(key_node) in names:
            written = _written(lines, key_node)
            what = f"the property name {written}" if written else "a property name"
            out.append(
                (
                    f"{what} is a YAML {_kind(key_node)}, not text: Obsidian names this property "
                    f"{json.dumps(names[id(key_node)], ensure_ascii=False)}; quote it to keep the text",
                    _mark_range(key_node),
                )
            )
            continue
        inner = next((node for node in _subtree(value_node) if id(node) in names), None)
        if inner is None or not isinstance(key_node, yaml.ScalarNode):
            continue
        name = str(key_node.value)
        shown = json.dumps(data.get(name), ensure_ascii=False, separators=(",", ":"), default=str)
        written = _written(lines, value_node)
        fix = f"write {json.dumps(written, ensure_ascii=False)}" if written else "quote it"
        out.append(
            (
                f"{json.dumps(name, ensure_ascii=False)} is written {written or 'unquoted'}, which YAML reads as a "
                f"mapping (its key a {_kind(inner)}), not as text: Obsidian shows {shown}; {fix} to keep the text",
                _mark_range(value_node),
            )
        )
    return out


def _kind(node: yaml.Node) -> str:
    return "mapping" if isinstance(node, yaml.MappingNode) else "list"


def _subtree(root: yaml.Node) -> list[yaml.Node]:
    """Every node under `root` (itself included), each once."""
    seen: set[int] = set()
    found: list[yaml.Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        found.append(node)
        stack.extend(_yaml_children(node))
    return found


def _written(lines: list[str], node: yaml.Node) -> str | None:
    """The text of a node written on one line (None for one that spans lines)."""
    start, end = node.start_mark, node.end_mark
    if start.line != end.line or start.line + 1 >= len(lines):
        return None
    return lines[start.line + 1][start.column : end.column]


def _unusable(root: yaml.Node) -> str | None:
    """Why the composed YAML must not become `data`: an alias that contains itself (walking it
    never ends) or aliases that expand to too many values. Counted on the node graph, where
    each alias is one shared node, so the count itself is cheap."""
    sizes: dict[int, int] = {}
    entered: set[int] = set()  # the nodes on the path from the root to the current one
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _yaml_children(node)
        if done:
            entered.discard(key)
            size = 1 + sum(sizes[id(child)] for child in children)
            if size > MAX_FRONTMATTER_VALUES:
                return f"aliases expand to more than {MAX_FRONTMATTER_VALUES:,} values"
            sizes[key] = size
            continue
        if key in sizes:
            continue
        entered.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in entered:
                return "an alias refers to a value that contains it"
            if id(child) not in sizes:
                stack.append((child, False))
    return None


def _yaml_children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return node.value  # type: ignore[no-any-return]
    return []


def _mark_range(node: yaml.Node) -> Range:
    start, end = node.start_mark, node.end_mark
    return span(position(start.line + 1, start.column), position(end.line + 1, end.column))


# --------------------------------------------------------------------------- without YAML

# The frontmatter most notes have, read without YAML, which is much slower and a large part of
# parsing such a note: `key: value` lines whose value is a date, a plain word or words, a
# double-quoted string or a flow list of words, and `key:` lines followed by a block list of
# words. Every unquoted scalar starts with a letter and holds only word characters, blanks and
# `-`, so YAML 1.2 reads it as a string unless it is one of its boolean or null words (then YAML
# reads the block); a date is text too (`yaml12`). Anything else (comments, blank lines,
# numbers, escapes, nesting, a key given twice, ...) goes to YAML. Same data and ranges as YAML
# gives.
_FM_WORDS = r"[^\W\d_](?:[\w -]*[\w-])?"
_FM_LINE = re.compile(
    r"([^\W\d_][\w-]*):(?: (?:"
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    rf"|({_FM_WORDS})"
    # YAML's printable characters but `"`, `\\`, the tab, the line breaks NEL, LS and PS, and the BOM
    r'|"([!#-\[\]-~\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff ]*)"'
    rf"|\[((?:{_FM_WORDS}(?:, {_FM_WORDS})*)?)\]"
    r"))?"
)
_FM_ITEM = re.compile(rf"( *)- ({_FM_WORDS})")
_YAML_WORDS = frozenset("true True TRUE false False FALSE null Null NULL".split())  # YAML 1.2's
_SIMPLE_FRONTMATTER_CHARS = 4096  # longer frontmatter is left to YAML


def _simple(lines: list[str], end: int, ranges: bool = True) -> Frontmatter | None:
    """What `parse_frontmatter` returns for frontmatter of the simple forms above, else None.
    Without `ranges`, only its data (`frontmatter_aliases` needs no more)."""
    data: dict[str, object] = {}
    key_ranges: dict[str, Range] = {}
    value_ranges: dict[str, Range] = {}
    size = 0
    i = 1
    while i < end:
        line = lines[i]
        size += len(line)
        if size > _SIMPLE_FRONTMATTER_CHARS:
            return None
        m = _FM_LINE.fullmatch(line)
        if m is None:
            return None
        key, year, words, quoted, items = m.group(1, 2, 5, 6, 7)
        if key in data or key in _YAML_WORDS:
            return None
        value: object
        if year is not None:
            value = line[len(key) + 2 :]  # `2024-01-05`, as written
        elif words is not None:
            if words in _YAML_WORDS:
                return None
            value = words
        elif quoted is not None:
            value = quoted
        elif items is not None:
            flow = items.split(", ") if items else []
            if not _YAML_WORDS.isdisjoint(flow):
                return None
            value = flow
        else:
            # `key:` and then a block list, all its items indented alike; the list's range ends
            # where the next line starts.
            listed: list[str] = []
            indent = None
            j = i + 1
            while j < end:
                item = _FM_ITEM.fullmatch(lines[j])
                if item is None:
                    break
                if indent is None:
                    indent = item.group(1)
                elif item.group(1) != indent:
                    return None
                if item.group(2) in _YAML_WORDS:
                    return None
                size += len(lines[j])
                listed.append(item.group(2))
                j += 1
            if indent is None or size > _SIMPLE_FRONTMATTER_CHARS:
                return None  # `key:` alone is null, left to YAML
            data[key] = listed
            if ranges:
                key_ranges[key] = line_range(i, 0, len(key))
                value_ranges[key] = span(position(i + 1, len(indent)), position(j, 0))
            i = j
            continue
        data[key] = value
        if ranges:
            key_ranges[key] = line_range(i, 0, len(key))
            value_ranges[key] = line_range(i, len(key) + 2, len(line))
        i += 1
    if not data:
        return None
    fm = Frontmatter(start_line=0, end_line=end)
    fm.data = data
    fm.key_ranges = key_ranges
    fm.value_ranges = value_ranges
    return fm


# --------------------------------------------------------------------------- links and tags


def frontmatter_links_and_tags(lines: list[str], fm: Frontmatter, links: list[LinkRow], tags: list[TagRow]) -> None:
    """Append to `links` the quoted wikilinks in property values (Obsidian's frontmatter links),
    and to `tags` the tags the `tags` (or `tag`) property holds."""
    for i in range(1, fm.end_line):
        line = lines[i]
        if "[[" not in line:
            continue
        for quoted in quoted_spans(line):
            find_wikilinks(links, i, line, quoted.start() + 1, quoted.end() - 1, in_frontmatter=True)
    for name in ("tags", "tag"):
        if name not in fm.value_ranges:
            continue
        value = fm.data.get(name)
        items = value if isinstance(value, list) else [value]
        value_range = fm.value_ranges[name]
        for item in items:
            if not isinstance(item, str):
                continue
            for word in _TAG_SPLIT.split(item):
                tag = word.lstrip("#").rstrip("/")
                if not tag or tag.isdigit():
                    continue
                at = _locate(lines, value_range, word) or value_range
                tags.append((tag, at.start.line, at.start.character, at.end.line, at.end.character, True))


def quoted_spans(line: str) -> list[re.Match[str]]:
    """The quoted strings of a YAML line (`"..."` with escapes, `'...'` with `''`): what
    `finditer` of their pattern finds, in linear time. A quote that does not close has been
    scanned to the end of the line, and no later quote of its kind can close either (a later `"`
    was escaped in that scan, which then went on exactly as a scan from it would; a later `'`
    does not exist), so each kind is given up after its first failure instead of re-scanning the
    rest of the line from every quote, which was quadratic on a long line of `\\"`."""
    found: list[re.Match[str]] = []
    dead: set[str] = set()
    pos = 0
    while len(dead) < 2:
        quote = _QUOTE_CHAR.search(line, pos)
        if quote is None:
            break
        start = quote.start()
        if quote.group() not in dead:
            m = _QUOTED.match(line, start)
            if m is not None:
                found.append(m)
                pos = m.end()
                continue
            dead.add(quote.group())
        pos = start + 1
    return found


def _locate(lines: list[str], within: Range, word: str) -> Range | None:
    """Where `word` is written inside a YAML value's range (the value may span lines)."""
    for line in range(within.start.line, min(within.end.line, len(lines) - 1) + 1):
        start = within.start.character if line == within.start.line else 0
        col = lines[line].find(word, start)
        if col >= 0:
            return line_range(line, col, col + len(word))
    return None
