"""Property documentation (hover and completion in frontmatter) comes from the vault's schemas,
which a stranger may have written: it fetches nothing and runs nothing when shown."""

from __future__ import annotations

import pytest

from vaultls.lsp.features.frontmatter import describe
from vaultls.vault.schema import PropertyInfo

pytestmark = pytest.mark.unit


def test_a_remote_image_in_a_schema_description_is_shown_as_its_alt_text() -> None:
    info = PropertyInfo("status", description="Pick one ![pixel](https://tracker.example/p.gif)")
    shown = describe(info)
    assert "https://tracker.example" not in shown and "pixel" in shown


def test_a_title_cannot_smuggle_an_image_or_a_command_link() -> None:
    info = PropertyInfo("status", title="![x](https://t.example/a.png) [run](command:workbench.action.terminal.new)")
    shown = describe(info)
    assert "\\!\\[x\\](https:" in shown and "\\[run\\](command:" in shown  # shown as text, not links


def test_allowed_values_and_sources_are_code_that_nothing_in_them_ends() -> None:
    info = PropertyInfo(
        "status", enum=["a`b ![i](https://t.example/x.png)"], sources=["s`![i](https://t.example/y)`.json"]
    )
    shown = describe(info)
    assert "``" in shown  # the values' own backticks cannot close their code spans


def test_a_plain_property_reads_as_before() -> None:
    info = PropertyInfo("status", title="Status", description="Where the note stands.", enum=["draft", "done"])
    assert describe(info) == '**Status** (`status`)\n\nWhere the note stands.\n\nValues: `"draft"`, `"done"`'
