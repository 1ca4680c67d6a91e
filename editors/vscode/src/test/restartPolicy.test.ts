import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ExitWindow, RESTART_WINDOW_MS, continueAfterError, restartAfterExit } from '../restartPolicy';

describe('restart policy', () => {
    it('goes on after up to 3 errors, then shuts the connection down', () => {
        assert.deepEqual([1, 2, 3, 4].map(continueAfterError), [true, true, true, false]);
        assert.equal(continueAfterError(undefined), false);
    });

    it('restarts a server that exits up to 4 times within 3 minutes', () => {
        let now = 0;
        const window = new ExitWindow(() => now);
        const restarts: boolean[] = [];
        for (let i = 0; i < 5; i++) {
            now += 1000;
            restarts.push(restartAfterExit(window.record()));
        }
        assert.deepEqual(restarts, [true, true, true, true, false]);
    });

    it('forgets exits older than 3 minutes', () => {
        let now = 0;
        const window = new ExitWindow(() => now);
        window.record();
        window.record();
        now = RESTART_WINDOW_MS;
        assert.equal(window.record(), 3, 'exactly 3 minutes ago still counts');
        now = RESTART_WINDOW_MS + 1;
        assert.equal(window.record(), 2);
    });
});
