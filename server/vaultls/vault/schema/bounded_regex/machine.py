"""The matching machine: whether a `Program` matches somewhere in a text, in bounded steps.

It backtracks like `re` (so alternatives are tried in `re`'s order), but remembers every
(instruction, position) at which a `SPLIT` was explored and never explores it again: a failed
attempt from there would fail the same way. That bounds a search by instructions x (length + 1)
steps; with back-references or conditionals the captured text is part of what is remembered,
and the deadline (and `MAX_STATES`) bounds what that bound no longer does.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from vaultls.vault.schema.bounded_regex.compiler import compile_pattern
from vaultls.vault.schema.bounded_regex.program import (
    AT,
    ATOMIC,
    CHAR,
    COND,
    JMP,
    LOOK,
    MATCH,
    REF,
    SAVE,
    SPLIT,
    Code,
    Program,
    Timeout,
)

MAX_STATES = 2_000_000  # remembered (instruction, position[, captures]) states of one search
_CHECK_EVERY = 0x3FF  # steps between two looks at the clock

Captures = tuple[int | None, ...]

_RESULTS: dict[tuple[str, str], bool] = {}
_RESULTS_LOCK = threading.Lock()
_RESULT_TEXT_LIMIT = 256  # only short values are remembered (tags, statuses, dates...)


def search(pattern: str, text: str, deadline: float) -> bool:
    """Whether `re.search(pattern, text)` would find a match; `Timeout` past `deadline`."""
    key = (pattern, text)
    short = len(text) <= _RESULT_TEXT_LIMIT and len(pattern) <= 4 * _RESULT_TEXT_LIMIT
    if short:
        known = _RESULTS.get(key)
        if known is not None:
            return known
    found = _search(compile_pattern(pattern, deadline), text, deadline)
    if short:
        with _RESULTS_LOCK:
            if len(_RESULTS) > 16384:
                _RESULTS.clear()
            _RESULTS[key] = found
    return found


def _search(program: Program, text: str, deadline: float) -> bool:
    run = _Run(program, text, deadline)
    first = program.first
    n = len(text)
    if program.anchored:
        return run.run(program.code, 0, run.caps0, run.memo) is not None
    for start in range(n + 1):
        if first is not None and (start == n or first(text, start) is None):
            if not start & _CHECK_EVERY and time.monotonic() > deadline:
                raise Timeout()
            continue
        if run.run(program.code, start, run.caps0, run.memo) is not None:
            return True
    return False


class _Run:
    """One search: the text, the deadline, what was explored."""

    def __init__(self, program: Program, text: str, deadline: float) -> None:
        self.text = text
        self.deadline = deadline
        self.captures = program.captures
        self.caps0: Captures = (None,) * (2 * program.groups + 2)
        self.memo: set[Any] = set()  # of the main program: shared by every start position
        # of sub-programs (look-arounds, atomic groups)
        self.results: dict[Any, tuple[int, Captures] | None] = {}
        self.steps = 0
        self.states = 0

    def sub(self, code: Code, pos: int, caps: Captures) -> tuple[int, Captures] | None:
        """The first match (in `re`'s order) of a look-around's or atomic group's program."""
        key = (id(code), pos, caps if self.captures else None)
        if key in self.results:
            return self.results[key]
        found = self.run(code, pos, caps, set())
        self.results[key] = found
        return found

    def run(self, code: Code, start: int, caps: Captures, memo: set[Any]) -> tuple[int, Captures] | None:
        """The first match of `code` from `start`, trying alternatives in `re`'s order and
        skipping any (instruction, position[, captures]) explored before; None if none."""
        # The loop below is the hot path of every schema `pattern`: attributes are read into
        # locals once, and each instruction is one comparison chain.
        text = self.text
        n = len(text)
        width = n + 1
        captures = self.captures
        deadline = self.deadline
        steps = self.steps
        stack: list[tuple[int, int, Captures]] = [(0, start, caps)]
        try:
            while stack:
                pc, pos, caps = stack.pop()
                while True:
                    steps += 1
                    if not steps & _CHECK_EVERY and time.monotonic() > deadline:
                        raise Timeout()
                    op, a, b, c = code[pc]
                    if op == CHAR:
                        if pos < n and a(text, pos) is not None:
                            pc += 1
                            pos += 1
                            continue
                        break
                    if op == SPLIT:
                        key = (pc * width + pos, caps) if captures else pc * width + pos
                        if key in memo:
                            break
                        memo.add(key)
                        self.states += 1
                        if self.states > MAX_STATES:
                            raise Timeout()
                        stack.append((b, pos, caps))
                        pc = a
                        continue
                    if op == JMP:
                        pc = a
                        continue
                    if op == AT:
                        if a(text, pos) is not None:
                            pc += 1
                            continue
                        break
                    if op == MATCH:
                        return pos, caps
                    if op == SAVE:
                        caps = caps[:a] + (pos,) + caps[a + 1 :]
                        pc += 1
                        continue
                    if op == REF:
                        begin, end = caps[2 * a], caps[2 * a + 1]
                        if begin is None or end is None:
                            break
                        seg = text[begin:end]
                        size = end - begin
                        if text.startswith(seg, pos) or (
                            b
                            and pos + size <= n
                            and re.fullmatch(re.escape(seg), text[pos : pos + size], re.IGNORECASE)
                        ):
                            pos += size
                            pc += 1
                            continue
                        break
                    if op == LOOK:
                        self.steps = steps
                        if c is None:
                            found = self.sub(a, pos, caps)
                        else:
                            found = self.sub(a, pos - c, caps) if pos >= c else None
                        steps = self.steps
                        if b:  # positive: what it captured stays captured, as in `re`
                            if found is None:
                                break
                            caps = found[1]
                        elif found is not None:
                            break
                        pc += 1
                        continue
                    if op == ATOMIC:
                        self.steps = steps
                        found = self.sub(a, pos, caps)
                        steps = self.steps
                        if found is None:
                            break
                        pos, caps = found
                        pc += 1
                        continue
                    if op == COND:
                        pc = b if caps[2 * a] is not None and caps[2 * a + 1] is not None else c
                        continue
                    break  # FAIL
            return None
        finally:
            self.steps = steps
