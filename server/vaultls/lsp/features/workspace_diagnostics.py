"""Pull diagnostics: `textDocument/diagnostic` and `workspace/diagnostic` (LSP 3.17), so an
editor's problem list can hold every note's problems, not only the open notes'. The problems
are `check_vault`'s, the very list `vaultls check` prints.

Push or pull, never both (see `DiagnosticsPublisher.pulled`):
- A client that pulls and accepts `workspace/diagnostic/refresh` (VS Code) gets no pushed
  diagnostics. It pulls; when a change elsewhere (a created note, a renamed heading) changes an
  open note's problems, the server asks it to pull again.
- Any other client keeps getting the open notes' diagnostics pushed. If it pulls anyway
  (Neovim 0.10+ pulls `textDocument/diagnostic` when a server offers it), an open note's pull
  answer is empty and `workspace/diagnostic` reports open notes as empty: their problems are
  already shown from the push, and would otherwise appear twice. Closed notes are reported in
  full either way.

Result ids are a hash of a note's diagnostics, so a pull that finds nothing new answers
"unchanged". A workspace pull reuses the last whole-vault check as long as no note, file or
setting changed since (`VaultCaches.problems`), which keeps VS Code's repeated workspace pulls
cheap on a large vault.
"""

from __future__ import annotations

import asyncio
import hashlib
import json

from lsprotocol import types

from vaultls.lsp.roots import doc_key
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.check import needs_schema_check, schema_problems


def _result_id(ls: VaultLanguageServer, diagnostics: list[types.Diagnostic]) -> str:
    data = json.dumps(ls.converter.unstructure(diagnostics), sort_keys=True, default=str)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:16]


def _pushed(ls: VaultLanguageServer, uri: str) -> bool:
    """Whether this note's diagnostics reach the client by push (so a pull must not repeat them)."""
    return not ls.diagnostics.pulled and doc_key(uri) in ls.documents


async def document_diagnostic(
    ls: VaultLanguageServer, params: types.DocumentDiagnosticParams
) -> types.RelatedFullDocumentDiagnosticReport | types.RelatedUnchangedDocumentDiagnosticReport:
    await ls.ready.wait()
    uri = params.text_document.uri
    diagnostics = [] if _pushed(ls, uri) else await _note_diagnostics(ls, uri)
    result_id = _result_id(ls, diagnostics)
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=diagnostics, result_id=result_id)


async def _note_diagnostics(ls: VaultLanguageServer, uri: str) -> list[types.Diagnostic]:
    """A note's diagnostics, its schema check (a stranger's schema may use its whole time
    budget) in a thread so that the server keeps answering meanwhile."""
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
    return ls.diagnostics.diagnostics_of(ref, found)


async def workspace_diagnostic(
    ls: VaultLanguageServer, params: types.WorkspaceDiagnosticParams
) -> types.WorkspaceDiagnosticReport:
    await ls.indexed.wait()
    previous = {p.uri: p.value for p in params.previous_result_ids}
    items: list[types.WorkspaceFullDocumentDiagnosticReport | types.WorkspaceUnchangedDocumentDiagnosticReport] = []
    for vault in list(ls.vaults.values()):
        problems = ls.caches_for(vault).problems(ls.diagnostics.generation)
        for path in sorted(vault.notes):
            uri = ls.uri_of(vault, path)
            found = problems.get(path, [])
            if not found and uri not in previous:
                continue  # nothing to show and nothing shown before: leave it out
            if _pushed(ls, uri) or not found:
                diagnostics: list[types.Diagnostic] = []
            else:
                lines = ls.lines_of(vault, path)
                diagnostics = [ls.diagnostics.to_diagnostic(lines, p) for p in found]
            doc = ls.documents.get(uri)
            version = doc.version if doc is not None else None
            uri = doc.uri if doc is not None else uri  # the client's own spelling of an open note
            result_id = _result_id(ls, diagnostics)
            if previous.get(uri) == result_id:
                items.append(
                    types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, result_id=result_id, version=version)
                )
            else:
                items.append(
                    types.WorkspaceFullDocumentDiagnosticReport(
                        uri=uri, items=diagnostics, result_id=result_id, version=version
                    )
                )
    return types.WorkspaceDiagnosticReport(items=items)


FEATURES = (
    (
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="vaultls", inter_file_dependencies=True, workspace_diagnostics=True),
        document_diagnostic,
    ),
    (types.WORKSPACE_DIAGNOSTIC, None, workspace_diagnostic),
)
