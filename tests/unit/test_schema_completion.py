"""Where the cursor is inside frontmatter (lsp/features/frontmatter.py), from raw lines: the
YAML is often invalid while the user types."""

from __future__ import annotations

from vaultls.lsp.features.frontmatter import ValueSpot, _key_at, _value_spot, _yaml_text, bounds


def spot(text: str, line: int, col: int):
    lines = text.split("\n")
    return _value_spot(lines, line, col, 0)


def test_bounds():
    assert bounds(["---", "a: 1", "---", "body"]) == (0, 2)
    assert bounds(["---", "a: 1", "..."]) == (0, 2)
    assert bounds(["---", "a: 1", "tags:", "  - x", ""]) == (0, 5)  # not closed yet, but YAML-like
    assert bounds(["---", "Some prose after a thematic break."]) is None
    assert bounds(["# Title", "---"]) is None


def test_key_at():
    assert _key_at("author: x") == ("author", 0, 6)
    assert _key_at('"my key": x') == ("my key", 0, 8)
    assert _key_at("catégorie:") == ("catégorie", 0, 9)
    assert _key_at("  nested: x") is None
    assert _key_at("- item") is None
    assert _key_at("http://x") is None


def test_a_property_name_being_typed():
    assert spot("---\nau\n---", 1, 2) == "au"
    assert spot("---\n\n---", 1, 0) == ""


def test_a_scalar_value():
    assert spot("---\nrating: 4\n---", 1, 9) == ValueSpot("rating", 8, 9, "4", False, False)
    assert spot("---\nrating:\n---", 1, 7) == ValueSpot("rating", 7, 7, "", False, True)
    assert spot("---\ngenre: science fic # shelf\n---", 1, 18) == ValueSpot("genre", 7, 18, "science fic", False, False)


def test_a_flow_list_item():
    assert spot("---\ntags: [book, hi]\n---", 1, 15) == ValueSpot("tags", 13, 15, "hi", True, False)
    assert spot("---\ntags: [book, hi, x]\n---", 1, 14) == ValueSpot("tags", 13, 15, "h", True, False)


def test_a_block_list_item():
    text = "---\ntags:\n  - book\n  - re\n---"
    assert spot(text, 3, 6) == ValueSpot("tags", 4, 6, "re", True, False)
    assert spot("---\ntags:\n  -\n---", 2, 3) == ValueSpot("tags", 3, 3, "", True, True)


def test_nested_mappings_get_nothing():
    assert spot("---\nseries:\n  name: x\n---", 2, 9) is None


def test_yaml_text_quotes_only_when_needed():
    assert _yaml_text("history", "") == "history"
    assert _yaml_text("📚 essai", "") == "📚 essai"
    assert _yaml_text("[[Trotsky]]", "") == '"[[Trotsky]]"'
    assert _yaml_text("yes", "") == '"yes"'  # plain `yes` would read as true in YAML 1.1
    assert _yaml_text("1e3", "") == '"1e3"'  # plain `1e3` is a number in YAML 1.2
    assert _yaml_text("0o755", "") == '"0o755"'
    assert _yaml_text("2024-01-15", "") == "2024-01-15"  # as Obsidian writes dates: a YAML date
    assert _yaml_text("2024-13-45", "") == '"2024-13-45"'
    assert _yaml_text("a: b", "") == '"a: b"'
    assert _yaml_text("12", "") == '"12"'
    assert _yaml_text(12, "") == "12" and _yaml_text(True, "") == "true"
    assert _yaml_text("it's", "'") == "'it''s'"
