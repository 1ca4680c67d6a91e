"""Glob patterns for vault-relative paths (`Templates/**`, `*.excalidraw.md`, `**/drafts/*`).

`fnmatch` lets `*` cross `/` and has no `**`; `pathlib`'s `full_match` only arrived in Python
3.13. Users write these patterns as they write `.gitignore` lines, so: `*` and `?` stay inside
one path component, `**` spans any number of them, a pattern without `/` matches the name at
any depth, and a pattern naming a folder covers everything inside it.

Patterns come from a vault's `.vaultls.toml`, which a stranger may have written, so matching
must never backtrack: a path is matched component by component (a `**` component takes any
number of them, tracked as a set of states, never by trying alternatives), and each component
by `fnmatch.translate`'s regular expression, which matches each `*` atomically (linear time).
`**` inside a component (`**.md`, `notes**`) is read as `**/*.md` and `notes*/**`. Brace sets
(`*.{png,jpg}`, `{Templates,Archive}/**`) are expanded first, as VS Code's globs are, up to
`MAX_ALTERNATIVES` patterns.
"""

from __future__ import annotations

import fnmatch
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

_DEEP = None  # a `**` component: any number of path components
_ANY = re.compile(".*", re.DOTALL)
_BRACES = re.compile(r"\{([^{}]*,[^{}]*)\}")  # a brace set with at least one comma
MAX_ALTERNATIVES = 64


@dataclass(frozen=True)
class Glob:
    anchored: bool  # matches from the vault root only (the pattern had a `/` inside)
    parts: tuple[re.Pattern[str] | None, ...]  # one per component; None is `**`

    def matches(self, relpath: str) -> bool:
        components = relpath.split("/")
        parts = self.parts
        states = {0}
        for i, name in enumerate(components):
            if not self.anchored or i == 0:
                states.add(0)
            states = _closure(parts, states)
            if len(parts) in states:
                return True  # the pattern named a folder above this component
            advanced: set[int] = set()
            for state in states:
                if state == len(parts):
                    continue
                part = parts[state]
                if part is _DEEP:
                    advanced.add(state)
                elif part.fullmatch(name):
                    advanced.add(state + 1)
            states = advanced
            if not states and self.anchored:
                return False
        return len(parts) in _closure(parts, states)


def _closure(parts: tuple[re.Pattern[str] | None, ...], states: set[int]) -> set[int]:
    """The states plus those reached by letting `**` components match nothing."""
    out = set(states)
    todo = list(states)
    while todo:
        state = todo.pop()
        if state < len(parts) and parts[state] is _DEEP and state + 1 not in out:
            out.add(state + 1)
            todo.append(state + 1)
    return out


@lru_cache(maxsize=256)
def compile_glob(pattern: str) -> Glob:
    """The matcher of one pattern. Raises ValueError for a pattern that cannot be used."""
    pattern = pattern.strip().replace("\\", "/")
    anchored = "/" in pattern.rstrip("/")
    components: list[str] = []
    for component in pattern.strip("/").split("/"):
        if component == "**" or "**" not in component:
            components.append(component)
            continue
        head, _, tail = component.partition("**")
        if head:
            components.append(head + "*")
        components.append("**")
        if tail:
            components.append("*" + tail.replace("**", "*"))
    parts: list[re.Pattern[str] | None] = []
    for component in components:
        if component == "**":
            if not parts or parts[-1] is not _DEEP:
                parts.append(_DEEP)
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "possible nested set" for `[[:alpha:]]`
                parts.append(re.compile(fnmatch.translate(component), re.IGNORECASE))
        except re.error as exc:
            raise ValueError(f"invalid glob pattern {pattern!r} ({exc})") from None
    if parts and parts[-1] is _DEEP:
        # `Templates/**` is everything inside the folder, not the folder: one component or more,
        # and a folder's contents come with it.
        parts[-1] = _ANY
    return Glob(anchored, tuple(parts))


def expand_braces(pattern: str) -> list[str]:
    """`a/{b,c}/*.{md,txt}` → the four patterns it stands for. Raises ValueError past
    `MAX_ALTERNATIVES` (a few nested sets would otherwise multiply into millions)."""
    done: list[str] = []
    todo = [pattern]
    while todo:
        current = todo.pop()
        m = _BRACES.search(current)
        if m is None:
            done.append(current)
            continue
        todo.extend(current[: m.start()] + alt + current[m.end() :] for alt in reversed(m.group(1).split(",")))
        if len(done) + len(todo) > MAX_ALTERNATIVES:
            raise ValueError(f"glob pattern {pattern!r} stands for more than {MAX_ALTERNATIVES} patterns")
    return done


@dataclass(frozen=True)
class GlobSet:
    patterns: tuple[str, ...] = ()
    _compiled: tuple[Glob, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        compiled = tuple(compile_glob(one) for p in self.patterns if p.strip() for one in expand_braces(p))
        object.__setattr__(self, "_compiled", compiled)

    def matches(self, relpath: str) -> bool:
        return any(glob.matches(relpath) for glob in self._compiled)
