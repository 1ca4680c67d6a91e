/**
 * The `vaultls` output channel as the extension writes to it: a log channel (VS Code stamps each
 * line with the time and its level, and the user picks the levels shown), some lines said once
 * only, and shown without taking the focus. The language client writes the server's log
 * (`window/logMessage`) and its stderr to the same channel; the LSP trace has its own channel.
 * No `vscode` import: the extension passes in the channel.
 */

/** The part of vscode.LogOutputChannel used here. */
export interface Channel {
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
    show(preserveFocus?: boolean): void;
}

export class OutputLog {
    private readonly said = new Set<string>();

    constructor(private readonly channel: Channel) {}

    /** Writes one line at level info; a function bound to this log, to hand around as `log`. */
    readonly line = (message: string): void => {
        this.channel.info(message);
    };

    /** Writes one line at level warning. */
    readonly warn = (message: string): void => {
        this.channel.warn(message);
    };

    /** Writes one line at level error. */
    readonly error = (message: string): void => {
        this.channel.error(message);
    };

    /** Writes the line unless a line with this `key` was written before; true when it wrote. */
    once(key: string, message: string): boolean {
        if (this.said.has(key)) {
            return false;
        }
        this.said.add(key);
        this.line(message);
        return true;
    }

    /** Shows the channel, leaving the focus where it is. */
    readonly show = (): void => {
        this.channel.show(true);
    };
}

/** A message of the language client with the data it came with (an error, a response) below it. */
export function withData(message: string, data?: unknown): string {
    if (data === undefined || data === null) {
        return message;
    }
    return `${message}\n${describeData(data)}`;
}

function describeData(data: unknown): string {
    if (data instanceof Error) {
        const more = (data as { data?: unknown }).data;
        const text = data.stack ?? data.message;
        return more === undefined ? text : `${data.message}\n${JSON.stringify(more, null, 4)}`;
    }
    if (typeof data === 'string') {
        return data;
    }
    try {
        return JSON.stringify(data, null, 4) ?? String(data);
    } catch {
        return String(data);
    }
}
