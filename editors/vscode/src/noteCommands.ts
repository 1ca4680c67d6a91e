/**
 * Daily notes and notes from templates: "vaultls: Open Today's Note", "vaultls: Open Daily Note…"
 * (yesterday, today, tomorrow or a typed day) and "vaultls: New Note from Template…" (a title,
 * then a template). Each asks the server of the vault (the active note's, else the first vault
 * folder) to run `vaultls.openDailyNote` or `vaultls.newNote`; the server sends the edit that
 * creates the note (which VS Code applies) and then asks VS Code to show it.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';

import { VaultClient } from './client';
import { vaultFolderOf, vaultFolders } from './workspace';

export const OPEN_TODAY = 'vaultls.openTodaysNote';
export const OPEN_DAILY = 'vaultls.openDailyNote';
export const NEW_FROM_TEMPLATE = 'vaultls.newNoteFromTemplate';

/** The server's commands (server/vaultls/lsp/features/new_notes.py). */
const SERVER_OPEN_DAILY = 'vaultls.openDailyNote';
const SERVER_NEW_NOTE = 'vaultls.newNote';
const SERVER_LIST_TEMPLATES = 'vaultls.listTemplates';

type ClientFor = (folder: vscode.WorkspaceFolder) => Promise<VaultClient | undefined>;

/** What "Open Daily Note…" offers before a typed day: the argument the server takes. */
export const DAY_CHOICES: readonly { label: string; day: number | undefined }[] = [
    { label: 'Today', day: 0 },
    { label: 'Yesterday', day: -1 },
    { label: 'Tomorrow', day: 1 },
    { label: 'Another day…', day: undefined },
];

/** A typed day the server understands: an ISO date, an offset in days, or a word such as "next monday". */
export function dayProblem(text: string): string | undefined {
    const typed = text.trim().toLowerCase();
    if (/^\d{4}-\d{2}-\d{2}$/.test(typed) || /^[+-]?\d{1,5}$/.test(typed)) {
        return undefined;
    }
    const days = '(sunday|monday|tuesday|wednesday|thursday|friday|saturday)';
    if (new RegExp(`^(today|tomorrow|yesterday|((next|last)\\s+)?${days})$`).test(typed)) {
        return undefined;
    }
    return 'A date (2026-12-24), an offset in days (-1, 2) or a word (tomorrow, next monday, last friday)';
}

/** The three commands, registered; `clientFor` starts or finds a vault folder's client. */
export function registerNoteCommands(clientFor: ClientFor, log: (message: string) => void): vscode.Disposable[] {
    async function vault(): Promise<{ client: VaultClient; folder: vscode.WorkspaceFolder } | undefined> {
        const active = vscode.window.activeTextEditor?.document.uri;
        const folder = (active === undefined ? undefined : vaultFolderOf(active)) ?? (await vaultFolders())[0];
        const client = folder === undefined ? undefined : await clientFor(folder);
        if (folder === undefined || client === undefined) {
            void vscode.window.showWarningMessage('vaultls: open a note of a vault first (no vault server is running).');
            return undefined;
        }
        return { client, folder };
    }

    async function run(command: string, args: unknown[]): Promise<void> {
        const found = await vault();
        if (found === undefined) {
            return;
        }
        log(`${command}: asking the server of ${found.folder.name}`);
        await found.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [...args, found.folder.uri.toString()] });
    }

    async function openDaily(): Promise<void> {
        const choice = await vscode.window.showQuickPick(
            DAY_CHOICES.map((c) => c.label),
            { placeHolder: 'Open the daily note of…' },
        );
        const picked = DAY_CHOICES.find((c) => c.label === choice);
        if (picked === undefined) {
            return;
        }
        let day: number | string | undefined = picked.day;
        if (day === undefined) {
            day = await vscode.window.showInputBox({ prompt: 'Which day?', placeHolder: '2026-12-24, -2, next monday', validateInput: dayProblem });
            if (day === undefined) {
                return;
            }
        }
        await run(SERVER_OPEN_DAILY, [day]);
    }

    async function newFromTemplate(): Promise<void> {
        const found = await vault();
        if (found === undefined) {
            return;
        }
        const title = await vscode.window.showInputBox({
            prompt: 'Title of the new note',
            validateInput: (text) => (text.trim() === '' ? 'A note needs a title' : undefined),
        });
        if (title === undefined) {
            return;
        }
        const answer: unknown = await found.client.sendRequest(ExecuteCommandRequest.type, {
            command: SERVER_LIST_TEMPLATES,
            arguments: [found.folder.uri.toString()],
        });
        const templates = Array.isArray(answer) ? answer.filter((name): name is string => typeof name === 'string') : [];
        const none = '(no template)';
        const template = templates.length === 0 ? none : await vscode.window.showQuickPick([...templates, none], { placeHolder: 'Template' });
        if (template === undefined) {
            return;
        }
        const wanted: Record<string, string> = { title: title.trim(), uri: found.folder.uri.toString() };
        if (template !== none) {
            wanted.template = template;
        }
        await found.client.sendRequest(ExecuteCommandRequest.type, { command: SERVER_NEW_NOTE, arguments: [wanted] });
    }

    return [
        vscode.commands.registerCommand(OPEN_TODAY, () => run(SERVER_OPEN_DAILY, [0])),
        vscode.commands.registerCommand(OPEN_DAILY, openDaily),
        vscode.commands.registerCommand(NEW_FROM_TEMPLATE, newFromTemplate),
    ];
}
