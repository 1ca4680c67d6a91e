import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CheckedNote, FolderCheck, checkedNotes, noServer, pullsWorkspaceDiagnostics, summarize } from '../checkVault';

interface Client {
    pulls: boolean;
}

const pushing: Client = { pulls: false };
const pulling: Client = { pulls: true };

function note(uri: string, count: number): CheckedNote<string> {
    return { uri, diagnostics: Array.from({ length: count }, (_, i) => `${uri}#${i}`) };
}

const options = (open: string[] = [], shown: [string, string[]][] = []) => ({
    show: (uri: string, diagnostics: string[]) => shown.push([uri, diagnostics]),
    convert: async (_client: Client, n: CheckedNote<string>) => ({ uri: n.uri.toUpperCase(), diagnostics: n.diagnostics ?? [] }),
    isOpen: (uri: string) => open.includes(uri),
    pulls: (client: Client) => client.pulls,
});

describe('Check Vault results', () => {
    it('tells servers that pull workspace diagnostics', () => {
        assert.equal(pullsWorkspaceDiagnostics(undefined), false);
        assert.equal(pullsWorkspaceDiagnostics({}), false);
        assert.equal(pullsWorkspaceDiagnostics({ diagnosticProvider: { interFileDependencies: true, workspaceDiagnostics: false } }), false);
        assert.equal(pullsWorkspaceDiagnostics({ diagnosticProvider: { interFileDependencies: true, workspaceDiagnostics: true } }), true);
    });

    it('takes an answer that is not a list as no notes', () => {
        assert.deepEqual(checkedNotes(null), []);
        assert.deepEqual(checkedNotes({ uri: 'x' }), []);
        assert.deepEqual(checkedNotes([note('a', 1)]), [note('a', 1)]);
    });

    it('needs a server in at least one folder (a failed request still counts as one)', () => {
        assert.equal(noServer([]), true);
        assert.equal(noServer([undefined, undefined]), true);
        assert.equal(noServer([undefined, null]), false);
        assert.equal(noServer([undefined, { client: pushing, notes: [] }]), false);
    });

    it('shows the problems of the notes that are not open, counting all of them', async () => {
        const results: FolderCheck<Client, string>[] = [
            { client: pushing, notes: [note('a', 2), note('b', 0), note('c', 1)] },
            null,
            undefined,
            { client: pushing, notes: [note('d', 3)] },
        ];
        const shown: [string, string[]][] = [];
        const summary = await summarize(results, options(['C'], shown));
        assert.deepEqual(shown, [
            ['A', ['a#0', 'a#1']],
            ['D', ['d#0', 'd#1', 'd#2']],
        ]);
        assert.equal(summary.problems, 6);
        assert.equal(summary.notesWithProblems, 3);
        assert.equal(summary.fromWorkspacePull, false);
        assert.equal(summary.message, '6 problems in 3 notes');
        assert.equal(summary.openProblems, true);
    });

    it('opens no Problems panel when there is nothing to show', async () => {
        const summary = await summarize([{ client: pushing, notes: [note('a', 0)] }], options());
        assert.equal(summary.message, '0 problems in 0 notes');
        assert.equal(summary.openProblems, false);
    });

    it('leaves the counts to VS Code when a server pulls workspace diagnostics', async () => {
        const summary = await summarize([{ client: pulling, notes: [] }, { client: pushing, notes: [note('a', 0)] }], options());
        assert.equal(summary.fromWorkspacePull, true);
        assert.equal(summary.message, undefined);
        assert.equal(summary.openProblems, true);
    });
});
