"""Start-up, settings and workspace folders."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from lsprotocol import types

from vaultls.lsp.roots import ANY_ROOT, fs_path
from vaultls.lsp.server import VaultLanguageServer
from vaultls.vault import uris

log = logging.getLogger(__name__)

CLIENT_TIMEOUT = 3.0  # some clients never answer server-to-client requests


def initialize(ls: VaultLanguageServer, params: types.InitializeParams) -> None:
    ls.set_init_options(params.initialization_options)
    roots: list[str] = []
    if params.workspace_folders:
        roots = [f.uri for f in params.workspace_folders]
    elif params.root_uri:
        roots = [params.root_uri]
    elif params.root_path:
        roots = [uris.from_path(Path(params.root_path).absolute())]
    for uri in roots:
        path = fs_path(uri)
        if path is not None:
            ls.add_root(path)


async def initialized(ls: VaultLanguageServer, params: types.InitializedParams) -> None:
    await pull_configuration(ls)
    ls.take_settings()
    ls.spawn(register_watchers(ls))
    ls.spawn(ls.index_all())


async def pull_configuration(ls: VaultLanguageServer) -> None:
    """Ask the client for section `vaultls`, once per vault root (settings may differ per
    folder in a multi-root workspace)."""
    if not ls.client_supports("workspace.configuration", False):
        return
    roots = list(ls.vaults)
    items = [types.ConfigurationItem(section="vaultls", scope_uri=uris.from_path(r)) for r in roots]
    if not items:
        items = [types.ConfigurationItem(section="vaultls")]
    try:
        result = await asyncio.wait_for(
            ls.workspace_configuration_async(types.ConfigurationParams(items=items)), CLIENT_TIMEOUT
        )
    except Exception:  # noqa: BLE001 - no answer or an error: settings stay as they were
        log.info("workspace/configuration was not answered", exc_info=True)
        return
    for index, value in enumerate(result or []):
        key = roots[index] if index < len(roots) else ANY_ROOT
        if value is None:
            continue
        if not isinstance(value, dict):
            ls.tell_once("settings section `vaultls` must be an object; ignored")
            continue
        ls.set_client_settings(key, value)
        if index == 0:
            ls.configure_log(value)  # the log level is the server's, not a vault's: the first answer sets it


async def register_watchers(ls: VaultLanguageServer) -> None:
    registrations = []
    if ls.client_supports("workspace.did_change_watched_files.dynamic_registration", False):
        registrations.append(
            types.Registration(
                id="vaultls-watch",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern="**/*")]
                ),
            )
        )
    if ls.client_supports("workspace.did_change_configuration.dynamic_registration", False):
        registrations.append(types.Registration(id="vaultls-config", method=types.WORKSPACE_DID_CHANGE_CONFIGURATION))
    if not registrations:
        return
    try:
        await asyncio.wait_for(
            ls.client_register_capability_async(types.RegistrationParams(registrations=registrations)),
            CLIENT_TIMEOUT,
        )
    except Exception:  # noqa: BLE001 - registration is best effort
        log.info("client/registerCapability was not answered", exc_info=True)


async def did_change_configuration(ls: VaultLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    pushed: Any = params.settings
    if isinstance(pushed, dict) and isinstance(pushed.get("vaultls"), dict):
        ls.set_client_settings(ANY_ROOT, pushed["vaultls"])
        ls.configure_log(pushed["vaultls"])
    await pull_configuration(ls)
    for vault in list(ls.vaults.values()):
        ls.apply_settings(vault)


async def did_change_workspace_folders(ls: VaultLanguageServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    for folder in params.event.removed:
        path = fs_path(folder.uri)
        if path is not None:
            ls.remove_root(path)
    for folder in params.event.added:
        path = fs_path(folder.uri)
        if path is not None:
            ls.rescan(ls.add_root(path))


def shutdown(ls: VaultLanguageServer, params: None) -> None:
    ls.cancel_tasks()


FEATURES = (
    (types.INITIALIZE, None, initialize),
    (types.INITIALIZED, None, initialized),
    (types.SHUTDOWN, None, shutdown),
    (types.WORKSPACE_DID_CHANGE_CONFIGURATION, None, did_change_configuration),
    (types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS, None, did_change_workspace_folders),
)
