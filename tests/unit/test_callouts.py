"""Obsidian's callout types and their aliases (help: "Callouts"), what is being typed after
`> [!`, and what a callout's type is (vault/callouts.py)."""

from __future__ import annotations

from vaultls.vault.callouts import TYPES, all_names, callout_at, callout_type, describe, typed_callout


def test_the_types_and_aliases_are_obsidians():
    assert {t.name: t.aliases for t in TYPES} == {
        "note": (),
        "abstract": ("summary", "tldr"),
        "info": (),
        "todo": (),
        "tip": ("hint", "important"),
        "success": ("check", "done"),
        "question": ("help", "faq"),
        "warning": ("caution", "attention"),
        "failure": ("fail", "missing"),
        "danger": ("error",),
        "bug": (),
        "example": (),
        "quote": ("cite",),
    }


def test_an_alias_names_its_type_in_any_case():
    found = callout_type("FAQ")
    assert found is not None and found.name == "question"
    assert callout_type("custom-thing") is None


def test_every_name_is_offered_once():
    names = [name for name, _ in all_names()]
    assert len(names) == len(set(names)) == 13 + 14


def test_the_type_being_typed_follows_quote_markers_and_an_opening():
    assert typed_callout("> [!ti", 6) is not None and typed_callout("> [!ti", 6).typed == "ti"
    nested = typed_callout("> > [!", 6)
    assert nested is not None and (nested.typed, nested.start, nested.end) == ("", 6, 6)
    assert typed_callout("[!ti", 4) is None  # not in a block quote


def test_the_edit_runs_past_a_closing_bracket_and_fold_marker_already_written():
    found = typed_callout("> [!ti]- Title", 6)
    assert found is not None and (found.start, found.end) == (4, 8)


def test_a_hover_names_the_canonical_type_its_aliases_and_how_it_folds():
    found = callout_at("> [!FAQ]- Are callouts foldable?", 5)
    assert found is not None and found.fold == "-"
    text = describe(found)
    assert "`question`" in text and "`help`, `faq`" in text and "folded" in text


def test_a_hover_on_an_unknown_type_says_it_shows_as_a_note():
    found = callout_at("> [!custom] x", 5)
    assert found is not None and "shows as a `note` callout" in describe(found)


def test_no_callout_outside_its_opening():
    assert callout_at("> [!tip] Title", 12) is None
    assert callout_at("[!tip] Title", 2) is None
