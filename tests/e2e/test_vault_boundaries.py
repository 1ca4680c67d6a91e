"""What belongs to the vault in the editor: a folder with its own `.obsidian` is a vault of its
own, and what `.gitignore` ignores is not a note (a fresh server for each test)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_lsp import LanguageClient

from tests.conftest import write_vault
from tests.e2e.conftest import ONE_PROFILE, codes, diagnostics_for, open_note

pytestmark = ONE_PROFILE


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(
        tmp_path / "outer",
        {
            ".obsidian/app.json": "{}",
            ".gitignore": "build/\n",
            "Outer.md": "[[Only Inner]] [[Generated]] [[Readme]]\n",
            "build/Generated.md": "",
            "node_modules/pkg/Readme.md": "",
            "inner/.obsidian/app.json": "{}",
            "inner/Only Inner.md": "# Only Inner\n",
            "inner/Note.md": "[[Only Inner]] [[Outer]]\n",
        },
    )


async def test_notes_of_a_nested_vault_and_ignored_files_are_not_the_outer_vaults(client: LanguageClient):
    note = await open_note(client, "Outer.md")
    diags = await diagnostics_for(client, note, lambda d: len(d) == 3)
    assert codes(diags) == ["dangling-link"] * 3


async def test_a_note_of_a_nested_vault_resolves_in_that_vault(client: LanguageClient):
    note = await open_note(client, "inner/Note.md")
    diags = await diagnostics_for(client, note, lambda d: len(d) == 1)
    assert ["Outer" in d.message for d in diags] == [True]
