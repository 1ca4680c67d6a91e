"""The server reads no file that a hostile URI names: outside the vault, through `..`, on
another host, or as a device. (The conversions themselves: test_uris.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultls.lsp.app import create_server
from vaultls.lsp.server import VaultLanguageServer


@pytest.fixture
def server(tmp_path: Path):
    root = write_vault(tmp_path / "vault", {"Note.md": "# Note\n"})
    write_vault(tmp_path / "outside", {"secret.md": "# Secret\n"})
    ls = create_server()
    ls.add_root(root)
    yield ls
    ls.cancel_tasks()


def _root(ls: VaultLanguageServer) -> Path:
    return next(iter(ls.vaults))


@pytest.mark.parametrize(
    "spelled",
    [
        "{root}/../outside/secret.md",
        "{root}/%2E%2E/outside/secret.md",
        "{root}/sub%2F..%2F..%2Foutside/secret.md",
    ],
)
def test_a_uri_that_climbs_out_of_the_vault_names_no_note(server: VaultLanguageServer, spelled: str):
    uri = spelled.format(root=_root(server).as_uri())
    assert server.locate(uri) is None


def test_a_uri_on_another_host_names_no_note(server: VaultLanguageServer):
    root = _root(server)
    assert server.locate(f"file://evil{root.as_posix()}/Note.md") is None


async def test_opening_a_hostile_uri_reads_nothing_and_adopts_no_vault(tmp_path: Path):
    secret = write_vault(tmp_path / "outside", {"secret.md": "# Secret\n"})
    ls = create_server()
    for uri in (f"file://evil{secret.as_posix()}/secret.md", f"{tmp_path.as_uri()}/x/../outside/secret.md"):
        assert ls.open_document(uri, "# Secret\n", 1) is None
    assert ls.vaults == {}
    ls.cancel_tasks()


def test_a_uri_of_the_vault_itself_is_no_note(server: VaultLanguageServer):
    assert server.locate(_root(server).as_uri()) is None
    assert server.locate(_root(server).as_uri() + "/") is None
