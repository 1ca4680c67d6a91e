"""The `vaultls` command: `serve` starts the language server, `check` runs its diagnostics
headless for CI and pre-commit hooks."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
from pathlib import Path
from typing import Sequence, TextIO

from vaultls import __version__
from vaultls.vault.check import Problem, Severity, check_vault
from vaultls.vault.load import load_vault
from vaultls.vault.roots import find_vault_root
from vaultls.vault.scan import read_note
from vaultls.vault.settings import build_settings
from vaultls.vault.text import split_lines, utf16_column

FAIL_ON = {"error": 1, "warning": 2, "info": 3, "information": 3, "hint": 4, "never": 0}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if args.command == "serve":
        return _serve(args)
    return _check(args, sys.stdout)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vaultls", description="Language server and checker for Obsidian-style Markdown vaults."
    )
    parser.add_argument("--version", action="version", version=f"vaultls {__version__}")
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="start the language server (stdio by default)")
    serve.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (default)")
    serve.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=2087)
    serve.add_argument("--log-file", help="write the log here as well as to stderr")
    serve.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])

    check = sub.add_parser("check", help="check vaults or notes and print their problems")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                       help="vault folders or notes (default: the current folder)")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--fail-on", choices=list(FAIL_ON), default="warning",
                       help="exit 1 when a problem at or above this severity is found (default: warning)")
    return parser


def _serve(args: argparse.Namespace) -> int:
    _configure_logging(args.log_level, args.log_file)
    from vaultls.lsp.server import create_server  # imported here: `check` needs no pygls

    server = create_server()
    if args.tcp:
        server.start_tcp(args.host, args.port)
    else:
        server.start_io()
    return 0


def _configure_logging(level: str, log_file: str | None) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]  # stdout is the LSP channel
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    logging.basicConfig(level=level, handlers=handlers, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("pygls").setLevel(logging.WARNING)


def _check(args: argparse.Namespace, out: TextIO) -> int:
    threshold = FAIL_ON[args.fail_on]
    # Group the requested paths by vault, so each vault is indexed once.
    selections: dict[Path, set[str] | None] = {}
    for raw in args.paths:
        path = Path(raw).resolve()
        if not path.exists():
            print(f"vaultls: {raw}: no such file or folder", file=sys.stderr)
            return 2
        root = find_vault_root(path)
        rel = path.relative_to(root).as_posix() if path != root else ""
        if root in selections and selections[root] is None:
            continue
        if path.is_dir() and rel == "":
            selections[root] = None
        else:
            selections.setdefault(root, set()).add(rel)  # type: ignore[union-attr]

    problems: list[tuple[Path, Problem]] = []
    for root, selection in selections.items():
        settings, errors = build_settings(root)
        for error in errors:
            print(f"vaultls: {error}", file=sys.stderr)
        vault, skipped = load_vault(root, settings)
        for rel, why in skipped:
            print(f"vaultls: skipped {rel}: {why}", file=sys.stderr)
        only = None if selection is None else _expand(vault.notes, selection)
        problems.extend((root, p) for p in check_vault(vault, only))

    if args.format == "json":
        lines_of = functools.lru_cache(maxsize=32)(_note_lines)
        json.dump([_as_json(lines_of(root, p.path), p) for root, p in problems], out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        for _, p in problems:
            start = p.range.start
            out.write(f"{p.path}:{start.line + 1}:{start.character + 1}: {p.severity.label} {p.code} {p.message}\n")
        _summary(problems)
    failing = any(p.severity <= threshold for _, p in problems) if threshold else False
    return 1 if failing else 0


def _expand(notes: dict[str, object], selection: set[str]) -> set[str]:
    """Selected notes and every note under selected folders."""
    chosen: set[str] = set()
    for rel in selection:
        if rel in notes:
            chosen.add(rel)
        else:
            prefix = rel.rstrip("/") + "/"
            chosen.update(p for p in notes if p.startswith(prefix))
    return chosen


def _summary(problems: list[tuple[Path, Problem]]) -> None:
    if not problems:
        print("vaultls: no problems found", file=sys.stderr)
        return
    counts = {s: 0 for s in Severity}
    for _, p in problems:
        counts[p.severity] += 1
    parts = [f"{n} {s.label}{'s' if n != 1 and s != Severity.INFORMATION else ''}" for s, n in counts.items() if n]
    notes = len({(root, p.path) for root, p in problems})
    print(f"vaultls: {', '.join(parts)} in {notes} note{'s' if notes != 1 else ''}", file=sys.stderr)


def _note_lines(root: Path, path: str) -> list[str]:
    read = read_note(root.joinpath(*path.split("/")))
    return split_lines(read[0]) if read else []


def _as_json(lines: list[str], problem: Problem) -> dict[str, object]:
    """One problem as JSON: LSP-style range, so columns are UTF-16 code units."""

    def pos(line: int, character: int) -> dict[str, int]:
        text = lines[line] if line < len(lines) else ""
        return {"line": line, "character": utf16_column(text, character)}

    r = problem.range
    return {
        "path": problem.path,
        "range": {"start": pos(r.start.line, r.start.character), "end": pos(r.end.line, r.end.character)},
        "severity": problem.severity.label,
        "code": problem.code,
        "message": problem.message,
    }
