/**
 * Which workspace folders are vaults, and which vault a note belongs to (folders.ts has the rules,
 * this applies them to VS Code's workspace folders).
 */
import * as path from 'path';
import * as vscode from 'vscode';

import { noServerReason, outermostFolder, startIn, topLevelFolders } from './folders';
import { isDirectory } from './nodeHost';

export function folderKey(folder: vscode.WorkspaceFolder): string {
    return folder.uri.toString();
}

/** The workspace folder whose vault holds `uri` (the outermost folder that contains it). */
export function vaultFolderOf(uri: vscode.Uri): vscode.WorkspaceFolder | undefined {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const found = outermostFolder(
        uri.toString(),
        folders.map((folder) => folder.uri.toString()),
    );
    return folders.find((folder) => folder.uri.toString() === found);
}

/** The workspace folders on disk (file: URIs). */
export function fileWorkspaceFolders(): vscode.WorkspaceFolder[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
}

/** The folders on disk that are not inside another workspace folder. */
export function topLevelWorkspaceFolders(): vscode.WorkspaceFolder[] {
    const folders = fileWorkspaceFolders();
    const top = new Set(topLevelFolders(folders.map((folder) => folder.uri.toString())));
    return folders.filter((folder) => top.has(folder.uri.toString()));
}

/** The folder has a vault's marks at its root: `.obsidian/` or `.vaultls.toml`. */
export async function isVault(folder: vscode.WorkspaceFolder): Promise<boolean> {
    const root = folder.uri.fsPath;
    if (await isDirectory(path.join(root, '.obsidian'))) {
        return true;
    }
    try {
        return (await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, '.vaultls.toml'))).type === vscode.FileType.File;
    } catch {
        return false;
    }
}

/** Top-level folders that are vaults by their markers (.obsidian/ or .vaultls.toml). */
export async function vaultFolders(): Promise<vscode.WorkspaceFolder[]> {
    const folders = topLevelWorkspaceFolders();
    const marked = await Promise.all(folders.map((folder) => isVault(folder)));
    return folders.filter((_, index) => marked[index]);
}

/** Whether vaultls is turned on for `folder` (`vaultls.enable`). */
export function enabledIn(folder: vscode.WorkspaceFolder): boolean {
    return vscode.workspace.getConfiguration('vaultls', folder.uri).get<boolean>('enable', true) !== false;
}

/** Why `folder` gets no server, by `vaultls.enable` and `vaultls.start` (folders.ts); undefined when it gets one. */
export async function noServerIn(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
    const enabled = enabledIn(folder);
    const mode = startIn(vscode.workspace.getConfiguration('vaultls', folder.uri).get<string>('start'));
    // Only `start: vaults` looks at the folder's marks.
    const marked = enabled && mode === 'vaults' ? await isVault(folder) : false;
    return noServerReason({ enabled, startIn: mode, isVault: marked });
}

/** Whether `folder` gets a server. */
export async function wantsServerIn(folder: vscode.WorkspaceFolder): Promise<boolean> {
    return (await noServerIn(folder)) === undefined;
}
