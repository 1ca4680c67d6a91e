import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { OutputLog, withData } from '../outputLog';

interface FakeChannel {
    lines: string[];
    shown: (boolean | undefined)[];
    info(line: string): void;
    warn(line: string): void;
    error(line: string): void;
    show(preserveFocus?: boolean): void;
}

function fakeChannel(): FakeChannel {
    const lines: string[] = [];
    const shown: (boolean | undefined)[] = [];
    return {
        lines,
        shown,
        info: (line) => lines.push(`info ${line}`),
        warn: (line) => lines.push(`warn ${line}`),
        error: (line) => lines.push(`error ${line}`),
        show: (preserveFocus) => shown.push(preserveFocus),
    };
}

describe('OutputLog', () => {
    it('writes lines at their level (the log channel stamps the time)', () => {
        const channel = fakeChannel();
        const log = new OutputLog(channel);
        log.line('starting the server for vault');
        log.warn('stopping the server for vault failed');
        log.error('the server for vault did not start');
        assert.deepEqual(channel.lines, [
            'info starting the server for vault',
            'warn stopping the server for vault failed',
            'error the server for vault did not start',
        ]);
    });

    it('is a function that can be handed around unbound', () => {
        const channel = fakeChannel();
        const { line, error } = new OutputLog(channel);
        ['a', 'b'].forEach(line);
        ['c'].forEach(error);
        assert.deepEqual(channel.lines, ['info a', 'info b', 'error c']);
    });

    it('says a line given with a key once', () => {
        const channel = fakeChannel();
        const log = new OutputLog(channel);
        assert.equal(log.once('file:///x.md', '/x.md is outside every workspace folder'), true);
        assert.equal(log.once('file:///x.md', '/x.md is outside every workspace folder'), false);
        assert.equal(log.once('file:///y.md', '/y.md is outside every workspace folder'), true);
        assert.equal(channel.lines.length, 2);
    });

    it('shows the channel without taking the focus', () => {
        const channel = fakeChannel();
        const { show } = new OutputLog(channel);
        show();
        assert.deepEqual(channel.shown, [true]);
    });
});

describe('withData', () => {
    it('is the message alone without data', () => {
        assert.equal(withData('Connection to server got closed.'), 'Connection to server got closed.');
        assert.equal(withData('x', null), 'x');
    });

    it('puts the data below the message, as JSON or as the error it is', () => {
        assert.equal(withData('Request failed.', { code: -32603 }), 'Request failed.\n{\n    "code": -32603\n}');
        const error = new Error('boom');
        error.stack = 'Error: boom\n    at here';
        assert.equal(withData('Restarting server failed', error), 'Restarting server failed\nError: boom\n    at here');
        assert.equal(withData('said', 'more'), 'said\nmore');
    });
});
