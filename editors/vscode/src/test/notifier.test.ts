import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Notifier } from '../notifier';

describe('Notifier', () => {
    it('shows each kind of problem once until reset', async () => {
        const shown: string[] = [];
        const notifier = new Notifier(async (message) => {
            shown.push(message);
            return undefined;
        }, {});
        assert.equal(notifier.notify('discovery', 'no Python', []), true);
        assert.equal(notifier.notify('discovery', 'no Python (second folder)', []), false);
        assert.equal(notifier.notify('server-failed', 'crashed', []), true);
        notifier.reset();
        assert.equal(notifier.notify('discovery', 'no Python again', []), true);
        assert.deepEqual(shown, ['no Python', 'crashed', 'no Python again']);
    });

    it('runs the action the user picks', async () => {
        let opened = 0;
        const notifier = new Notifier(async (_message, ...actions) => actions[1], { 'Show Output': () => opened++ });
        notifier.notify('x', 'message', ['Open Settings', 'Show Output']);
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(opened, 1);
    });
});
