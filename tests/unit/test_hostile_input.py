"""Hostile input to the model: bad YAML, bad bytes, huge notes, odd file systems. Nothing may
raise, hang or read outside the vault; every problem becomes a clear `Problem`."""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pytest

from tests.conftest import write_vault
from tests.unit.hostile import PATHOLOGICAL_LINES, billion_laughs, within
from tests.unit.vaults import vault_of
from vaultls.vault.check import check_note, check_vault
from vaultls.vault.parse import parse
from vaultls.vault.path_filter import PathFilter
from vaultls.vault.settings import Settings
from vaultls.vault.store import read
from vaultls.vault.store.loader import load_vault
from vaultls.vault.store.read import read_note
from vaultls.vault.store.walk import walk


def codes(vault, path: str) -> list[str]:
    return sorted(p.code for p in check_note(vault, path))


# ---------------------------------------------------------------- YAML


def test_invalid_yaml_is_one_error_on_its_line():
    vault = vault_of({"a.md": "---\ntitle: ok\nbad: [unclosed\n---\n[[a]]\n"})
    (problem,) = check_note(vault, "a.md")
    assert problem.code == "frontmatter-yaml" and problem.range.start.line in (2, 3)
    assert vault.notes["a.md"].parsed.links  # the body is still parsed


@pytest.mark.parametrize("yaml_text", ["- a\n- b", "just a sentence", "42", "'quoted'"])
def test_frontmatter_that_is_not_a_mapping_is_reported(yaml_text):
    parsed = parse(f"---\n{yaml_text}\n---\n# Body\n")
    assert parsed.frontmatter.data == {} and "mapping" in parsed.frontmatter.error
    assert [h.text for h in parsed.headings] == ["Body"]


def test_duplicate_keys_keep_the_last_value_and_are_reported_once():
    vault = vault_of({"a.md": "---\ntitle: one\ntitle: two\n---\n"})
    assert vault.notes["a.md"].parsed.frontmatter.data == {"title": "two"}
    (problem,) = check_note(vault, "a.md")
    assert problem.code == "frontmatter-yaml" and problem.range.start.line == 2 and "title" in problem.message


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!!python/object:subprocess.Popen {{args: ['touch', '{marker}']}}",
    ],
)
def test_python_tags_are_never_executed(tmp_path, value):
    marker = tmp_path / "pwned"
    parsed = parse("---\nx: " + value.format(marker=marker) + "\n---\n")
    assert not marker.exists()
    assert parsed.frontmatter.data == {} and "invalid YAML" in parsed.frontmatter.error


def test_anchors_and_aliases_are_plain_values():
    parsed = parse("---\nbase: &b [one, two]\naliases: *b\ntags: *b\n---\n")
    assert parsed.aliases == ["one", "two"] and sorted(t.name for t in parsed.tags) == ["one", "two"]


def test_a_merge_key_is_not_a_duplicate_property():
    parsed = parse("---\nbase: &b {x: 1}\n<<: *b\nx: 2\n---\n")
    assert parsed.frontmatter.data["x"] == 2 and parsed.frontmatter.duplicate_keys == []


def test_billion_laughs_is_refused_quickly_in_little_memory():
    vault = vault_of({})
    tracemalloc.start()
    try:
        parsed = within(10, parse, billion_laughs())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20
    fm = parsed.frontmatter
    assert fm.data == {} and "aliases expand" in fm.error
    assert parsed.aliases == [] and parsed.tags == []
    vault.upsert("bomb.md", parsed)
    assert within(10, codes, vault, "bomb.md") == ["frontmatter-yaml"]


def test_a_small_alias_tree_is_still_fine():
    parsed = parse(billion_laughs(levels=3, width=3))
    assert parsed.frontmatter.error is None and len(parsed.frontmatter.data["title"]) == 3


def test_an_alias_containing_itself_is_refused():
    parsed = parse("---\nloop: &a [x, *a]\n---\n")
    assert parsed.frontmatter.data == {} and "contains it" in parsed.frontmatter.error


def test_deeply_nested_yaml_is_an_error_not_a_crash():
    parsed = within(10, parse, "---\na: " + "[" * 100_000 + "\n---\n")
    assert "invalid YAML" in parsed.frontmatter.error


def test_quoted_frontmatter_line_full_of_escapes_is_fast():
    parsed = within(10, parse, '---\na: "' + '\\"[[' * 200_000 + "\n---\n")
    assert parsed.links == []


# ---------------------------------------------------------------- bytes and line endings


def test_non_utf8_note_is_decoded_with_replacement_and_reported_once(make_vault):
    root = make_vault({"latin.md": "caf\xe9 [[b]] na\xefve".encode("latin-1"), "b.md": ""})
    vault, skipped = load_vault(root, Settings())
    assert skipped == []
    note = vault.notes["latin.md"]
    assert note.valid_utf8 is False and [link.target for link in note.parsed.links] == ["b"]
    assert codes(vault, "latin.md") == ["encoding"]
    assert read_note(root / "latin.md")[0] == "caf\ufffd [[b]] na\ufffdve"


def test_bom_is_dropped_and_frontmatter_still_found(make_vault):
    root = make_vault({"bom.md": "\ufeff---\ntags: [x]\n---\n[[bom]]\n".encode("utf-8")})
    vault, _ = load_vault(root, Settings())
    parsed = vault.notes["bom.md"].parsed
    assert parsed.frontmatter is not None and [t.name for t in parsed.tags] == ["x"]
    assert codes(vault, "bom.md") == []


def test_a_bom_left_in_a_buffer_does_not_move_columns():
    parsed = parse("\ufeff# Title [[x]]")
    assert parsed.links[0].range.start.character == 9


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_endings_give_the_same_lines(newline):
    text = newline.join(["---", "a: 1", "---", "# H", "", "[[x]] ^id", "[y](z.md)"])
    parsed = parse(text)
    assert [(link.target, link.range.start.line) for link in parsed.links] == [("x", 5), ("z.md", 6)]
    assert [(b.id, b.line) for b in parsed.blocks] == [("id", 5)]
    assert parsed.frontmatter.data == {"a": 1} and parsed.line_count == 7


def test_other_unicode_line_separators_do_not_split_lines():
    parsed = parse("a\u2028b\x0cc\x85 [[x]]\nline two [[y]]")
    assert [link.range.start.line for link in parsed.links] == [0, 1]


def test_nul_bytes_become_replacement_characters(make_vault):
    root = make_vault({"nul.md": b"a\0b [[c]]\0\n"})
    text, valid = read_note(root / "nul.md")
    assert text == "a\ufffdb [[c]]\ufffd\n" and valid
    assert [link.target for link in parse(text).links] == ["c"]


def test_binary_file_named_md_is_indexed_harmlessly(make_vault):
    noise = bytes(range(256)) * 64 + b"\x89PNG\r\n\x1a\n" + os.urandom(4096)
    root = make_vault({"image.md": noise, "ok.md": "[[image]]"})
    vault, skipped = within(10, load_vault, root, Settings())
    assert skipped == [] and "image.md" in vault.notes
    assert "encoding" in codes(vault, "image.md")
    assert codes(vault, "ok.md") == []


def test_surrogates_and_odd_code_points_do_not_break_anything():
    text = "# \ud800 head\n[[\udfff]] [[x\U0010ffff]] #t\ud83d\n"
    parsed = parse(text)
    vault = vault_of({})
    vault.upsert("s.md", parsed)
    check_note(vault, "s.md")


# ---------------------------------------------------------------- size


def test_a_20_mb_note_is_indexed(make_vault):
    paragraph = "Some words, a [[Link]], a #tag and `code` with [md](Other.md).\n" + "plain text " * 90 + "\n\n"
    body = paragraph * (20 * 2**20 // len(paragraph))
    root = make_vault({"big.md": "---\ntitle: big\n---\n# Big\n" + body, "Link.md": ""})
    vault, _ = within(120, load_vault, root, Settings())
    note = vault.notes["big.md"]
    assert note.parsed.line_count > 50_000 and len(note.parsed.links) > 35_000
    problems = within(120, check_note, vault, "big.md")
    assert {p.code for p in problems} == {"dangling-link"}  # Other.md is missing


def test_larger_than_the_cap_only_indexes_the_beginning(make_vault, monkeypatch):
    monkeypatch.setattr(read, "MAX_NOTE_BYTES", 1000)
    root = make_vault({"big.md": "[[first]]\n" + "x" * 5000 + "\n[[last]]\n"})
    text, _ = read_note(root / "big.md")
    assert len(text) == 1000 and [link.target for link in parse(text).links] == ["first"]


def test_a_note_of_one_1_mb_line():
    line = "word [[Target]] " * (2**20 // 16)
    parsed = within(30, parse, line)
    assert len(parsed.links) == 2**20 // 16


def test_10000_links_on_one_line():
    line = " ".join(f"[[Note {i}#Heading|shown]] [m](n{i}.md)" for i in range(10_000))
    vault = vault_of({"a.md": line, "Note 1.md": "# Heading"})
    parsed = vault.notes["a.md"].parsed
    assert len(parsed.links) == 20_000
    problems = within(30, check_note, vault, "a.md")
    assert len(problems) == 19_999


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL_LINES))
def test_pathological_lines_parse_in_linear_time(name):
    text = PATHOLOGICAL_LINES[name]
    parsed = within(20, parse, text + "\n" + text)
    assert parsed.line_count == 2


def test_deeply_nested_folders(tmp_path):
    root = tmp_path / "vault"
    deep = root.joinpath(*["d"] * 300)
    deep.mkdir(parents=True)
    (deep / "Bottom.md").write_text("[[Top]]")
    (root / "Top.md").write_text("[[Bottom]]")
    vault, skipped = within(30, load_vault, root, Settings())
    assert skipped == [] and len(vault.notes) == 2
    assert check_vault(vault) == []


def _many_notes(root: Path, count: int) -> None:
    root.mkdir()
    for i in range(count):
        folder = root / f"f{i % 100}"
        if i < 100:
            folder.mkdir()
        (folder / f"n{i}.md").write_text(f"[[n{(i + 1) % count}]] #t{i % 7}\n")


def test_20000_tiny_notes(tmp_path):
    root = tmp_path / "vault"
    _many_notes(root, 20_000)
    start = time.monotonic()
    vault, skipped = within(60, load_vault, root, Settings())
    assert skipped == [] and len(vault.notes) == 20_000
    assert within(60, check_vault, vault) == []
    assert time.monotonic() - start < 60


@pytest.mark.slow
def test_100000_tiny_notes(tmp_path):
    root = tmp_path / "vault"
    _many_notes(root, 100_000)
    vault, skipped = within(300, load_vault, root, Settings())
    assert skipped == [] and len(vault.notes) == 100_000
    assert within(300, check_vault, vault) == []


# ---------------------------------------------------------------- file systems


def test_symlink_loops_do_not_hang(tmp_path):
    root = write_vault(tmp_path / "vault", {"a.md": "[[b]]", "sub/b.md": ""})
    (root / "sub" / "loop").symlink_to(root)
    (root / "sub" / "self").symlink_to(root / "sub")
    (root / "x.md").symlink_to(root / "y.md")
    (root / "y.md").symlink_to(root / "x.md")
    (root / "dangling.md").symlink_to(root / "nowhere.md")
    found = within(10, walk, root, PathFilter(root, Settings()))
    assert found.notes == ["a.md", "sub/b.md"]
    vault, _ = load_vault(root, Settings())
    assert check_vault(vault) == []


def test_symlinks_to_outside_are_not_followed(tmp_path):
    outside = write_vault(tmp_path / "outside", {"secret.md": "SECRET [[a]]", "dir/inner.md": "SECRET"})
    root = write_vault(tmp_path / "vault", {"a.md": "[[secret]] [[inner]] [[inside]]", "real.md": ""})
    (root / "secret.md").symlink_to(outside / "secret.md")
    (root / "linked").symlink_to(outside / "dir")
    (root / "inside.md").symlink_to(root / "real.md")  # inside the vault: fine
    found = walk(root, PathFilter(root, Settings()))
    assert found.notes == ["a.md", "inside.md", "real.md"]
    assert {rel for rel, _ in found.skipped} == {"secret.md", "linked"}
    vault, _ = load_vault(root, Settings())
    assert all("SECRET" not in str(note.parsed) for note in vault.notes.values())
    assert sorted(p.message for p in check_vault(vault)) == [
        'no note named "inner" in the vault',
        'no note named "secret" in the vault',
    ]


def test_links_climbing_out_of_the_vault_resolve_to_nothing():
    vault = vault_of({"a/b.md": "[[../../etc/passwd]] [x](../../../etc/passwd) [y](/etc/passwd) [[/etc/passwd]]"})
    links = sorted(vault.notes["a/b.md"].parsed.links, key=lambda link: link.range.start)
    resolutions = [vault.resolve("a/b.md", link) for link in links]
    assert all(r.dangling for r in resolutions)
    assert [r.outside for r in resolutions] == [True, True, False, False]


def _deny(paths: set[str]):
    """Stand-ins for the scan's file opening (`open_regular`) and `os.scandir` that refuse
    `paths` as chmod 000 would (the suite also runs as root, where chmod does not stop reads, so
    permission errors are injected)."""
    real_open, real_scandir = read.open_regular, os.scandir

    def fake_open(file, *args, **kwargs):
        if os.path.basename(str(file)) in paths:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    def fake_scandir(path="."):
        if os.path.basename(str(path)) in paths:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    return fake_open, fake_scandir


def test_unreadable_files_and_folders_are_skipped(make_vault, monkeypatch):
    root = make_vault({"ok.md": "[[locked]] [[hidden]]", "locked.md": "x", "closed/hidden.md": "x"})
    fake_open, fake_scandir = _deny({"locked.md", "closed"})
    monkeypatch.setattr(read, "open_regular", fake_open)
    monkeypatch.setattr(os, "scandir", fake_scandir)
    vault, skipped = load_vault(root, Settings())
    assert sorted(skipped) == [("closed", "Permission denied"), ("locked.md", "unreadable")]
    assert sorted(vault.notes) == ["ok.md"]
    assert [p.code for p in check_vault(vault)] == ["dangling-link", "dangling-link"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode; see the injected test above")
def test_chmod_000_files_and_folders_are_skipped(make_vault):
    root = make_vault({"ok.md": "", "locked.md": "x", "closed/hidden.md": "x"})
    (root / "locked.md").chmod(0)
    (root / "closed").chmod(0)
    try:
        vault, skipped = load_vault(root, Settings())
    finally:
        (root / "closed").chmod(0o755)
        (root / "locked.md").chmod(0o644)
    assert sorted(vault.notes) == ["ok.md"] and len(skipped) == 2


def test_files_deleted_or_replaced_while_scanning(make_vault, monkeypatch):
    root = make_vault({f"n{i}.md": f"[[n{i + 1}]]" for i in range(20)} | {"dir/x.md": ""})
    real_walk = walk

    def walk_then_change(*args, **kwargs):
        found = real_walk(*args, **kwargs)
        for i in range(0, 20, 2):  # gone between the listing and the reading
            (root / f"n{i}.md").unlink()
        (root / "n1.md").unlink()
        (root / "n1.md").mkdir()  # replaced by a folder
        (root / "n3.md").write_bytes(b"\xff\xfe new")  # replaced by other bytes
        return found

    monkeypatch.setattr("vaultls.vault.store.loader.walk", walk_then_change)
    vault, skipped = load_vault(root, Settings())
    assert len(skipped) == 11 and sorted(vault.notes)[:3] == ["dir/x.md", "n11.md", "n13.md"]
    assert vault.notes["n3.md"].valid_utf8 is False
    check_vault(vault)


def test_folder_vanishing_during_the_walk(make_vault, monkeypatch):
    root = make_vault({"a.md": "", "gone/b.md": ""})
    real_scandir = os.scandir

    def scandir(path="."):
        if os.path.basename(str(path)) == "gone":
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = walk(root, PathFilter(root, Settings()))
    assert found.notes == ["a.md"] and found.skipped == [("gone", "No such file or directory")]
