"""The front end: `re`'s parse of an expression, turned into a `Program` for the machine.

Using `re`'s own parser is what makes the syntax and meaning exactly `re`'s (and jsonschema's,
which uses `re`); the compiler then only translates its tree. Character tests and anchors stay
tiny `re` patterns (`leaf`), which cannot backtrack; everything with structure becomes
instructions (program.py).
"""

from __future__ import annotations

import importlib
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from vaultls.vault.schema.bounded_regex.program import (
    AT,
    ATOMIC,
    CHAR,
    COND,
    FAIL,
    JMP,
    LOOK,
    MATCH,
    REF,
    SAVE,
    SPLIT,
    Code,
    Instruction,
    Program,
    Timeout,
)

# `re`'s own parser: Python has no public API that parses a regular expression (only `re`
# itself, which compiles too, and compiling is what can take long). The module is `re._parser`
# since Python 3.11 and `sre_parse` before (deprecated since); this is the one place that
# reaches into it.
try:
    _sre_parse: Any = importlib.import_module("re._parser")
    _sre_constants: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - Python 3.10
    _sre_parse = importlib.import_module("sre_parse")
    _sre_constants = importlib.import_module("sre_constants")

MAX_INSTRUCTIONS = 20_000
_MAXREPEAT = _sre_constants.MAXREPEAT
_FLAG_MASK = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.ASCII | re.UNICODE
# Written where an instruction goes whose targets are known only once what follows is emitted;
# always replaced before the program is used.
_HOLE: Instruction = (FAIL, None, None, None)

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


class PatternTooLarge(re.error):
    def __init__(self) -> None:
        super().__init__(
            f"the expression is too large to check (more than {MAX_INSTRUCTIONS:,} steps "
            "once its repeats are counted out)"
        )


class _Unsupported(re.error):
    pass


# --------------------------------------------------------------------------- leaves


_LEAVES: dict[tuple[str, int], Callable[[str, int], Any]] = {}
_LEAVES_LOCK = threading.Lock()


def _leaf(source: str, flags: int) -> Callable[[str, int], Any]:
    """`match` of a pattern that tests one character or one position (kept: schemas use the
    same few classes again and again)."""
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


# --------------------------------------------------------------------------- the parse tree


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


def _variable_lookbehind(parsed: Any) -> bool:
    """Whether a look-behind has no fixed width: `re` refuses that when compiling, and so
    must `is_valid`, which does not compile."""
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


def _parse(pattern: str) -> Any:
    try:
        return _sre_parse.parse(pattern, 0)
    except RecursionError:
        raise re.error("the expression is nested too deeply") from None
    except OverflowError as exc:
        raise re.error(str(exc)) from None


# --------------------------------------------------------------------------- compiling


class _Compiler:
    def __init__(self, captures: bool, deadline: float) -> None:
        self.captures = captures
        self.deadline = deadline
        self.size = 0

    def program(self, items: Any, flags: int) -> Code:
        code: Code = []
        self.emit(code, items, flags)
        code.append((MATCH, None, None, None))
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
                code.append((CHAR, _leaf(_char_source(name, av), flags), None, None))
            elif name == "AT":
                source = _AT_SOURCES.get(_name(av))
                if source is None:
                    raise _Unsupported(f"unsupported anchor {_name(av)}")
                code.append((AT, _leaf(source, flags), None, None))
            elif name == "BRANCH":
                self.branch(code, av[1], flags)
            elif name == "SUBPATTERN":
                group, add, remove, sub = av
                if group and self.captures:
                    code.append((SAVE, 2 * group, None, None))
                self.emit(code, sub, (flags | add) & ~remove)
                if group and self.captures:
                    code.append((SAVE, 2 * group + 1, None, None))
            elif name in ("MAX_REPEAT", "MIN_REPEAT"):
                self.repeat(code, av, flags, greedy=name == "MAX_REPEAT")
            elif name == "POSSESSIVE_REPEAT":
                sub = self.program([(_sre_constants.MAX_REPEAT, av)], flags)
                code.append((ATOMIC, sub, None, None))
            elif name == "ATOMIC_GROUP":
                code.append((ATOMIC, self.program(av, flags), None, None))
            elif name == "GROUPREF":
                code.append((REF, av, bool(flags & re.IGNORECASE), None))
            elif name == "GROUPREF_EXISTS":
                group, yes, no = av
                at = len(code)
                code.append(_HOLE)
                self.emit(code, yes, flags)
                jump = len(code)
                code.append(_HOLE)
                otherwise = len(code)
                if no is not None:
                    self.emit(code, no, flags)
                code[jump] = (JMP, len(code), None, None)
                code[at] = (COND, group, at + 1, otherwise)
            elif name in ("ASSERT", "ASSERT_NOT"):
                direction, sub = av
                width = None
                if direction < 0:
                    low, high = sub.getwidth()
                    if low != high:
                        raise re.error("look-behind requires fixed-width pattern")
                    width = low
                code.append((LOOK, self.program(sub, flags), name == "ASSERT", width))
            elif name == "FAILURE":
                code.append((FAIL, None, None, None))
            else:
                raise _Unsupported(f"unsupported construct {name}")

    def branch(self, code: Code, alternatives: list[Any], flags: int) -> None:
        jumps = []
        for number, alternative in enumerate(alternatives):
            if number == len(alternatives) - 1:
                self.emit(code, alternative, flags)
                break
            at = len(code)
            code.append(_HOLE)
            self.emit(code, alternative, flags)
            jumps.append(len(code))
            code.append(_HOLE)
            code[at] = (SPLIT, at + 1, len(code), None)
        for at in jumps:
            code[at] = (JMP, len(code), None, None)

    def repeat(self, code: Code, av: Any, flags: int, greedy: bool) -> None:
        low, high, item = av
        for _ in range(low):
            self.emit(code, item, flags)
        if high == _MAXREPEAT:
            loop = len(code)
            code.append(_HOLE)
            self.emit(code, item, flags)
            code.append((JMP, loop, None, None))
            code[loop] = (SPLIT, loop + 1, len(code), None) if greedy else (SPLIT, len(code), loop + 1, None)
            return
        holes = []
        for _ in range(high - low):
            holes.append(len(code))
            code.append(_HOLE)
            self.emit(code, item, flags)
        end = len(code)
        for at in holes:
            code[at] = (SPLIT, at + 1, end, None) if greedy else (SPLIT, end, at + 1, None)


def is_valid(pattern: object) -> bool:
    """Whether `re` reads `pattern` as a regular expression (what `format: regex` asks), found
    without compiling it (compiling expands counted repeats, which can take long)."""
    if not isinstance(pattern, str):
        return True
    try:
        parsed = _parse(pattern)
    except re.error:
        return False
    return not _variable_lookbehind(parsed)


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
