/**
 * What VS Code's configuration says for one vault folder: the server settings (mapped by
 * settings.ts) and the DiscoveryHost that finds its server (discovery.ts, nodeHost.ts).
 */
import * as os from 'os';
import * as vscode from 'vscode';

import { DiscoveryHost, expandPath, resolveSettingPath, serverSetting } from './discovery';
import { createNodeHost } from './nodeHost';
import { SECTION, ServerSettings, toServerSettings } from './settings';
import { fileWorkspaceFolders } from './workspace';

/** The settings the server gets for `folder` (or for `scope` inside it): only those set in VS Code. */
export function settingsFor(keys: readonly string[], folder: vscode.WorkspaceFolder, scope?: vscode.Uri): ServerSettings {
    const config = vscode.workspace.getConfiguration(SECTION, scope ?? folder.uri);
    return toServerSettings(keys, (key) => config.inspect(key));
}

export interface HostOptions {
    extensionPath: string;
    pythonExtensionInterpreter(): Promise<string | undefined>;
    log(message: string): void;
}

/** How discovery looks for `folder`'s server, with the workspace's trust as it is now. */
export function discoveryHost(folder: vscode.WorkspaceFolder, options: HostOptions): DiscoveryHost {
    const config = vscode.workspace.getConfiguration(SECTION, folder.uri);
    const trusted = vscode.workspace.isTrusted;
    const vars = { home: os.homedir(), workspaceFolder: folder.uri.fsPath, env: process.env };
    const setting = (key: string): string =>
        resolveSettingPath(expandPath(serverSetting(config.inspect<string>(key), trusted), vars), folder.uri.fsPath);
    // Every process discovery starts (the Python probe, `--version`) runs in the extension's
    // folder, not in the vault: see safeWorkingFolder in nodeHost.ts.
    return createNodeHost({
        serverPathSetting: setting('server.path'),
        pythonSetting: setting('server.python'),
        extensionPath: options.extensionPath,
        trusted,
        workspaceFolders: fileWorkspaceFolders().map((f) => f.uri.fsPath),
        pythonExtensionInterpreter: options.pythonExtensionInterpreter,
        log: options.log,
    });
}
