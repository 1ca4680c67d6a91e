/**
 * What the `vaultls` language status item (shown with Markdown files) says: idle when no vault
 * has a server, busy while a server reports work in progress (its first scan: "vaultls:
 * indexing…"), which server runs when all of them run, "not running" as soon as one does not.
 * No `vscode` import: the extension copies the model onto its LanguageStatusItem.
 */

import { ServerCommand } from './discovery';

/** Work a server reports with `$/progress` (begun and not ended yet). */
export interface Work {
    title: string;
    message?: string;
    percentage?: number;
}

export interface FolderStatus {
    /** The folder's client is in the Running state. */
    running: boolean;
    /** The server discovery chose for it (none when discovery failed or is still going). */
    server?: ServerCommand;
    /** What its server is busy with, if anything. */
    work?: Work;
}

export interface StatusModel {
    text: string;
    severity: 'information' | 'error';
    detail: string;
    /** Shown as busy (VS Code spins the item). */
    busy: boolean;
}

export function statusModel(folders: readonly FolderStatus[]): StatusModel {
    if (folders.length === 0) {
        return { text: 'vaultls: idle', severity: 'information', detail: 'no vault open', busy: false };
    }
    const running = folders.filter((folder) => folder.running);
    if (running.length !== folders.length) {
        return { text: 'vaultls: not running', severity: 'error', detail: 'see the output', busy: false };
    }
    const work = running.find((folder) => folder.work !== undefined)?.work;
    if (work !== undefined) {
        return { text: busyText(work.title), severity: 'information', detail: workDetail(work), busy: true };
    }
    const server = running[0].server;
    return {
        text: 'vaultls',
        severity: 'information',
        detail: server?.python
            ? `bundled server, Python ${server.python.version.join('.')}`
            : server?.source === 'path'
              ? 'vaultls from PATH'
              : 'vaultls from vaultls.server.path',
        busy: false,
    };
}

/** "vaultls: indexing…" for the server's title "vaultls: indexing" (or "indexing"). */
function busyText(title: string): string {
    const what = title.replace(/^vaultls:\s*/i, '').trim() || 'working';
    return `vaultls: ${what}…`;
}

function workDetail(work: Work): string {
    const parts = [work.message, work.percentage === undefined ? undefined : `${work.percentage}%`].filter((part) => part);
    return parts.length > 0 ? parts.join(', ') : 'busy';
}

/** The `$/progress` values of the work-done kind (vscode-languageclient's types, structurally). */
export type ProgressValue =
    | { kind: 'begin'; title: string; message?: string; percentage?: number }
    | { kind: 'report'; message?: string; percentage?: number }
    | { kind: 'end'; message?: string };

/**
 * The work one server has in progress, from its `$/progress` values by token; the work begun
 * last is the one shown. A report or an end of a token never begun is ignored.
 */
export class WorkTracker {
    private readonly works = new Map<string, Work>();

    /** Takes one value; true when what `current()` gives may have changed. */
    update(token: string | number, value: ProgressValue): boolean {
        const key = String(token);
        switch (value.kind) {
            case 'begin':
                this.works.delete(key);
                this.works.set(key, { title: value.title, message: value.message, percentage: value.percentage });
                return true;
            case 'report': {
                const work = this.works.get(key);
                if (work === undefined) {
                    return false;
                }
                this.works.set(key, { ...work, message: value.message ?? work.message, percentage: value.percentage ?? work.percentage });
                return true;
            }
            case 'end':
                return this.works.delete(key);
            default:
                return false;
        }
    }

    /** Forgets all work (the server stopped: it will not end it). */
    clear(): void {
        this.works.clear();
    }

    /** The work begun last and not ended, if any. */
    current(): Work | undefined {
        return [...this.works.values()].pop();
    }
}
