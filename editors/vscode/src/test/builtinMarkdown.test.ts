import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BuiltinMarkdownOverlap } from '../builtinMarkdown';

const FILE = 0;
const CONSTANT = 13;
const STRING = 14; // vscode.SymbolKind.String: headings
const KEY = 19;

const symbols = [
    { name: 'Permanent Revolution', kind: FILE },
    { name: 'Permanent Revolution', kind: STRING },
    { name: 'Theory', kind: STRING },
    { name: 'Permanent revolution (alias)', kind: CONSTANT },
    { name: '#theory', kind: KEY },
];

describe('BuiltinMarkdownOverlap', () => {
    it("leaves the outline to VS Code's Markdown support while it is enabled", () => {
        assert.equal(new BuiltinMarkdownOverlap(() => true, STRING).wantsDocumentSymbols(), false);
    });

    it('gives the outline when the built-in Markdown support is disabled', () => {
        assert.equal(new BuiltinMarkdownOverlap(() => false, STRING).wantsDocumentSymbols(), true);
    });

    it('drops the headings from workspace symbols while the built-in support lists them', () => {
        const kept = new BuiltinMarkdownOverlap(() => true, STRING).workspaceSymbols(symbols);
        assert.deepEqual(
            kept?.map((s) => s.kind),
            [FILE, CONSTANT, KEY],
        );
    });

    it('keeps every workspace symbol when the built-in support is disabled', () => {
        assert.deepEqual(new BuiltinMarkdownOverlap(() => false, STRING).workspaceSymbols(symbols), symbols);
    });

    it('passes an empty answer through', () => {
        const overlap = new BuiltinMarkdownOverlap(() => true, STRING);
        assert.equal(overlap.workspaceSymbols(null), null);
        assert.equal(overlap.workspaceSymbols(undefined), undefined);
    });

    it('asks whether the built-in support is enabled on every request', () => {
        let enabled = true;
        const overlap = new BuiltinMarkdownOverlap(() => enabled, STRING);
        assert.equal(overlap.wantsDocumentSymbols(), false);
        enabled = false;
        assert.equal(overlap.wantsDocumentSymbols(), true);
    });
});
