"""Pull diagnostics: `textDocument/diagnostic` and `workspace/diagnostic` (LSP 3.17). The
problems are the checker's, the very ones `vaultls check` prints.

Which notes (`diagnostics.scope`, see publish.py): the open notes by default; every note of a
vault whose scope is `workspace`. A note out of scope is reported empty (once, if the client
had something for it), so closing a note clears its problems.

Push or pull, never both (see `DiagnosticsPublisher.pulled`):
- A client that pulls and accepts `workspace/diagnostic/refresh` (VS Code) gets no pushed
  diagnostics. It pulls; when a change elsewhere (a created note, a renamed heading) changes
  a note's problems, the server asks it to pull again.
- Any other client gets its notes' diagnostics pushed. If it pulls anyway (Neovim 0.10+ pulls
  `textDocument/diagnostic` when a server offers it), a pushed note's pull answer is empty:
  its problems are shown from the push already, and would otherwise appear twice.

A workspace pull never makes the editor wait: it awaits the whole index, then works in slices
that give the event loop back (`note_results.Pace`), with schema checks in a thread, so that
completion, hover and code actions typed meanwhile are answered at once; a client may cancel it
(`$/cancelRequest`: pygls cancels the handler's task at its next `await`). It is incremental:
each note's problems are remembered until a change affects them (`note_results.py`), and a note
whose result id the client already holds comes back `unchanged`, so a pull after one edit
checks that edit's notes. With a `partialResultToken` (VS Code sends one) the reports are
streamed in chunks as `$/progress`, each sent as soon as it is made, and the final answer is
empty, as LSP asks.
"""

from __future__ import annotations

import asyncio

from lsprotocol import types

from vaultls.lsp.note_results import Pace, collector_paused, result_id
from vaultls.lsp.roots import key_of
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.check import needs_schema_check, schema_problems
from vaultls.vault.index import Vault

# A streamed workspace pull sends a chunk once it holds this many diagnostics (or reports):
# writing one blocks the event loop, so it must stay a small slice of work.
CHUNK = 200

Report = types.WorkspaceFullDocumentDiagnosticReport | types.WorkspaceUnchangedDocumentDiagnosticReport


async def document_diagnostic(
    ls: VaultLanguageServer, params: types.DocumentDiagnosticParams
) -> types.RelatedFullDocumentDiagnosticReport | types.RelatedUnchangedDocumentDiagnosticReport:
    await ls.ready.wait()
    uri = params.text_document.uri
    ref = ls.locate(uri)
    publisher = ls.diagnostics
    if ref is None or ref.note is None or publisher.pushed(ref.vault, uri) or not publisher.in_scope(ref.vault, uri):
        diagnostics: list[types.Diagnostic] = []
        result = publisher.empty_id
    else:
        diagnostics, result = await _note_diagnostics(ls, uri)
    if params.previous_result_id == result:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result)
    return types.RelatedFullDocumentDiagnosticReport(items=diagnostics, result_id=result)


async def _note_diagnostics(ls: VaultLanguageServer, uri: str) -> tuple[list[types.Diagnostic], str]:
    """A note's diagnostics and their result id, its schema check (a stranger's schema may use
    its whole time budget) in a thread so that the server keeps answering meanwhile."""
    ls.sync_edits(delay=0)
    ref = ls.locate(uri)
    note = ref.note if ref is not None else None
    found = None
    if ref is not None and note is not None and needs_schema_check(ref.vault, note):
        found = await asyncio.to_thread(schema_problems, ref.vault, note)
        ls.sync_edits(delay=0)
        ref = ls.locate(uri)
        if ref is None or ref.note is not note:
            found = None  # edited meanwhile: checked again below, within the budget
    if ref is None or ref.note is None:
        return [], ls.diagnostics.empty_id
    problems = ls.diagnostics.problems_of(ref, found)
    lines = ls.lines_of(ref.vault, ref.path)
    return [ls.diagnostics.to_diagnostic(lines, p) for p in problems], result_id(ls.diagnostics.session, problems)


class Stream:
    """The reports of one workspace pull: kept for the answer, or sent in chunks as partial
    results when the client gave a token."""

    def __init__(self, ls: VaultLanguageServer, token: int | str | None) -> None:
        self.ls = ls
        self.token = token
        self.items: list[Report] = []
        self.reported: set[str] = set()  # URIs as sent, and as `doc_key`s
        self._size = 0  # reports and diagnostics in `items`

    def add(self, uri: str, report: Report, key: str | None = None) -> None:
        self.reported.add(uri)
        if key is not None:
            self.reported.add(key)
        self.items.append(report)
        self._size += 1 + len(report.items) if isinstance(report, types.WorkspaceFullDocumentDiagnosticReport) else 1
        if self.token is not None and self._size >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.token is None or not self.items:
            return
        partial = types.WorkspaceDiagnosticReportPartialResult(items=self.items)
        self.items, self._size = [], 0
        self.ls.progress(types.ProgressParams(token=self.token, value=self.ls.converter.unstructure(partial)))

    def answer(self) -> types.WorkspaceDiagnosticReport:
        self.flush()
        return types.WorkspaceDiagnosticReport(items=self.items)


async def workspace_diagnostic(
    ls: VaultLanguageServer, params: types.WorkspaceDiagnosticParams
) -> types.WorkspaceDiagnosticReport:
    await ls.indexed.wait()
    # By URI as the client spells it, which is as this server sent it: a vault's worth of
    # URIs is not parsed again on every pull.
    previous = {p.uri: p.value for p in params.previous_result_ids}
    stream = Stream(ls, params.partial_result_token)
    pace = Pace()
    vaults = list(ls.vaults.values())
    with collector_paused(ls.diagnostics.results_for(vault) for vault in vaults):
        for vault in vaults:
            await _pull_vault(ls, vault, previous, stream, pace)
    # Notes the client shows something for that are gone, or out of scope: cleared, once.
    empty = ls.diagnostics.empty_id
    for uri, value in previous.items():
        if value != empty and uri not in stream.reported and key_of(uri) not in stream.reported:
            stream.add(uri, types.WorkspaceFullDocumentDiagnosticReport(uri=uri, items=[], result_id=empty))
    return stream.answer()


async def _pull_vault(
    ls: VaultLanguageServer, vault: Vault, previous: dict[str, str], stream: Stream, pace: Pace
) -> None:
    publisher = ls.diagnostics
    results = publisher.results_for(vault)
    pushed = not publisher.pulled  # and every note of the pull is in scope: all pushed
    paths = sorted(vault.notes) if publisher.whole_vault(vault) else sorted(ls.open_paths(vault))
    for path in paths:
        await pace.tick()
        if ls.vaults.get(vault.root) is not vault:
            return  # scanned again meanwhile: the client is asked to pull again
        if path not in vault.notes:
            continue
        key = results.uri_of(path, ls.uri_of)
        doc = ls.documents.get(key)
        found = None
        if pushed:
            problems, result = [], publisher.empty_id
        elif doc is not None:
            ref = ls.locate(key)  # an open note: what `textDocument/diagnostic` says of it
            problems = publisher.problems_of(ref) if ref is not None else []
            result = result_id(publisher.session, problems)
        else:
            found = await results.check_in_slices(path, pace)
            if found is None or ls.vaults.get(vault.root) is not vault or key in ls.documents:
                continue  # gone, scanned again or opened meanwhile: the next pull has it
            problems, result = found.problems, found.result_id
        uri = doc.uri if doc is not None else key  # the client's own spelling of an open note
        shown = previous.get(uri)
        if not problems and shown is None:
            continue  # nothing to show and nothing shown before: left out
        version = doc.version if doc is not None else None
        report: Report
        if shown == result:
            report = types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, result_id=result, version=version)
        else:
            if found is not None:
                diagnostics = publisher.diagnostics_of_result(vault, path, found)
            else:
                lines = ls.lines_of(vault, path)
                diagnostics = [publisher.to_diagnostic(lines, p) for p in problems]
            report = types.WorkspaceFullDocumentDiagnosticReport(
                uri=uri, items=diagnostics, result_id=result, version=version
            )
        stream.add(uri, report, key)


FEATURES = (
    (
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="vaultls", inter_file_dependencies=True, workspace_diagnostics=True),
        document_diagnostic,
    ),
    (types.WORKSPACE_DIAGNOSTIC, None, workspace_diagnostic),
)
