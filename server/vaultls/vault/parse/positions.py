"""Positions and ranges made fast, and equal positions shared between notes.

A large vault holds about a hundred `Position`s a note. Made through the frozen dataclass's
generated `__init__` (one `object.__setattr__` per field) they were the largest single cost of a
cold scan, so they are made here with `object.__new__` and the slots' own setters: the same
class, the same fields, only made faster. A `Position` is immutable, so equal ones can be one
object: `position` hands out a shared one, which keeps a loaded vault small and saves making
most of them at all.
"""

from __future__ import annotations

from vaultls.vault.model import Position, Range

_new = object.__new__
_set_line = Position.__dict__["line"].__set__
_set_character = Position.__dict__["character"].__set__
_set_start = Range.__dict__["start"].__set__
_set_end = Range.__dict__["end"].__set__


class NoRow(dict):  # type: ignore[type-arg]
    """What `PositionPool.row` gives for a line too wide for rows: every lookup misses (the
    caller then asks `PositionPool.position`). Never holds an item."""

    def __missing__(self, column: int) -> None:
        return None


NO_ROW = NoRow()  # the row of every line too wide for rows
_WIDE = 1 << 20  # columns from here on do not fit in a key: such positions are not shared

# The shared positions of one line, indexed by column: None where none was made yet.
PositionRow = list[Position | None] | NoRow


class PositionPool:
    """The positions made so far, so that equal ones are one object.

    Two tables, both bounded; outgrowing a bound empties the table, which only loses sharing
    with the positions made before (they stay valid and equal), never correctness:

    - positions by key `line * 2**20 + column`, at most `position_limit` of them;
    - the same positions as rows, one list per line indexed by column (`row`). Looking up an
      int key in a dict (hash, probe, compare; and the line sits above the low bits a dict
      starts probing at, so on every line each column collides with itself) was the largest
      single cost of making a note's links; a list index costs next to nothing. A row is as
      wide as the widest column asked for on its line, never wider than `row_width_limit`,
      and the rows start over once they hold `row_slot_limit` slots in all.

    One pool serves the whole process (`SHARED_POSITIONS`): sharing pays off between the notes
    of a vault, which are parsed by many callers (the loader, the cache, the server on an
    edit). Its tables are changed only by its own methods.
    """

    __slots__ = ("_positions", "_rows", "_row_slots", "position_limit", "row_width_limit", "row_slot_limit")

    def __init__(
        self, position_limit: int = 1_000_000, row_width_limit: int = 4096, row_slot_limit: int = 1 << 21
    ) -> None:
        self.position_limit = position_limit
        self.row_width_limit = row_width_limit
        self.row_slot_limit = row_slot_limit
        self._positions: dict[int, Position] = {}
        self._rows: dict[int, list[Position | None]] = {}
        self._row_slots = 0  # slots in all the rows

    def position(self, line: int, character: int) -> Position:
        """`Position(line, character)`, the same object as every equal one made before."""
        row = self._rows.get(line)
        if row is not None and character < len(row):
            found = row[character]
            if found is not None:
                return found
        else:
            row = None
        if character >= _WIDE:
            made = _new(Position)
            _set_line(made, line)
            _set_character(made, character)
            return made
        key = (line << 20) | character
        positions = self._positions
        found = positions.get(key)
        if found is None:
            found = _new(Position)
            _set_line(found, line)
            _set_character(found, character)
            if len(positions) >= self.position_limit:
                positions.clear()
                self._rows.clear()
                self._row_slots = 0
                row = None
            positions[key] = found
        if row is not None:
            row[character] = found
        return found

    def row(self, line: int, width: int) -> PositionRow:
        """The shared positions of `line`, indexable by every column below `width`: look one up
        with `row[column] or pool.position(line, column)`. A row the pool has since let go of
        (starting over) still gives right positions, only no longer shared ones."""
        rows = self._rows
        row = rows.get(line)
        if row is not None and len(row) >= width:
            return row
        if width > self.row_width_limit:
            return NO_ROW
        if row is None:
            row = rows[line] = []
        self._row_slots += width - len(row)
        if self._row_slots > self.row_slot_limit:
            rows.clear()
            row = rows[line] = []
            self._row_slots = width
        row.extend([None] * (width - len(row)))
        return row


SHARED_POSITIONS = PositionPool()
position = SHARED_POSITIONS.position
position_row = SHARED_POSITIONS.row


def span(start: Position, end: Position) -> Range:
    """`Range(start, end)`, made without the dataclass's `__init__`."""
    made = _new(Range)
    _set_start(made, start)
    _set_end(made, end)
    return made


def line_range(line: int, start: int, end: int) -> Range:
    """`Range.on_line(line, start, end)`, with shared positions."""
    made = _new(Range)
    _set_start(made, position(line, start))
    _set_end(made, position(line, end))
    return made


def range_from_row(start_line: int, start_column: int, end_line: int, end_column: int) -> Range:
    """The `Range` of the four ints a row holds it as (`rows.range_row`), with shared positions."""
    made = _new(Range)
    _set_start(made, position(start_line, start_column))
    _set_end(made, position(end_line, end_column))
    return made
