import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { outermostFolder, topLevelFolders } from '../folders';

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
