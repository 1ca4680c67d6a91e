"""The link graph as one self-contained html page (`vaultls graph --format html`).

The page carries everything it needs and reaches nothing: the graph view's script and style
(`vaultls.assets`' graph_view.js and graph_view.css, built from editors/graph-view: sigma.js,
graphology and ForceAtlas2) are inlined, and the graph is embedded as JSON in a
`<script type="application/json">`, with `<`, `>` and `&` written as JSON escapes so that no
note name (`</script>`, `<!--`) can end that element or start markup. A content security policy
lets only these two inline blocks run or apply (by their sha256 hashes), plus the blob: web
worker that ForceAtlas2 lays the graph out in; no network, no other script, no form.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from typing import Any

from vaultls import assets

_SURROGATES = re.compile("[\ud800-\udfff]")


def embedded_json(data: Any) -> str:
    """`data` as JSON that is safe inside a `<script>` element: ASCII only, no `<`, `>` or `&`."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render_html(data: dict[str, Any], title: str) -> str:
    """The page: the view drawing `data` (`{nodes, edges}` of the graph request) under `title`."""
    script = assets.text(assets.GRAPH_SCRIPT)
    style = assets.text(assets.GRAPH_STYLE)
    # The built script never holds `</script` (editors/graph-view/build.mjs escapes it); a
    # damaged installation must still not let the page's markup be rewritten.
    if re.search(r"</script", script, re.IGNORECASE):
        raise ValueError("graph_view.js holds '</script' and cannot be inlined")
    policy = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_hash(script)}",
            f"style-src {_hash(style)}",
            "worker-src blob:",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    safe_title = html.escape(_SURROGATES.sub("\ufffd", title), quote=True)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{safe_title}</title>\n"
        f"<style>{style}</style>\n"
        "</head>\n<body>\n"
        f'<script type="application/json" id="vaultls-graph-data">{embedded_json(data)}</script>\n'
        f"<script>{script}</script>\n"
        "</body>\n</html>\n"
    )
