"""Footnote problems and the footnote facts the editor features read (vault/footnotes.py); the
problems come out of the one checker, so the server, both ways of `vaultls check`, suppression
and per-code severities treat them like any other."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_vault
from vaultls.vault import bulk_check
from vaultls.vault.check import check_vault
from vaultls.vault.check_run import check_files
from vaultls.vault.footnotes import candidates, definition_text, next_number, rename_problem, rename_ranges
from vaultls.vault.model import Range
from vaultls.vault.parse import parse
from vaultls.vault.settings import build_settings
from vaultls.vault.store.loader import load_vault


def _found(tmp_path: Path, text: str, toml: str = "") -> list[tuple[int, int, str, int]]:
    """(line, column, code, severity) of the note's problems by the model's check; asserting that
    the whole-vault runner (cold, then warm from the cache) finds the same."""
    files = {"a.md": text, **({".vaultls.toml": toml} if toml else {})}
    root = write_vault(tmp_path / "v", files)
    settings, errors = build_settings(root)
    assert errors == []
    vault, _ = load_vault(root, settings, use_cache=False)
    model = [(p.range.start.line, p.range.start.character, p.code, int(p.severity)) for p in check_vault(vault)]
    for _ in range(2):
        runner = check_files(root, settings).problems
        assert [(p.range.start.line, p.range.start.character, p.code, int(p.severity)) for p in runner] == model
    return model


def test_a_reference_without_a_definition_is_an_undefined_footnote_warning(tmp_path):
    assert _found(tmp_path, "Text[^1].\n") == [(0, 4, "undefined-footnote", 2)]


def test_a_definition_no_reference_names_is_an_unused_footnote_hint(tmp_path):
    assert _found(tmp_path, "Text.\n\n[^1]: never cited\n") == [(2, 0, "unused-footnote", 4)]


def test_a_defined_and_referenced_footnote_has_no_problem(tmp_path):
    assert _found(tmp_path, "Text[^Note].\n\n[^note]: cited, in another case\n") == []


def test_a_reference_inside_another_definition_counts_as_a_use(tmp_path):
    assert _found(tmp_path, "A[^a].\n\n[^a]: see [^b]\n[^b]: b\n") == []


def test_footnote_problems_are_silenced_by_a_comment(tmp_path):
    assert _found(tmp_path, "Text[^1]. %% vaultls-ignore undefined-footnote %%\n") == []


def test_footnote_problems_take_the_severity_the_settings_give(tmp_path):
    toml = '[diagnostics.severity]\nunused-footnote = "warning"\nundefined-footnote = "off"\n'
    assert _found(tmp_path, "A[^x].\n\n[^1]: one\n", toml) == [(2, 0, "unused-footnote", 2)]


def test_a_definitions_text_is_its_first_line_and_its_continuation_lines_dedented():
    text = "A[^1].\n\n[^1]: first line\n    second line\nafter\n"
    note = parse(text)
    assert definition_text(text.split("\n"), note.footnotes[0]) == "first line\nsecond line"


def test_the_next_number_is_one_more_than_the_largest_numbered_id():
    assert next_number(parse("A[^1] B[^7] C[^x]\n\n[^3]: three\n")) == "8"
    assert next_number(parse("A[^note]\n")) == "1"


def test_completion_candidates_are_the_defined_ids_then_the_next_number():
    text = "A.\n\n[^src]: Source.\n[^2]: Two.\n[^SRC]: again\n"
    found = [(c.id, c.detail, c.new) for c in candidates(parse(text), text.split("\n"))]
    assert found == [("src", "Source.", False), ("2", "Two.", False), ("3", "new footnote", True)]


def test_a_rename_edits_every_reference_and_definition_of_the_id_whatever_its_case():
    note = parse("A[^x] B[^X] C[^y]\n\n[^x]: x\n")
    assert rename_ranges(note, "x") == [Range.on_line(2, 2, 3), Range.on_line(0, 3, 4), Range.on_line(0, 9, 10)]


def test_a_rename_to_an_invalid_or_taken_id_is_refused():
    note = parse("A[^x] B[^y]\n")
    assert rename_problem(note, "x", "two words") is not None
    assert rename_problem(note, "x", "Y") is not None
    assert rename_problem(note, "x", "X") is None
    assert rename_problem(note, "x", "z") is None


def test_the_forked_runner_finds_the_same_footnote_problems(tmp_path, monkeypatch):
    text = "A[^x] and [^1].\n\n[^1]: one\n[^old]: unused\n"
    in_process = _found(tmp_path, text)
    monkeypatch.setattr("threading.active_count", lambda: 1)  # whatever pytest runs besides
    monkeypatch.setattr(bulk_check, "FORK_MIN_NOTES", 0)
    root = tmp_path / "v"
    settings, _ = build_settings(root)
    result = check_files(root, settings)
    assert result.workers == bulk_check.fork_workers(None, 10_000)  # 2 on 2 cores; 0 on one
    assert [(p.range.start.line, p.range.start.character, p.code, int(p.severity)) for p in result.problems] == (
        in_process
    )
    assert in_process == [(0, 1, "undefined-footnote", 2), (3, 0, "unused-footnote", 4)]
