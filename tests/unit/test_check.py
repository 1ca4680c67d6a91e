"""Problems: codes, severities, ranges and messages."""

from __future__ import annotations

from tests.unit.vaults import vault_of
from vaultls.vault.check import Severity, check_note
from vaultls.vault.model import Range
from vaultls.vault.settings import Settings


def problems(files: dict[str, str], path: str = "a.md", settings: Settings | None = None):
    return check_note(vault_of(files, settings), path)


def test_dangling_link_is_a_warning_at_the_target():
    [p] = problems({"a.md": "x [[Kuomintang]]"})
    assert (p.code, p.severity, p.range) == ("dangling-link", Severity.WARNING, Range.on_line(0, 4, 14))
    assert "Kuomintang" in p.message


def test_dangling_link_severity_is_configurable():
    [p] = problems({"a.md": "[[Nope]]"}, settings=Settings(dangling_links="error"))
    assert p.severity == Severity.ERROR


def test_dangling_links_can_be_turned_off():
    assert problems({"a.md": "[[Nope]]"}, settings=Settings(dangling_links="off")) == []


def test_dangling_alias_says_whose_alias_it_is():
    [p] = problems({"Bonapartism.md": "---\naliases: [Bonapartist]\n---\n", "a.md": "[[Bonapartist]]"})
    assert 'alias of "Bonapartism"' in p.message and p.data["alias_of"] == "Bonapartism"


def test_missing_heading():
    [p] = problems({"N.md": "# A", "a.md": "[[N#B]]"})
    assert p.code == "missing-heading" and p.severity == Severity.WARNING


def test_missing_block():
    [p] = problems({"N.md": "x ^a", "a.md": "[[N#^b]]"})
    assert p.code == "missing-block"


def test_ambiguous_link_is_a_hint_listing_candidates():
    [p] = problems({"x/N.md": "", "y/N.md": "", "a.md": "[[N]]"})
    assert p.code == "ambiguous-link" and p.severity == Severity.HINT
    assert "x/N.md" in p.message and "y/N.md" in p.message


def test_invalid_yaml_is_an_error_at_its_line():
    [p] = problems({"a.md": "---\nok: 1\nbad: [\n---\n"})
    assert (p.code, p.severity, p.range.start.line) == ("frontmatter-yaml", Severity.ERROR, 2)


def test_duplicate_frontmatter_key_is_a_warning():
    [p] = problems({"a.md": "---\na: 1\na: 2\n---\n"})
    assert p.code == "frontmatter-yaml" and p.severity == Severity.WARNING and p.range.start.line == 2


def test_links_in_code_are_not_checked():
    assert problems({"a.md": "```\n[[Nope]]\n```\n`[[Nope]]`"}) == []


def test_resolving_links_have_no_problems():
    assert problems({"N.md": "# H\ntext ^b", "a.md": "[[N]] [[N#H]] [[N#^b]] [x](N.md#h)"}) == []
