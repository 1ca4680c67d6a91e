"""Patterns built from text a stranger wrote (globs in a vault's `.vaultls.toml`) or a client
sent (a workspace-symbol query) match in linear time: none can hold the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.hostile import within
from vaultls.vault.globs import GlobSet
from vaultls.vault.path_filter import PathFilter
from vaultls.vault.settings import Settings, build_settings
from vaultls.vault.store.walk import walk
from vaultls.vault.symbols import in_order

pytestmark = pytest.mark.unit

BACKTRACKING_GLOB = "*a*a*a*a*a*a*a*a*a*a*a*a*b"


def test_a_backtracking_glob_against_a_long_name_answers_at_once() -> None:
    globs = GlobSet((BACKTRACKING_GLOB,))
    assert within(5, globs.matches, "a" * 200 + ".md") is False
    assert within(5, globs.matches, "a" * 30 + "b") is True


def test_a_backtracking_exclude_does_not_hang_the_walk(tmp_path: Path) -> None:
    (tmp_path / ("a" * 200 + ".md")).write_text("# x\n", encoding="utf-8")
    (tmp_path / "keep.md").write_text("# k\n", encoding="utf-8")
    settings = Settings(exclude=GlobSet((BACKTRACKING_GLOB, "**/" + BACKTRACKING_GLOB)))
    found = within(10, walk, tmp_path, PathFilter(tmp_path, settings))
    assert len(found.notes) == 2


def test_a_malformed_glob_in_the_config_does_not_stop_settings(tmp_path: Path) -> None:
    (tmp_path / ".vaultls.toml").write_text('exclude = ["[z-a]", "Drafts/**"]\n', encoding="utf-8")
    settings, errors = build_settings(tmp_path)
    assert errors == []
    assert settings.exclude.matches("Drafts/x.md") and not settings.exclude.matches("z.md")


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("Templates/**", "Templates/a.md", True),
        ("Templates/**", "Templates", False),
        ("Templates/*.md", "Templates/x/a.md", False),
        ("*.excalidraw.md", "deep/er/a.excalidraw.md", True),
        ("**/drafts/*", "x/drafts/a/b.md", True),
        ("docs/**/x.md", "docs/x.md", True),
        ("docs/**/x.md", "other/docs/x.md", False),
        ("drafts", "a/drafts/b.md", True),
        ("[!a]*", "b.md", True),
        ("**.md", "a/b.md", True),
        ("TEMPLATES/*", "templates/a.md", True),
    ],
)
def test_globs_keep_their_gitignore_like_meaning(pattern: str, path: str, expected: bool) -> None:
    assert GlobSet((pattern,)).matches(path) is expected


def test_a_backtracking_symbol_query_answers_at_once() -> None:
    assert within(5, in_order, "a" * 30 + "b", "a" * 10_000) is False
    assert in_order("mtg", "meeting") and not in_order("gtm", "meeting")
