"""The graph's html page (`vaultls graph --format html`, report/graph_html.py): one file that
needs nothing else, where no note name can become markup or script. (What it draws is
tests/editors/test_graph_view.py's, in Chromium.)"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from importlib import resources

from vaultls.report.graph_html import embedded_json, render_html

HOSTILE = [
    "</script><script>alert(1)</script>",
    "<!--<script>",
    "a & b > c < d",
    "]]><img src=x onerror=alert(1)>",
    "line\u2028separator",
    "bad\udcffbyte",
]


def _data(labels: list[str]) -> dict:
    nodes = [
        {"id": f"{label}.md", "label": label, "path": f"{label}.md", "kind": "note", "tags": [label], "folder": ""}
        | {"backlinks": 0, "outlinks": 0}
        for label in labels
    ]
    return {"nodes": nodes, "edges": []}


class _Page(HTMLParser):
    """The page's elements: tags with their attributes, and the text of each script and style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.blocks: list[tuple[str, dict[str, str | None], str]] = []
        self._open: tuple[str, dict[str, str | None]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs))
            self.blocks.append((tag, dict(attrs), ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            tag, attrs, text = self.blocks[-1]
            self.blocks[-1] = (tag, attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def test_the_page_loads_nothing_from_anywhere() -> None:
    page = render_html(_data(["A", "B"]), "vault")
    for tag, attrs in _parse(page).tags:
        for name in ("src", "href", "action", "data", "poster"):
            assert attrs.get(name) is None, f"<{tag} {name}={attrs.get(name)!r}>"
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)


def test_the_page_has_one_data_block_one_script_and_one_style() -> None:
    blocks = _parse(render_html(_data(HOSTILE), "vault")).blocks
    assert [(tag, attrs.get("type")) for tag, attrs, _ in blocks] == [
        ("style", None),
        ("script", "application/json"),
        ("script", None),
    ]


def test_hostile_note_names_stay_inside_the_json() -> None:
    data = _data(HOSTILE)
    blocks = _parse(render_html(data, "vault")).blocks
    embedded = blocks[1][2]
    assert json.loads(embedded) == json.loads(json.dumps(data))
    for char in "<>&":
        assert char not in embedded


def test_the_embedded_json_is_ascii_and_reads_back_the_same() -> None:
    data = _data(HOSTILE)
    text = embedded_json(data)
    assert text.isascii()
    assert json.loads(text) == json.loads(json.dumps(data))


def test_the_title_is_escaped() -> None:
    page = render_html(_data([]), "</title><script>alert(1)</script>")
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert [tag for tag, _ in _parse(page).tags].count("script") == 2


def _policy(page: str) -> dict[str, list[str]]:
    content = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert content, "no content security policy"
    return {name: values for name, *values in (part.split() for part in content.group(1).split(";"))}


def test_the_policy_runs_only_the_inlined_script_and_style() -> None:
    page = render_html(_data(["A"]), "vault")
    policy = _policy(page)
    blocks = _parse(page).blocks

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"

    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == [digest(blocks[2][2])]
    assert policy["style-src"] == [digest(blocks[0][2])]
    assert policy["worker-src"] == ["blob:"]  # ForceAtlas2's layout worker
    assert "connect-src" not in policy  # default-src 'none': no fetch, no WebSocket


def test_the_built_view_is_package_data() -> None:
    folder = resources.files("vaultls.assets")
    script = folder.joinpath("graph_view.js").read_text(encoding="utf-8")
    assert "sigma" in script.lower() and "</script" not in script.lower()
    assert folder.joinpath("graph_view.css").read_text(encoding="utf-8").strip()


def test_the_same_graph_makes_the_same_page() -> None:
    assert render_html(_data(["A", "B"]), "vault") == render_html(_data(["A", "B"]), "vault")
