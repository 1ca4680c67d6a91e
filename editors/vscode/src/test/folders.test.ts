import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { noServerReason, outermostFolder, startIn, topLevelFolders, wantsServer } from '../folders';

describe('multi-root folders', () => {
    const folders = ['file:///vaults/work', 'file:///vaults/work/projects', 'file:///vaults/personal', 'file:///vaults/work2'];

    it('gives a note to the outermost folder that holds it', () => {
        assert.equal(outermostFolder('file:///vaults/work/projects/a.md', folders), 'file:///vaults/work');
        assert.equal(outermostFolder('file:///vaults/personal/daily/b.md', folders), 'file:///vaults/personal');
        assert.equal(outermostFolder('file:///vaults/work2/c.md', folders), 'file:///vaults/work2', 'work is not a prefix of work2');
        assert.equal(outermostFolder('file:///elsewhere/d.md', folders), undefined);
    });

    it('starts one server per top-level folder', () => {
        assert.deepEqual(topLevelFolders(folders), ['file:///vaults/work', 'file:///vaults/personal', 'file:///vaults/work2']);
    });

    it('accepts folders written with a trailing slash', () => {
        assert.equal(outermostFolder('file:///v/a.md', ['file:///v/']), 'file:///v/');
    });
});

describe('which folders get a server (vaultls.enable, vaultls.start)', () => {
    it('starts in every folder with Markdown notes by default (start: markdown)', () => {
        assert.equal(wantsServer({ enabled: true, startIn: 'markdown', isVault: false }), true);
        assert.equal(wantsServer({ enabled: true, startIn: 'markdown', isVault: true }), true);
    });

    it('starts only in folders that look like a vault with start: vaults', () => {
        assert.equal(wantsServer({ enabled: true, startIn: 'vaults', isVault: true }), true);
        assert.equal(wantsServer({ enabled: true, startIn: 'vaults', isVault: false }), false);
    });

    it('starts nowhere with enable: false, vault or not', () => {
        for (const mode of ['markdown', 'vaults'] as const) {
            assert.equal(wantsServer({ enabled: false, startIn: mode, isVault: true }), false);
            assert.equal(wantsServer({ enabled: false, startIn: mode, isVault: false }), false);
        }
    });

    it('says which setting keeps a folder without a server', () => {
        assert.equal(noServerReason({ enabled: false, startIn: 'markdown', isVault: true }), 'vaultls.enable is off for it');
        assert.match(noServerReason({ enabled: true, startIn: 'vaults', isVault: false }) ?? '', /vaultls.start is "vaults"/);
        assert.equal(noServerReason({ enabled: true, startIn: 'vaults', isVault: true }), undefined);
    });

    it('reads vaultls.start as markdown unless it says vaults', () => {
        assert.equal(startIn('vaults'), 'vaults');
        assert.equal(startIn('markdown'), 'markdown');
        assert.equal(startIn(undefined), 'markdown');
        assert.equal(startIn('Vaults'), 'markdown');
    });
});
