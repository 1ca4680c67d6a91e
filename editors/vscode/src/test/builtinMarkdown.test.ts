import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BuiltinMarkdownOverlap, isHeadingLine, wikilinkAt } from '../builtinMarkdown';

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

    describe('references', () => {
        const note = 'file:///vault/Concepts/Permanent%20Revolution.md';
        type Loc = { uri: { toString(): string }; range: { start: { line: number } }; text: string };
        const at = (line: number, text = '# Permanent Revolution', uri = note): Loc => ({ uri: { toString: () => uri }, range: { start: { line } }, text });
        const elsewhere = at(3, '[[Permanent Revolution]]', 'file:///vault/Welcome.md');
        const found = [at(3), elsewhere, at(9, '[[Permanent Revolution#Theory]]'), at(12, '[[Permanent Revolution]]')];
        const onTitle = { uri: note, line: 3, character: 4, lineText: '# Permanent Revolution', includeDeclaration: true };
        const onLink = { uri: note, line: 12, character: 6, lineText: 'See [[Permanent Revolution]] and [[Trotsky]]', includeDeclaration: true };
        const where = (locations: Loc[] | null | undefined) => locations?.map((l) => `${l.uri.toString()}:${l.range.start.line}`);
        const textOf = (l: Loc) => l.text;
        const overlap = (enabled: boolean) => new BuiltinMarkdownOverlap(() => enabled, STRING);

        it('leaves out the heading under the cursor, which the built-in support lists too', () => {
            assert.deepEqual(where(overlap(true).references(found, onTitle, textOf)), where([elsewhere, found[2], found[3]]));
        });

        it('keeps it without includeDeclaration (the built-in support leaves it out then)', () => {
            assert.deepEqual(overlap(true).references(found, { ...onTitle, includeDeclaration: false }, textOf), found);
        });

        it('leaves out the same [[link]] in this note, which the built-in support lists as a reference link', () => {
            assert.deepEqual(where(overlap(true).references(found, onLink, textOf)), where([found[0], elsewhere, found[2]]));
        });

        it('keeps everything off a heading or link, or with the built-in support disabled', () => {
            assert.deepEqual(overlap(true).references(found, { ...onLink, character: 32 }, textOf), found);
            assert.deepEqual(overlap(false).references(found, onTitle, textOf), found);
            assert.deepEqual(overlap(false).references(found, onLink, textOf), found);
        });
    });

    it('finds the [[link]] under the cursor, brackets included', () => {
        const line = 'See [[Permanent Revolution]] and [[Trotsky|him]]';
        assert.equal(wikilinkAt(line, 4), '[[Permanent Revolution]]');
        assert.equal(wikilinkAt(line, 20), '[[Permanent Revolution]]');
        assert.equal(wikilinkAt(line, 40), '[[Trotsky|him]]');
        assert.equal(wikilinkAt(line, 30), undefined);
    });

    it('takes ATX headings for headings, as CommonMark does', () => {
        assert.equal(isHeadingLine('# Title'), true);
        assert.equal(isHeadingLine('###### Six'), true);
        assert.equal(isHeadingLine('   ## Indented three'), true);
        assert.equal(isHeadingLine('    # Code block'), false);
        assert.equal(isHeadingLine('#tag'), false);
        assert.equal(isHeadingLine('####### Seven'), false);
    });
});
