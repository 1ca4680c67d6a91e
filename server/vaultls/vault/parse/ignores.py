"""Where a note silences its own problems: a `vaultls-ignore` property for the whole note, and a
`<!-- vaultls-ignore [codes] -->` or `%% vaultls-ignore [codes] %%` comment for its own line and
the next (the one under it), as linters' `# noqa` and `eslint-disable-next-line` do. Without
codes, every code is silenced; codes are separated by blanks or commas."""

from __future__ import annotations

import re

from vaultls.vault.parse.rows import IgnoreRow

IGNORE_KEY = "vaultls-ignore"
WHOLE_NOTE = -1  # the line of the property's row: every line
_COMMENT = re.compile(r"(?:<!--|%%)[ \t]*vaultls-ignore(?![\w-])([^%>]*?)[ \t]*(?:-->|%%)")
_CODE = re.compile(r"[a-z][a-z0-9-]*")


def comment_ignores(i: int, raw: str, out: list[IgnoreRow]) -> None:
    """Append the ignore comments of line `i` (text `raw`) to `out`."""
    for m in _COMMENT.finditer(raw):
        out.append((i, tuple(_CODE.findall(m.group(1)))))


def property_ignores(value: object) -> IgnoreRow | None:
    """The row of a `vaultls-ignore` property: `true` (every code), a code, or a list of codes;
    None when it is absent, `false` or anything else."""
    if value is True:
        return (WHOLE_NOTE, ())
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return (WHOLE_NOTE, tuple(code for v in value for code in _CODE.findall(v.lower())))
    return None
