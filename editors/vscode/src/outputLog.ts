/**
 * The `vaultls` output channel as the extension writes to it: every line stamped with the time,
 * some said once only, and shown without taking the focus. The language client writes the
 * server's stderr and the LSP trace to the same channel. No `vscode` import: the extension
 * passes in the channel.
 */

/** The part of vscode.OutputChannel used here. */
export interface Channel {
    appendLine(line: string): void;
    show(preserveFocus?: boolean): void;
}

export class OutputLog {
    private readonly said = new Set<string>();

    constructor(
        private readonly channel: Channel,
        private readonly now: () => Date = () => new Date(),
    ) {}

    /** Writes one stamped line; a function bound to this log, to hand around as `log`. */
    readonly line = (message: string): void => {
        this.channel.appendLine(`[vaultls ${this.now().toLocaleTimeString()}] ${message}`);
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
