"""The `vaultls` command: `serve` starts the language server, `check` runs its diagnostics
headless for CI and pre-commit hooks."""

from __future__ import annotations

import argparse
import codecs
import io
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, TextIO

from vaultls import __version__
from vaultls.report import FORMATS, REPORT_FORMATS, reports, write_problems
from vaultls.report import text as text_report
from vaultls.report.common import relative_to
from vaultls.report.escape import printable
from vaultls.report.graph_formats import GRAPH_FORMATS, renderer
from vaultls.vault.allocation import bulk_allocation
from vaultls.vault.check_result import CheckResult
from vaultls.vault.check_run import check_files, graph_of, keep_rendered, lines_of, rendered_notes
from vaultls.vault.plural import counted
from vaultls.vault.roots import find_vault_root
from vaultls.vault.schema import SchemaStore, configuration_problems
from vaultls.vault.settings import build_settings
from vaultls.vault.store.syspath import safe_sys_path

FAIL_ON = MappingProxyType({"error": 1, "warning": 2, "info": 3, "information": 3, "hint": 4, "never": 0})
EXIT_CODES = """exit codes:
  0  nothing at or above --fail-on was found (--orphans and --stats always exit 0)
  1  problems at or above --fail-on were found
  2  the run could not be trusted: a bad command line, a missing PATH, a .vaultls.toml that
     cannot be read, is not valid TOML, has an unknown key or a bad value, a broken
     frontmatter schema, or an --output that cannot be written"""


def entry() -> int:
    """The `vaultls` command and `python -m vaultls`: `main`, after dropping the working folder
    from the module path. `python -m` puts it there, and vaultls is often started inside a
    vault (by an editor, or in CI), which must not be able to supply a module vaultls imports
    later. vaultls's own modules come from its package, wherever that was found."""
    sys.path[:] = safe_sys_path()
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if args.command == "serve":
        return _serve(args)
    if args.command == "graph":
        return _graph(args, sys.stdout)
    if (args.orphans or args.stats) and args.format not in REPORT_FORMATS:
        parser.error(f"--orphans and --stats print text or json, not {args.format}")
    return _check(args, sys.stdout)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vaultls", description="Language server and checker for Obsidian-style Markdown vaults."
    )
    parser.add_argument("--version", action="version", version=f"vaultls {__version__}")
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser(
        "serve",
        help="start the language server (stdio by default)",
        description="Start the vaultls language server. Editors start it themselves; see README.",
    )
    channel = serve.add_mutually_exclusive_group()
    channel.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    channel.add_argument("--tcp", action="store_true", help="listen on TCP (--host, --port) instead of stdio")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on with --tcp (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=2087, help="port to listen on with --tcp (default: 2087)")
    serve.add_argument("--log-file", metavar="FILE", help="append the log to FILE as well as writing it to stderr")
    # WARNING by default: editors such as Neovim log every stderr line of a server as an error.
    serve.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="what the log holds (default: WARNING)",
    )

    check = sub.add_parser(
        "check",
        help="check vaults or notes and print their problems",
        description="Check vaults or notes and print their problems, as the language server reports them.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "paths", nargs="*", default=["."], metavar="PATH", help="vault folders or notes (default: the current folder)"
    )
    check.add_argument(
        "--format",
        choices=list(FORMATS),
        default="text",
        help="text (default), json, github (Actions annotations) or sarif (SARIF 2.1.0)",
    )
    check.add_argument(
        "--fail-on",
        choices=list(FAIL_ON),
        default="warning",
        help="exit 1 when a problem at or above this severity is found (default: warning)",
    )
    check.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE instead of stdout")
    check.add_argument(
        "--orphans", action="store_true", help="report the notes no other note links to instead of the problems"
    )
    check.add_argument(
        "--stats",
        action="store_true",
        help="report counts of notes, attachments and links, and the dangling names "
        "ranked by how many notes link them, instead of the problems",
    )
    _graph_parser(sub)
    return parser


def _graph_parser(sub: Any) -> None:
    """`vaultls graph`'s arguments, added to the subcommands `sub` (argparse's, of no public type)."""
    graph = sub.add_parser(
        "graph",
        help="write the vault's link graph (json, html, dot or graphml)",
        description="Write the vault's link graph: json (as the language server's vaultls/graph answers), "
        "html (one self-contained interactive page), dot (Graphviz) or graphml (Gephi, yEd).",
    )
    graph.add_argument(
        "path", nargs="?", default=".", metavar="PATH", help="the vault, or a note for its local graph (default: .)"
    )
    graph.add_argument(
        "--format", choices=list(GRAPH_FORMATS), default="json", help="json (default), html, dot or graphml"
    )
    graph.add_argument("--note", metavar="NOTE", help="only the local graph of this note (a vault path or a name)")
    graph.add_argument("--depth", type=int, default=1, metavar="N", help="links from --note to follow (default: 1)")
    graph.add_argument(
        "--include-dangling",
        dest="include_dangling",
        action="store_true",
        default=True,
        help="show the names links point to that no note has (the default)",
    )
    graph.add_argument("--no-dangling", dest="include_dangling", action="store_false", help="leave dangling names out")
    graph.add_argument("--attachments", action="store_true", help="show attachments and the links to them")
    graph.add_argument("--tags", action="store_true", help="show tags, joined to the notes that use them")
    graph.add_argument("-o", "--output", metavar="FILE", help="write the graph to FILE instead of stdout")


def _port(text: str) -> int:
    """A TCP port number, or an argparse error that says so in one line."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535)")
    return port


def _serve(args: argparse.Namespace) -> int:
    try:
        _configure_logging(args.log_level, args.log_file)
    except OSError as exc:
        _say(f"vaultls: cannot write the log file {args.log_file}: {exc.strerror or exc}")
        return 2
    from vaultls.lsp.app import create_server  # imported here: `check` needs no pygls

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
    for handler in handlers:
        # The level is the handlers' too: the client's `logLevel` may let more records through
        # the `vaultls` logger (to the editor), which stderr must not get.
        handler.setLevel(level)
    logging.basicConfig(level=level, handlers=handlers, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("pygls").setLevel(logging.WARNING)


def _check(args: argparse.Namespace, out: TextIO) -> int:
    threshold = FAIL_ON[args.fail_on]
    cwd = Path.cwd().resolve()
    progress = Progress(sys.stderr, args.format == "text" and args.output is None and sys.stderr.isatty())
    # Group the requested paths by vault, so each vault is indexed once.
    selections: dict[Path, set[str] | None] = {}
    for raw in args.paths:
        path = Path(raw).resolve()
        if not path.exists():
            _say(f"vaultls: {raw}: no such file or folder")
            return 2
        root = find_vault_root(path)
        rel = path.relative_to(root).as_posix() if path != root else ""
        if root in selections and selections[root] is None:
            continue
        if path.is_dir() and rel == "":
            selections[root] = None
        else:
            selections.setdefault(root, set()).add(rel)  # type: ignore[union-attr]

    # Each vault's results, in order. Loading a vault makes millions of objects that all stay
    # alive: the garbage collector is paused meanwhile, and they are frozen out of it after.
    results: list[CheckResult] = []
    settings_of = {}
    with bulk_allocation():
        for root, selection in selections.items():
            # Strict, as ruff is: a check that silently ran with defaults would pass in CI with
            # the vault's own rules switched off.
            settings, errors = build_settings(root, strict=True)
            settings_of[root] = settings
            for error in errors:
                _say(f"vaultls: error: {error}")
            if errors:
                return 2
            broken = configuration_problems(SchemaStore(root), settings)  # frontmatter schemas, .obsidian/types.json
            for problem in broken:
                _say(f"vaultls: {'error' if problem.fatal else 'warning'}: {problem.message}")
            if any(problem.fatal for problem in broken):
                return 2
            progress.vault = relative_to(root, cwd)
            result = check_files(
                root, settings, selection, want_orphans=args.orphans, want_stats=args.stats, progress=progress
            )
            for rel, why in result.skipped:
                _say(f"vaultls: skipped {rel}: {why}")
            results.append(result)

    progress.clear()
    for result in results:
        if result.checked == 0:
            shown = relative_to(result.root, cwd)
            _say(f"vaultls: warning: no notes (.md files) to check in {shown if shown != '.' else 'this folder'}")

    # Render first, then write: an unwritable --output leaves no half-written file behind.
    rendered = io.StringIO()
    if args.orphans or args.stats:
        found_orphans = [path for result in results for path in result.orphans or ()]
        stats = reports.merge_stats([r.stats for r in results if r.stats is not None]) if args.stats else None
        reports.write(args.format, rendered, found_orphans if args.orphans else None, stats)
        return 0 if _emit(rendered.getvalue(), args.output, out) else 2  # reports, not problems
    groups = [(result.root, path, rows) for result in results for path, rows in result.by_note]
    readers = {result.root: result.lines_of(lines_of) for result in results}
    # Notes rendered before with the same problems are written as they were (check_run keeps them).
    known = {
        (r.root, p): t for r in results for p, t in rendered_notes(r, settings_of[r.root], args.format, cwd).items()
    }
    made = write_problems(args.format, groups, rendered, cwd, lambda root, path: readers[root](root, path), known)
    for r in results:
        used = {p: t for (root, p), t in known.items() if root == r.root}
        keep_rendered(
            r, settings_of[r.root], args.format, cwd, used, {p: t for (root, p), t in made.items() if root == r.root}
        )
    if not _emit(rendered.getvalue(), args.output, out):
        return 2
    counts: dict[int, int] = {}
    for result in results:
        for severity, n in result.severities().items():
            counts[severity] = counts.get(severity, 0) + n
    if args.format != "json":
        checked = sum(r.checked for r in results)
        print(f"vaultls: checked {counted(checked, 'note')} in {counted(len(results), 'vault')}", file=sys.stderr)
        print(text_report.summary_of(counts, sum(r.notes_with_problems() for r in results)), file=sys.stderr)
    failing = any(severity <= threshold for severity, n in counts.items() if n) if threshold else False
    return 1 if failing else 0


def _graph(args: argparse.Namespace, out: TextIO) -> int:
    """`vaultls graph`: the same `graph_data` as the server's `vaultls/graph`, rendered."""
    path = Path(args.path).resolve()
    if not path.exists():
        _say(f"vaultls: {args.path}: no such file or folder")
        return 2
    root = find_vault_root(path)
    note = args.note
    if note is not None and Path(note).is_file() and Path(note).resolve().is_relative_to(root):
        note = Path(note).resolve().relative_to(root).as_posix()
    elif note is None and path.is_file():
        note = path.relative_to(root).as_posix()
    try:
        render = renderer(args.format)
    except LookupError as exc:
        _say(f"vaultls: {exc}")
        return 2
    settings, errors = build_settings(root, strict=True)
    for error in errors:
        _say(f"vaultls: error: {error}")
    if errors:
        return 2
    options = {"include_dangling": args.include_dangling, "include_attachments": args.attachments}
    try:
        with bulk_allocation():
            data = graph_of(root, settings, note, depth=args.depth, include_tags=args.tags, **options)
    except LookupError as exc:
        _say(f"vaultls: {exc}")
        return 2
    title = root.name if note is None else f"{root.name}: {note}"
    return 0 if _emit(render(data, title), args.output, out) else 2


class Progress:
    """The one line that says what a long check is doing, on a terminal's stderr, replaced by
    each stage and cleared before the results. Never in machine formats or when stderr is no
    terminal (a CI log, a pipe). Told synchronously by the check (a timer thread would keep
    the check from forking its workers), so it shows a stage that starts after the run has
    taken a second, or that has enough notes to take one."""

    AFTER = 1.0  # seconds
    LARGE = 2000  # notes: a check of this many takes a second or more

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.vault = "."
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, doing: str, notes: int = 0) -> None:
        if not self.enabled or (notes < self.LARGE and time.monotonic() - self.started < self.AFTER):
            return
        where = "" if self.vault == "." else f" in {self.vault}"
        self.stream.write(f"\r\x1b[Kvaultls: {printable(doing)}{printable(where)}…")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def _emit(text: str, output: str | None, out: TextIO) -> bool:
    """Write the rendered output to --output or `out`; False when that file cannot be written.
    The formats escape what UTF-8 cannot hold (`report/escape.py`); a stream or file that still
    cannot take a character (stdout in a non-UTF-8 locale) gets it backslash-escaped rather
    than a crash."""
    if output is None:
        try:
            try:
                out.write(text)
            except UnicodeEncodeError:  # raised before anything is written
                out.write(_encodable(text, getattr(out, "encoding", None) or "utf-8"))
            out.flush()
        except BrokenPipeError:  # `vaultls check | head`: the reader left, which is no error
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, out.fileno())
        return True
    try:
        with open(output, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        _say(f"vaultls: cannot write {output}: {exc.strerror or exc}")
        return False
    return True


def _encodable(text: str, encoding: str) -> str:
    """`text` with each character `encoding` lacks as `\\uXXXX` (UTF-16, as JSON writes it):
    an escape in text, and in JSON, where such characters only stand inside strings, the same
    character again."""
    return text.encode(encoding, "vaultls-u-escape").decode(encoding, "replace")


def _u_escape(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeEncodeError)
    chunk = error.object[error.start : error.end]
    units = chunk.encode("utf-16-be", "surrogatepass")
    escaped = "".join(f"\\u{int.from_bytes(units[i : i + 2], 'big'):04x}" for i in range(0, len(units), 2))
    return escaped, error.end


codecs.register_error("vaultls-u-escape", _u_escape)


def _say(message: str) -> None:
    """A line on stderr, `printable`: messages quote file names and link targets of the vault."""
    print(printable(message), file=sys.stderr)
