"""Files vaultls ships besides its code: the graph view's built script and style
(`graph_view.js`, `graph_view.css`, made by editors/graph-view's `npm run build` and committed),
which `report.graph_html` inlines into the page of `vaultls graph --format html` and the VS Code
extension copies into its media/. Apart from `report`, which reads no file."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

GRAPH_SCRIPT = "graph_view.js"
GRAPH_STYLE = "graph_view.css"


@lru_cache(maxsize=4)
def text(name: str) -> str:
    """One of these files, read once (they never change while vaultls runs)."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
