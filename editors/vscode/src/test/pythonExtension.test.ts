import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { PythonExtension, PythonExtensionApi, PythonExtensionHandle } from '../pythonExtension';

type Resource = { folder: string };

function handle(api: PythonExtensionApi<Resource>, options: { active?: boolean; activate?: () => Promise<PythonExtensionApi<Resource>> } = {}): PythonExtensionHandle<Resource> {
    return { isActive: options.active ?? true, exports: api, activate: options.activate ?? (async () => api) };
}

/** The newer API: environments, with an event for interpreter changes. */
function environmentsApi(paths: { [folder: string]: string }, resolved?: string) {
    const listeners: (() => void)[] = [];
    let disposed = 0;
    const api: PythonExtensionApi<Resource> = {
        environments: {
            getActiveEnvironmentPath: (resource) => ({ id: 'env', path: paths[resource?.folder ?? ''] }),
            resolveEnvironment: async () => (resolved === undefined ? undefined : { executable: { uri: { fsPath: resolved } } }),
            onDidChangeActiveEnvironmentPath: (listener) => {
                listeners.push(() => listener({}));
                return { dispose: () => disposed++ };
            },
        },
    };
    return { api, fire: () => listeners.forEach((listener) => listener()), listeners, disposed: () => disposed };
}

describe('PythonExtension', () => {
    it('gives nothing when the Python extension is not installed', async () => {
        const python = new PythonExtension<Resource>({ find: () => undefined, log: () => undefined, interpreterChanged: () => undefined });
        assert.equal(await python.interpreter({ folder: '/v' }), undefined);
    });

    it("gives the folder's resolved interpreter, else the active environment's path", async () => {
        const resolving = environmentsApi({ '/v': '/v/.venv' }, '/v/.venv/bin/python3');
        const python = new PythonExtension<Resource>({ find: () => handle(resolving.api), log: () => undefined, interpreterChanged: () => undefined });
        assert.equal(await python.interpreter({ folder: '/v' }), '/v/.venv/bin/python3');

        const unresolved = environmentsApi({ '/v': '/usr/bin/python3' });
        const python2 = new PythonExtension<Resource>({ find: () => handle(unresolved.api), log: () => undefined, interpreterChanged: () => undefined });
        assert.equal(await python2.interpreter({ folder: '/v' }), '/usr/bin/python3');
    });

    it('falls back to the older settings API', async () => {
        const api: PythonExtensionApi<Resource> = { settings: { getExecutionDetails: (resource) => ({ execCommand: [`${resource?.folder}/python`, '-X'] }) } };
        const python = new PythonExtension<Resource>({ find: () => handle(api), log: () => undefined, interpreterChanged: () => undefined });
        assert.equal(await python.interpreter({ folder: '/v' }), '/v/python');
        const none = new PythonExtension<Resource>({ find: () => handle({}), log: () => undefined, interpreterChanged: () => undefined });
        assert.equal(await none.interpreter({ folder: '/v' }), undefined);
    });

    it('activates the extension, and gives up after the timeout', async () => {
        const { api } = environmentsApi({ '/v': '/p' });
        let activated = 0;
        const python = new PythonExtension<Resource>({
            find: () => handle(api, { active: false, activate: async () => (activated++, api) }),
            log: () => undefined,
            interpreterChanged: () => undefined,
        });
        assert.equal(await python.interpreter({ folder: '/v' }), '/p');
        assert.equal(activated, 1);

        const logged: string[] = [];
        const stuck = new PythonExtension<Resource>({
            find: () => handle(api, { active: false, activate: () => new Promise(() => undefined) }),
            log: (message) => logged.push(message),
            interpreterChanged: () => undefined,
            activationTimeoutMs: 10,
        });
        assert.equal(await stuck.interpreter({ folder: '/v' }), undefined);
        assert.deepEqual(logged, ['the Python extension did not activate within 15 s; not using its interpreter']);
    });

    it('hears of interpreter changes once it was asked, subscribing once, until disposed', async () => {
        const env = environmentsApi({ '/v': '/p' });
        let changes = 0;
        const python = new PythonExtension<Resource>({ find: () => handle(env.api), log: () => undefined, interpreterChanged: () => changes++ });
        env.fire();
        assert.equal(changes, 0);
        await python.interpreter({ folder: '/v' });
        await python.interpreter({ folder: '/w' });
        assert.equal(env.listeners.length, 1);
        env.fire();
        assert.equal(changes, 1);
        python.dispose();
        assert.equal(env.disposed(), 1);
    });
});
