"""Extract-section and add-alias plans: the section moves to a new note with every link into it
following, and an alias goes into whatever form the `aliases` property has."""

from __future__ import annotations

import pytest

from tests.unit.plans import applied, build, lines_of
from vaultls.vault.parse import parse
from vaultls.vault.refactor import RenameError, add_alias, extract_section


def test_extract_section_moves_the_section_and_leaves_a_link():
    files = {
        "Notes/Big.md": (
            "# Big\nintro\n## Part One\nfirst ^b1\n### Sub\nsub text [[#Tail]] [[#Sub]]\n\n## Tail\nend [[#Part One]]\n"
        ),
        "Home.md": "[[Big#Part One]] [[Big#Sub|s]] [[Big#^b1]] [[Big#Tail]] [x](Notes/Big.md#part-one)\n",
    }
    vault = build(files)
    heading = vault.notes["Notes/Big.md"].parsed.headings[1]
    result = extract_section(vault, "Notes/Big.md", heading, lines_of(files))
    assert result.new_path == "Notes/Part One.md"
    assert result.new_text == "# Part One\nfirst ^b1\n### Sub\nsub text [[Big#Tail]] [[#Sub]]\n"
    new = applied(files, result.plan)
    assert new["Notes/Big.md"] == "# Big\nintro\n[[Part One]]\n\n## Tail\nend [[Part One#Part One]]\n"
    assert new["Home.md"] == (
        "[[Part One#Part One]] [[Part One#Sub|s]] [[Part One#^b1]] [[Big#Tail]] [x](Notes/Part%20One.md#part-one)\n"
    )


def test_extract_section_picks_a_free_name():
    files = {"Big.md": "# Big\n## Big\ntext\n", "Other.md": ""}
    vault = build(files)
    result = extract_section(vault, "Big.md", vault.notes["Big.md"].parsed.headings[1], lines_of(files))
    assert result.new_path == "Big 2.md"


def test_add_alias_to_a_flow_list():
    files = {"A.md": "---\naliases: [One]\n---\n"}
    plan = add_alias(build(files), "A.md", "Two: more", lines_of(files))
    assert applied(files, plan)["A.md"] == '---\naliases: [One, "Two: more"]\n---\n'


def test_add_alias_to_a_block_list():
    files = {"A.md": "---\naliases:\n  - One\ntags: [x]\n---\n"}
    plan = add_alias(build(files), "A.md", "Two", lines_of(files))
    assert applied(files, plan)["A.md"] == "---\naliases:\n  - One\n  - Two\ntags: [x]\n---\n"


def test_add_alias_without_frontmatter_or_property():
    files = {
        "A.md": "# A\n",
        "B.md": "---\ntags: [x]\n---\n",
        "C.md": "---\naliases:\n---\n",
        "D.md": "---\nalias: Old\n---\n",
    }
    vault = build(files)
    new = {p: applied(files, add_alias(vault, p, "Nick", lines_of(files)))[p] for p in files}
    assert new["A.md"] == "---\naliases: [Nick]\n---\n# A\n"
    assert new["B.md"] == "---\ntags: [x]\naliases: [Nick]\n---\n"
    assert new["C.md"] == "---\naliases: [Nick]\n---\n"
    assert new["D.md"] == "---\nalias: [Old, Nick]\n---\n"
    for text in new.values():
        assert "Nick" in parse(text).aliases


def test_add_alias_refuses_an_existing_alias():
    files = {"A.md": "---\naliases: [One]\n---\n"}
    with pytest.raises(RenameError):
        add_alias(build(files), "A.md", "one", lines_of(files))
