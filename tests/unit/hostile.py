"""Helpers for tests of hostile input: a time bound that fails instead of hanging, and texts
that used to make the parser's regular expressions take quadratic (or worse) time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def within(seconds: float, fn: Callable[..., Any], *args: Any) -> Any:
    """Run `fn(*args)` and return its result; fail the test if it takes longer than `seconds`.
    A generous bound on something that should take a fraction of it, never a benchmark: the
    point is that a hang or a quadratic blow-up fails the suite instead of stalling it."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            result["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise AssertionError(f"{getattr(fn, '__name__', fn)} took longer than {seconds} s")
    if "error" in result:
        raise result["error"]
    return result.get("value")


def billion_laughs(levels: int = 9, width: int = 9, tail: str = "") -> str:
    """A note whose frontmatter is a YAML alias bomb: `width ** levels` strings in a few lines."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    last = f"*l{levels - 1}"
    lines += [f"aliases: {last}", f"tags: {last}", f"title: {last}"]
    return "---\n" + "\n".join(lines) + "\n---\n# Lol\n" + tail


# One line each, ~1 MB, that each used to cost the parser seconds to hours.
PATHOLOGICAL_LINES = {
    "heading with a long run of spaces": "# a" + " " * 1_000_000 + "b",
    "long word with a tag and a URL on the line": "#tag " + "a" * 1_000_000 + " http://x",
    "many unclosed wikilinks": "[[a " * 250_000,
    "many unclosed Markdown links": "[a](" * 250_000,
    "many backtick runs": " ".join("`" * k for k in range(1, 1400)),
    "many block ids": "x" + " ^a" * 300_000 + "!",
    "block quote markers": "> " * 500_000,
    "list markers": "- " * 500_000,
    "thematic break lookalike": "* " * 500_000 + "x",
    "block quote markers before a footnote": "> " * 500_000 + "x [^1]",
    "many unclosed footnote references": "[^a" * 250_000,
}
