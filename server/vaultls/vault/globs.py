"""Glob patterns for vault-relative paths (`Templates/**`, `*.excalidraw.md`, `**/drafts/*`).

`fnmatch` lets `*` cross `/` and has no `**`; `pathlib`'s `full_match` only arrived in Python
3.13. Users write these patterns as they write `.gitignore` lines, so: `*` and `?` stay inside
one path component, `**` spans any number of them, and a pattern without `/` matches the name
at any depth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache


@lru_cache(maxsize=256)
def compile_glob(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip().replace("\\", "/")
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    prefix = "" if anchored else "(?:.*/)?"
    # A pattern naming a folder also covers everything inside it.
    return re.compile(prefix + "".join(out) + "(?:/.*)?", re.IGNORECASE)


@dataclass(frozen=True)
class GlobSet:
    patterns: tuple[str, ...] = ()
    _compiled: tuple[re.Pattern[str], ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", tuple(compile_glob(p) for p in self.patterns if p.strip()))

    def matches(self, relpath: str) -> bool:
        return any(rx.fullmatch(relpath) for rx in self._compiled)
