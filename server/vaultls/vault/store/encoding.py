"""How the index cache holds one note: its encoding (`encode`, `decode`), what a warm start
reads of it first (`encode_summary`), and what a whole-vault check reads of it
(`view_of_encoding`).

The encoding is `marshal` of plain tuples, lists, strings and numbers: the parser's rows
(`parse.NoteRows`) as they are, but for the frontmatter. It is several times faster to load
than pickle, and it cannot run code. Frontmatter values YAML makes that marshal cannot hold
(dates, times) fall back to pickle through an unpickler that only knows the `datetime` types.
Decoding builds the model objects with the parser's own fast constructors.
"""

from __future__ import annotations

import io
import marshal
import pickle
import sys
from collections.abc import Callable
from typing import Any

from vaultls.vault.model import Frontmatter, ParsedNote
from vaultls.vault.parse import NoteRows, note_from_rows, note_rows, range_from_row, range_row
from vaultls.vault.schema import SCHEMA_KEY
from vaultls.vault.view import NoteView

# Bump when the encoding below (or the cache's table) changes shape.
FORMAT = 8

_DATA_MARSHAL, _DATA_PICKLE = 0, 1
_SAFE_GLOBALS = frozenset(
    {
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "time"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
    }
)


class _DataUnpickler(pickle.Unpickler):
    """Frontmatter values only: the `datetime` types and builtins, nothing that runs code."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the vaultls cache")


def _encode_data(data: dict[str, Any]) -> tuple[int, Any]:
    if not data:
        return (_DATA_MARSHAL, {})
    try:
        marshal.dumps(data)
        return (_DATA_MARSHAL, data)
    except ValueError:  # a date, or something else marshal has no code for
        return (_DATA_PICKLE, pickle.dumps(data, protocol=4))


def _decode_data(kind: int, value: Any) -> dict[str, Any]:
    data = value if kind == _DATA_MARSHAL else _DataUnpickler(io.BytesIO(value)).load()
    if not isinstance(data, dict):
        raise ValueError("frontmatter data that is not a mapping")
    return data


def encode(parsed: ParsedNote) -> bytes:
    """`parsed` as bytes that `decode` turns back into an equal `ParsedNote`."""
    return encode_rows(note_rows(parsed))


def encode_rows(rows: NoteRows) -> bytes:
    """The note `parse.parse_rows` gives, as the bytes `encode` makes of its `ParsedNote`:
    the rows are the encoding already, but for the frontmatter."""
    fm, headings, blocks, links, tags, aliases, line_count, code_spans, callout_spans, ignores, wide, footnotes = rows
    fm_t = None
    if fm is not None:
        fm_t = (
            fm.start_line,
            fm.end_line,
            _encode_data(fm.data),
            tuple((k, *range_row(v)) for k, v in fm.key_ranges.items()),
            tuple((k, *range_row(v)) for k, v in fm.value_ranges.items()),
            fm.error,
            range_row(fm.error_range) if fm.error_range is not None else None,
            tuple((k, *range_row(v)) for k, v in fm.duplicate_keys),
            tuple((message, *range_row(v)) for message, v in fm.warnings),
        )
    return marshal.dumps(
        (
            FORMAT,
            fm_t,
            headings,
            blocks,
            links,
            tags,
            aliases,
            line_count,
            code_spans,
            callout_spans,
            ignores,
            wide,
            footnotes,
        )
    )


def links_and_tags(blob: bytes) -> tuple[tuple[tuple[str, str, bool], ...], tuple[str, ...]]:
    """The (kind, target, embed) of each link of an encoded note, and its tags' names: what the
    link graph reads (vault/graph_data.py), without making the note's model."""
    fmt, _fm, _headings, _blocks, links, tags, *_rest = marshal.loads(blob)
    if fmt != FORMAT:
        raise ValueError(f"cache entry format {fmt}, expected {FORMAT}")
    return tuple((row[0], row[1], row[5]) for row in links), tuple(row[0] for row in tags)


def decode(blob: bytes) -> ParsedNote:
    """The `ParsedNote` `encode` made; raises (ValueError, TypeError, ...) on anything else."""
    (
        fmt,
        fm_t,
        headings,
        blocks,
        links,
        tags,
        aliases,
        line_count,
        code_spans,
        callout_spans,
        ignores,
        wide,
        footnotes,
    ) = marshal.loads(blob)
    if fmt != FORMAT:
        raise ValueError(f"cache entry format {fmt}, expected {FORMAT}")
    frontmatter = None
    if fm_t is not None:
        start_line, end_line, (kind, data), keys, values, error, error_range, duplicates, warnings_t = fm_t
        frontmatter = Frontmatter(
            start_line=start_line,
            end_line=end_line,
            data=_decode_data(kind, data),
            key_ranges={k: range_from_row(a, b, c, d) for k, a, b, c, d in keys},
            value_ranges={k: range_from_row(a, b, c, d) for k, a, b, c, d in values},
            error=error,
            error_range=range_from_row(*error_range) if error_range is not None else None,
            duplicate_keys=[(k, range_from_row(a, b, c, d)) for k, a, b, c, d in duplicates],
            warnings=[(m, range_from_row(a, b, c, d)) for m, a, b, c, d in warnings_t],
        )
    return note_from_rows(
        (
            frontmatter,
            headings,
            blocks,
            links,
            tags,
            aliases,
            line_count,
            code_spans,
            callout_spans,
            ignores,
            wide,
            footnotes,
        )
    )


def view_of_encoding(path: str, blob: bytes, valid: bool, model: Callable[[], ParsedNote] | None = None) -> NoteView:
    """The `NoteView` of an encoded note, read from the plain tuples of its encoding: no
    `Link`, `Range` or `Position` is made (a warm `vaultls check` reads 10,000 of them).
    `model` makes the note's `ParsedNote` when a check asks (default: `decode(blob)`). Raises
    on anything that is not this version's encoding, as `decode` does.

    It reads the layout `encode_rows` writes; tests/unit/test_cache.py holds the two together
    (the view of a note's encoding is the view of the note)."""
    (fmt, fm_t, headings, blocks, links, _tags, aliases, *_rest, ignores, wide, footnotes) = marshal.loads(blob)
    if fmt != FORMAT:
        raise ValueError(f"cache entry format {fmt}, expected {FORMAT}")
    fm_error = None
    duplicates: list[tuple[str, int, int, int, int]] = []
    fm_warnings: list[tuple[str, int, int, int, int]] = []
    fm_state = None
    if fm_t is not None:
        _start, _end, (kind, data), _keys, _values, error, error_range, dups, warns = fm_t
        if error is not None and error_range is not None:
            fm_error = (error, *error_range)
        duplicates = [(k, a, b, c, d) for k, a, b, c, d in dups]
        fm_warnings = [(m, a, b, c, d) for m, a, b, c, d in warns]
        fm_state = (error is not None, bool(data), _may_name_schema(kind, data))
    return NoteView(
        path,
        valid,
        fm_error,
        duplicates,
        fm_warnings,
        fm_state,
        links,
        [(h[0], h[1]) for h in headings],
        [b[0] for b in blocks],
        aliases,
        model if model is not None else _Decoder(blob),
        ignores,
        wide,
        footnotes,
    )


_SCHEMA_KEY_BYTES = SCHEMA_KEY.encode("utf-8")


def _may_name_schema(kind: int, data: Any) -> bool:
    """Whether encoded frontmatter data may have a `$schema` property. Data marshal could not
    hold (dates) is pickled, and pickle writes every string it holds as its UTF-8 (or, at
    protocol 0, raw-unicode-escape: the same bytes for ASCII) at least once: pickled data
    without those bytes has no such key, and is not unpickled to find out."""
    if kind == _DATA_MARSHAL:
        return SCHEMA_KEY in data
    return not isinstance(data, bytes) or _SCHEMA_KEY_BYTES in data


class _Decoder:
    """`decode(blob)`, when called: the default `model` of `view_of_encoding`."""

    __slots__ = ("blob",)

    def __init__(self, blob: bytes) -> None:
        self.blob = blob

    def __call__(self) -> ParsedNote:
        return decode(self.blob)


def encode_summary(aliases: list[str], link_keys: tuple[str, ...]) -> bytes:
    """What `Vault.add_deferred` needs of a note, without the note: kept apart from the full
    encoding because a warm start reads every summary and almost no full note."""
    return marshal.dumps((FORMAT, aliases, link_keys))


def decode_summary(blob: bytes) -> tuple[list[str], tuple[str, ...]]:
    """(aliases, link lookup keys) of `encode_summary`; raises on anything else."""
    fmt, aliases, link_keys = marshal.loads(blob)
    if fmt != FORMAT or not isinstance(aliases, list) or not isinstance(link_keys, tuple):
        raise ValueError("not a vaultls summary")
    if not set(map(type, aliases)) <= {str} or not set(map(type, link_keys)) <= {str}:  # C loops: 10k notes
        raise ValueError("not a vaultls summary")
    # Interned: a key is in ~30 notes' summaries at 50,000 notes, each decoded apart; one
    # string for all of them (and the index's linker map) is ~80 MB less after a cold scan.
    return aliases, tuple(map(sys.intern, link_keys))
