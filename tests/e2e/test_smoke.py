from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import codes, diagnostics_for, open_note


async def test_open_note_gets_link_diagnostics(client: LanguageClient):
    note = await open_note(client, "Home.md")
    diags = await diagnostics_for(client, note, lambda d: "dangling-link" in codes(d))
    assert codes(diags) == ["ambiguous-link", "dangling-link", "dangling-link"]
