"""The vault's link graph (`vault/graph_data.graph_data`) as files other tools open: `dot`
for Graphviz, `graphml` for Gephi, yEd and networkx, `json` as the server answers it. The
html page is `graph_html.render_html`'s (`renderer`). Every format carries each node's label, kind, path,
folder, tags, backlinks and outlinks, and each edge's kind and count.

Names come from a stranger's vault: in dot every string is quoted, with `"` and `\\` escaped and
control characters shown as escapes (`printable`); in graphml text is XML-escaped, and what XML
cannot hold (control characters, lone surrogates of undecodable file names) becomes U+FFFD.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from vaultls.report.escape import json_text, printable

GRAPH_FORMATS = ("json", "html", "dot", "graphml")

# What XML 1.0 cannot hold: control characters but tab and line breaks, surrogates, U+FFFE/F.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Graphviz attributes per kind: how each kind of node is drawn.
_DOT_STYLE = {
    "note": 'shape=ellipse, style=filled, fillcolor="#dce8f7"',
    "attachment": 'shape=box, style=filled, fillcolor="#eeeeee"',
    "dangling": 'shape=ellipse, style=dashed, fontcolor="#777777"',
    "tag": 'shape=note, style=filled, fillcolor="#e6f4e0"',
}

NODE_KEYS = (  # graphml keys of a node: (name, type)
    ("label", "string"),
    ("kind", "string"),
    ("path", "string"),
    ("folder", "string"),
    ("tags", "string"),
    ("backlinks", "int"),
    ("outlinks", "int"),
)
EDGE_KEYS = (("kind", "string"), ("count", "int"))


def render_json(data: dict[str, Any], title: str = "") -> str:
    """The graph as the server's `vaultls/graph` answers it, valid UTF-8 (`json_text`)."""
    del title  # json carries no title: it is exactly the server's answer
    return json_text(json.dumps(data, ensure_ascii=False, indent=1)) + "\n"


def dot_string(text: str) -> str:
    """`text` as a quoted Graphviz string: control, separator and undecodable characters as
    their `printable` escapes (as text), then `\\` and `"` escaped."""
    return '"' + printable(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_dot(data: dict[str, Any], title: str = "vault") -> str:
    lines = [f"digraph {dot_string(title)} {{", "  graph [overlap=false, splines=true];"]
    for node in data["nodes"]:
        attrs = [
            f"label={dot_string(node['label'])}",
            f"kind={dot_string(node['kind'])}",
            f"folder={dot_string(node['folder'])}",
            f"tags={dot_string(', '.join(node['tags']))}",
            f"backlinks={int(node['backlinks'])}",
            f"outlinks={int(node['outlinks'])}",
        ]
        if "path" in node:
            attrs.insert(2, f"path={dot_string(node['path'])}")
        attrs.append(_DOT_STYLE.get(node["kind"], ""))
        lines.append(f"  {dot_string(node['id'])} [{', '.join(a for a in attrs if a)}];")
    for edge in data["edges"]:
        style = ", style=dashed" if edge["kind"] == "embed" else ", style=dotted" if edge["kind"] == "tag" else ""
        lines.append(
            f"  {dot_string(edge['source'])} -> {dot_string(edge['target'])} "
            f"[kind={dot_string(edge['kind'])}, count={int(edge['count'])}, weight={int(edge['count'])}{style}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """`text` as a double-quoted XML attribute value, white space kept as character references
    (an XML reader normalises literal tabs and line breaks in attributes to spaces). Written
    here rather than imported from xml.sax.saxutils, which imports urllib and ssl into every
    `vaultls check`."""
    text = xml_text(text).replace('"', "&quot;")
    return '"' + text.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


def render_graphml(data: dict[str, Any], title: str = "vault") -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    for name, kind in NODE_KEYS:
        out.append(f'  <key id="n_{name}" for="node" attr.name="{name}" attr.type="{kind}"/>')
    for name, kind in EDGE_KEYS:
        out.append(f'  <key id="e_{name}" for="edge" attr.name="{name}" attr.type="{kind}"/>')
    out.append(f'  <graph id={quoteattr(_NOT_XML.sub(chr(0xFFFD), title))} edgedefault="directed">')
    for node in data["nodes"]:
        values = {**node, "tags": ", ".join(node["tags"])}
        out.append(f"    <node id={_attr(node['id'])}>")
        out += [
            f'      <data key="n_{name}">{xml_text(str(values[name]))}</data>'
            for name, _ in NODE_KEYS
            if name in values
        ]
        out.append("    </node>")
    for k, edge in enumerate(data["edges"]):
        out.append(f'    <edge id="e{k}" source={_attr(edge["source"])} target={_attr(edge["target"])}>')
        out += [f'      <data key="e_{name}">{xml_text(str(edge[name]))}</data>' for name, _ in EDGE_KEYS]
        out.append("    </edge>")
    out += ["  </graph>", "</graphml>"]
    return "\n".join(out) + "\n"


def _attr(text: str) -> str:
    return quoteattr(_NOT_XML.sub("\ufffd", text))


def renderer(fmt: str) -> Callable[[dict[str, Any], str], str]:
    """The function that renders `fmt`, one of `GRAPH_FORMATS` (else a LookupError)."""
    if fmt == "json":
        return render_json
    if fmt == "dot":
        return render_dot
    if fmt == "graphml":
        return render_graphml
    if fmt == "html":
        from vaultls.report.graph_html import render_html  # only when asked for: the page is large

        return render_html
    raise LookupError(f"unknown graph format {fmt!r}")
