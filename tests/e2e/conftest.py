"""End-to-end tests: the real server over stdio, driven by pytest-lsp with the capabilities of
VS Code and of Neovim (UTF-16 vs UTF-8 positions, progress, dynamic registration).

The `client` fixture is a server initialized on the module's `vault` under one client profile:

- a fresh server for each test, by default;
- one server per module and profile when the module sets `pytestmark = [*SHARED_SERVER, ...]`
  (and makes its `vault` fixture module-scoped). After each test its vault is put back as it
  was on disk, the documents it opened are closed and the diagnostics it got are forgotten, so
  the next test finds the server as a fresh one would be. A test that tells the server the
  vault or the settings changed (watched files, configuration, workspace folders) cannot run
  on a shared server: it fails at once, and belongs in a module with fresh servers.

Each test runs once per profile its closest `profiles` mark names (`ONE_PROFILE`,
`BOTH_PROFILES`); without one, under both. Both are for what depends on them: positions in
non-ASCII text (UTF-8 vs UTF-16), push vs pull diagnostics, progress, dynamic registration.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Union

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import VAULTS

CLIENTS = ["visual-studio-code", "neovim"]
VSCODE = CLIENTS[0]
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "vaultls", "serve", "--log-level", "DEBUG"])

ONE_PROFILE = pytest.mark.profiles(VSCODE)
BOTH_PROFILES = pytest.mark.profiles(*CLIENTS)
SHARED_SERVER = [pytest.mark.shared_server, pytest.mark.asyncio(loop_scope="module")]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "profile" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("profiles")
        metafunc.parametrize("profile", list(marker.args) if marker else CLIENTS)


def copy_of(name: str, into: Path) -> Path:
    """A copy of tests/vaults/`name` in the folder `into`."""
    target = into / name
    shutil.copytree(VAULTS / name, target)
    return target


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A copy of tests/vaults/basic that the test may change."""
    return copy_of("basic", tmp_path)


@pytest.fixture
def client(request: pytest.FixtureRequest, profile: str) -> LanguageClient:
    shared = request.node.get_closest_marker("shared_server") is not None
    return request.getfixturevalue("shared_client" if shared else "fresh_client")


@pytest_asyncio.fixture
async def fresh_client(request: pytest.FixtureRequest, profile: str, vault: Path):
    lsp_client = await start_client(request)
    try:
        await start_session(lsp_client, profile, vault)
        yield lsp_client
        await lsp_client.shutdown_session()
    finally:
        await lsp_client.stop()


async def start_client(request: pytest.FixtureRequest, config: ClientServerConfig = SERVER) -> LanguageClient:
    """A client connected to a new server (not initialized yet) that answers registrations."""
    lsp_client = await config.start(devtools=request.config.getoption("devtools"))
    answer_registrations(lsp_client)
    read_code_actions_with_commands(lsp_client)
    return lsp_client  # type: ignore[return-value]


async def start_session(
    lsp_client: LanguageClient, profile: str, vault: Path, capabilities: types.ClientCapabilities | None = None
) -> None:
    """Initialize as the editor `profile` would (or with `capabilities`), with `vault` as the one
    workspace folder; the server's answer is kept in `lsp_client.server_capabilities`."""
    lsp_client.vault = vault  # type: ignore[attr-defined]
    lsp_client.profile = profile  # type: ignore[attr-defined]
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities or client_capabilities(profile),
            root_uri=vault.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=vault.as_uri(), name=vault.name)],
        )
    )
    lsp_client.server_capabilities = result.capabilities  # type: ignore[attr-defined]


def read_code_actions_with_commands(lsp_client: LanguageClient) -> None:
    """lsprotocol reads any code action with a `command` key as a Command, losing the edit of a
    CodeAction that carries both ("Create note": an edit, then a command to open the note);
    editors tell them apart by the key's type (a string in a Command), and so does this."""
    converter = lsp_client.protocol._converter

    def structure(obj: Any, _: type) -> types.Command | types.CodeAction:
        return converter.structure(obj, types.Command if isinstance(obj.get("command"), str) else types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], structure)  # noqa: UP007 - the key lsprotocol uses


def answer_registrations(lsp_client: LanguageClient) -> None:
    """pytest-lsp's client does not answer `client/registerCapability`, nor the refresh
    requests (`answer_refreshes`); an editor does. Record what the server registers in
    `lsp_client.registrations`."""
    registrations: list[types.Registration] = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    lsp_client.registrations = registrations  # type: ignore[attr-defined]
    answer_refreshes(lsp_client)


REFRESHES = (types.WORKSPACE_SEMANTIC_TOKENS_REFRESH, types.WORKSPACE_CODE_LENS_REFRESH)


def answer_refreshes(lsp_client: LanguageClient) -> None:
    """Answer the server's `workspace/.../refresh` requests (`REFRESHES`) as an editor does, and
    record their methods, in order, in `lsp_client.refreshes`."""
    refreshes: list[str] = []
    for method in REFRESHES:

        def refresh(params: None, method: str = method) -> None:
            refreshes.append(method)

        lsp_client.feature(method)(refresh)
    lsp_client.refreshes = refreshes  # type: ignore[attr-defined]


# ---------------------------------------------------------------- one server per module


def _tree(root: Path) -> dict[str, object]:
    """Every file, folder and symbolic link under `root` (links not followed), with content."""
    found: dict[str, object] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                found[rel] = ("dir",)
            else:
                found[rel] = ("file", path.read_bytes())
    return found


class SharedServers:
    """The servers of one test module, one per client profile, started when first asked for,
    all on the module's vault. The vault's first state is kept aside to put it back."""

    _NOT_ON_A_SHARED_SERVER = (
        "workspace_did_change_watched_files",
        "workspace_did_change_configuration",
        "workspace_did_change_workspace_folders",
        "set_configuration",
    )

    def __init__(self, request: pytest.FixtureRequest, vault: Path, pristine: Path) -> None:
        self.request = request
        self.vault = vault
        self.pristine = pristine
        shutil.copytree(vault, pristine, symlinks=True)
        self.tree = _tree(vault)
        self.clients: dict[str, LanguageClient] = {}

    @contextlib.asynccontextmanager
    async def lend(self, profile: str, capabilities: types.ClientCapabilities | None = None):
        """The server of `profile` (started with `capabilities` if given, else the profile's),
        for one test; put back as it was after it."""
        lsp_client = await self.get(profile, capabilities)
        yield lsp_client
        try:
            await self.reset(lsp_client)
        except BaseException:
            await self.discard(profile)
            raise

    async def get(self, profile: str, capabilities: types.ClientCapabilities | None = None) -> LanguageClient:
        lsp_client = self.clients.get(profile)
        if lsp_client is not None and _alive(lsp_client):
            return lsp_client
        await self.discard(profile)  # a test before broke it: the next tests get a new one
        lsp_client = await start_client(self.request)
        self.clients[profile] = lsp_client
        _track_documents(lsp_client)
        for method in self._NOT_ON_A_SHARED_SERVER:
            setattr(lsp_client, method, _refused(method))
        await start_session(lsp_client, profile, self.vault, capabilities)
        return lsp_client

    async def reset(self, lsp_client: LanguageClient) -> None:
        """Undo what a test did: the vault's files first (closing a note reads it again), then
        the documents it left open; a request answered after those notifications proves them
        handled, and the diagnostics they cleared received, before they are forgotten."""
        if not _alive(lsp_client):
            process = lsp_client._server
            raise AssertionError(
                f"the server ended during the test (exit code {process and process.returncode}, "
                f"error {lsp_client.error!r})"
            )
        if _tree(self.vault) != self.tree:
            shutil.rmtree(self.vault)
            shutil.copytree(self.pristine, self.vault, symlinks=True)
        for uri in sorted(lsp_client.open_documents):  # type: ignore[attr-defined]
            lsp_client.text_document_did_close(
                types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
            )
        await asyncio.wait_for(lsp_client.workspace_symbol_async(types.WorkspaceSymbolParams(query="")), 30)
        lsp_client.diagnostics.clear()

    async def discard(self, profile: str) -> None:
        lsp_client = self.clients.pop(profile, None)
        if lsp_client is not None:
            await lsp_client.stop()

    async def close(self) -> None:
        for profile, lsp_client in list(self.clients.items()):
            if _alive(lsp_client):
                await lsp_client.shutdown_session()
            await self.discard(profile)


def _alive(lsp_client: LanguageClient) -> bool:
    process = lsp_client._server  # pygls's server process
    return lsp_client.error is None and process is not None and process.returncode is None


def _track_documents(lsp_client: LanguageClient) -> None:
    """Keep the URIs of the documents open in `lsp_client.open_documents`."""
    open_documents: set[str] = set()
    did_open, did_close = lsp_client.text_document_did_open, lsp_client.text_document_did_close

    def text_document_did_open(params: types.DidOpenTextDocumentParams) -> None:
        open_documents.add(params.text_document.uri)
        did_open(params)

    def text_document_did_close(params: types.DidCloseTextDocumentParams) -> None:
        open_documents.discard(params.text_document.uri)
        did_close(params)

    lsp_client.text_document_did_open = text_document_did_open  # type: ignore[method-assign]
    lsp_client.text_document_did_close = text_document_did_close  # type: ignore[method-assign]
    lsp_client.open_documents = open_documents  # type: ignore[attr-defined]


def _refused(method: str):
    def refuse(*args, **kwargs):
        raise AssertionError(
            f"{method} changes what a shared server knows: this test needs a fresh server "
            "(a module without SHARED_SERVER)"
        )

    return refuse


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_servers(request: pytest.FixtureRequest, vault: Path, tmp_path_factory: pytest.TempPathFactory):
    servers = SharedServers(request, vault, tmp_path_factory.mktemp("pristine") / vault.name)
    yield servers
    await servers.close()


@pytest_asyncio.fixture(loop_scope="module")
async def shared_client(shared_servers: SharedServers, profile: str):
    async with shared_servers.lend(profile) as lsp_client:
        yield lsp_client


# ---------------------------------------------------------------- helpers


def uri(client: LanguageClient, rel: str) -> str:
    return (client.vault / rel).as_uri()  # type: ignore[attr-defined]


def utf8(client: LanguageClient) -> bool:
    return client.profile == "neovim"  # type: ignore[attr-defined]


async def open_note(client: LanguageClient, rel: str, text: str | None = None) -> str:
    path = client.vault / rel  # type: ignore[attr-defined]
    if text is None:
        text = path.read_text(encoding="utf-8")
    note_uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=note_uri, language_id="markdown", version=1, text=text)
        )
    )
    return note_uri


async def diagnostics_for(
    client: LanguageClient, note_uri: str, predicate=lambda d: True, timeout: float = 10.0
) -> list[types.Diagnostic]:
    """Wait until the diagnostics published for `note_uri` satisfy `predicate`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if note_uri in client.diagnostics and predicate(list(client.diagnostics[note_uri])):
            return list(client.diagnostics[note_uri])
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out; last diagnostics: {client.diagnostics.get(note_uri)}")
        await asyncio.sleep(0.02)


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)
