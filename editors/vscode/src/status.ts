/**
 * What the `vaultls` language status item (shown with Markdown files) says: idle when no vault
 * has a server, which server runs when all of them run, "not running" as soon as one does not.
 * No `vscode` import: the extension copies the model onto its LanguageStatusItem.
 */

import { ServerCommand } from './discovery';

export interface FolderStatus {
    /** The folder's client is in the Running state. */
    running: boolean;
    /** The server discovery chose for it (none when discovery failed or is still going). */
    server?: ServerCommand;
}

export interface StatusModel {
    text: string;
    severity: 'information' | 'error';
    detail: string;
}

export function statusModel(folders: readonly FolderStatus[]): StatusModel {
    if (folders.length === 0) {
        return { text: 'vaultls: idle', severity: 'information', detail: 'no vault open' };
    }
    const running = folders.filter((folder) => folder.running);
    if (running.length === folders.length) {
        const server = running[0].server;
        return {
            text: 'vaultls',
            severity: 'information',
            detail: server?.python
                ? `bundled server, Python ${server.python.version.join('.')}`
                : server?.source === 'path'
                  ? 'vaultls from PATH'
                  : 'vaultls from vaultls.server.path',
        };
    }
    return { text: 'vaultls: not running', severity: 'error', detail: 'see the output' };
}
