import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DiscoveryError } from '../discovery';
import { OPEN_SETTINGS, SHOW_OUTPUT, discoveryFailed, errorMessage, serverFailed } from '../failures';

describe('discoveryFailed', () => {
    it('logs what was tried, each detail indented, and notifies with the advice', () => {
        const error = new DiscoveryError('No Python 3.10 or newer was found.', ['python3 on PATH (/usr/bin/python3): Python 3.8\nis too old', 'python on PATH: none'], 'vaultls.server.python', 'Install Python 3.10+.');
        const report = discoveryFailed('notes', error);
        assert.deepEqual(report.lines, [
            'could not start a server for notes: No Python 3.10 or newer was found.',
            '  tried: python3 on PATH (/usr/bin/python3): Python 3.8\n    is too old',
            '  tried: python on PATH: none',
        ]);
        assert.deepEqual(report.notification, {
            kind: 'discovery',
            message: 'vaultls: No Python 3.10 or newer was found. Install Python 3.10+.',
            actions: [OPEN_SETTINGS, SHOW_OUTPUT],
        });
    });

    it('reports any other error as it is, with the output only', () => {
        const report = discoveryFailed('notes', new Error('EACCES'));
        assert.deepEqual(report.lines, ['could not start a server for notes: Error: EACCES']);
        assert.deepEqual(report.notification, { kind: 'discovery', message: 'vaultls: could not start the language server: Error: EACCES', actions: [SHOW_OUTPUT] });
    });
});

describe('serverFailed', () => {
    it('logs the whole message and notifies with its first line', () => {
        const report = serverFailed('notes', 'initialization failed: boom\nTraceback ...');
        assert.deepEqual(report.lines, ['notes: initialization failed: boom\nTraceback ...']);
        assert.equal(report.notification.kind, 'server-failed');
        assert.equal(
            report.notification.message,
            'vaultls: the language server stopped working (initialization failed: boom). See the output for details; "vaultls: Restart Server" tries again.',
        );
        assert.deepEqual(report.notification.actions, [SHOW_OUTPUT]);
    });
});

describe('errorMessage', () => {
    it('takes the message of an Error and the string of anything else', () => {
        assert.equal(errorMessage(new Error('spawn ENOENT')), 'spawn ENOENT');
        assert.equal(errorMessage('closed'), 'closed');
        assert.equal(errorMessage(undefined), 'undefined');
    });
});
