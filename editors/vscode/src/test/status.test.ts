import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ServerCommand } from '../discovery';
import { WorkTracker, statusModel } from '../status';

function server(source: ServerCommand['source'], python?: ServerCommand['python']): ServerCommand {
    return { command: 'x', args: [], env: {}, source, python, description: '' };
}

describe('statusModel', () => {
    it('is idle when no vault has a server', () => {
        assert.deepEqual(statusModel([]), { text: 'vaultls: idle', severity: 'information', detail: 'no vault open', busy: false });
    });

    it('names the bundled server and its Python when every server runs', () => {
        const bundled = server('bundled', { executable: '/usr/bin/python3', version: [3, 11, 2], source: 'path' });
        assert.deepEqual(statusModel([{ running: true, server: bundled }, { running: true, server: server('path') }]), {
            text: 'vaultls',
            severity: 'information',
            detail: 'bundled server, Python 3.11.2',
            busy: false,
        });
    });

    it('says where a vaultls executable came from', () => {
        assert.equal(statusModel([{ running: true, server: server('path') }]).detail, 'vaultls from PATH');
        assert.equal(statusModel([{ running: true, server: server('setting') }]).detail, 'vaultls from vaultls.server.path');
    });

    it('is an error as soon as one vault has no running server', () => {
        const expected = { text: 'vaultls: not running', severity: 'error', detail: 'see the output', busy: false };
        assert.deepEqual(statusModel([{ running: true, server: server('path') }, { running: false }]), expected);
        assert.deepEqual(statusModel([{ running: false, server: server('path') }]), expected);
    });

    it('is busy, saying what the server does and how far it got, while a server reports work', () => {
        const work = { title: 'vaultls: indexing', message: 'names: 120/400 notes', percentage: 9 };
        assert.deepEqual(statusModel([{ running: true, server: server('path') }, { running: true, server: server('path'), work }]), {
            text: 'vaultls: indexing…',
            severity: 'information',
            detail: 'names: 120/400 notes, 9%',
            busy: true,
        });
    });

    it('is not busy but an error when a vault has no running server, whatever another is doing', () => {
        const model = statusModel([{ running: true, work: { title: 'vaultls: indexing' } }, { running: false }]);
        assert.equal(model.busy, false);
        assert.equal(model.severity, 'error');
    });
});

describe('WorkTracker', () => {
    it('has the work from its begin until its end, with the reports in between', () => {
        const tracker = new WorkTracker();
        assert.equal(tracker.current(), undefined);
        assert.equal(tracker.update('vaultls-index', { kind: 'begin', title: 'vaultls: indexing', percentage: 0 }), true);
        assert.deepEqual(tracker.current(), { title: 'vaultls: indexing', message: undefined, percentage: 0 });
        tracker.update('vaultls-index', { kind: 'report', message: 'links: 10/20 notes', percentage: 65 });
        assert.deepEqual(tracker.current(), { title: 'vaultls: indexing', message: 'links: 10/20 notes', percentage: 65 });
        tracker.update('vaultls-index', { kind: 'report', percentage: 80 });
        assert.equal(tracker.current()?.message, 'links: 10/20 notes');
        assert.equal(tracker.update('vaultls-index', { kind: 'end', message: 'done' }), true);
        assert.equal(tracker.current(), undefined);
    });

    it('ignores reports and ends of tokens never begun', () => {
        const tracker = new WorkTracker();
        assert.equal(tracker.update(7, { kind: 'report', message: 'x' }), false);
        assert.equal(tracker.update(7, { kind: 'end' }), false);
        assert.equal(tracker.current(), undefined);
    });

    it('forgets all work when cleared (the server stopped)', () => {
        const tracker = new WorkTracker();
        tracker.update('vaultls-index', { kind: 'begin', title: 'vaultls: indexing' });
        tracker.clear();
        assert.equal(tracker.current(), undefined);
    });

    it('shows the work begun last while two are running', () => {
        const tracker = new WorkTracker();
        tracker.update(1, { kind: 'begin', title: 'first' });
        tracker.update(2, { kind: 'begin', title: 'second' });
        assert.equal(tracker.current()?.title, 'second');
        tracker.update(2, { kind: 'end' });
        assert.equal(tracker.current()?.title, 'first');
    });
});
