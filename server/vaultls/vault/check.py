"""Note → problems: the one set of rules. The server and `vaultls check` both come here, so a
problem the editor shows and one the CLI prints for the same note are the same problem.

`NoteChecker.problem_rows` is the rule set: it reads a note through its view (`NoteView`:
plain values, no model) and says its problems as rows, in the order they are found:

1. a file that is not valid UTF-8; a template (a note in a template folder the vault's Obsidian
   settings name, vault/templates.py) has no other problems unless `templates.check` is set;
2. frontmatter whose YAML is broken, properties written twice, and YAML that Obsidian reads but
   not as it is written (`created: {{date}}`);
3. frontmatter that its schemas or `.obsidian/types.json` reject (vault/schema/), for the notes
   that can have such problems at all (`NoteChecker.needs_schema`, which spares a whole-vault
   check the model of every other note);
4. links: dangling, to a missing heading or block, ambiguous (vault/link_check.py);
5. footnotes: a reference to no definition, a definition no reference names (vault/footnotes.py).

Then what the note and the settings say of them: a `vaultls-ignore` property or comment
(vault/parse/ignores.py) silences codes in the note or on a line, and `diagnostics.severity`
sets a code's severity (or turns it off) in every note.

Everything else is a way in: `check_note` (the server's diagnostics) and `check_vault` (the
server's whole-vault diagnostics, `vaultls.checkVault`, and `vaultls check` of some notes) view
a note of the index; the whole-vault runner (vault/bulk_check.py) views notes parsed or read
from the index cache without building the index's model of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from vaultls.vault import schema
from vaultls.vault.footnotes import footnote_problem_rows
from vaultls.vault.index import Note, Vault, note_name
from vaultls.vault.link_check import LinkChecker
from vaultls.vault.parse import range_row
from vaultls.vault.parse.ignores import WHOLE_NOTE
from vaultls.vault.problems import Problem, ProblemRow, Severity, problem_order, problems_of_rows
from vaultls.vault.view import FrontmatterState, NoteView, view_of_parsed

__all__ = (
    "ENCODING_MESSAGE",
    "NoteChecker",
    "Problem",
    "Severity",
    "check_note",
    "check_vault",
    "duplicate_key_message",
    "schema_problems",
)

ENCODING_MESSAGE = "this file is not valid UTF-8; invalid bytes are shown as \ufffd"

# Severities in rows are plain ints (marshal takes no `IntEnum`).
_ERROR, _WARNING = int(Severity.ERROR), int(Severity.WARNING)


def duplicate_key_message(key: str) -> str:
    return f'duplicate property "{key}": only its last value is kept'


class NoteChecker:
    """The rules, for one check run over a vault that does not change meanwhile: `links`
    remembers what the run has resolved (by default from the vault's own notes)."""

    def __init__(self, vault: Vault, links: LinkChecker | None = None) -> None:
        self.vault = vault
        self.links = links if links is not None else LinkChecker(vault)
        self._types: bool | None = None  # see `_has_types`
        # code → severity (None: off), from `diagnostics.severity`
        self._severities = {code: Severity.from_name(name) for code, name in vault.settings.severities}

    def problem_rows(self, view: NoteView, schema_found: list[Problem] | None = None) -> list[ProblemRow]:
        """The problems of one note, as rows in the order they are found. `schema_found`: its
        schema problems, when they were checked already (the server checks them in a thread)."""
        out: list[ProblemRow] = []
        if not view.valid:
            out.append((0, 0, 0, 0, _WARNING, "encoding", ENCODING_MESSAGE, None))
        if is_exempt_template(self.vault, view.path):
            return out  # its placeholders become text only in the note it is inserted into
        if view.fm_error is not None:
            message, a, b, c, d = view.fm_error
            out.append((a, b, c, d, _ERROR, "frontmatter-yaml", message, None))
        for key, a, b, c, d in view.duplicates:
            out.append((a, b, c, d, _WARNING, "frontmatter-yaml", duplicate_key_message(key), None))
        for message, a, b, c, d in view.fm_warnings:
            out.append((a, b, c, d, _WARNING, "frontmatter-yaml", message, None))
        if self.needs_schema(view):
            if schema_found is None:
                schema_found = schema_problems(
                    self.vault, Note(view.path, note_name(view.path), view.model(), view.valid)
                )
            for problem in schema_found:
                out.append((*range_row(problem.range), int(problem.severity), problem.code, problem.message, None))
        self.links.add_problem_rows(view.path, view.links, out)
        if view.footnotes:
            out += footnote_problem_rows(view.footnotes)
        if view.ignores or self._severities:
            return adjusted(out, view.ignores, self._severities)
        return out

    def needs_schema(self, view: NoteView) -> bool:
        """Whether a note can have schema problems at all, from what `schema.check_frontmatter`
        looks at first: when it can, its model is made and that check runs as it is."""
        return self.needs_schema_for(view.fm_state)

    def needs_schema_for(self, state: FrontmatterState | None) -> bool:
        """`needs_schema` of a note whose frontmatter is in this state."""
        return schema_gate(self.vault, state, self._has_types)

    def _has_types(self) -> bool:
        """Whether the vault has `.obsidian/types.json`: looked up once a run, when first a note
        with properties asks."""
        if self._types is None:
            self._types = (self.vault.root / schema.TYPES_FILE).exists()
        return self._types


def adjusted(
    rows: list[ProblemRow], ignores: list[tuple[int, tuple[str, ...]]], severities: dict[str, Severity | None]
) -> list[ProblemRow]:
    """`rows` without those a `vaultls-ignore` silences (a comment: on its line and the next;
    the property: everywhere; no codes: every code), at the severity `diagnostics.severity`
    gives their code (None: dropped)."""
    out: list[ProblemRow] = []
    for row in rows:
        line, code = row[0], row[5]
        if any(
            (where == WHOLE_NOTE or line in (where, where + 1)) and (not codes or code in codes)
            for where, codes in ignores
        ):
            continue
        if code in severities:
            severity = severities[code]
            if severity is None:
                continue
            row = (*row[:4], int(severity), *row[5:])
        out.append(row)
    return out


def schema_problems(vault: Vault, note: Note) -> list[Problem]:
    """JSON Schema and `.obsidian/types.json` checks (vault/schema/); a schema that cannot
    be used is always an error, whatever `frontmatter.severity` says."""
    severity = Severity.from_name(vault.settings.frontmatter_severity)
    if severity is None:
        return []
    return [
        Problem(
            note.path, issue.range, Severity.ERROR if issue.broken else severity, "frontmatter-schema", issue.message
        )
        for issue in schema.check_frontmatter(vault, note)
    ]


def check_note(
    vault: Vault, path: str, checker: NoteChecker | None = None, schema_found: list[Problem] | None = None
) -> list[Problem]:
    """The problems of one note of the index, in the order they are found (`check_vault`
    sorts). `checker` carries what a run over many notes has already resolved; `schema_found`
    is the note's `schema_problems` when they were checked already."""
    note = vault.notes.get(path)
    if note is None:
        return []
    run = checker if checker is not None else NoteChecker(vault)
    return problems_of_rows(path, run.problem_rows(view_of_parsed(path, note.parsed, note.valid_utf8), schema_found))


def is_exempt_template(vault: Vault, path: str) -> bool:
    """Whether the note at `path` is a template that is not checked (vault/templates.py)."""
    return not vault.settings.templates_check and vault.schemas.templates().contains(path)


def schema_gate(vault: Vault, state: FrontmatterState | None, has_types: Callable[[], bool]) -> bool:
    """Whether a note whose frontmatter is in `state` can have schema problems at all (what
    `schema.check_frontmatter` looks at first); `has_types` says whether the vault has
    `.obsidian/types.json`, asked only when it matters."""
    settings = vault.settings
    if Severity.from_name(settings.frontmatter_severity) is None:
        return False
    if state is not None and state[0]:
        return False  # broken YAML: reported as such, and nothing else is checked
    if settings.frontmatter_schema or settings.frontmatter_rules:
        return True  # schemas configured for notes by path, which any note may match
    if state is None:
        return False
    return state[2] or (state[1] and settings.obsidian_types and has_types())


def needs_schema_check(vault: Vault, note: Note) -> bool:
    """Whether checking `note` runs a schema check (which may take up to its time budget): from
    its frontmatter alone, without the view of its links."""
    fm = note.parsed.frontmatter
    if is_exempt_template(vault, note.path):
        return False
    state = None if fm is None else (fm.error is not None, bool(fm.data), schema.SCHEMA_KEY in fm.data)
    return schema_gate(vault, state, (vault.root / schema.TYPES_FILE).exists)


def check_vault(vault: Vault, only: Iterable[str] | None = None) -> list[Problem]:
    """Every note's problems (or only those of `only`), sorted by path and position."""
    paths = sorted(vault.notes) if only is None else sorted(p for p in only if p in vault.notes)
    problems: list[Problem] = []
    checker = NoteChecker(vault)
    for path in paths:
        problems.extend(check_note(vault, path, checker))
    problems.sort(key=problem_order)
    return problems
