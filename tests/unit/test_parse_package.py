"""The parser package's shape: its public API, no private names across its modules, the row
layouts in step with the model, the shared positions bounded, and every module of it in the
cache's fingerprint. What it parses is tested in test_parse*.py and test_fuzz_parser.py."""

from __future__ import annotations

import ast
import dataclasses
import pkgutil
import typing
from pathlib import Path

import pytest

import vaultls.vault.parse as parse_package
from vaultls.vault.model import Block, Heading, Link, Position, Range, Tag
from vaultls.vault.parse import positions, rows
from vaultls.vault.parse.positions import PositionPool

try:  # the cache is moving to vault/store/; drop the fallback once it has
    from vaultls.vault.store import cache
except ImportError:
    from vaultls.vault import cache  # type: ignore[no-redef]

PACKAGE = Path(parse_package.__file__).parent
SERVER = PACKAGE.parents[2]
SUBMODULES = {module.name for module in pkgutil.iter_modules([str(PACKAGE)])}


def test_every_public_name_is_there():
    for name in parse_package.__all__:
        assert hasattr(parse_package, name), name


def _private_uses(path: Path) -> list[str]:
    """`from vaultls.vault.parse... import _x` and `<parse module>._x` in the file at `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()  # local names bound to a module of the parse package
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(a.asname for a in node.names if a.asname and a.name.startswith("vaultls.vault.parse"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("vaultls.vault"):
            for alias in node.names:
                if (node.module, alias.name) == ("vaultls.vault", "parse") or (
                    node.module == "vaultls.vault.parse" and alias.name in SUBMODULES
                ):
                    modules.add(alias.asname or alias.name)
                elif node.module.startswith("vaultls.vault.parse") and alias.name.startswith("_"):
                    found.append(f"{path.name}: from {node.module} import {alias.name}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{path.name}: {node.value.id}.{node.attr}")
    return found


def test_no_private_name_of_the_parser_is_used_outside_its_module():
    used = [use for path in sorted(SERVER.rglob("*.py")) for use in _private_uses(path)]
    assert used == []


def _row_width(cls: type) -> int:
    return sum(4 if field.type in (Range, "Range") else 1 for field in dataclasses.fields(cls))


@pytest.mark.parametrize(
    ("row", "cls"),
    [(rows.HeadingRow, Heading), (rows.BlockRow, Block), (rows.LinkRow, Link), (rows.TagRow, Tag)],
)
def test_each_row_holds_its_objects_fields_each_range_as_four_ints(row, cls):
    assert len(typing.get_args(row)) == _row_width(cls)


def test_equal_positions_are_one_object():
    assert positions.position(3, 7) is positions.position(3, 7)
    assert positions.range_from_row(1, 2, 1, 5) == Range(Position(1, 2), Position(1, 5))
    assert positions.line_range(4, 0, 3) == Range.on_line(4, 0, 3)


def test_a_pool_past_its_bounds_starts_over_and_its_positions_stay_right():
    pool = PositionPool(position_limit=8, row_width_limit=16, row_slot_limit=32)
    made = [pool.position(line, column) for line in range(5) for column in range(5)]
    assert made == [Position(line, column) for line in range(5) for column in range(5)]
    assert len(pool._positions) <= 8
    for line in range(10):
        row = pool.row(line, 16)
        assert len(row) == 16
        assert pool._row_slots <= 32
    assert pool.row(0, 17)[3] is None  # wider than a row may be: every lookup misses
    assert pool.position(0, 1 << 21) == Position(0, 1 << 21)  # too wide to share, still right


def test_a_row_is_filled_as_positions_are_made():
    pool = PositionPool()
    row = pool.row(2, 10)
    assert row[4] is None
    made = pool.position(2, 4)
    assert row[4] is made


def test_the_cache_fingerprint_covers_every_module_of_the_parser(monkeypatch):
    read: list[Path] = []
    original = Path.read_bytes

    def recording(self: Path) -> bytes:
        read.append(self.resolve())
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", recording)
    cache._source_digest()
    assert {path.resolve() for path in PACKAGE.glob("*.py")} <= set(read)
