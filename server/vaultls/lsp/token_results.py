"""The semantic tokens last sent for each open document, so that the next request can be
answered with only what changed (`textDocument/semanticTokens/full/delta`). Held in the
server's per-vault caches (`caches.VaultCaches`), bounded: a client asks for a delta only of
the documents it shows, and one it forgot is answered in full again."""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass, field

MAX_DOCUMENTS = 32


@dataclass
class TokenResults:
    """(result id, encoded data) by document URI, the most recently used last."""

    limit: int = MAX_DOCUMENTS
    _by_uri: OrderedDict[str, tuple[str, list[int]]] = field(default_factory=OrderedDict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def remember(self, uri: str, data: list[int]) -> str:
        """Keep `data` as `uri`'s last result; returns its new result id."""
        result_id = str(next(self._ids))
        self._by_uri[uri] = (result_id, data)
        self._by_uri.move_to_end(uri)
        while len(self._by_uri) > self.limit:
            self._by_uri.popitem(last=False)
        return result_id

    def previous(self, uri: str, result_id: str) -> list[int] | None:
        """The data sent as `result_id` for `uri`, if that is still its last result."""
        last = self._by_uri.get(uri)
        return last[1] if last is not None and last[0] == result_id else None

    def forget(self, uri: str) -> None:
        self._by_uri.pop(uri, None)


def edit_between(old: list[int], new: list[int]) -> tuple[int, int, list[int]] | None:
    """One edit that turns `old` into `new`: (start, how many to delete, what to insert), from
    their common head and tail; None when they are equal. Tokens come in groups of five
    integers, so the edit starts and ends on a token's boundary."""
    if old == new:
        return None
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    head -= head % 5
    tail = 0
    while tail < limit - head and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]:
        tail += 1
    tail -= tail % 5
    return head, len(old) - head - tail, new[head : len(new) - tail]
