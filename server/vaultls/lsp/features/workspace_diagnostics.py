"""Pull diagnostics: `textDocument/diagnostic` and `workspace/diagnostic` (LSP 3.17), so an
editor's problem list can hold every note's problems, not only the open notes'. The problems
are `check_vault`'s, the very list `vaultls check` prints.

Push or pull, never both (see `VaultLanguageServer.diagnostics_pulled`):
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
setting changed since, which keeps VS Code's repeated workspace pulls cheap on a large vault.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from lsprotocol import types

from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault.check import Problem, check_vault
from vaultls.vault.index import Vault


def _result_id(ls: VaultLanguageServer, diagnostics: list[types.Diagnostic]) -> str:
    data = json.dumps(ls.protocol._converter.unstructure(diagnostics), sort_keys=True, default=str)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:16]


def _pushed(ls: VaultLanguageServer, uri: str) -> bool:
    """Whether this note's diagnostics reach the client by push (so a pull must not repeat them)."""
    return not ls.diagnostics_pulled and ls.doc_key(uri) in ls.documents


async def document_diagnostic(
    ls: VaultLanguageServer, params: types.DocumentDiagnosticParams
) -> types.RelatedFullDocumentDiagnosticReport | types.RelatedUnchangedDocumentDiagnosticReport:
    await ls.ready.wait()
    uri = params.text_document.uri
    diagnostics = [] if _pushed(ls, uri) else ls.diagnostics_for(uri)
    result_id = _result_id(ls, diagnostics)
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=diagnostics, result_id=result_id)


# A whole-vault check costs about 1.5 s on 10,000 notes. It is reused while no note, file or
# setting changed and the server asked no client to pull again (which it does after a change
# that notes do not show, such as an edited schema file); and for at most this long, so that
# a change nothing signals (a schema edited while every note is closed) is seen soon.
MAX_AGE = 30.0


@dataclass
class _Checked:
    """The last whole-vault check and what it was computed from."""

    paths: list[str]
    parsed: list[Any]
    attachments: frozenset[str]
    settings: Any
    generation: int
    at: float
    problems: dict[str, list[Problem]]

    def still_valid(self, vault: Vault, generation: int) -> bool:
        notes = vault.notes
        return (
            self.generation == generation
            and time.monotonic() - self.at < MAX_AGE
            and self.settings == vault.settings
            and len(self.paths) == len(notes)
            and all(a is b for a, b in zip(self.parsed, (n.parsed for n in notes.values())))
            and self.paths == list(notes)
            and self.attachments == frozenset(vault.attachments)
        )


CHECKED_KEY = "diagnostics.checked"  # in `Vault.derived`


def vault_problems(vault: Vault, generation: int = 0) -> dict[str, list[Problem]]:
    """`check_vault(vault)` by note path, recomputed only when the vault changed."""
    cached = vault.derived.get(CHECKED_KEY)
    if cached is not None and cached.still_valid(vault, generation):
        return cached.problems
    by_path: dict[str, list[Problem]] = {}
    for problem in check_vault(vault):
        by_path.setdefault(problem.path, []).append(problem)
    notes = vault.notes
    vault.derived[CHECKED_KEY] = _Checked(
        list(notes), [n.parsed for n in notes.values()], frozenset(vault.attachments), vault.settings,
        generation, time.monotonic(), by_path,
    )
    return by_path


async def workspace_diagnostic(
    ls: VaultLanguageServer, params: types.WorkspaceDiagnosticParams
) -> types.WorkspaceDiagnosticReport:
    await ls.indexed.wait()
    previous = {p.uri: p.value for p in params.previous_result_ids}
    items: list[types.WorkspaceFullDocumentDiagnosticReport | types.WorkspaceUnchangedDocumentDiagnosticReport] = []
    for vault in list(ls.vaults.values()):
        problems = vault_problems(vault, ls.diagnostics_generation)
        for path in sorted(vault.notes):
            uri = ls.uri_of(vault, path)
            found = problems.get(path, [])
            if not found and uri not in previous:
                continue  # nothing to show and nothing shown before: leave it out
            if _pushed(ls, uri) or not found:
                diagnostics: list[types.Diagnostic] = []
            else:
                lines = ls.lines_of(vault, path)
                diagnostics = [ls.to_diagnostic(lines, p) for p in found]
            doc = ls.documents.get(uri)
            version = doc.version if doc is not None else None
            uri = doc.uri if doc is not None else uri  # the client's own spelling of an open note
            result_id = _result_id(ls, diagnostics)
            if previous.get(uri) == result_id:
                items.append(types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, result_id=result_id, version=version))
            else:
                items.append(
                    types.WorkspaceFullDocumentDiagnosticReport(uri=uri, items=diagnostics, result_id=result_id, version=version)
                )
    return types.WorkspaceDiagnosticReport(items=items)


FEATURES = [
    (
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="vaultls", inter_file_dependencies=True, workspace_diagnostics=True),
        document_diagnostic,
    ),
    (types.WORKSPACE_DIAGNOSTIC, None, workspace_diagnostic),
]
