import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ClientRegistry, FolderEntry } from '../registry';

interface Folder {
    uri: string;
}

interface Client {
    name: string;
}

/** A registry whose clients start when `release` is called (or at once), recording every call. */
function registry(options: { fail?: (folder: Folder) => boolean; reject?: boolean } = {}) {
    const calls: string[] = [];
    const reg = new ClientRegistry<Folder, Client>({
        key: (folder) => folder.uri,
        start: async (entry: FolderEntry<Folder, Client>) => {
            calls.push(`start ${entry.folder.uri}`);
            await Promise.resolve();
            if (options.reject) {
                throw new Error('boom');
            }
            if (options.fail?.(entry.folder)) {
                return undefined;
            }
            entry.client = { name: entry.folder.uri };
            entry.disposables.push({ dispose: () => calls.push(`dispose ${entry.folder.uri}`) });
            return entry.client;
        },
        stop: async (entry, client) => {
            calls.push(`stop ${entry.folder.uri} ${client === undefined ? '(no client)' : client.name}`);
        },
        stopped: () => calls.push('stopped'),
    });
    return { reg, calls };
}

const a = { uri: 'file:///a' };
const b = { uri: 'file:///b' };
const c = { uri: 'file:///c' };

describe('ClientRegistry', () => {
    it('starts one client per folder, however often it is asked', async () => {
        const { reg, calls } = registry();
        const first = reg.ensure(a);
        const second = reg.ensure({ uri: 'file:///a' });
        assert.equal(first, second);
        assert.deepEqual(await first, { name: 'file:///a' });
        await reg.ensure(b);
        assert.deepEqual(calls, ['start file:///a', 'start file:///b']);
        assert.deepEqual(reg.folders(), [a, b]);
    });

    it('stops a client, disposes what its entry holds, and forgets the folder', async () => {
        const { reg, calls } = registry();
        await reg.ensure(a);
        await reg.stop(a);
        assert.deepEqual(calls, ['start file:///a', 'stop file:///a file:///a', 'dispose file:///a', 'stopped']);
        assert.deepEqual(reg.all(), []);
        await reg.stop(a);
        assert.equal(calls.length, 4, 'stopping a folder without a client does nothing');
        await reg.ensure(a);
        assert.equal(calls[calls.length - 1], 'start file:///a', 'the next demand starts a new client');
    });

    it('waits for a client that is starting before it stops it', async () => {
        const { reg, calls } = registry();
        void reg.ensure(a);
        await reg.stop(a);
        assert.deepEqual(calls, ['start file:///a', 'stop file:///a file:///a', 'dispose file:///a', 'stopped']);
    });

    it('stops entries whose server did not start, or whose start failed', async () => {
        const failing = registry({ fail: () => true });
        assert.equal(await failing.reg.ensure(a), undefined);
        await failing.reg.stopAll();
        assert.deepEqual(failing.calls, ['start file:///a', 'stop file:///a (no client)', 'stopped']);

        const rejecting = registry({ reject: true });
        await assert.rejects(rejecting.reg.ensure(a));
        await rejecting.reg.stopAll();
        assert.deepEqual(rejecting.calls, ['start file:///a', 'stop file:///a (no client)', 'stopped']);
    });

    it('stops the entries a test picks', async () => {
        const { reg, calls } = registry();
        await Promise.all([reg.ensure(a), reg.ensure(b), reg.ensure(c)]);
        await reg.stopIf((entry, key) => key !== 'file:///b' && entry.folder !== c);
        assert.deepEqual(reg.folders(), [b, c]);
        assert.ok(calls.includes('stop file:///a file:///a'));
    });

    it('restarts the targets and the more folders, each once, after stopping the targets', async () => {
        const { reg, calls } = registry();
        await Promise.all([reg.ensure(a), reg.ensure(b)]);
        calls.length = 0;
        await reg.restart([a], async () => {
            calls.push('more');
            return [a, c];
        });
        assert.deepEqual(calls, ['stop file:///a file:///a', 'dispose file:///a', 'stopped', 'more', 'start file:///a', 'start file:///c']);
        assert.deepEqual(
            reg.folders().map((folder) => folder.uri),
            ['file:///b', 'file:///a', 'file:///c'],
        );
    });

    it('lists the folders whose entries pass a test', async () => {
        const { reg } = registry({ fail: (folder) => folder === b });
        await Promise.all([reg.ensure(a), reg.ensure(b)]);
        assert.deepEqual(
            reg.folders((entry) => entry.client !== undefined),
            [a],
        );
    });
});
