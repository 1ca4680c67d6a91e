"""Tag completion: after `#` in text, and in the frontmatter `tags:` property (flow list,
block list or plain string), every tag of the vault with the number of notes using it, most
used first. `completion.py` calls `tag_completion` when the cursor is not inside a `[[` link.

In text the item inserts `#tag`; in frontmatter it inserts the bare `tag` (Obsidian's
property form: an unquoted `#` would start a YAML comment).
"""

from __future__ import annotations

import re

from lsprotocol import types

from vaultls.lsp.cursor import Cursor
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import names
from vaultls.vault.model import Range
from vaultls.vault.plural import counted

MAX_ITEMS = 100
_TAG_CHARS = r"[^\s!-,.:-@\[-^`{-~]"
_BODY_TAG = re.compile(rf"(?:^|(?<=\s))#({_TAG_CHARS}*)$")
_TAG_REST = re.compile(rf"{_TAG_CHARS}*")
_KEY_LINE = re.compile(r"([A-Za-z_][\w-]*)\s*:(.*)$")
_FM_WORD = re.compile(r"[^\s\[\],'\"]*$")
_FM_REST = re.compile(r"[^\s\[\],'\"]*")


def tag_completion(ls: VaultLanguageServer, cursor: Cursor) -> types.CompletionList | None:
    line, col = cursor.line_text, cursor.pos.character
    before = line[:col]
    fm = cursor.note.parsed.frontmatter
    if fm is not None and fm.start_line < cursor.pos.line < fm.end_line:
        if not _in_tags_property(cursor, fm.start_line):
            return None
        typed = _text(_FM_WORD.search(before))
        rest = _text(_FM_REST.match(line, col))
        start = col - len(typed)
        return _items(ls, cursor, typed.lstrip("#"), Range.on_line(cursor.pos.line, start, col + len(rest)), "")
    m = _BODY_TAG.search(before)
    if m is None or before[: m.start()].count("`") % 2 == 1:
        return None
    rest = _text(_TAG_REST.match(line, col))
    rng = Range.on_line(cursor.pos.line, m.start(), col + len(rest))
    return _items(ls, cursor, m.group(1), rng, "#")


def _text(m: re.Match[str] | None) -> str:
    """What a pattern that always matches (`...*`) matched."""
    return m.group() if m is not None else ""


def _in_tags_property(cursor: Cursor, fm_start: int) -> bool:
    """Whether the cursor is in the value of `tags:` (or `tag:`): on its line after the colon,
    or on a `- item` line of its block list."""
    line, col = cursor.line_text, cursor.pos.character
    m = _KEY_LINE.match(line)
    if m is not None and not line[0].isspace():
        return m.group(1).lower() in ("tags", "tag") and col >= m.start(2)
    if not line.lstrip().startswith("-"):
        return False
    for above in range(cursor.pos.line - 1, fm_start, -1):
        text = cursor.lines[above]
        if text and not text[0].isspace() and not text.startswith("-"):
            key = _KEY_LINE.match(text)
            return key is not None and key.group(1).lower() in ("tags", "tag")
    return False


def _items(ls: VaultLanguageServer, cursor: Cursor, typed: str, rng: Range, prefix: str) -> types.CompletionList:
    if not ls.indexed.is_set():
        # The vault's tags are known once every note is parsed (`VaultLanguageServer.index_all`);
        # incomplete, so the client asks again as the user types.
        return types.CompletionList(is_incomplete=True, items=[])
    here = next(
        (t for t in cursor.note.parsed.tags if t.range.start.line == cursor.pos.line and t.range.contains(cursor.pos)),
        None,
    )
    vault = cursor.ref.vault
    counts = ls.caches_for(vault).tags.counts(vault, cursor.ref.path, here.range if here else None)
    wanted = names.key(typed)
    ranked = []
    for key, count in counts.items():
        if key.startswith(wanted):
            rank = 0
        elif wanted in key:
            rank = 1
        elif _subsequence(wanted, key):
            rank = 2
        else:
            continue
        ranked.append((rank, -count.notes, key, count))
    ranked.sort()
    client_range = ls.codec.range_to_client(cursor.lines, rng)
    items = [
        types.CompletionItem(
            label=f"{prefix}{count.name}",
            kind=types.CompletionItemKind.Keyword,
            detail=counted(count.notes, "note"),
            filter_text=f"{prefix}{count.name}",
            sort_text=f"{index:04d}",
            text_edit=types.TextEdit(range=client_range, new_text=f"{prefix}{count.name}"),
        )
        for index, (_, _, _, count) in enumerate(ranked[:MAX_ITEMS])
    ]
    return types.CompletionList(is_incomplete=len(ranked) > MAX_ITEMS, items=items)


def _subsequence(wanted: str, key: str) -> bool:
    it = iter(key)
    return all(ch in it for ch in wanted)


FEATURES = ()  # called from completion.py; no request of its own
