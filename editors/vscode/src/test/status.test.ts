import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ServerCommand } from '../discovery';
import { statusModel } from '../status';

function server(source: ServerCommand['source'], python?: ServerCommand['python']): ServerCommand {
    return { command: 'x', args: [], env: {}, source, python, description: '' };
}

describe('statusModel', () => {
    it('is idle when no vault has a server', () => {
        assert.deepEqual(statusModel([]), { text: 'vaultls: idle', severity: 'information', detail: 'no vault open' });
    });

    it('names the bundled server and its Python when every server runs', () => {
        const bundled = server('bundled', { executable: '/usr/bin/python3', version: [3, 11, 2], source: 'path' });
        assert.deepEqual(statusModel([{ running: true, server: bundled }, { running: true, server: server('path') }]), {
            text: 'vaultls',
            severity: 'information',
            detail: 'bundled server, Python 3.11.2',
        });
    });

    it('says where a vaultls executable came from', () => {
        assert.equal(statusModel([{ running: true, server: server('path') }]).detail, 'vaultls from PATH');
        assert.equal(statusModel([{ running: true, server: server('setting') }]).detail, 'vaultls from vaultls.server.path');
    });

    it('is an error as soon as one vault has no running server', () => {
        const expected = { text: 'vaultls: not running', severity: 'error', detail: 'see the output' };
        assert.deepEqual(statusModel([{ running: true, server: server('path') }, { running: false }]), expected);
        assert.deepEqual(statusModel([{ running: false, server: server('path') }]), expected);
    });
});
