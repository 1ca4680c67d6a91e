"""The graph answer's JSON text, encoded in slices (`lsp/graph_changes.encode`), is the text
`json.dumps` makes of it."""

from __future__ import annotations

import asyncio
import json

from vaultls.lsp import graph_changes
from vaultls.lsp.graph_changes import encode


def test_an_answer_encoded_in_slices_is_json_dumps_text(monkeypatch) -> None:
    monkeypatch.setattr(graph_changes, "CHUNK", 2)
    answer = {
        "nodes": [{"id": f"n{k}.md", "label": 'é"x', "tags": ["#a"]} for k in range(5)],
        "edges": [],
        "root": "file:///v",
    }
    expected = json.dumps(answer)
    assert asyncio.run(encode(answer)) == expected
