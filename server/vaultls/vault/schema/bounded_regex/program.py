"""The instructions the compiler writes and the machine runs.

An instruction is a tuple `(op, a, b, c)`; what `a`, `b` and `c` hold depends on `op`:

- `CHAR test`: the character at the position passes `test` (a compiled one-character `re`);
  move on one character.
- `AT test`: the position passes `test` (an anchor: `^`, `$`, `\\b`, ...); stay.
- `SPLIT first second`: try going on at instruction `first`, then at `second`.
- `JMP target`: go on at instruction `target`.
- `MATCH`: the expression matched.
- `SAVE slot`: remember the position in capture slot `slot` (only when captures matter).
- `REF group ignore_case`: the text group `group` captured comes next.
- `LOOK program positive width`: a look-ahead (`width` None) or a look-behind of fixed
  `width` with its own program.
- `ATOMIC program`: the first match of `program`, never backtracked into.
- `COND group yes no`: go on at `yes` when group `group` captured something, else at `no`.
- `FAIL`: no match here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CHAR, AT, SPLIT, JMP, MATCH, SAVE, REF, LOOK, ATOMIC, COND, FAIL = range(11)

Instruction = tuple[int, Any, Any, Any]
Code = list[Instruction]


class Timeout(Exception):
    """The deadline passed before the search (or the work around it) finished."""


class Program:
    """A compiled expression: instructions, and what the search needs to know about them."""

    __slots__ = ("code", "captures", "groups", "anchored", "first")

    def __init__(self, code: Code, captures: bool, groups: int, anchored: bool) -> None:
        self.code = code
        self.captures = captures  # back-references or conditionals: captured text is state
        self.groups = groups
        self.anchored = anchored  # starts with \A (or ^ without MULTILINE): one start only
        op, test, _, _ = code[0]
        # A first instruction that tests one character lets a search skip, cheaply, the
        # start positions where that character is not.
        self.first: Callable[[str, int], Any] | None = test if op == CHAR else None
