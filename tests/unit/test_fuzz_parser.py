"""Fuzzed properties of the parser and of the edge that applies a client's edits: they never
raise, every range lies inside the text, the same text always parses the same, and the
linear-time rewrites of patterns that were quadratic find exactly what the old ones found.
Example counts are bounded so the suite stays fast; the index's own property is in
test_index.py."""

from __future__ import annotations

import marshal
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from tests.unit.test_index import problems_by_note, rebuilt
from vaultls.lsp.documents import OpenDocument
from vaultls.lsp.positions import PositionCodec
from vaultls.vault import parse as parse_module
from vaultls.vault.index import Vault
from vaultls.vault.model import Range
from vaultls.vault.parse import body, frontmatter, inline, parse
from vaultls.vault.store.encoding import decode, encode, encode_rows
from vaultls.vault.text import line_offsets, split_lines
from vaultls.vault.view import view_of_parsed, view_of_rows

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Fragments that exercise every branch of the parser; random text alone rarely forms a link.
# fmt: off
FRAGMENTS = [
    "---", "...", "\n", "\r\n", "\r", " ", "\t", "    ", "#", "# ", "## H", "####### x", "=", "---",
    "***", "- ", "1. ", "> ", "> [!note] ", "```", "~~~", "```ad-note", "$$", "`", "``", "<!--", "-->",
    "%%", "[[", "]]", "[[Note]]", "[[Note#Head|shown]]", "![[pic.png]]", "[[#^id]]", "[[a\\|b]]", "|",
    "[", "]", "(", ")", "](", "[x](y.md)", "[x](<a b.md>)", "[x](https://e.org/#a)", "<", ">", "^id",
    " ^block-1", "#tag", "#nested/tag", "#123", "http://a.b/#x", "aliases: [a, b]", "tags: [x, '#y']",
    'title: "[[Q]]"', "key: 'it''s'", ": ", "&a ", "*a", "!!python/object:os.system", "\ufeff", "\0",
    "\u2028", "\x0c", "\x85", "é", "🎉", "日本", "\ud800", "a", "b", "[^1]", "[^Note]: ", "[^", "^[x]",
]
# fmt: on
TEXTS = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=30).map("".join),
)


def _inside(lines: list[str], rng: Range) -> bool:
    start, end = rng.start, rng.end
    if not (0 <= start.line < len(lines) and 0 <= end.line < len(lines)):
        return False
    return (
        start <= end and 0 <= start.character <= len(lines[start.line]) and 0 <= end.character <= len(lines[end.line])
    )


def _ranges(parsed) -> list[tuple[str, Range]]:
    out: list[tuple[str, Range]] = []
    for link in parsed.links:
        out += [("link", link.range), ("link target", link.target_range)]
    out += [("heading", h.range) for h in parsed.headings]
    out += [("block", b.range) for b in parsed.blocks]
    out += [("tag", t.range) for t in parsed.tags]
    out += [("footnote", f.range) for f in parsed.footnotes + parsed.footnote_refs]
    fm = parsed.frontmatter
    if fm is not None:
        if fm.error_range is not None:
            out.append(("frontmatter error", fm.error_range))
        out += [("key", r) for r in fm.key_ranges.values()]
        out += [("value", r) for r in fm.value_ranges.values()]
        out += [("duplicate", r) for _, r in fm.duplicate_keys]
    out += [("property warning", r) for _, r in (fm.warnings if fm is not None else [])]
    return out


@FAST
@given(TEXTS)
def test_parse_never_raises_and_every_range_is_inside_the_text(text):
    parsed = parse(text)
    lines = split_lines(text)
    assert parsed.line_count == len(lines)
    for what, rng in _ranges(parsed):
        assert _inside(lines, rng), (what, rng)
    for heading in parsed.headings:
        assert 0 <= heading.line < len(lines)
    for block in parsed.blocks:
        assert 0 <= block.start_line <= block.line < len(lines)
    for first, last in [*parsed.code_spans, *parsed.callout_spans]:
        assert 0 <= first <= last < len(lines) or (first == last + 1)  # an empty span before the end


@FAST
@given(TEXTS)
def test_parsing_is_deterministic(text):
    assert parse(text) == parse(text)
    assert parse(str(text)) == parse("".join(list(text)))


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXTS, min_size=2, max_size=4))
def test_parsing_does_not_depend_on_what_was_parsed_before(texts):
    first = [parse(t) for t in texts]
    again = [parse(t) for t in reversed(texts)][::-1]
    assert first == again


@FAST
@given(TEXTS)
def test_the_cache_encoding_of_the_rows_is_the_encoding_of_the_note(text):
    # A cold scan's workers and a cold `vaultls check` encode the parser's rows, never the
    # `ParsedNote`: what they store must decode to the note `parse` gives.
    rows = parse_module.parse_rows(text)
    assert decode(encode_rows(rows)) == parse(text)
    assert marshal.loads(encode_rows(rows)) == marshal.loads(encode(parse(text)))


@FAST
@given(TEXTS)
def test_the_check_reads_the_rows_as_it_reads_the_note(text):
    rows = parse_module.parse_rows(text)
    from_rows = view_of_rows("n.md", rows, True, lambda: parse(text))
    from_note = view_of_parsed("n.md", parse(text), True)
    assert from_rows == from_note


# ---------------------------------------------------------------- linear rewrites


OLD_ATX = re.compile(r"(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="# \t\x0ca\u00a0", max_size=30).map(lambda s: "#" + s))
def test_heading_pattern_matches_like_the_old_one(line):
    old, new = OLD_ATX.match(line), body._ATX.match(line)
    assert (old is None) == (new is None)
    if old is not None:
        assert old.group(1) == new.group(1)
        assert (old.group(2) or "").strip() == (new.group(2) or "").strip()


OLD_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://\S+")


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab1+.-:/# \tZ", max_size=40))
def test_url_masking_is_what_the_old_pattern_did(text):
    assert inline.mask_urls(text) == OLD_URL.sub(lambda m: " " * len(m.group()), text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="\"'\\ a[]", max_size=30))
def test_quoted_spans_are_what_finditer_found(line):
    expected = [m.span() for m in frontmatter._QUOTED.finditer(line)]
    assert [m.span() for m in frontmatter.quoted_spans(line)] == expected


def _old_code_spans(line: str) -> list[tuple[int, int]]:
    """Backtick code spans as the parser found them before `_backtick_runs`."""
    spans, pos = [], 0
    while True:
        m = re.compile(r"`+").search(line, pos)
        if m is None:
            return spans
        closing = re.compile(r"(?<!`)" + m.group() + r"(?!`)").search(line, m.end())
        if closing is None:
            pos = m.end()
            continue
        spans.append((m.start(), closing.end()))
        pos = closing.end()


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="`a ", max_size=30))
def test_code_spans_are_found_as_before(line):
    masked = inline.InlineScanner([], [], []).mask(line)
    expected = list(line)
    for start, end in _old_code_spans(line):
        expected[start:end] = " " * (end - start)
    assert masked == "".join(expected)


# ---------------------------------------------------------------- the edge: positions and edits


ENCODINGS = [types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf32]
POSITIONS = st.builds(
    types.Position,
    line=st.integers(min_value=0, max_value=2**31 - 1) | st.integers(min_value=0, max_value=6),
    character=st.integers(min_value=0, max_value=2**31 - 1) | st.integers(min_value=0, max_value=12),
)


@FAST
@given(TEXTS, POSITIONS, st.sampled_from(ENCODINGS))
def test_client_positions_are_clamped_into_the_text(text, position, encoding):
    lines = split_lines(text)
    pos = PositionCodec(encoding).from_client(lines, position)
    assert 0 <= pos.line < len(lines) and 0 <= pos.character <= len(lines[pos.line])
    back = PositionCodec(encoding).to_client(lines, pos)
    assert back.line == pos.line


@FAST
@given(
    TEXTS, st.lists(st.tuples(POSITIONS, POSITIONS, st.sampled_from(FRAGMENTS)), max_size=6), st.sampled_from(ENCODINGS)
)
def test_any_edit_applies_without_raising_and_matches_a_clamped_splice(text, edits, encoding):
    codec = PositionCodec(encoding)
    doc = OpenDocument("file:///v/n.md", text, 1)
    expected = text
    for start, end, new_text in edits:
        lines = split_lines(expected)
        a, b = sorted([codec.from_client(lines, start), codec.from_client(lines, end)])
        doc.apply(types.TextDocumentContentChangePartial(range=types.Range(start=start, end=end), text=new_text), codec)
        offsets = line_offsets(expected)  # line breaks are one or two characters wide
        expected = expected[: offsets[a.line] + a.character] + new_text + expected[offsets[b.line] + b.character :]
        assert doc.text == expected
        assert doc.lines == split_lines(expected)
    parse(doc.text)


# ---------------------------------------------------------------- the index, with renames and hostile bodies


# fmt: off
HOSTILE_BODIES = st.lists(
    st.sampled_from([
        "[[Alpha]]", "[[beta#H1]]", "[[Gamma#^b1]]", "# H1", "para ^b1", "---\naliases: [Gamma]\n---",
        "---\na: &a [x, *a]\n---", "---\n- list\n---", "---\nt: 1\nt: 2\n---", "[[../../etc/passwd]]",
        "[m](/etc/passwd)", "\0", "\r", "🎉[[Beta]]", "```", "[[Alpha|x]] #tag",
    ]),
    max_size=5,
).map("\n".join)
# fmt: on
NOTE_PATHS = st.sampled_from(["Alpha.md", "beta.md", "x/Gamma.md", "x/y/Alpha.md", "Beta.md"])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("upsert"), NOTE_PATHS, HOSTILE_BODIES),
            st.tuples(st.just("remove"), NOTE_PATHS, st.just("")),
            st.tuples(st.just("rename"), NOTE_PATHS, NOTE_PATHS),
        ),
        max_size=20,
    )
)
def test_incremental_index_with_renames_equals_a_rebuilt_one(ops):
    vault = Vault(Path("/vault"))
    notes: dict[str, str] = {}
    for op, path, arg in ops:
        if op == "upsert":
            vault.upsert(path, parse(arg))
            notes[path] = arg
        elif op == "remove":
            vault.remove(path)
            notes.pop(path, None)
        elif path in notes and arg not in notes:  # a rename is a remove and a create
            vault.remove(path)
            vault.upsert(arg, parse(notes[path]))
            notes[arg] = notes.pop(path)
    assert problems_by_note(vault) == problems_by_note(rebuilt(notes, set()))
