import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { OutputLog } from '../outputLog';

function fakeChannel(): { lines: string[]; shown: (boolean | undefined)[]; appendLine(line: string): void; show(preserveFocus?: boolean): void } {
    const lines: string[] = [];
    const shown: (boolean | undefined)[] = [];
    return { lines, shown, appendLine: (line) => lines.push(line), show: (preserveFocus) => shown.push(preserveFocus) };
}

describe('OutputLog', () => {
    const at = new Date(2024, 0, 2, 13, 4, 5);

    it('stamps every line with the time', () => {
        const channel = fakeChannel();
        const log = new OutputLog(channel, () => at);
        log.line('starting the server for vault');
        assert.deepEqual(channel.lines, [`[vaultls ${at.toLocaleTimeString()}] starting the server for vault`]);
    });

    it('is a function that can be handed around unbound', () => {
        const channel = fakeChannel();
        const { line } = new OutputLog(channel, () => at);
        ['a', 'b'].forEach(line);
        assert.equal(channel.lines.length, 2);
        assert.ok(channel.lines[1].endsWith('] b'));
    });

    it('says a line given with a key once', () => {
        const channel = fakeChannel();
        const log = new OutputLog(channel, () => at);
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
