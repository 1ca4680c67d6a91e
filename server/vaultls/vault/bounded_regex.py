"""Regular expressions from a stranger's schema, matched in bounded time and memory.

Python's `re` backtracks: `^(a+)+$` against forty `a`s and a `b` runs for days, `[a-z]*X`
against a long value takes time quadratic in its length, and nothing can stop a running match
(not even a thread: it holds the GIL). A vault's schemas (`pattern`, `patternProperties`,
`format: regex`) come from whoever wrote the vault, so their expressions are matched here
instead, with the very syntax and meaning `re` gives them (what jsonschema itself does):

- `re`'s own parser reads the expression, so what is valid, and what each part means, is
  `re`'s. Each single-character test (a literal, a class, `.`, `\\d`, with the flags in force)
  and each anchor (`^`, `$`, `\\b`, ...) is a tiny `re` pattern matched at one position, which
  cannot backtrack.
- The structure (sequences, alternatives, repeats, groups, look-arounds, atomic groups) runs on
  a small backtracking machine that remembers every (instruction, position) it has explored
  without success and never explores it again (RE2's "bit-state" idea): a search costs at most
  instructions x (length + 1) steps, whatever the expression. Only back-references (`\\1`) and
  conditionals (`(?(1)a|b)`) make the captured text part of the state; such an expression may
  still be slow, and the deadline stops it.
- Every search has a deadline (`time.monotonic()` value): past it, `Timeout` is raised. An
  expression larger than `MAX_INSTRUCTIONS` once its counted repeats are unrolled is refused
  (`PatternTooLarge`, a `re.error`).

Only whether there is a match is computed (what `pattern` needs), never the match itself.
"""

from __future__ import annotations

import importlib
import re
import threading
import time
from collections.abc import Callable
from typing import Any

# `re`'s own parser: `re._parser` since Python 3.11, `sre_parse` before (deprecated since).
try:
    _sre_parse: Any = importlib.import_module("re._parser")
    _sre_constants: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - Python 3.10
    _sre_parse = importlib.import_module("sre_parse")
    _sre_constants = importlib.import_module("sre_constants")

MAX_INSTRUCTIONS = 20_000
MAX_STATES = 2_000_000  # remembered (instruction, position[, captures]) states of one search
_CHECK_EVERY = 0x3FF  # steps between two looks at the clock
_MAXREPEAT = _sre_constants.MAXREPEAT
_FLAG_MASK = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.ASCII | re.UNICODE

_CHAR, _AT, _SPLIT, _JMP, _MATCH, _SAVE, _REF, _LOOK, _ATOMIC, _COND, _FAIL = range(11)

_AT_SOURCES = {
    "AT_BEGINNING": "^",
    "AT_BEGINNING_STRING": r"\A",
    "AT_END": "$",
    "AT_END_STRING": r"\Z",
    "AT_BOUNDARY": r"\b",
    "AT_NON_BOUNDARY": r"\B",
}
_CATEGORY_SOURCES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


class Timeout(Exception):
    """The deadline passed before the search (or the work around it) finished."""


class PatternTooLarge(re.error):
    def __init__(self) -> None:
        super().__init__(
            f"the expression is too large to check (more than {MAX_INSTRUCTIONS:,} steps "
            "once its repeats are counted out)"
        )


class _Unsupported(re.error):
    pass


Code = list[tuple[Any, Any, Any, Any]]


class Program:
    """A compiled expression: instructions, and what the search needs to know about them."""

    __slots__ = ("code", "captures", "groups", "anchored", "first")

    def __init__(self, code: Code, captures: bool, groups: int, anchored: bool) -> None:
        self.code = code
        self.captures = captures  # back-references or conditionals: captured text is state
        self.groups = groups
        self.anchored = anchored  # starts with \A (or ^ without MULTILINE): one start only
        op, test, _, _ = code[0]
        self.first: Callable[[str, int], Any] | None = test if op == _CHAR else None


# --------------------------------------------------------------------------- compiling


_LEAVES: dict[tuple[str, int], Callable[[str, int], Any]] = {}
_LEAVES_LOCK = threading.Lock()


def _leaf(source: str, flags: int) -> Callable[[str, int], Any]:
    """`match` of a pattern that tests one character or one position."""
    key = (source, flags & _FLAG_MASK)
    found = _LEAVES.get(key)
    if found is None:
        found = re.compile(source, key[1]).match
        with _LEAVES_LOCK:
            if len(_LEAVES) > 4096:
                _LEAVES.clear()
            _LEAVES[key] = found
    return found


def _char(code: int) -> str:
    return f"\\U{code:08x}"


def _char_source(name: str, av: Any) -> str:
    if name == "LITERAL":
        return _char(av)
    if name == "NOT_LITERAL":
        return f"[^{_char(av)}]"
    if name == "ANY":
        return "."
    negate = False
    parts = []
    for item_op, item_av in av:
        item = _name(item_op)
        if item == "NEGATE":
            negate = True
        elif item == "LITERAL":
            parts.append(_char(item_av))
        elif item == "RANGE":
            parts.append(f"{_char(item_av[0])}-{_char(item_av[1])}")
        elif item == "CATEGORY" and _name(item_av) in _CATEGORY_SOURCES:
            parts.append(_CATEGORY_SOURCES[_name(item_av)])
        else:
            raise _Unsupported(f"unsupported character class item {item}")
    if not parts:
        return r"[\s\S]" if negate else "(?!)"
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


def _name(op: Any) -> str:
    return getattr(op, "name", None) or str(op)


def _items(sub: Any) -> Any:
    return sub.data if hasattr(sub, "data") else sub


def _has_captures(items: Any) -> bool:
    """Whether the parsed expression has a back-reference or a conditional anywhere."""
    stack = [items]
    while stack:
        for op, av in _items(stack.pop()):
            name = _name(op)
            if name in ("GROUPREF", "GROUPREF_EXISTS"):
                return True
            if name == "BRANCH":
                stack.extend(av[1])
            elif name == "SUBPATTERN":
                stack.append(av[3])
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                stack.append(av[2])
            elif name == "ATOMIC_GROUP":
                stack.append(av)
            elif name in ("ASSERT", "ASSERT_NOT"):
                stack.append(av[1])
    return False


class _Compiler:
    def __init__(self, captures: bool, deadline: float) -> None:
        self.captures = captures
        self.deadline = deadline
        self.size = 0

    def program(self, items: Any, flags: int) -> Code:
        code: Code = []
        self.emit(code, items, flags)
        code.append((_MATCH, None, None, None))
        return code

    def emit(self, code: Code, items: Any, flags: int) -> None:
        for op, av in _items(items):
            self.size += 1
            if self.size > MAX_INSTRUCTIONS:
                raise PatternTooLarge()
            if not self.size & 0x3F and time.monotonic() > self.deadline:
                raise Timeout()
            name = _name(op)
            if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
                code.append((_CHAR, _leaf(_char_source(name, av), flags), None, None))
            elif name == "AT":
                source = _AT_SOURCES.get(_name(av))
                if source is None:
                    raise _Unsupported(f"unsupported anchor {_name(av)}")
                code.append((_AT, _leaf(source, flags), None, None))
            elif name == "BRANCH":
                self.branch(code, av[1], flags)
            elif name == "SUBPATTERN":
                group, add, remove, sub = av
                if group and self.captures:
                    code.append((_SAVE, 2 * group, None, None))
                self.emit(code, sub, (flags | add) & ~remove)
                if group and self.captures:
                    code.append((_SAVE, 2 * group + 1, None, None))
            elif name in ("MAX_REPEAT", "MIN_REPEAT"):
                self.repeat(code, av, flags, greedy=name == "MAX_REPEAT")
            elif name == "POSSESSIVE_REPEAT":
                sub = self.program([(_sre_constants.MAX_REPEAT, av)], flags)
                code.append((_ATOMIC, sub, None, None))
            elif name == "ATOMIC_GROUP":
                code.append((_ATOMIC, self.program(av, flags), None, None))
            elif name == "GROUPREF":
                code.append((_REF, av, bool(flags & re.IGNORECASE), None))
            elif name == "GROUPREF_EXISTS":
                group, yes, no = av
                at = len(code)
                code.append(None)  # type: ignore[arg-type]
                self.emit(code, yes, flags)
                jump = len(code)
                code.append(None)  # type: ignore[arg-type]
                otherwise = len(code)
                if no is not None:
                    self.emit(code, no, flags)
                code[jump] = (_JMP, len(code), None, None)
                code[at] = (_COND, group, at + 1, otherwise)
            elif name in ("ASSERT", "ASSERT_NOT"):
                direction, sub = av
                width = None
                if direction < 0:
                    low, high = sub.getwidth()
                    if low != high:
                        raise re.error("look-behind requires fixed-width pattern")
                    width = low
                code.append((_LOOK, self.program(sub, flags), name == "ASSERT", width))
            elif name == "FAILURE":
                code.append((_FAIL, None, None, None))
            else:
                raise _Unsupported(f"unsupported construct {name}")

    def branch(self, code: Code, alternatives: list[Any], flags: int) -> None:
        jumps = []
        for number, alternative in enumerate(alternatives):
            if number == len(alternatives) - 1:
                self.emit(code, alternative, flags)
                break
            at = len(code)
            code.append(None)  # type: ignore[arg-type]
            self.emit(code, alternative, flags)
            jumps.append(len(code))
            code.append(None)  # type: ignore[arg-type]
            code[at] = (_SPLIT, at + 1, len(code), None)
        for at in jumps:
            code[at] = (_JMP, len(code), None, None)

    def repeat(self, code: Code, av: Any, flags: int, greedy: bool) -> None:
        low, high, item = av
        for _ in range(low):
            self.emit(code, item, flags)
        if high == _MAXREPEAT:
            loop = len(code)
            code.append(None)  # type: ignore[arg-type]
            self.emit(code, item, flags)
            code.append((_JMP, loop, None, None))
            code[loop] = (_SPLIT, loop + 1, len(code), None) if greedy else (_SPLIT, len(code), loop + 1, None)
            return
        holes = []
        for _ in range(high - low):
            holes.append(len(code))
            code.append(None)  # type: ignore[arg-type]
            self.emit(code, item, flags)
        end = len(code)
        for at in holes:
            code[at] = (_SPLIT, at + 1, end, None) if greedy else (_SPLIT, end, at + 1, None)


def _parse(pattern: str) -> Any:
    try:
        return _sre_parse.parse(pattern, 0)
    except RecursionError:
        raise re.error("the expression is nested too deeply") from None
    except OverflowError as exc:
        raise re.error(str(exc)) from None


def is_valid(pattern: str) -> bool:
    """Whether `re` reads `pattern` as a regular expression (what `format: regex` asks), found
    without compiling it (compiling some expressions takes seconds)."""
    if not isinstance(pattern, str):
        return True
    try:
        parsed = _parse(pattern)
    except re.error:
        return False
    return not _variable_lookbehind(parsed)


def _variable_lookbehind(parsed: Any) -> bool:
    stack = [parsed]
    while stack:
        for op, av in _items(stack.pop()):
            name = _name(op)
            if name in ("ASSERT", "ASSERT_NOT"):
                if av[0] < 0:
                    low, high = av[1].getwidth()
                    if low != high:
                        return True
                stack.append(av[1])
            elif name == "BRANCH":
                stack.extend(av[1])
            elif name == "SUBPATTERN":
                stack.append(av[3])
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                stack.append(av[2])
            elif name == "ATOMIC_GROUP":
                stack.append(av)
            elif name == "GROUPREF_EXISTS":
                stack.append(av[1])
                if av[2] is not None:
                    stack.append(av[2])
    return False


_PROGRAMS: dict[str, Program | re.error] = {}
_PROGRAMS_LOCK = threading.Lock()


def compile_pattern(pattern: str, deadline: float) -> Program:
    """The program of an expression (kept: schemas use the same few again and again). Raises
    `re.error` for one `re` rejects or that is too large, `Timeout` past the deadline."""
    found = _PROGRAMS.get(pattern)
    if found is None:
        try:
            parsed = _parse(pattern)
            captures = _has_captures(parsed)
            compiler = _Compiler(captures, deadline)
            code = compiler.program(parsed, parsed.state.flags)
            first_op, first_av = parsed.data[0] if len(parsed.data) else (None, None)
            anchored = (
                first_op is not None
                and _name(first_op) == "AT"
                and (
                    _name(first_av) == "AT_BEGINNING_STRING"
                    or (_name(first_av) == "AT_BEGINNING" and not parsed.state.flags & re.MULTILINE)
                )
            )
            found = Program(code, captures, parsed.state.groups, anchored)
        except re.error as exc:
            found = exc
        except RecursionError:
            found = re.error("the expression is nested too deeply")
        with _PROGRAMS_LOCK:
            if len(_PROGRAMS) > 2048:
                _PROGRAMS.clear()
            _PROGRAMS[pattern] = found
    if isinstance(found, re.error):
        raise found
    return found


# --------------------------------------------------------------------------- searching


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
        self.caps0: tuple[int | None, ...] = (None,) * (2 * program.groups + 2)
        self.memo: set[Any] = set()  # of the main program: shared by every start position
        # of sub-programs (look-arounds, atomic groups)
        self.results: dict[Any, tuple[int, tuple[int | None, ...]] | None] = {}
        self.steps = 0
        self.states = 0

    def sub(self, code: Code, pos: int, caps: tuple[int | None, ...]) -> tuple[int, tuple[int | None, ...]] | None:
        """The first match (in `re`'s order) of a look-around's or atomic group's program."""
        key = (id(code), pos, caps if self.captures else None)
        if key in self.results:
            return self.results[key]
        found = self.run(code, pos, caps, set())
        self.results[key] = found
        return found

    def run(
        self, code: Code, start: int, caps: tuple[int | None, ...], memo: set[Any]
    ) -> tuple[int, tuple[int | None, ...]] | None:
        """The first match of `code` from `start`, trying alternatives in `re`'s order and
        skipping any (instruction, position[, captures]) explored before; None if none."""
        text = self.text
        n = len(text)
        width = n + 1
        captures = self.captures
        deadline = self.deadline
        steps = self.steps
        stack: list[tuple[int, int, tuple[int | None, ...]]] = [(0, start, caps)]
        try:
            while stack:
                pc, pos, caps = stack.pop()
                while True:
                    steps += 1
                    if not steps & _CHECK_EVERY and time.monotonic() > deadline:
                        raise Timeout()
                    op, a, b, c = code[pc]
                    if op == _CHAR:
                        if pos < n and a(text, pos) is not None:
                            pc += 1
                            pos += 1
                            continue
                        break
                    if op == _SPLIT:
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
                    if op == _JMP:
                        pc = a
                        continue
                    if op == _AT:
                        if a(text, pos) is not None:
                            pc += 1
                            continue
                        break
                    if op == _MATCH:
                        return pos, caps
                    if op == _SAVE:
                        caps = caps[:a] + (pos,) + caps[a + 1 :]
                        pc += 1
                        continue
                    if op == _REF:
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
                    if op == _LOOK:
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
                    if op == _ATOMIC:
                        self.steps = steps
                        found = self.sub(a, pos, caps)
                        steps = self.steps
                        if found is None:
                            break
                        pos, caps = found
                        pc += 1
                        continue
                    if op == _COND:
                        pc = b if caps[2 * a] is not None and caps[2 * a + 1] is not None else c
                        continue
                    break  # _FAIL
            return None
        finally:
            self.steps = steps
