"""What a vault leaves out of its folder (vault/path_filter.py): .gitignore as git reads it,
tool folders, nested vaults, and the exclude globs with brace sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultls.vault.globs import GlobSet
from vaultls.vault.path_filter import PathFilter, gitignore_rules
from vaultls.vault.settings import Settings
from vaultls.vault.store.walk import walk


def _indexed(root: Path, settings: Settings | None = None) -> list[str]:
    found = walk(root, PathFilter(root, settings or Settings()))
    return sorted(found.notes + found.attachments)


def test_gitignore_at_the_root_is_honoured(tmp_path):
    root = write_vault(tmp_path / "v", {".gitignore": "drafts/\n*.log\n", "a.md": "", "drafts/b.md": "", "x.log": ""})
    assert _indexed(root) == ["a.md"]


def test_gitignore_negation_reincludes(tmp_path):
    root = write_vault(tmp_path / "v", {".gitignore": "*.md\n!keep.md\n", "a.md": "", "keep.md": ""})
    assert _indexed(root) == ["keep.md"]


def test_gitignore_trailing_slash_matches_folders_only(tmp_path):
    root = write_vault(tmp_path / "v", {".gitignore": "out/\n", "out": "a file called out", "x/out/a.md": ""})
    assert _indexed(root) == ["out"]


def test_gitignore_pattern_with_a_slash_is_anchored_to_its_folder(tmp_path):
    root = write_vault(tmp_path / "v", {".gitignore": "/gen/*.md\n", "gen/a.md": "", "sub/gen/b.md": ""})
    assert _indexed(root) == ["sub/gen/b.md"]


def test_nested_gitignore_applies_inside_its_folder_only(tmp_path):
    files = {"sub/.gitignore": "*.tmp.md\n", "sub/a.tmp.md": "", "b.tmp.md": "", "sub/c.md": ""}
    assert _indexed(write_vault(tmp_path / "v", files)) == ["b.tmp.md", "sub/c.md"]


def test_gitignore_comments_blank_lines_and_escapes(tmp_path):
    text = "# a comment\n\n\\#hash.md\n\\!bang.md\n"
    files = {".gitignore": text, "#hash.md": "", "!bang.md": "", "a comment": ""}
    assert _indexed(write_vault(tmp_path / "v", files)) == ["a comment"]


def test_gitignore_matches_without_regard_to_case(tmp_path):
    root = write_vault(tmp_path / "v", {".gitignore": "Build/\n", "build/a.md": "", "b.md": ""})
    assert _indexed(root) == ["b.md"]


def test_gitignore_setting_off_indexes_ignored_files(tmp_path):
    root = write_vault(tmp_path / "v", {".gitignore": "drafts/\n", "drafts/b.md": ""})
    assert _indexed(root, Settings(gitignore=False)) == ["drafts/b.md"]


def test_tool_folders_are_never_notes(tmp_path):
    files = {"node_modules/pkg/README.md": "", "env/pyvenv.cfg": "", "env/lib/x.md": "", "a.md": ""}
    assert _indexed(write_vault(tmp_path / "v", files)) == ["a.md"]


def test_a_folder_with_its_own_obsidian_folder_is_a_vault_of_its_own(tmp_path):
    files = {"inner/.obsidian/app.json": "{}", "inner/n.md": "", "a.md": ""}
    root = write_vault(tmp_path / "v", files)
    assert _indexed(root) == ["a.md"]
    assert PathFilter(root, Settings()).own_vault("inner/n.md") == "inner"


def test_skips_answers_for_a_file_by_its_folders_too(tmp_path):
    root = write_vault(tmp_path / "v", {".gitignore": "drafts/\n", "drafts/deep/b.md": ""})
    files = PathFilter(root, Settings())
    assert files.skips("drafts/deep/b.md") and not files.skips("notes/b.md")


def test_a_crafted_gitignore_pattern_is_matched_without_backtracking(tmp_path):
    # A regex translation backtracks through every way to place the stars on a long name.
    rules = gitignore_rules("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n", "")
    assert not rules[0].glob.matches("a" * 200)


def test_brace_sets_in_exclude_globs():
    globs = GlobSet(("*.{png,jpg}", "{Templates,Archive}/**"))
    assert globs.matches("pics/x.JPG") and globs.matches("Archive/old.md") and not globs.matches("Notes/a.md")


def test_brace_sets_that_multiply_too_far_are_refused():
    with pytest.raises(ValueError, match="more than"):
        GlobSet(("{a,b}" * 7,))
