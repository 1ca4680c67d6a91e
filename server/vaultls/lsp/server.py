"""The language server object: it owns all state (vaults, open documents, settings, feature
caches, published diagnostics) and the operations that change it. Features live in
`vaultls.lsp.features` and change this state only through these methods; `vaultls.lsp.app`
registers them.

The server's jobs each have a module of their own: the transport (`transport.py`), roots and
settings (`roots.py`), the first scan (`vaultls.vault.indexer`, with `progress.py`), the debounce
of edits (`edits.py`), file events (`file_events.py`) and diagnostics (`publish.py`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from collections.abc import Coroutine, Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from lsprotocol import types
from pygls import IS_WASM
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.protocol import default_converter

from vaultls import __version__
from vaultls.lsp.caches import VaultCaches
from vaultls.lsp.client_log import LogSetup, log_settings
from vaultls.lsp.documents import OpenDocument
from vaultls.lsp.edits import EditDebounce
from vaultls.lsp.file_events import apply_file_event
from vaultls.lsp.graph_changes import GraphChanges
from vaultls.lsp.half_typed import edit_end
from vaultls.lsp.lens_refresh import LensRefresh
from vaultls.lsp.positions import PositionCodec
from vaultls.lsp.progress import WorkDone
from vaultls.lsp.publish import DIAGNOSTICS_DELAY, DiagnosticsPublisher
from vaultls.lsp.roots import (
    ClientSettings,
    NoteRef,
    case_variants,
    contained,
    doc_key,
    fs_path,
    key_of,
    locate,
    probe_case_insensitive,
    real_spelling,
    uri_of,
    vault_containing,
)
from vaultls.lsp.stdio import is_pipe
from vaultls.lsp.token_refresh import TokenRefresh
from vaultls.lsp.transport import VaultProtocol, serve_pipe
from vaultls.vault import names, schema
from vaultls.vault.allocation import bulk_allocation
from vaultls.vault.index import Vault
from vaultls.vault.indexer import SPLIT_MIN_NOTES, Indexer
from vaultls.vault.parse import parse
from vaultls.vault.roots import find_vault_root
from vaultls.vault.settings import Settings
from vaultls.vault.store.read import load_note, read_note
from vaultls.vault.text import split_lines

log = logging.getLogger(__name__)


class VaultLanguageServer(LanguageServer):
    """`split_min_notes`: a first scan of at least this many notes makes the server `ready`
    after its first pass, before the second (see `vaultls.vault.indexer`).
    `second_pass_delay`: seconds between the two passes (none in use)."""

    def __init__(self, *, split_min_notes: int = SPLIT_MIN_NOTES, second_pass_delay: float = 0.0) -> None:
        # The cattrs converter pygls reads and writes messages with, given to it (a public
        # parameter of pygls's server) so that features can use it too.
        converter = self.converter = default_converter()  # type: ignore[no-untyped-call]  # unannotated in pygls
        super().__init__("vaultls", __version__, protocol_cls=VaultProtocol, converter_factory=lambda: converter)
        self.split_min_notes = split_min_notes
        self.second_pass_delay = second_pass_delay
        self.vaults: dict[Path, Vault] = {}
        # Roots whose file system ignores case (macOS, Windows), probed once when added.
        self.case_insensitive: set[Path] = set()
        self.documents: dict[str, OpenDocument] = {}  # by `doc_key`
        self.ready = asyncio.Event()  # every note's name and aliases are indexed: links resolve
        self.indexed = asyncio.Event()  # and every note's links and tags: the whole index
        self.client_settings = ClientSettings()
        self.diagnostics = DiagnosticsPublisher(self)
        self.edits = EditDebounce(DIAGNOSTICS_DELAY, self._edits_paused)
        self.lens_refresh = LensRefresh(self)  # code lens counts follow other notes' changes
        self.token_refresh = TokenRefresh(self)  # and semantic tokens (dangling links) too
        self._caches: dict[Path, VaultCaches] = {}  # by root, for the vault there now
        self._tasks: set[asyncio.Task[Any]] = set()
        self._reported: set[str] = set()
        self.logs = LogSetup(self.window_log_message)
        self.graph_changes = GraphChanges(self)  # vaultls/graph's cache and vaultls/graphChanged

    # ------------------------------------------------------------------ transport

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """pygls's stdio server; a pipe is read without threads (`transport.serve_pipe`)."""
        stdin = stdin or sys.stdin.buffer
        if IS_WASM or not is_pipe(stdin):
            super().start_io(stdin, stdout)
            return
        self._stop_event = threading.Event()  # what pygls's `shutdown()` sets to stop serving
        serve_pipe(self, self._stop_event, stdin, stdout or sys.stdout.buffer)

    # ------------------------------------------------------------------ client

    @property
    def codec(self) -> PositionCodec:
        return PositionCodec(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def client_supports(self, field: str, default: Any = None) -> Any:
        return get_capability(self.client_capabilities, field, default)

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

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
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

    def set_init_options(self, options: object) -> None:
        if (error := self.client_settings.set_init_options(options)) is not None:
            self.tell_once(error)
        self.configure_log(self.client_settings.init_options, file_allowed=True)

    def configure_log(self, section: dict[str, Any] | None, file_allowed: bool = False) -> None:
        """Log to the client (and to `logFile`, from `initializationOptions` only: see
        `client_log`) at the level the client's settings ask."""
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        self.logs.install(loop)
        level, file, problems = log_settings(section)
        for problem in problems:
            self.tell_once(problem)
        if (error := self.logs.apply(level, file if file_allowed else None)) is not None:
            self.tell_once(error)

    def set_client_settings(self, root: Path, section: dict[str, Any]) -> None:
        """The client's section `vaultls` for `root` (`roots.ANY_ROOT`: every root); applied
        by `take_settings` or `apply_settings`."""
        self.client_settings.by_root[root] = section

    def settings_for(self, root: Path) -> Settings:
        settings, errors = self.client_settings.settings_for(root)
        for error in errors:
            self.tell_once(error)
        return settings

    def take_settings(self) -> None:
        """Every vault takes its settings as they stand now, with nothing redone: before the
        first scan, when nothing is indexed yet."""
        for vault in self.vaults.values():
            vault.settings = self.settings_for(vault.root)

    def apply_settings(self, vault: Vault) -> None:
        """`vault` takes its settings as they stand now: its notes re-checked, or the vault
        scanned again when what it excludes changed."""
        settings = self.settings_for(vault.root)
        if settings == vault.settings:
            return
        if settings.exclude != vault.settings.exclude:
            self.rescan(vault)
            return
        vault.settings = settings
        self.refresh_all()

    def add_root(self, root: Path) -> Vault:
        root = Path(os.path.abspath(root))  # as the client names it: its URIs must match
        if root not in self.vaults:
            self.vaults[root] = Vault(root, self.settings_for(root))
            if probe_case_insensitive(root):
                self.case_insensitive.add(root)
        return self.vaults[root]

    def remove_root(self, root: Path) -> None:
        """A workspace folder was removed: its vault is forgotten, and the diagnostics of the
        open notes that were in it are cleared."""
        if self.vaults.pop(root, None) is None:
            return
        self.case_insensitive.discard(root)
        self._caches.pop(root, None)
        for uri in list(self.documents):
            if self.locate(uri) is None:
                self.diagnostics.clear(uri)

    def locate(self, uri: str) -> NoteRef | None:
        return locate(self.vaults, uri, self.case_insensitive)

    def uri_of(self, vault: Vault, path: str) -> str:
        return uri_of(vault, path)

    def lines_of(self, vault: Vault, path: str) -> list[str]:
        """The current lines of a note: the open buffer if there is one, else the file."""
        doc = self.documents.get(uri_of(vault, path))
        if doc is not None:
            return doc.lines
        read = read_note(vault.abspath(path)) if contained(vault, path) else None
        return split_lines(read[0]) if read else [""]

    def text_of(self, vault: Vault, path: str) -> str | None:
        doc = self.documents.get(uri_of(vault, path))
        if doc is not None:
            return doc.text
        read = read_note(vault.abspath(path)) if contained(vault, path) else None
        return read[0] if read else None

    def open_paths(self, vault: Vault) -> set[str]:
        """Notes open in the editor: indexed from their buffers, which win over the files."""
        return {r.path for uri in self.documents if (r := self.locate(uri)) and r.vault is vault}

    def caches_for(self, vault: Vault) -> VaultCaches:
        """What features keep between requests about `vault` (empty for a vault that replaced
        another at its root)."""
        caches = self._caches.get(vault.root)
        if caches is None or caches.vault is not vault:
            caches = self._caches[vault.root] = VaultCaches.of(vault)
        return caches

    # ------------------------------------------------------------------ open documents

    def open_document(self, uri: str, text: str, version: int) -> Vault | None:
        """The client opened `uri`: its buffer wins over the file until it is closed. Returns
        the vault when it is a note of one."""
        self.documents[doc_key(uri)] = OpenDocument(uri, text, version)
        ref = self.locate(uri)
        if ref is None:
            self._adopt_loose_root(uri)
            ref = self.locate(uri)
        if ref is None or not names.is_note_path(ref.path):
            return None
        affected = self.update_note(ref, text)
        self.refresh((ref.vault, p) for p in affected)
        self.diagnostics.schedule(uri, 0)
        return ref.vault

    def _adopt_loose_root(self, uri: str) -> None:
        """A note of no vault yet: with no workspace (`nvim note.md` outside any project), the
        vault is the nearest folder marked as one, else the note's own folder; inside a vault
        of its own nested in a workspace folder (its own `.obsidian`), that vault."""
        path = fs_path(uri)
        if path is None:
            return
        if self.vaults:
            outer = vault_containing(self.vaults, path, self.case_insensitive)
            rel = outer.relpath(path) if outer is not None else None
            nested = outer.files.own_vault(rel) if outer is not None and rel else None
            if outer is None or nested is None:
                return
            root = outer.root.joinpath(*nested.split("/"))
        else:
            root = find_vault_root(path)
        log.info("no workspace folder given; using %s as the vault", root)
        self.rescan(self.add_root(root))

    def edit_document(self, uri: str, changes: Sequence[types.TextDocumentContentChangeEvent], version: int) -> None:
        """Apply an edit to the buffer only. A keystroke must cost next to nothing, or a burst
        of them delays the request typed after it; the model catches up once per burst
        (`sync_edits`, run before every other handler and when the edits pause)."""
        key = key_of(uri)
        doc = self.documents.get(key)
        if doc is None:
            log.warning("didChange for %s, which was never opened; ignored", uri)
            return
        codec = self.codec
        at = None
        for change in changes:
            partial = isinstance(change, types.TextDocumentContentChangePartial)
            at = edit_end(doc.lines, change, codec) if partial else None  # the cursor (half_typed.py)
            doc.apply(change, codec)
        doc.version = version
        self.diagnostics.edited(key, at)
        self.edits.edited(key)

    def close_document(self, uri: str) -> None:
        """The client closed `uri`: the note is the file on disk again (or gone, if deleted)."""
        self.documents.pop(doc_key(uri), None)
        self.diagnostics.clear(uri)
        ref = self.locate(uri)
        if ref is None or not names.is_note_path(ref.path):
            return
        affected = self.update_note(ref)
        self.refresh((ref.vault, p) for p in affected)

    # ------------------------------------------------------------------ indexing

    async def index_all(self) -> None:
        """The first scan of every root, in the background, with progress when the client can
        show it, in two passes (`vaultls.vault.indexer`). Requests that resolve links await
        `ready` (the first pass); those that need every note's links or tags (references,
        rename, workspace symbols and diagnostics) await `indexed`."""
        progress = None
        if self.client_supports("window.work_done_progress", False):
            progress = await WorkDone.begin(self, "vaultls-index", "vaultls: indexing")
        indexer = self._indexer(progress)
        try:
            try:
                second = await indexer.first_passes(self.vaults.values())
            finally:
                self.ready.set()
            self.refresh_all()
            await indexer.second_passes(second)
            for scan in second:  # completion ranks by them: not read from disk a second time
                self.caches_for(scan.vault).suggest.know_mtimes(scan.loader.stats)
        finally:
            self.indexed.set()
            if progress is not None:
                progress.end("done")
        self.refresh_all()

    def _indexer(self, progress: WorkDone | None = None) -> Indexer:
        return Indexer(
            open_paths=self.open_paths,
            progress=progress.report if progress is not None else None,
            in_background=lambda work: self.spawn(asyncio.to_thread(work)),
            split_min_notes=self.split_min_notes,
            second_pass_delay=self.second_pass_delay,
            allocation=bulk_allocation,
        )

    def rescan(self, vault: Vault) -> None:
        """Start over for one vault (its excludes changed): rare, and the only full rebuild."""
        fresh = Vault(vault.root, self.settings_for(vault.root))
        self.vaults[vault.root] = fresh

        async def run() -> None:
            await self._indexer().index(fresh)
            for uri, doc in self.documents.items():
                ref = self.locate(uri)
                if ref is not None and ref.vault is fresh:
                    fresh.upsert(ref.path, parse(doc.text))
            self.refresh_all()

        self.spawn(run())

    # ------------------------------------------------------------------ model changes

    def _edits_paused(self) -> None:
        # The edits have paused: their diagnostics are due now, not one more delay later.
        self.sync_edits(delay=0)

    def sync_edits(self, delay: float = DIAGNOSTICS_DELAY) -> None:
        """Bring the model up to date with every edited open note, each re-parsed once, and
        schedule diagnostics for the notes that affects (itself, and open notes linking to it).
        Cheap when nothing was edited, so every reader of the model can call it first."""
        stale = self.edits.take()
        if not stale:
            return
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
        """Re-parse one note (from `text`, else from disk) and return who is affected. On a
        file system that ignores case, a new spelling of an indexed note is that note renamed
        (`note.md` → `Note.md`): the old spelling goes in the same step, never leaving two."""
        affected: set[str] = set()
        if ref.path not in ref.vault.notes and ref.vault.root in self.case_insensitive:
            for old in case_variants(ref.vault, ref.path):
                affected |= ref.vault.remove(old)
        if text is None:
            file = ref.vault.abspath(ref.path)
            # A file gone since (closed after a rename or delete: the old path's didClose or
            # watched-file event) is deleted, quietly: not a file we failed to read.
            exists = os.path.lexists(file)
            loaded = load_note(file) if exists and contained(ref.vault, ref.path) else None
            if loaded is None:
                return affected | ref.vault.remove(ref.path)
            parsed, valid_utf8 = loaded
        else:
            parsed = parse(text)
        return affected | ref.vault.upsert(ref.path, parsed, valid_utf8)

    def file_event(self, uri: str, kind: types.FileChangeType) -> set[tuple[Vault, str]]:
        """A file created, changed or deleted outside the editor (see `file_events.py`).
        On a file system that ignores case, `note.md` deleted while `Note.md` is there is
        half of a rename that changed only case, in whichever order the watcher reports the
        halves: it is the file's change under the spelling on disk, so the note keeps
        everything but the case of its name."""
        if (
            kind == types.FileChangeType.Deleted
            and (ref := self.locate(uri))
            and ref.vault.root in self.case_insensitive
        ):
            spelled = real_spelling(ref.vault.root, ref.path)
            if spelled is not None:
                uri, kind = uri_of(ref.vault, spelled), types.FileChangeType.Changed
        return apply_file_event(self, uri, kind)

    # ------------------------------------------------------------------ diagnostics

    def refresh(self, affected: Iterable[tuple[Vault, str]], delay: float = DIAGNOSTICS_DELAY) -> None:
        """Schedule new diagnostics for the affected notes that are open (and for the others,
        when the editor gets the whole vault's)."""
        affected = list(affected)
        self.diagnostics.changed(affected)
        self.graph_changes.changed(affected)
        self.lens_refresh.changed(affected)
        for vault, path in affected:
            uri = uri_of(vault, path)
            if uri in self.documents:
                self.diagnostics.schedule(uri, delay)
        self.token_refresh.changed(affected)

    def refresh_all(self) -> None:
        """Re-check every open note (and say again what is wrong with the configuration)."""
        for vault in list(self.vaults.values()):
            for problem in schema.configuration_problems(vault.schemas, vault.settings):
                self.tell_once(problem.message, types.MessageType.Error if problem.fatal else types.MessageType.Warning)
        self.diagnostics.changed_all()
        self.graph_changes.changed(None)
        self.lens_refresh.changed_all()
        for uri in list(self.documents):
            self.diagnostics.schedule(uri, 0)
        self.token_refresh.changed_all()
