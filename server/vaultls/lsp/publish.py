"""Diagnostics to the client: an open note's problems as LSP diagnostics, sent a moment after
what affects them changed (push), or the client asked to pull them again (pull clients, see
`pulled`). The pull requests themselves are answered by `features/workspace_diagnostics.py`.

Which notes: the open ones, as editors do for code (TypeScript, ESLint); every note of a vault
whose `diagnostics.scope` is `workspace` (closed notes pushed by `vault_push.py`, or pulled).
What each note's problems are is remembered between runs (`note_results.py`), and a link the
user is still typing is not reported (`half_typed.py`)."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from lsprotocol import types

from vaultls.lsp.half_typed import TYPING_PAUSE, without_half_typed
from vaultls.lsp.note_results import NoteResult, VaultResults, result_id
from vaultls.lsp.positions import PositionCodec
from vaultls.lsp.roots import NoteRef, doc_key
from vaultls.lsp.vault_push import Host as PushHost
from vaultls.lsp.vault_push import VaultPush
from vaultls.vault.check import Problem, check_note, needs_schema_check, schema_problems
from vaultls.vault.index import Note, Vault
from vaultls.vault.model import Position
from vaultls.vault.problems import CODES, code_help

log = logging.getLogger(__name__)

# Diagnostics wait this long after the last edit before they are computed and sent. A burst of
# keystrokes then costs one check instead of one per key, while a single edit still shows its
# problems well within the 60 ms users perceive as immediate.
DIAGNOSTICS_DELAY = 0.02


class Host(PushHost, Protocol):
    """What publishing needs of the language server: what pushing needs, and more."""

    @property
    def ready(self) -> asyncio.Event: ...
    @property
    def codec(self) -> PositionCodec: ...
    def client_supports(self, field: str, default: Any = None) -> Any: ...
    def sync_edits(self, delay: float = ...) -> None: ...
    def lines_of(self, vault: Vault, path: str) -> list[str]: ...
    def workspace_diagnostic_refresh(self, params: None, callback: Any = ...) -> Future[None]: ...


# The page that explains each code (docs/codes/), linked from every diagnostic with that code.
_CODE_PAGES = MappingProxyType({code: types.CodeDescription(href=code_help(code)) for code in CODES})


def code_description(code: str) -> types.CodeDescription | None:
    return _CODE_PAGES.get(code)


class DiagnosticsPublisher:
    """The diagnostics of open notes: scheduled (`schedule`), computed (`for_uri`) and sent
    when they changed, or cleared (`clear`); what a change means for the notes that are not
    open (`changed`, `changed_all`)."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.session = secrets.token_hex(4)  # in result ids: none matches another server's
        self.empty_id = result_id(self.session, [])
        self.typed_at: dict[str, Position] = {}  # by `doc_key`: where the last edit ended
        self._typing_pauses: dict[str, asyncio.TimerHandle] = {}  # by `doc_key`: see `edited`
        self.vault_push = VaultPush(self)
        self._results: dict[Path, VaultResults] = {}  # by root, for the vault there now
        self.published: dict[str, list[types.Diagnostic]] = {}  # by `doc_key`: what the client shows
        self.generation = 0  # bumped whenever a client is asked to pull again
        self._pending: dict[str, asyncio.TimerHandle] = {}  # by `doc_key`
        self._pull_asked = False  # a workspace/diagnostic/refresh is on its way
        # Schema checks run in a thread (a stranger's schema may take its whole time budget):
        # by `doc_key`, the note object checked and its schema problems, used by the publish
        # that comes when the thread is done, and only if the note is still that object.
        self._schemas_found: dict[str, tuple[Note, list[Problem]]] = {}
        self._schemas_running: set[str] = set()

    def schedule(self, uri: str, delay: float = DIAGNOSTICS_DELAY) -> None:
        """Compute and send the diagnostics of the open note `uri` in `delay` seconds (again
        from then, if it was scheduled already)."""
        uri = doc_key(uri)
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        loop = asyncio.get_running_loop()
        self._pending[uri] = loop.call_later(delay, self._publish, uri)

    def _publish(self, uri: str) -> None:
        host = self.host
        self._pending.pop(uri, None)
        # Never diagnose a stale model under the buffer's newer version. Catching up schedules
        # this note again (it is affected by its own edit): that run is this one.
        host.sync_edits(delay=0)
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        if not host.ready.is_set():
            return  # published for every open note once the scan is done
        doc = host.documents.get(uri)
        if doc is None:
            return
        if self.pulled:
            self.ask_to_pull()  # the pull is answered by features/workspace_diagnostics.py
            return
        try:
            ref = host.locate(uri)
            ready, found = self._schema_problems(uri, ref)
            if not ready:
                return  # published when the schema check is done
            diagnostics = self.diagnostics_of(ref, found)
        except Exception:  # noqa: BLE001 - one note's bug must not stop the others
            log.exception("computing diagnostics for %s failed", uri)
            return
        self.vault_push.forget(uri)
        if self.published.get(uri) == diagnostics:
            return
        self.published[uri] = diagnostics
        host.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=diagnostics, version=doc.version)
        )

    def _schema_problems(self, key: str, ref: NoteRef | None) -> tuple[bool, list[Problem] | None]:
        """(ready, found): the open note's schema problems if a thread has checked them for the
        note as it is now (taken: the next publish checks again), None when it needs no schema
        check; not ready while a thread checks them, or after starting one."""
        note = ref.note if ref is not None else None
        if ref is None or note is None:
            return True, None
        done = self._schemas_found.pop(key, None)
        if done is not None and done[0] is note:
            return True, done[1]
        if key in self._schemas_running:
            return False, None
        if not needs_schema_check(ref.vault, note):
            return True, None
        self._schemas_running.add(key)
        vault = ref.vault
        future = asyncio.get_running_loop().run_in_executor(None, schema_problems, vault, note)

        def finished(future: asyncio.Future[list[Problem]]) -> None:
            self._schemas_running.discard(key)
            try:
                self._schemas_found[key] = (note, future.result())
            except Exception:  # noqa: BLE001 - reported as a failed publish below
                log.exception("checking the frontmatter schemas of %s failed", key)
                self._schemas_found[key] = (note, [])
            if key in self.host.documents:
                self.schedule(key, 0)

        future.add_done_callback(finished)
        return False, None

    def clear(self, uri: str) -> None:
        """The note `uri` was closed (or left the workspace): none scheduled, none shown, unless
        its vault's scope is the whole vault (its diagnostics then follow the file instead)."""
        key = doc_key(uri)
        self._schemas_found.pop(key, None)
        self.typed_at.pop(key, None)
        pause = self._typing_pauses.pop(key, None)
        if pause is not None:
            pause.cancel()
        pending = self._pending.pop(key, None)
        if pending is not None:
            pending.cancel()
        shown = self.published.pop(key, None)
        ref = self.host.locate(uri)
        if shown and ref is not None and self.whole_vault(ref.vault) and not self.pulled:
            self.vault_push.shown[key] = "open"  # what it showed: pushed again from the file
            self.vault_push.mark(ref.vault, ref.path)
        elif shown:
            self.host.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # ------------------------------------------------------------------ scope and changes

    @staticmethod
    def whole_vault(vault: Vault) -> bool:
        """Whether the editor gets every note's problems (`diagnostics.scope`), not only the
        open notes'."""
        return vault.settings.diagnostics_scope == "workspace"

    def in_scope(self, vault: Vault, uri: str) -> bool:
        """Whether the editor gets this note's problems at all."""
        return doc_key(uri) in self.host.documents or self.whole_vault(vault)

    def pushed(self, vault: Vault, uri: str) -> bool:
        """Whether this note's problems reach the client by push (a pull must not repeat them)."""
        return not self.pulled and self.in_scope(vault, uri)

    def edited(self, key: str, at: Position | None) -> None:
        """The open document `key` was edited; the last edit ended `at` (see `half_typed.py`).
        Once typing pauses, a link the cursor was left in counts as written (`_typing_paused`)."""
        pause = self._typing_pauses.pop(key, None)
        if pause is not None:
            pause.cancel()
        if at is None:
            self.typed_at.pop(key, None)
            return
        self.typed_at[key] = at
        self._typing_pauses[key] = asyncio.get_running_loop().call_later(TYPING_PAUSE, self._typing_paused, key, at)

    def _typing_paused(self, key: str, at: Position) -> None:
        self._typing_pauses.pop(key, None)
        if self.typed_at.get(key) is not at:
            return
        del self.typed_at[key]
        ref = self.host.locate(key)
        if ref is not None:
            self.results_for(ref.vault).forget([ref.path])
        if self.pulled:
            self.ask_to_pull()
        else:
            self.schedule(key, 0)

    def results_for(self, vault: Vault) -> VaultResults:
        """What is known of `vault`'s notes' problems (nothing, for a vault scanned again)."""
        results = self._results.get(vault.root)
        if results is None or results.vault is not vault:
            results = self._results[vault.root] = VaultResults(vault, self.session)
        return results

    def changed(self, affected: Iterable[tuple[Vault, str]]) -> None:
        """These notes' problems may have changed: forgotten, and the closed ones of a
        whole-vault scope sent again (or the client asked to pull)."""
        by_vault: dict[Vault, list[str]] = {}
        for vault, path in affected:
            by_vault.setdefault(vault, []).append(path)
        for vault, paths in by_vault.items():
            self.results_for(vault).forget(paths)
            if not self.whole_vault(vault):
                continue
            closed = [p for p in paths if self.host.uri_of(vault, p) not in self.host.documents]
            if closed and self.pulled:
                self.ask_to_pull()
            for path in closed if not self.pulled else ():
                self.vault_push.mark(vault, path)

    def changed_all(self) -> None:
        """Any note's problems may have changed (settings, schemas, the end of a scan)."""
        for vault in list(self.host.vaults.values()):
            self.results_for(vault).forget_all()
        if self.pulled:
            self.ask_to_pull()
        else:
            self.vault_push.mark_all()

    @property
    def pulled(self) -> bool:
        """Whether the client pulls diagnostics (`textDocument/diagnostic`, LSP 3.17) and can be
        asked to pull again (`workspace/diagnostic/refresh`). Such a client gets diagnostics
        only by pulling, never pushed as well (it would show every problem twice); every other
        client gets them pushed."""
        supports = self.host.client_supports
        return supports("text_document.diagnostic", None) is not None and bool(
            supports("workspace.diagnostics.refresh_support", False)
        )

    def ask_to_pull(self) -> None:
        """Send `workspace/diagnostic/refresh`, once for a burst of changes."""
        self.generation += 1
        if self._pull_asked:
            return
        self._pull_asked = True

        def send() -> None:
            self._pull_asked = False
            try:
                future = self.host.workspace_diagnostic_refresh(None)
                future.add_done_callback(lambda f: f.cancelled() or f.exception())
            except Exception:  # noqa: BLE001 - no client connected (shutdown)
                log.debug("could not ask the client to pull diagnostics", exc_info=True)

        asyncio.get_running_loop().call_later(DIAGNOSTICS_DELAY, send)

    def for_uri(self, uri: str, schema_found: list[Problem] | None = None) -> list[types.Diagnostic]:
        """The diagnostics of a note now (none for a URI that is no note of ours);
        `schema_found`: its schema problems, when a thread has checked them."""
        return self.diagnostics_of(self.host.locate(uri), schema_found)

    def diagnostics_of(self, ref: NoteRef | None, schema_found: list[Problem] | None = None) -> list[types.Diagnostic]:
        """`for_uri` of a note already located."""
        if ref is None or ref.note is None:
            return []
        lines = self.host.lines_of(ref.vault, ref.path)
        return [self.to_diagnostic(lines, p) for p in self.problems_of(ref, schema_found)]

    def problems_of(self, ref: NoteRef, schema_found: list[Problem] | None = None) -> list[Problem]:
        """The problems of a note now, less those of a link still being typed in it."""
        note = ref.note
        if note is None:
            return []
        problems = check_note(ref.vault, ref.path, schema_found=schema_found)
        at = self.typed_at.get(self.host.uri_of(ref.vault, ref.path))
        return without_half_typed(problems, note.parsed.links, at) if at is not None else problems

    def diagnostics_of_result(self, vault: Vault, path: str, found: NoteResult) -> list[types.Diagnostic]:
        """A remembered result's diagnostics (made when sent: kept, they would double what a
        whole vault's results cost in memory)."""
        lines = self.host.lines_of(vault, path)
        return [self.to_diagnostic(lines, p) for p in found.problems]

    def to_diagnostic(self, lines: list[str], problem: Problem) -> types.Diagnostic:
        """`problem`, found in a note of these `lines`, as the client sees it."""
        return types.Diagnostic(
            range=self.host.codec.range_to_client(lines, problem.range),
            message=problem.message,
            severity=types.DiagnosticSeverity(int(problem.severity)),
            code=problem.code,
            code_description=code_description(problem.code),
            source="vaultls",
            data=problem.data,
        )
