/**
 * When the language client gives up on a server: after more than 3 errors in a row it shuts the
 * connection down, and a server that exits is restarted up to 4 times within 3 minutes, then
 * left stopped (with one notification). No `vscode` import.
 */

export const MAX_ERRORS = 3;
export const MAX_RESTARTS = 4;
export const RESTART_WINDOW_MS = 3 * 60_000;

/** Whether the connection goes on after an error (`count`: errors so far, from the client). */
export function continueAfterError(count: number | undefined): boolean {
    return count !== undefined && count <= MAX_ERRORS;
}

/** The exits of one server within the last RESTART_WINDOW_MS. */
export class ExitWindow {
    private readonly exits: number[] = [];

    constructor(private readonly now: () => number = Date.now) {}

    /** Records an exit; returns how many exits the window now holds (this one included). */
    record(): number {
        const now = this.now();
        this.exits.push(now);
        while (this.exits.length > 0 && now - this.exits[0] > RESTART_WINDOW_MS) {
            this.exits.shift();
        }
        return this.exits.length;
    }
}

/** Whether a server that exited for the `count`-th time in the window is started again. */
export function restartAfterExit(count: number): boolean {
    return count <= MAX_RESTARTS;
}
