"""Start vaultls on stdio for a test, with what the product does not offer:

    python tests/e2e/launch_server.py [--fail METHOD]... [--split-min-notes N] [--second-pass-delay S]

`--fail METHOD` makes the handler of that LSP method raise (wrapped before registration, so it
fails inside the guard every feature runs in); the other two are `VaultLanguageServer`'s
constructor parameters (the two-pass scan forced on a small vault and its passes held apart).
pytest-lsp starts it with `ClientServerConfig(server_command=server_command(...))`.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import logging
import sys
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

from vaultls.lsp import registry
from vaultls.lsp.app import FEATURE_MODULES
from vaultls.lsp.server import VaultLanguageServer


def server_command(*args: str) -> list[str]:
    """The command that runs this launcher with `args` (for `ClientServerConfig`)."""
    return [sys.executable, __file__, *args]


def failing(method: str, handler: Callable[..., Any]) -> Callable[..., Any]:
    """A handler with `handler`'s signature (sync or async) that raises."""

    def fail(*args: Any) -> Any:
        raise RuntimeError(f"injected failure in {method} (tests/e2e/launch_server.py)")

    async def fail_async(*args: Any) -> Any:
        fail()

    return functools.wraps(handler)(fail_async if inspect.iscoroutinefunction(handler) else fail)


def with_failures(module: object, methods: set[str]) -> object:
    """`module`'s features, those of `methods` made to fail."""
    features = getattr(module, "FEATURES", ())
    if not any(method in methods for method, _, _ in features):
        return module
    return SimpleNamespace(
        FEATURES=[(m, options, failing(m, h) if m in methods else h) for m, options, h in features],
        COMMANDS=getattr(module, "COMMANDS", ()),
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fail", action="append", default=[], metavar="METHOD")
    parser.add_argument("--split-min-notes", type=int)
    parser.add_argument("--second-pass-delay", type=float, default=0.0)
    parser.add_argument("--log-level", default="WARNING")  # as `vaultls serve`
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("pygls").setLevel(logging.WARNING)
    options: dict[str, Any] = {"second_pass_delay": args.second_pass_delay}
    if args.split_min_notes is not None:
        options["split_min_notes"] = args.split_min_notes
    server = VaultLanguageServer(**options)
    registry.register(server, [with_failures(module, set(args.fail)) for module in FEATURE_MODULES])
    server.start_io()


if __name__ == "__main__":  # guarded: scan workers may import the main module again
    main()
