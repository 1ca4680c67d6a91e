/**
 * The "vaultls: Check Vault" command and its results: the problems of every note of the vaults,
 * shown in the Problems panel for the notes that are not open (checkVault.ts decides what shows).
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient } from 'vscode-languageclient/node';

import { CHECK_VAULT, FolderCheck, checkedNotes, noServer, summarize } from './checkVault';
import { SHOW_OUTPUT, errorMessage } from './failures';
import { Disposable } from './registry';

type WireDiagnostic = Parameters<LanguageClient['protocol2CodeConverter']['asDiagnostics']>[0][number];

export interface CheckVaultOptions {
    /** The folders to check (the top-level workspace folders). */
    folders(): vscode.WorkspaceFolder[];
    /** The folder's client, started if need be; undefined when its server cannot run. */
    client(folder: vscode.WorkspaceFolder): Promise<LanguageClient | undefined>;
    /** The vault folder that holds a note. */
    vaultFolderOf(uri: vscode.Uri): vscode.WorkspaceFolder | undefined;
    log(message: string): void;
    showOutput(): void;
}

export class CheckResults implements Disposable {
    private readonly diagnostics = vscode.languages.createDiagnosticCollection('vaultls-check');

    constructor(private readonly options: CheckVaultOptions) {}

    dispose(): void {
        this.diagnostics.dispose();
    }

    clear(): void {
        this.diagnostics.clear();
    }

    /** Drops the result for a note (the server published newer diagnostics for it). */
    delete(uri: vscode.Uri): void {
        this.diagnostics.delete(uri);
    }

    /** Drops a vault's results (they are stale once its settings change). */
    clearFolder(folder: vscode.WorkspaceFolder): void {
        const stale: vscode.Uri[] = [];
        this.diagnostics.forEach((uri) => {
            if (this.options.vaultFolderOf(uri)?.uri.toString() === folder.uri.toString()) {
                stale.push(uri);
            }
        });
        stale.forEach((uri) => this.diagnostics.delete(uri));
        if (stale.length > 0) {
            vscode.window.setStatusBarMessage('vaultls: settings changed; run "vaultls: Check Vault" again for the notes that are not open', 10_000);
        }
    }

    /** Runs the command. */
    async run(): Promise<void> {
        const folders = this.options.folders();
        if (folders.length === 0) {
            void vscode.window.showWarningMessage('vaultls: open a vault folder first; Check Vault checks the notes of the workspace folders.');
            return;
        }
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'vaultls: checking the vault' }, async () => {
            const results = await Promise.all(folders.map((folder) => this.checkFolder(folder)));
            if (noServer(results)) {
                this.showError('vaultls: Check Vault needs the language server, which is not running. See the output for why.');
                return;
            }
            this.diagnostics.clear();
            // Open notes already have the server's live diagnostics, and so has every note when
            // the server reports the whole vault (`vaultls.diagnostics.scope`: `workspace`);
            // showing both would list every problem twice.
            const open = new Set(vscode.workspace.textDocuments.map((document) => document.uri.toString()));
            const live = (uri: vscode.Uri) => open.has(uri.toString()) || vscode.languages.getDiagnostics(uri).some((d) => d.source === 'vaultls');
            const summary = await summarize(results, {
                convert: async (client, note) => ({
                    uri: client.protocol2CodeConverter.asUri(note.uri),
                    diagnostics: await client.protocol2CodeConverter.asDiagnostics(note.diagnostics ?? []),
                }),
                isOpen: live,
                // Every server answers the command, pulling or not: the counts are the vault's.
                pulls: () => false,
                show: (uri, diagnostics) => this.diagnostics.set(uri, diagnostics),
            });
            if (summary.message !== undefined) {
                this.options.log(`Check Vault: ${summary.message}`);
                vscode.window.setStatusBarMessage(`vaultls: ${summary.message}`, 10_000);
            }
            if (summary.openProblems) {
                await vscode.commands.executeCommand('workbench.actions.view.problems');
            }
        });
    }

    private async checkFolder(folder: vscode.WorkspaceFolder): Promise<FolderCheck<LanguageClient, WireDiagnostic>> {
        const client = await this.options.client(folder);
        if (client === undefined) {
            return undefined;
        }
        // Asked even of a server that VS Code pulls workspace diagnostics from: by default it
        // reports the open notes only (`vaultls.diagnostics.scope`).
        try {
            const answer: unknown = await client.sendRequest(ExecuteCommandRequest.type, { command: CHECK_VAULT, arguments: [] });
            return { client, notes: checkedNotes<WireDiagnostic>(answer) };
        } catch (error) {
            this.options.log(`Check Vault failed for ${folder.name}: ${errorMessage(error)}`);
            this.showError(`vaultls: Check Vault failed for ${folder.name}. See the output for details.`);
            return null;
        }
    }

    private showError(message: string): void {
        void vscode.window.showErrorMessage(message, SHOW_OUTPUT).then((choice) => choice && this.options.showOutput());
    }
}
