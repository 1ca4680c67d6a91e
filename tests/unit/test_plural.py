"""Counts in messages agree with their number (vault/plural.py)."""

from __future__ import annotations

from vaultls.vault.plural import counted, plural


def test_one_takes_the_singular():
    assert counted(1, "link") == "1 link"


def test_other_counts_take_the_plural():
    assert [counted(n, "note") for n in (0, 2, 10)] == ["0 notes", "2 notes", "10 notes"]


def test_an_irregular_plural_is_given():
    assert counted(2, "property", "properties") == "2 properties"


def test_a_verb_agrees_with_its_subject():
    assert f"{counted(1, 'note')} {plural(1, 'links', 'link')}" == "1 note links"
    assert f"{counted(2, 'note')} {plural(2, 'links', 'link')}" == "2 notes link"
