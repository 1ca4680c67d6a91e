"""Where a note's text names other notes: its prose, and the phrases of a `Dictionary` in it.

Prose is what a reader reads as words: not the frontmatter, code (fences, indented code, inline
code), math, comments, headings, links and embeds (wikilinks and Markdown links, URLs among
them; reference-style links and their definitions), bare URLs, tags, block ids, footnote
references, callout markers and HTML tags. The
block-level decisions are the parser's own (`parse_rows`: frontmatter, code spans, headings);
on each remaining line the parser's inline masks hide code, comments and math, and its link
finders the links, so that text the parser reads as a link is never a mention.

Headings are left out: a heading names its section, and a link written into it changes the
heading's text, which links to the heading compare with.

Matching is whole words (the text around a match is no letter, digit or `_`), case-insensitive
(NFC, lowercased, as note names compare), a name's blanks matching one space each; at one
place the longest phrase wins, and matches never overlap (leftmost first).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import repeat

from vaultls.vault.mentions.dictionary import WORD, Dictionary
from vaultls.vault.parse import parse_rows
from vaultls.vault.parse.inline import InlineScanner, blank, mask_urls
from vaultls.vault.parse.links import find_markdown_links, find_wikilinks
from vaultls.vault.text import split_lines

_TAG = re.compile(r"(?<!\S)#[^\s#]+")
_BRACKETED = re.compile(r"\[[!^][^\]]*\]")  # `[!note]` callout markers, `[^1]` footnote references
# Reference-style links `[text][ref]` and `[text][]`, and the lines that define them `[ref]: url`.
_REFERENCE_LINK = re.compile(r"\[[^\[\]]*\]\[[^\[\]]*\]|^ {0,3}\[[^\[\]]+\]:.*")
_BLOCK_ID = re.compile(r"(?<!\S)\^[A-Za-z0-9-]+\s*$")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_DIGITS = bytes.maketrans(b"\0\1", b"01")
SIGNATURE_BITS = 4096
# The word after a word, a few separators on (`New York`, `Jean-Paul`, `St. Petersburg`).
_NEXT_WORD = re.compile(r"[^\w\n]{1,3}([\w\u0300-\u036f]+)")
_FEW_WORDS = 8  # fewer words of names than this in a note: each is searched for


def prose_lines(text: str) -> list[str]:
    """The lines of a note with everything but prose blanked out (a left-out line is empty);
    columns are kept, so a match's columns are the note's."""
    lines = text.split("\n") if "\r" not in text else split_lines(text)
    if lines[0].startswith("\ufeff"):
        lines[0] = " " + lines[0][1:]
    rows = parse_rows(text)
    frontmatter, headings, code_spans = rows[0], rows[1], rows[7]
    left_out = bytearray(len(lines))
    if frontmatter is not None:
        left_out[frontmatter.start_line : frontmatter.end_line + 1] = b"\1" * (
            frontmatter.end_line + 1 - frontmatter.start_line
        )
    for start, end in code_spans:
        left_out[start : end + 1] = b"\1" * (end + 1 - start)
    for heading in headings:
        left_out[heading[2]] = 1
    scanner = InlineScanner([], [], [])
    out: list[str] = []
    for i, line in enumerate(lines):
        if left_out[i] or not line:
            # A comment opened on the line before a code span ends inside it (the parser's span).
            scanner.comment = None
            out.append("")
            continue
        out.append(_mask_line(scanner, i, line))
    return out


def _mask_line(scanner: InlineScanner, i: int, line: str) -> str:
    text = scanner.mask(line)
    if "[" in text:
        if "[[" in text:
            spans = find_wikilinks([], i, text, 0, len(text), mask=True)
            if spans:
                text = blank(text, spans)
        if "](" in text:
            spans = find_markdown_links([], i, text, mask=True)
            if spans:
                text = blank(text, spans)
        if "[!" in text or "[^" in text:
            text = _blank_all(_BRACKETED, text)
        if "][" in text or "]:" in text:
            text = _blank_all(_REFERENCE_LINK, text)
    if "://" in text:
        text = mask_urls(text)
    if "#" in text:
        text = _blank_all(_TAG, text)
    if "^" in text:
        text = _blank_all(_BLOCK_ID, text)
    if "<" in text:
        text = _blank_all(_HTML_TAG, text)
    return text


def _blank_all(pattern: re.Pattern[str], text: str) -> str:
    spans = [m.span() for m in pattern.finditer(text)]
    return blank(text, spans) if spans else text


@dataclass(frozen=True, slots=True)
class Scan:
    """A note's matches, grouped by phrase: `keys` are the distinct phrase keys found; the
    matches of `keys[k]` are `spans[3 * starts[k] : 3 * starts[k + 1]]`, three ints a match
    (line, start column, end column), in document order. `signature` is a bit set of the
    note's words, which tells which notes may hold a phrase added later."""

    keys: tuple[str, ...]
    starts: array[int]
    spans: array[int]
    signature: int
    # The lines holding a character beyond ASCII: elsewhere a column is the same in every
    # encoding a client counts in, and a mention's place needs no reading of its line.
    non_ascii: frozenset[int] = frozenset()

    def matches(self) -> list[tuple[int, int, int, str]]:
        """(line, start, end, key) of every match, in document order."""
        found = [m for k in range(len(self.keys)) for m in self._of(k)]
        found.sort()
        return found

    def matches_of(self, wanted: set[str]) -> list[tuple[int, int, int, str]]:
        """The matches of the phrases keyed in `wanted`, by phrase."""
        if wanted.isdisjoint(self.keys):
            return []
        return [m for k, key in enumerate(self.keys) if key in wanted for m in self._of(k)]

    def _of(self, k: int) -> list[tuple[int, int, int, str]]:
        s, key = self.spans, self.keys[k]
        return [(s[j], s[j + 1], s[j + 2], key) for j in range(3 * self.starts[k], 3 * self.starts[k + 1], 3)]


def scan(text: str, dictionary: Dictionary, text_sig: int | None = None) -> Scan:
    """Find every phrase of `dictionary` in the prose of `text` (whose `text_signature` is
    `text_sig`, when the caller has it)."""
    sig = text_signature(comparable_text(text)) if text_sig is None else text_sig
    found = scan_lines(prose_lines(text), dictionary, sig)
    if text.isascii():
        return found
    lines = split_lines(text)
    return replace(found, non_ascii=frozenset(i for i, line in enumerate(lines) if not line.isascii()))


def scan_lines(lines: list[str], dictionary: Dictionary, text_sig: int | None = None) -> Scan:
    """`scan` of a note's prose lines; `text_sig`: the signature of the whole text (else of
    these lines')."""
    joined = "\n".join(lines)
    low = joined.lower()
    located: list[tuple[int, int, int, str]]
    if joined.isascii() or (len(low) == len(joined) and unicodedata.is_normalized("NFC", joined)):
        words = words_of(low)
        found = _find(low, words, dictionary)
        starts = _line_starts(lines)
        located = []
        for start, end, key in found:
            number = bisect_right(starts, start) - 1
            located.append((number, start - starts[number], end - starts[number], key))
    else:
        words, located = set(), []
        for number, text in enumerate(lines):
            if not text.strip():
                continue
            low_line, columns = comparable(text)
            line_words = set(WORD.findall(low_line))
            words |= line_words
            located += [(number, columns[s], columns[e], key) for s, e, key in _find(low_line, line_words, dictionary)]
    by_key: dict[str, list[int]] = {}
    for line, start, end, key in located:
        by_key.setdefault(key, []).extend((line, start, end))
    offsets, spans, count = array("I", [0]), array("I"), 0
    for found_spans in by_key.values():
        spans.extend(found_spans)
        count += len(found_spans) // 3
        offsets.append(count)
    return Scan(tuple(by_key), offsets, spans, signature(words) if text_sig is None else text_sig)


def comparable(line: str) -> tuple[str, list[int]]:
    """A line as names are compared (NFC, lowercased) and, for each of its positions (and its
    end), the column of the line it came from: a decomposed accent becomes one character, and
    a character whose lowercase is longer keeps its case."""
    columns: list[int] = []
    pieces: list[str] = []
    clusters = [m.start() for m in re.finditer(r".[\u0300-\u036f]*", line, re.DOTALL)]
    for n, start in enumerate(clusters):
        end = clusters[n + 1] if n + 1 < len(clusters) else len(line)
        chunk = line[start:end]
        low = unicodedata.normalize("NFC", chunk).lower()
        if len(low) == 1:
            pieces.append(low)
            columns.append(start)
        else:
            pieces.append(chunk)
            columns.extend(range(start, end))
    columns.append(len(line))
    return "".join(pieces), columns


def _find(low: str, words: set[str], dictionary: Dictionary) -> list[tuple[int, int, str]]:
    """(start, end, key) of the phrases in `low` (the compared form of some text whose words are
    `words`): leftmost first, the longest at a place, none overlapping."""
    hits = words & dictionary.first_words
    if not hits:
        return []
    if len(hits) <= _FEW_WORDS:  # a search for each word, in C
        places = [(m.start(), word) for word in hits for m in _word_pattern(word).finditer(low)]
    else:  # one pass over the words
        places = [(m.start(), word) for m in WORD.finditer(low) if (word := m.group()) in hits]
    found: list[tuple[int, int, str]] = []
    size = len(low)
    singles, pairs = dictionary.singles, dictionary.pairs
    for at, word in places:
        # `at` starts a whole word (the searches match whole words only), so a phrase that starts
        # with a word has no word before it, and one that starts otherwise needs none.
        after = _NEXT_WORD.match(low, at + len(word)) if pairs else None
        longer = pairs.get((word, after.group(1))) if after is not None else None
        for phrase in (*longer, *singles.get(word, ())) if longer else singles.get(word, ()):
            key = phrase.key
            start = at - phrase.offset
            end = start + len(key)
            if (
                start >= 0
                and low.startswith(key, start)
                and (end == size or not phrase.word_end or not _is_word(low[end]))
            ):
                found.append((start, end, key))
                break
    found.sort(key=lambda f: (f[0], f[0] - f[1]))
    kept: list[tuple[int, int, str]] = []
    reached = -1
    for start, end, key in found:
        if start >= reached:
            kept.append((start, end, key))
            reached = end
    return kept


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_" or "\u0300" <= char <= "\u036f"


# Bounded memoisation of a pure function: the same first words recur in every note.
@functools.lru_cache(maxsize=4096)
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w\u0300-\u036f])" + re.escape(word) + r"(?![\w\u0300-\u036f])")


def _line_starts(lines: list[str]) -> list[int]:
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    return starts


def signature(words: Iterable[str]) -> int:
    """A bit set of `words` (one bit each, by hash): a phrase one of whose words' bits is
    missing is not in the text the words came from. Made in C (maps), not word by word."""
    flags = bytearray(SIGNATURE_BITS)
    deque(map(flags.__setitem__, map(int.__and__, map(hash, words), repeat(SIGNATURE_BITS - 1)), repeat(1)), 0)
    return int(flags.translate(_DIGITS), 2)


def comparable_text(text: str) -> str:
    """A whole text lowercased (and NFC), to look names up in (a phrase not in it is in none of
    its prose)."""
    low = text.lower()
    return low if low.isascii() else unicodedata.normalize("NFC", low)


# A text's words are what `WORD` matches. Faster than the regex: every ASCII character that is
# not a word character becomes a blank (`bytes.translate` on the UTF-8 bytes, whose multi-byte
# sequences hold no ASCII byte), the text is split at blanks, and only the few pieces that still
# hold something else (`_`, a combining accent, non-ASCII punctuation) go through the regex.
_NON_WORD_BYTES = bytes(c if chr(c).isalnum() or c == 95 else 32 for c in range(128)) + bytes(range(128, 256))


def words_of(low: str) -> set[str]:
    """The distinct words (`WORD`) of a text."""
    if low.isascii():
        pieces = set(low.encode("ascii").translate(_NON_WORD_BYTES).decode("ascii").split())
    else:
        data = low.encode("utf-8", "surrogatepass").translate(_NON_WORD_BYTES)
        pieces = set(data.decode("utf-8", "surrogatepass").split())
    odd = [piece for piece in pieces if not piece.isalnum()]
    if odd:
        pieces.difference_update(odd)
        pieces.update(WORD.findall(" ".join(odd)))
    return pieces


def text_signature(low: str) -> int:
    """The signature of every word of a `comparable_text` (its prose and the rest: never too few)."""
    return signature(words_of(low))


def phrase_signature(key: str) -> int:
    return signature(WORD.findall(key))


def may_hold(note_signature: int, wanted: int) -> bool:
    """Whether a text with this signature may hold a phrase of signature `wanted`."""
    return note_signature & wanted == wanted
