"""The heading outline, folding ranges and workspace symbol search."""

from __future__ import annotations

import time
from pathlib import Path

from tests.unit.hostile import within
from vaultls.vault.index import Vault
from vaultls.vault.parse import parse
from vaultls.vault.symbols import SymbolIndex, folding_ranges, outline
from vaultls.vault.text import split_lines

NOTE = """---
tags: [a]
---
# Title

intro

## One

text

### One point one

## Two
> [!note] Callout
> body

```python
code
```
"""


def test_outline_nests_headings_by_level():
    tree = outline(parse(NOTE))
    assert [s.heading.text for s in tree] == ["Title"]
    assert [s.heading.text for s in tree[0].children] == ["One", "Two"]
    assert [s.heading.text for s in tree[0].children[0].children] == ["One point one"]


def test_outline_sections_end_before_the_next_heading_of_same_or_higher_level():
    tree = outline(parse(NOTE))
    one, two = tree[0].children
    assert (one.heading.line, one.end_line) == (7, 12)
    assert two.end_line == len(split_lines(NOTE)) - 1
    assert tree[0].end_line == len(split_lines(NOTE)) - 1


def test_outline_of_a_note_starting_at_level_two():
    tree = outline(parse("## A\n### B\n## C\n"))
    assert [s.heading.text for s in tree] == ["A", "C"]
    assert [c.heading.text for c in tree[0].children] == ["B"]


def test_folding_covers_frontmatter_sections_callouts_and_code():
    folds = {(f.start, f.end, f.kind) for f in folding_ranges(parse(NOTE), split_lines(NOTE))}
    assert (0, 2, "frontmatter") in folds
    assert (3, 19, "region") in folds  # the title's section, to the last non-blank line
    assert (7, 11, "region") in folds  # "One", without its trailing blank line
    assert (14, 15, "region") in folds  # the callout
    assert (17, 19, "region") in folds  # the code fence


def test_folding_leaves_out_one_line_sections():
    text = "# A\n# B\n"
    assert folding_ranges(parse(text), split_lines(text)) == []


def build(files: dict[str, str]) -> Vault:
    vault = Vault(Path("/vault"))
    for path, text in files.items():
        vault.upsert(path, parse(text))
    return vault


FILES = {
    "People/Kropotkin.md": "---\naliases: [Peter]\ntags: [anarchist]\n---\n# Kropotkin\n## Mutual Aid\n",
    "Concepts/Anarchism.md": "# Anarchism\n## History of anarchism\n#politics/left\n",
    "Übersicht.md": "# Übersicht\n",
}


def test_workspace_symbols_cover_notes_headings_aliases_and_tags():
    index = SymbolIndex()
    vault = build(FILES)
    kinds = {(s.kind, s.name) for s in index.search(vault, "", limit=100)}
    assert {("note", "Kropotkin"), ("heading", "Mutual Aid"), ("alias", "Peter"), ("tag", "#politics/left")} <= kinds


def test_workspace_symbols_match_fuzzily_best_first():
    index = SymbolIndex()
    found = index.search(build(FILES), "anar")
    assert [(s.kind, s.name) for s in found[:2]] == [("note", "Anarchism"), ("heading", "Anarchism")]
    assert ("tag", "#anarchist") in [(s.kind, s.name) for s in found]
    assert [s.name for s in index.search(build(FILES), "mtla")] == ["Mutual Aid"]


def test_workspace_symbols_ignore_accents_and_case():
    assert {s.name for s in SymbolIndex().search(build(FILES), "UBERS")} == {"Übersicht"}


def test_workspace_symbols_query_with_hash_finds_tags_only():
    assert [s.name for s in SymbolIndex().search(build(FILES), "#pol")] == ["#politics/left"]


def test_workspace_symbols_are_capped():
    files = {f"n{i}.md": f"# note {i}\n" for i in range(50)}
    assert len(SymbolIndex().search(build(files), "note", limit=10)) == 10


def test_workspace_symbols_follow_changes_to_a_note():
    index = SymbolIndex()
    vault = build(FILES)
    assert index.search(vault, "Mutual")
    vault.upsert("People/Kropotkin.md", parse("# Kropotkin\n## Fields, Factories\n"))
    assert not index.search(vault, "Mutual")
    assert [s.name for s in index.search(vault, "factories")] == ["Fields, Factories"]


def test_workspace_symbol_search_is_fast_on_ten_thousand_notes():
    vault = Vault(Path("/vault"))
    for i in range(10_000):
        vault.upsert(f"f{i % 50}/note {i}.md", parse(f"# Note {i}\n## Section {i}\n## Other {i}\ntext #tag{i % 300}\n"))
    index = SymbolIndex()
    index.search(vault, "warm")  # the first query fills the cache
    start = time.perf_counter()
    for query in ("sect 99", "note 5", "#tag1", "zzz"):
        assert len(index.search(vault, query, limit=100)) <= 100
    per_query = (time.perf_counter() - start) / 4
    assert per_query < 0.25, f"{per_query:.3f} s per query"


def test_a_query_that_would_backtrack_answers_at_once():
    index = SymbolIndex()
    vault = build({"a" * 40 + ".md": "# " + "a" * 40 + "\n"})
    assert within(5, index.search, vault, "a" * 9 + "b") == []
