import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BundleInfo, missingCompiled, missingCompiledMessage } from '../bundleInfo';

const PYTHONS = ['3.10', '3.11', '3.12', '3.13', '3.14'];

function info(target: string, missing: { [minor: string]: string[] } = {}): BundleInfo {
    return {
        target,
        version: '0.1.0',
        compiled: ['pyyaml', 'rpds-py'],
        pythons: Object.fromEntries(PYTHONS.map((minor) => [minor, { missing: missing[minor] ?? [] }])),
    };
}

describe('missingCompiledMessage', () => {
    it('says nothing when the bundle has every compiled module for this Python', () => {
        assert.equal(missingCompiledMessage(info('linux-x64'), [3, 12, 1]), undefined);
    });

    it('names what the universal build cannot do and how to get it', () => {
        const all = Object.fromEntries(PYTHONS.map((minor) => [minor, ['pyyaml', 'rpds-py']]));
        const message = missingCompiledMessage(info('universal', all), [3, 12, 1]) ?? '';
        assert.match(message, /universal build/);
        assert.match(message, /frontmatter schemas are not checked/);
        assert.match(message, /slower pure-Python YAML parser/);
        assert.match(message, /pipx install git\+https:\/\/github\.com\/vaultls\/vaultls/);
        assert.match(message, /built for your platform/);
    });

    it('names only what one Python lacks on a platform build', () => {
        const message = missingCompiledMessage(info('win32-arm64', { '3.11': ['pyyaml'] }), [3, 11, 9]) ?? '';
        assert.match(message, /win32-arm64/);
        assert.match(message, /slower pure-Python YAML parser/);
        assert.doesNotMatch(message, /schemas/);
    });

    it('takes a Python the bundle has no wheels for as lacking every compiled module', () => {
        assert.deepEqual(missingCompiled(info('darwin-arm64'), [3, 15, 0]), ['pyyaml', 'rpds-py']);
    });
});
