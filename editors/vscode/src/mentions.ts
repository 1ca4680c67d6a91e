/**
 * "vaultls: Show Unlinked Mentions": where the other notes of the vault name the active note in
 * plain text (its name or an alias, not linked), in VS Code's references view. The server finds
 * them (`vaultls.unlinkedMentions URI`, server/vaultls/lsp/features/mention_actions.py); each
 * one has the code action "Link to [[Name]]" where it is.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';

import { VaultClient } from './client';
import { showReferences } from './showReferences';
import { vaultFolderOf } from './workspace';

export const SHOW_UNLINKED_MENTIONS = 'vaultls.showUnlinkedMentions';

/** The server's command (not registered in VS Code: client.ts keeps the server's commands out). */
const SERVER_UNLINKED_MENTIONS = 'vaultls.unlinkedMentions';

type ClientFor = (folder: vscode.WorkspaceFolder) => Promise<VaultClient | undefined>;

/** The command, registered; `clientFor` starts or finds a vault folder's client. */
export function registerMentions(clientFor: ClientFor, log: (message: string) => void): vscode.Disposable {
    return vscode.commands.registerCommand(SHOW_UNLINKED_MENTIONS, async () => {
        const editor = vscode.window.activeTextEditor;
        const folder = editor === undefined ? undefined : vaultFolderOf(editor.document.uri);
        const client = folder === undefined ? undefined : await clientFor(folder);
        if (editor === undefined || client === undefined) {
            void vscode.window.showWarningMessage('vaultls: open a note of a vault first to see its unlinked mentions.');
            return;
        }
        const uri = client.code2ProtocolConverter.asUri(editor.document.uri);
        log(`${SERVER_UNLINKED_MENTIONS}: ${uri}`);
        const locations: unknown = await client.sendRequest(ExecuteCommandRequest.type, { command: SERVER_UNLINKED_MENTIONS, arguments: [uri] });
        if (!Array.isArray(locations) || locations.length === 0) {
            void vscode.window.showInformationMessage('vaultls: no unlinked mentions of this note.');
            return;
        }
        const { line, character } = editor.selection.active;
        await showReferences(vscode, [uri, { line, character }, locations]);
    });
}
