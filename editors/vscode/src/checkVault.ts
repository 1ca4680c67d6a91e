/**
 * What a "vaultls: Check Vault" run makes of the servers' answers: which notes get their problems
 * shown from it (not the open ones, which have the server's live diagnostics, so that no problem
 * is listed twice), the counts for the status bar, and whether the Problems panel opens.
 * No `vscode` import: `C` is a client, `U` a URI, `D` a diagnostic, `W` one on the wire.
 */

/** The server's `workspace/executeCommand` command, and the VS Code command of the same name. */
export const CHECK_VAULT = 'vaultls.checkVault';

/** One note of the server's answer. */
export interface CheckedNote<W> {
    uri: string;
    diagnostics?: W[];
}

/**
 * One folder's part of a run: undefined when it has no server, null when the request failed,
 * else its client and the notes it reported (none when the client pulls workspace diagnostics).
 */
export type FolderCheck<C, W> = undefined | null | { client: C; notes: CheckedNote<W>[] };

/** The part of the server's capabilities read here. */
export interface Capabilities {
    diagnosticProvider?: object;
}

/** Whether the server offers `workspace/diagnostic`, which vscode-languageclient then polls. */
export function pullsWorkspaceDiagnostics(capabilities: Capabilities | undefined): boolean {
    const provider = capabilities?.diagnosticProvider;
    return provider !== undefined && 'workspaceDiagnostics' in provider && provider.workspaceDiagnostics === true;
}

/** The answer as the array of notes it should be (anything else counts as no notes). */
export function checkedNotes<W>(answer: unknown): CheckedNote<W>[] {
    return (Array.isArray(answer) ? answer : []) as CheckedNote<W>[];
}

/** True when no folder had a server to ask. */
export function noServer(results: readonly FolderCheck<unknown, unknown>[]): boolean {
    return results.every((result) => result === undefined);
}

export interface CheckSummary {
    problems: number;
    notesWithProblems: number;
    /** Some server pulls workspace diagnostics: VS Code lists every note's problems already. */
    fromWorkspacePull: boolean;
    /** For the log and the status bar; undefined when fromWorkspacePull. */
    message?: string;
    /** Whether to open the Problems panel. */
    openProblems: boolean;
}

export interface SummaryOptions<C, U, D, W> {
    /** The note's URI and diagnostics as the editor has them (the client's converters). */
    convert(client: C, note: CheckedNote<W>): Promise<{ uri: U; diagnostics: D[] }>;
    /** Whether the note is open in the editor. */
    isOpen(uri: U): boolean;
    /** Whether the client pulls workspace diagnostics (pullsWorkspaceDiagnostics). */
    pulls(client: C): boolean;
    /** Shows a note's problems (called for each note with problems that is not open, in order). */
    show(uri: U, diagnostics: D[]): void;
}

export async function summarize<C, U, D, W>(results: readonly FolderCheck<C, W>[], options: SummaryOptions<C, U, D, W>): Promise<CheckSummary> {
    let problems = 0;
    let notesWithProblems = 0;
    for (const result of results) {
        if (!result) {
            continue;
        }
        for (const note of result.notes) {
            const { uri, diagnostics } = await options.convert(result.client, note);
            problems += diagnostics.length;
            notesWithProblems += diagnostics.length > 0 ? 1 : 0;
            if (!options.isOpen(uri) && diagnostics.length > 0) {
                options.show(uri, diagnostics);
            }
        }
    }
    const fromWorkspacePull = results.some((result) => result && options.pulls(result.client));
    return {
        problems,
        notesWithProblems,
        fromWorkspacePull,
        message: fromWorkspacePull ? undefined : `${counted(problems, 'problem')} in ${counted(notesWithProblems, 'note')}`,
        openProblems: problems > 0 || fromWorkspacePull,
    };
}

/** `1 note`, `2 notes`: every count in a message is grammatical. */
export function counted(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}
