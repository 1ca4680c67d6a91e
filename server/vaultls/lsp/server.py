"""The language server object: it owns all state (vaults, open documents, settings, published
diagnostics) and the few operations that change it. Features live in `vaultls.lsp.features`
and reach this state only through the server passed to them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import from_fs_path, to_fs_path

from vaultls import __version__
from vaultls.lsp.documents import OpenDocument
from vaultls.lsp.positions import PositionCodec
from vaultls.lsp.stdio import PipeReader, is_pipe
from vaultls.vault import names, schema
from vaultls.vault.check import Problem, check_note
from vaultls.vault.index import Note, Vault
from vaultls.vault.load import PendingNote, VaultLoader, add_note, bulk_allocation
from vaultls.vault.parse import parse
from vaultls.vault.scan import is_hidden, load_note, read_note, walk
from vaultls.vault.settings import Settings, build_settings
from vaultls.vault.text import split_lines

log = logging.getLogger(__name__)

# A first scan of at least this many notes makes the server `ready` after its first pass (names
# and aliases), before the second (links, tags, the parse of notes not cached); see `index_all`.
SPLIT_MIN_NOTES = 1000
SPLIT_ENV = "VAULTLS_SPLIT_MIN_NOTES"
SECOND_PASS_DELAY_ENV = "VAULTLS_TEST_SECOND_PASS_DELAY"  # seconds between the passes; tests only


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def _env_float(name: str) -> float:
    try:
        return float(os.environ.get(name, 0))
    except ValueError:
        return 0.0


# Diagnostics wait this long after the last edit before they are computed and sent. A burst of
# keystrokes then costs one check instead of one per key, while a single edit still shows its
# problems well within the 60 ms users perceive as immediate.
DIAGNOSTICS_DELAY = 0.02


class VaultProtocol(LanguageServerProtocol):
    """pygls's protocol without its own copy of open documents (see `documents.py`)."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            # pygls drops a request whose params do not fit the method (`"params": "a string"`)
            # without answering it, and the client waits for that answer forever.
            if "jsonrpc" in data and "method" in data and isinstance(data.get("id"), (int, str)):
                self._send_response(data["id"], error=exc.to_response_error())
            raise

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


@dataclass
class NoteRef:
    """Where a URI lives in the model."""

    vault: Vault
    path: str  # vault-relative

    @property
    def note(self):  # noqa: ANN201 - Note | None
        return self.vault.notes.get(self.path)


@dataclass
class Scan:
    """A first scan between its two passes (`VaultLanguageServer.index_all`)."""

    vault: Vault
    loader: VaultLoader
    # path → its first-pass `Note`, or None when the file could not be read then
    pending: dict[str, Note | None] = field(default_factory=dict)
    unlinked: list[str] = field(default_factory=list)  # cached notes not yet filed as linkers


class VaultLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("vaultls", __version__, protocol_cls=VaultProtocol)
        self.vaults: dict[Path, Vault] = {}
        self.documents: dict[str, OpenDocument] = {}
        self.ready = asyncio.Event()  # every note's name and aliases are indexed: links resolve
        self.indexed = asyncio.Event()  # and every note's links and tags: the whole index
        self.init_options: dict[str, Any] = {}
        self.client_settings: dict[Path, dict[str, Any]] = {}
        self.published: dict[str, list[types.Diagnostic]] = {}
        self._pending: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._reported: set[str] = set()
        self._pull_asked = False  # a workspace/diagnostic/refresh is on its way
        self.diagnostics_generation = 0  # bumped whenever a client is asked to pull again
        self._stale: set[str] = set()  # open documents edited since the model last saw them
        self._last_edit = 0.0  # loop time of the latest didChange
        self._catch_up: asyncio.TimerHandle | None = None  # the debounced `sync_edits`
        self._doc_keys: dict[str, str] = {}  # `doc_key` of each URI spelling seen, see `key_of`
        # Vaults with fewer notes than this are indexed in one go (see `index_all`); tests lower it.
        self.split_min_notes = _env_int(SPLIT_ENV, SPLIT_MIN_NOTES)

    # ------------------------------------------------------------------ transport

    def _start_io_async(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """pygls's stdio server, reading a pipe without threads (see `vaultls.lsp.stdio`)."""
        stdin = stdin or sys.stdin.buffer
        if not is_pipe(stdin):
            super()._start_io_async(stdin, stdout)
            return
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

        async def serve() -> None:
            reader = await PipeReader.connect(stdin)
            await run_async(
                stop_event=self._stop_event, reader=reader, protocol=self.protocol,
                logger=logging.getLogger("pygls.io_"),  # quietened with the rest of pygls
                error_handler=self.report_server_error,
            )

        try:
            asyncio.run(serve())
        except BrokenPipeError:
            log.error("the connection to the client is lost; shutting down")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    # ------------------------------------------------------------------ capabilities

    @property
    def codec(self) -> PositionCodec:
        return PositionCodec(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def client_supports(self, field: str, default: Any = None) -> Any:
        return get_capability(self.client_capabilities, field, default)

    # ------------------------------------------------------------------ messages

    def tell_once(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        """Show a message unless the same one was already shown: a bad setting is re-read on
        every configuration change and must not nag."""
        log.warning("%s", message)
        if message in self._reported:
            return
        self._reported.add(message)
        try:
            self.window_show_message(types.ShowMessageParams(type=kind, message=f"vaultls: {message}"))
        except Exception:  # noqa: BLE001 - no client connected (unit tests, shutdown)
            log.debug("could not show message", exc_info=True)

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def cancel_tasks(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task failed", exc_info=task.exception())

    # ------------------------------------------------------------------ roots and settings

    def settings_for(self, root: Path) -> Settings:
        settings, errors = build_settings(
            root,
            (self.init_options, "initializationOptions"),
            (self.client_settings.get(root) or self.client_settings.get(Path("*")), "workspace settings"),
        )
        for error in errors:
            self.tell_once(error)
        return settings

    def add_root(self, root: Path) -> Vault:
        root = Path(os.path.abspath(root))  # as the client names it: its URIs must match
        if root not in self.vaults:
            self.vaults[root] = Vault(root, self.settings_for(root))
        return self.vaults[root]

    def locate(self, uri: str) -> NoteRef | None:
        """The vault and vault-relative path of a URI, or None when it is not a note of ours
        (outside every root, hidden, excluded, or not a file)."""
        if not uri.startswith("file:"):
            return None
        fs_path = to_fs_path(uri)
        if fs_path is None:
            return None
        path = Path(fs_path)
        best = self._vault_containing(path)
        if best is None:
            path = path.resolve()
            best = self._vault_containing(path)
        if best is None:
            return None
        rel = path.relative_to(best.root).as_posix()
        if is_hidden(rel) or best.settings.exclude.matches(rel):
            return None
        return NoteRef(best, rel)

    def _vault_containing(self, path: Path) -> Vault | None:
        best: Vault | None = None
        for root, vault in self.vaults.items():
            if path.is_relative_to(root) and (best is None or len(root.parts) > len(best.root.parts)):
                best = vault
        return best

    def key_of(self, uri: str) -> str:
        """`doc_key(uri)`, remembered: it parses and rebuilds the URI, and `didChange` asks for
        every keystroke. It depends on nothing but the string, so it never goes stale."""
        key = self._doc_keys.get(uri)
        if key is None:
            if len(self._doc_keys) > 10_000:
                self._doc_keys.clear()
            key = self._doc_keys[uri] = self.doc_key(uri)
        return key

    @staticmethod
    def doc_key(uri: str) -> str:
        """The key of an open document: its URI as vaultls writes it. Clients percent-encode
        file URIs differently (`%C3%A9` or `é`, `%3A` or `:`), so a buffer is found by its path,
        and diagnostics still go out under the client's own spelling (`OpenDocument.uri`)."""
        if uri.startswith("file:"):
            fs_path = to_fs_path(uri)
            if fs_path is not None:
                return from_fs_path(fs_path) or uri
        return uri

    def uri_of(self, vault: Vault, path: str) -> str:
        return from_fs_path(str(vault.abspath(path))) or ""

    def lines_of(self, vault: Vault, path: str) -> list[str]:
        """The current lines of a note: the open buffer if there is one, else the file."""
        doc = self.documents.get(self.uri_of(vault, path))
        if doc is not None:
            return doc.lines
        read = read_note(vault.abspath(path)) if contained(vault, path) else None
        return split_lines(read[0]) if read else [""]

    def text_of(self, vault: Vault, path: str) -> str | None:
        doc = self.documents.get(self.uri_of(vault, path))
        if doc is not None:
            return doc.text
        read = read_note(vault.abspath(path)) if contained(vault, path) else None
        return read[0] if read else None

    # ------------------------------------------------------------------ indexing

    async def index_all(self) -> None:
        """The first scan of every root, in the background, with progress when the client can
        show it, in two passes (`_first_pass`, `_second_pass`). Requests that resolve links
        await `ready` (the first pass); those that need every note's links or tags (references,
        rename, workspace symbols and diagnostics) await `indexed`."""
        token = None
        if self.client_supports("window.work_done_progress", False):
            token = "vaultls-index"
            try:
                await asyncio.wait_for(self.work_done_progress.create_async(token), 5)
                self.work_done_progress.begin(
                    token, types.WorkDoneProgressBegin(title="vaultls: indexing", percentage=0, cancellable=False)
                )
            except Exception:  # noqa: BLE001 - some clients never answer; progress is optional
                log.info("client did not accept a progress token", exc_info=True)
                token = None
        scans: list[Scan] = []
        try:
            try:
                for vault in list(self.vaults.values()):
                    scans.append(await self._first_pass(vault, token))
                if sum(len(scan.vault.notes) for scan in scans) < self.split_min_notes:
                    # A small vault's second pass takes a fraction of a second: every feature
                    # gets the whole index from the start rather than some of it a moment later.
                    for scan in scans:
                        await self._second_pass(scan, token)
                    scans.clear()
            finally:
                self.ready.set()
            self.refresh_all()
            if scans and (delay := _env_float(SECOND_PASS_DELAY_ENV)):
                await asyncio.sleep(delay)  # tests: requests that arrive between the passes
            for scan in scans:
                await self._second_pass(scan, token)
        finally:
            self.indexed.set()
            if token is not None:
                self.work_done_progress.end(token, types.WorkDoneProgressEnd(message="done"))
        self.refresh_all()

    async def _scan(self, vault: Vault, token: str | None) -> None:
        """Index every note of `vault`: both passes at once (`rescan`)."""
        await self._second_pass(await self._first_pass(vault, token), token)

    def _open_paths(self, vault: Vault) -> set[str]:
        """Notes open in the editor: indexed from their buffers, which win over the files."""
        return {r.path for uri in self.documents if (r := self.locate(uri)) and r.vault is vault}

    async def _first_pass(self, vault: Vault, token: str | None) -> Scan:
        """Every note's name and aliases, which is all that resolving a link needs: cached notes
        by their summaries, the others by their frontmatter alone (`VaultLoader.first_pass`).
        Filing each note as a linker of its targets, and parsing the notes not cached, are left
        to `_second_pass`, after `ready`: on a cold start at 10,000 notes that is the difference
        between diagnostics in about a second and in several."""
        loader = VaultLoader(vault.root, vault.settings, lazy=True)
        await asyncio.to_thread(loader.discover)
        found = loader.found
        for rel, why in found.skipped:
            log.info("skipped %s: %s", rel, why)
        for rel in found.attachments:
            vault.add_attachment(rel)
        scan = Scan(vault, loader)
        total = max(loader.total, 1)
        done = 0
        with bulk_allocation():  # no cyclic GC while the index is built; frozen afterwards
            async for batch in loader.afirst_pass():
                open_paths = self._open_paths(vault)
                for rel, note, valid in batch:
                    if rel in open_paths or rel in vault.notes:
                        continue  # open, or re-read on a file event since the scan began: newer
                    if note is None:
                        scan.pending[rel] = None  # unreadable for now; the second pass tries again
                        continue
                    add_note(vault, rel, note, valid, remember_links=False)
                    if isinstance(note, PendingNote):
                        scan.pending[rel] = vault.notes[rel]
                    else:
                        scan.unlinked.append(rel)
                done += len(batch)
                self._report(token, f"names: {done}/{total} notes", done * 30 // total)
        log.info(
            "first pass: %d notes (%d from the cache) and %d other files in %s",
            len(vault.notes), len(loader.hits), len(vault.attachments), vault.root,
        )
        return scan

    async def _second_pass(self, scan: Scan, token: str | None) -> None:
        """The rest of the index: the cached notes filed as linkers, the others parsed (in
        worker processes for many; see `VaultLoader`) and put in place of their first-pass
        selves, in batches with the loop free in between. A note changed meanwhile (opened,
        edited, deleted, re-read on a file event) is newer than the parse and is kept. The
        cache is written afterwards, in the background."""
        vault, loader = scan.vault, scan.loader
        total = max(len(scan.unlinked) + len(loader.misses), 1)
        done = 0
        with bulk_allocation():
            for start in range(0, len(scan.unlinked), 1000):
                for rel in scan.unlinked[start : start + 1000]:
                    vault.remember_links(rel)
                done += len(scan.unlinked[start : start + 1000])
                self._report(token, f"links: {done}/{total} notes", 30 + done * 70 // total)
                await asyncio.sleep(0)
            scan.unlinked.clear()
            async for batch in loader.abatches(hits=False):
                for rel, note, valid in batch:
                    if rel not in scan.pending:
                        continue  # open, or indexed on a file event, before the first pass got to it
                    first = scan.pending.pop(rel)
                    if vault.notes.get(rel) is first:  # as the first pass left it (or absent then and now)
                        add_note(vault, rel, note, valid)
                done += len(batch)
                self._report(token, f"links: {done}/{total} notes", 30 + min(done, total) * 70 // total)
        for rel in loader.unreadable:
            log.info("skipped %s: unreadable", rel)
        log.info("indexed %d notes (%d parsed) in %s", len(vault.notes), len(loader.misses), vault.root)
        self.spawn(asyncio.to_thread(loader.save))

    def _report(self, token: str | None, message: str, percentage: int) -> None:
        if token is not None:
            self.work_done_progress.report(
                token, types.WorkDoneProgressReport(message=message, percentage=min(percentage, 100))
            )

    def rescan(self, vault: Vault) -> None:
        """Start over for one vault (its excludes changed): rare, and the only full rebuild."""
        fresh = Vault(vault.root, self.settings_for(vault.root))
        self.vaults[vault.root] = fresh

        async def run() -> None:
            await self._scan(fresh, None)
            for uri, doc in self.documents.items():
                ref = self.locate(uri)
                if ref is not None and ref.vault is fresh:
                    fresh.upsert(ref.path, parse(doc.text))
            self.refresh_all()

        self.spawn(run())

    # ------------------------------------------------------------------ model changes

    def note_edited(self, key: str) -> None:
        """An open document's buffer changed (`key` as `doc_key` spells it). The model is not
        touched here: re-parsing a 5 KB note costs ~0.5 ms, 100 ms for a burst of 200 keys. The
        note is re-parsed once, by `sync_edits`: when the edits pause for `DIAGNOSTICS_DELAY`,
        or earlier when any handler or diagnostics run needs the model (see `guarded`)."""
        self._stale.add(key)
        loop = asyncio.get_running_loop()
        self._last_edit = loop.time()
        if self._catch_up is None:
            self._catch_up = loop.call_later(DIAGNOSTICS_DELAY, self._sync_when_quiet)

    def _sync_when_quiet(self) -> None:
        """The debounce of `note_edited`, armed once per burst rather than once per key: it
        waits again until the last edit is `DIAGNOSTICS_DELAY` old."""
        self._catch_up = None
        loop = asyncio.get_running_loop()
        wait = self._last_edit + DIAGNOSTICS_DELAY - loop.time()
        if wait > 0.001:
            self._catch_up = loop.call_later(wait, self._sync_when_quiet)
            return
        # The edits have paused: their diagnostics are due now, not one more delay later.
        self.sync_edits(delay=0)

    def sync_edits(self, delay: float = DIAGNOSTICS_DELAY) -> None:
        """Bring the model up to date with every edited open note, each re-parsed once, and
        schedule diagnostics for the notes that affects (itself, and open notes linking to it).
        Cheap when nothing was edited, so every reader of the model can call it first."""
        if not self._stale:
            return
        stale, self._stale = self._stale, set()
        for key in stale:
            doc = self.documents.get(key)
            if doc is None:
                continue  # closed since (didClose reads the file again itself)
            try:
                ref = self.locate(doc.uri)
                if ref is None or not names.is_note_path(ref.path):
                    continue
                affected = self.update_note(ref, doc.text)
            except Exception:  # noqa: BLE001 - one note's bug must not stop the others
                log.exception("indexing the edited %s failed", doc.uri)
                continue
            self.refresh(((ref.vault, p) for p in affected), delay)

    def update_note(self, ref: NoteRef, text: str | None = None, valid_utf8: bool = True) -> set[str]:
        """Re-parse one note (from `text`, else from disk) and return who is affected."""
        if text is None:
            loaded = load_note(ref.vault.abspath(ref.path)) if contained(ref.vault, ref.path) else None
            if loaded is None:
                return ref.vault.remove(ref.path)
            parsed, valid_utf8 = loaded
        else:
            parsed = parse(text)
        return ref.vault.upsert(ref.path, parsed, valid_utf8)

    def file_event(self, uri: str, kind: types.FileChangeType) -> set[tuple[Vault, str]]:
        """A file created, changed or deleted outside the editor."""
        fs_path = to_fs_path(uri) if uri.startswith("file:") else None
        if fs_path is None:
            return set()
        path = Path(fs_path)
        for root, vault in list(self.vaults.items()):
            # A schema file, a file one `$ref`s, or `.obsidian/types.json` (hidden, so before
            # `locate`): drop the compiled schemas and re-check every open note.
            if schema.watches(root, path, vault.settings):
                schema.invalidate(root)
                self.refresh_all()
        for root, vault in list(self.vaults.items()):
            if path == root / ".vaultls.toml":
                self.apply_settings(vault)
                return set()
        ref = self.locate(uri)
        if ref is None:
            return set()
        vault, rel = ref.vault, ref.path
        affected: set[str] = set()
        if self.doc_key(uri) in self.documents:
            return set()  # the open buffer wins until it is closed
        if kind == types.FileChangeType.Deleted:
            prefix = rel + "/"
            gone_notes = [p for p in vault.notes if p == rel or p.startswith(prefix)]
            gone_files = [p for p in vault.attachments if p == rel or p.startswith(prefix)]
            for p in gone_notes:
                affected |= vault.remove(p)
            for p in gone_files:
                affected |= vault.remove_attachment(p)
        elif not contained(vault, rel):  # now a link to outside (or to a folder): never followed
            affected |= vault.remove(rel) | vault.remove_attachment(rel)
        elif path.is_dir():
            if kind == types.FileChangeType.Created:  # a folder moved in: its files come with it
                found = walk(path, vault.settings.exclude)
                for sub in found.attachments:
                    affected |= vault.add_attachment(f"{rel}/{sub}")
                for sub in found.notes:
                    affected |= self.update_note(NoteRef(vault, f"{rel}/{sub}"))
        elif names.is_note_path(rel):
            affected |= self.update_note(ref)
        elif kind == types.FileChangeType.Created:
            affected |= vault.add_attachment(rel)
        return {(vault, p) for p in affected}

    def apply_settings(self, vault: Vault) -> None:
        settings = self.settings_for(vault.root)
        if settings == vault.settings:
            return
        if settings.exclude != vault.settings.exclude:
            self.rescan(vault)
            return
        vault.settings = settings
        self.refresh_all()

    # ------------------------------------------------------------------ diagnostics

    def refresh(self, affected: Iterable[tuple[Vault, str]], delay: float = DIAGNOSTICS_DELAY) -> None:
        """Schedule new diagnostics for the affected notes that are open."""
        for vault, path in affected:
            uri = self.uri_of(vault, path)
            if uri in self.documents:
                self.schedule_diagnostics(uri, delay)

    def refresh_all(self) -> None:
        for vault in list(self.vaults.values()):
            for problem in schema.configuration_problems(vault.root, vault.settings):
                self.tell_once(problem.message, types.MessageType.Error if problem.fatal else types.MessageType.Warning)
        for uri in list(self.documents):
            self.schedule_diagnostics(uri, 0)

    def schedule_diagnostics(self, uri: str, delay: float = DIAGNOSTICS_DELAY) -> None:
        uri = self.doc_key(uri)
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        loop = asyncio.get_running_loop()
        self._pending[uri] = loop.call_later(delay, self._publish, uri)

    def _publish(self, uri: str) -> None:
        self._pending.pop(uri, None)
        # Never diagnose a stale model under the buffer's newer version. Catching up schedules
        # this note again (it is affected by its own edit): that run is this one.
        self.sync_edits(delay=0)
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        if not self.ready.is_set():
            return  # published for every open note once the scan is done
        doc = self.documents.get(uri)
        if doc is None:
            return
        if self.diagnostics_pulled:
            self.ask_to_pull_diagnostics()  # the pull is answered by features/workspace_diagnostics.py
            return
        try:
            diagnostics = self.diagnostics_for(uri)
        except Exception:  # noqa: BLE001 - one note's bug must not stop the others
            log.exception("computing diagnostics for %s failed", uri)
            return
        if self.published.get(uri) == diagnostics:
            return
        self.published[uri] = diagnostics
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=diagnostics, version=doc.version)
        )

    @property
    def diagnostics_pulled(self) -> bool:
        """Whether the client pulls diagnostics (`textDocument/diagnostic`, LSP 3.17) and can be
        asked to pull again (`workspace/diagnostic/refresh`). Such a client gets diagnostics
        only by pulling, never pushed as well (it would show every problem twice); every other
        client gets them pushed."""
        return self.client_supports("text_document.diagnostic", None) is not None and bool(
            self.client_supports("workspace.diagnostics.refresh_support", False)
        )

    def ask_to_pull_diagnostics(self) -> None:
        """Send `workspace/diagnostic/refresh`, once for a burst of changes."""
        self.diagnostics_generation += 1
        if self._pull_asked:
            return
        self._pull_asked = True

        def send() -> None:
            self._pull_asked = False
            try:
                future = self.workspace_diagnostic_refresh(None)
                future.add_done_callback(lambda f: f.cancelled() or f.exception())
            except Exception:  # noqa: BLE001 - no client connected (shutdown)
                log.debug("could not ask the client to pull diagnostics", exc_info=True)

        asyncio.get_running_loop().call_later(DIAGNOSTICS_DELAY, send)

    def diagnostics_for(self, uri: str) -> list[types.Diagnostic]:
        ref = self.locate(uri)
        if ref is None or ref.note is None:
            return []
        lines = self.lines_of(ref.vault, ref.path)
        return [self.to_diagnostic(lines, p) for p in check_note(ref.vault, ref.path)]

    def to_diagnostic(self, lines: list[str], problem: Problem) -> types.Diagnostic:
        return types.Diagnostic(
            range=self.codec.range_to_client(lines, problem.range),
            message=problem.message,
            severity=types.DiagnosticSeverity(int(problem.severity)),
            code=problem.code,
            source="vaultls",
            data=problem.data,
        )

    def clear_diagnostics(self, uri: str) -> None:
        key = self.doc_key(uri)
        pending = self._pending.pop(key, None)
        if pending is not None:
            pending.cancel()
        if self.published.pop(key, None):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def contained(vault: Vault, path: str) -> bool:
    """Whether vaultls may read a vault path: it is no symbolic link to a folder, and where it
    really is lies inside the vault. `walk` decides so for the first scan; this is the same
    rule for what comes later (a closed buffer read again, a watched-file event, a note replaced
    by a link since), so a link planted in a cloned vault never makes vaultls read `~/.ssh`."""
    file = vault.abspath(path)
    real_root = os.path.realpath(vault.root)
    real = os.path.realpath(file)
    if os.path.commonpath([real_root, real]) != real_root:
        return False
    return not (os.path.islink(file) and os.path.isdir(real))


def create_server() -> VaultLanguageServer:
    from vaultls.lsp.features import register_all

    server = VaultLanguageServer()
    register_all(server)
    return server


