/**
 * What the user is told when a vault's server cannot be found or stops working: the lines for
 * the output channel and the one notification (see notifier.ts: each kind is shown once until
 * the next restart). No `vscode` import.
 */

import { DiscoveryError } from './discovery';

/** Buttons of the notifications; the extension maps each title to its action. */
export const SHOW_OUTPUT = 'Show Output';
export const OPEN_SETTINGS = 'Open Settings';

export interface Notification {
    kind: 'discovery' | 'server-failed';
    message: string;
    actions: string[];
}

export interface Report {
    /** For the output channel, in order. */
    lines: string[];
    notification: Notification;
}

/** No server could be found for the folder (`error` is what discoverServer threw). */
export function discoveryFailed(folderName: string, error: unknown): Report {
    if (error instanceof DiscoveryError) {
        return {
            lines: [
                `could not start a server for ${folderName}: ${error.summary}`,
                ...error.details.map((detail) => `  tried: ${detail.replace(/\n/g, '\n    ')}`),
            ],
            notification: { kind: 'discovery', message: `vaultls: ${error.summary} ${error.advice}`, actions: [OPEN_SETTINGS, SHOW_OUTPUT] },
        };
    }
    return {
        lines: [`could not start a server for ${folderName}: ${String(error)}`],
        notification: { kind: 'discovery', message: `vaultls: could not start the language server: ${String(error)}`, actions: [SHOW_OUTPUT] },
    };
}

/** A server that ran stopped working (`message` says how; its first line goes in the notification). */
export function serverFailed(folderName: string, message: string): Report {
    return {
        lines: [`${folderName}: ${message}`],
        notification: {
            kind: 'server-failed',
            message: `vaultls: the language server stopped working (${message.split('\n')[0]}). See the output for details; "vaultls: Restart Server" tries again.`,
            actions: [SHOW_OUTPUT],
        },
    };
}

/** The message of an error of unknown type, for the log. */
export function errorMessage(error: unknown): string {
    return String(error instanceof Error ? error.message : error);
}
