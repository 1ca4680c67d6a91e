import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DiscoveryError, DiscoveryHost, PythonInfo, ServerCommand, discoverServer, expandPath, versionAtLeast } from '../discovery';

interface FakeOptions {
    serverPathSetting?: string;
    pythonSetting?: string;
    bundle?: boolean;
    /** Executables on PATH. */
    path?: { [name: string]: string };
    pythonExtension?: string | Error;
    /** Interpreter path → version (missing: does not run). */
    pythons?: { [executable: string]: [number, number, number] };
    /** Commands (the executable) whose --version fails. */
    broken?: string[];
}

function fakeHost(options: FakeOptions): DiscoveryHost & { calls: string[]; logs: string[] } {
    const calls: string[] = [];
    const logs: string[] = [];
    return {
        calls,
        logs,
        serverPathSetting: options.serverPathSetting ?? '',
        pythonSetting: options.pythonSetting ?? '',
        bundledLibs: '/ext/bundled/libs',
        hasBundledServer: async () => options.bundle ?? true,
        which: async (name) => {
            calls.push(`which ${name}`);
            return options.path?.[name];
        },
        pythonExtensionInterpreter: async () => {
            calls.push('python extension');
            if (options.pythonExtension instanceof Error) {
                throw options.pythonExtension;
            }
            return options.pythonExtension;
        },
        probePython: async (executable): Promise<PythonInfo> => {
            calls.push(`probe ${executable}`);
            const version = options.pythons?.[executable];
            if (version === undefined) {
                throw new Error('not found');
            }
            // A shim resolves to the real interpreter, as sys.executable does.
            return { executable: `${executable}-real`, version };
        },
        checkServer: async (command: ServerCommand) => {
            calls.push(`check ${command.command}`);
            if (options.broken?.includes(command.command)) {
                throw new Error('ModuleNotFoundError');
            }
            return 'vaultls 0.1.0';
        },
        log: (line) => logs.push(line),
    };
}

async function discoveryError(host: DiscoveryHost): Promise<DiscoveryError> {
    try {
        await discoverServer(host);
    } catch (error) {
        assert.ok(error instanceof DiscoveryError, String(error));
        return error;
    }
    assert.fail('discovery should have failed');
}

describe('discoverServer', () => {
    it('1. uses vaultls.server.path first, before anything on PATH', async () => {
        const host = fakeHost({ serverPathSetting: '/opt/vaultls', path: { vaultls: '/usr/bin/vaultls', python3: '/usr/bin/python3' } });
        const server = await discoverServer(host);
        assert.equal(server.source, 'setting');
        assert.equal(server.command, '/opt/vaultls');
        assert.deepEqual(server.args, ['serve']);
        assert.deepEqual(server.env, {});
        assert.ok(!host.calls.some((call) => call.startsWith('which')));
    });

    it('does not fall back when vaultls.server.path does not work', async () => {
        const host = fakeHost({ serverPathSetting: '/opt/vaultls', broken: ['/opt/vaultls'], path: { vaultls: '/usr/bin/vaultls' } });
        const error = await discoveryError(host);
        assert.equal(error.setting, 'vaultls.server.path');
        assert.match(error.summary, /\/opt\/vaultls/);
        assert.match(error.details.join('\n'), /ModuleNotFoundError/);
    });

    it('2. uses vaultls on PATH when the setting is empty', async () => {
        const host = fakeHost({ path: { vaultls: '/home/u/.local/bin/vaultls', python3: '/usr/bin/python3' }, pythons: { '/usr/bin/python3': [3, 12, 0] } });
        const server = await discoverServer(host);
        assert.equal(server.source, 'path');
        assert.equal(server.command, '/home/u/.local/bin/vaultls');
        assert.deepEqual(server.args, ['serve']);
        assert.ok(!host.calls.includes('probe /usr/bin/python3'));
    });

    it('falls back to the bundled server when vaultls on PATH is broken', async () => {
        const host = fakeHost({
            path: { vaultls: '/usr/bin/vaultls', python3: '/usr/bin/python3' },
            broken: ['/usr/bin/vaultls'],
            pythons: { '/usr/bin/python3': [3, 11, 7] },
        });
        const server = await discoverServer(host);
        assert.equal(server.source, 'bundled');
        assert.ok(host.logs.some((line) => line.includes('/usr/bin/vaultls') && line.includes('bundled')));
    });

    it('3. runs the bundled server as <python> -S -m vaultls serve with PYTHONPATH=bundled/libs', async () => {
        const host = fakeHost({ path: { python3: '/usr/bin/python3' }, pythons: { '/usr/bin/python3': [3, 11, 7] } });
        const server = await discoverServer(host);
        assert.equal(server.source, 'bundled');
        assert.equal(server.command, '/usr/bin/python3-real', 'the probed sys.executable, not the shim');
        assert.deepEqual(server.args, ['-S', '-m', 'vaultls', 'serve']);
        assert.deepEqual(server.env, { PYTHONPATH: '/ext/bundled/libs' });
        assert.deepEqual(server.python?.version, [3, 11, 7]);
        assert.equal(server.python?.source, 'path');
    });

    it('3a. takes vaultls.server.python before the Python extension and PATH', async () => {
        const host = fakeHost({
            pythonSetting: '/venv/bin/python',
            pythonExtension: '/ext-python',
            path: { python3: '/usr/bin/python3' },
            pythons: { '/venv/bin/python': [3, 10, 4], '/ext-python': [3, 12, 0], '/usr/bin/python3': [3, 11, 0] },
        });
        const server = await discoverServer(host);
        assert.equal(server.command, '/venv/bin/python-real');
        assert.equal(server.python?.source, 'setting');
        assert.ok(!host.calls.includes('python extension'));
    });

    it('does not fall back when vaultls.server.python is too old', async () => {
        const host = fakeHost({
            pythonSetting: '/old/python',
            path: { python3: '/usr/bin/python3' },
            pythons: { '/old/python': [3, 9, 18], '/usr/bin/python3': [3, 11, 0] },
        });
        const error = await discoveryError(host);
        assert.equal(error.setting, 'vaultls.server.python');
        assert.match(error.details.join('\n'), /3\.9\.18, older than 3\.10/);
    });

    it('does not fall back when vaultls.server.python does not run', async () => {
        const error = await discoveryError(fakeHost({ pythonSetting: '/nope', path: { python3: '/usr/bin/python3' }, pythons: { '/usr/bin/python3': [3, 11, 0] } }));
        assert.equal(error.setting, 'vaultls.server.python');
        assert.match(error.details.join('\n'), /\/nope .*does not run/);
    });

    it("3b. takes the Python extension's interpreter before PATH", async () => {
        const host = fakeHost({
            pythonExtension: '/proj/.venv/bin/python',
            path: { python3: '/usr/bin/python3' },
            pythons: { '/proj/.venv/bin/python': [3, 13, 0], '/usr/bin/python3': [3, 11, 0] },
        });
        const server = await discoverServer(host);
        assert.equal(server.command, '/proj/.venv/bin/python-real');
        assert.equal(server.python?.source, 'python-extension');
    });

    it("skips the Python extension's interpreter when it is older than 3.10", async () => {
        const host = fakeHost({
            pythonExtension: '/py38',
            path: { python3: '/usr/bin/python3' },
            pythons: { '/py38': [3, 8, 10], '/usr/bin/python3': [3, 11, 0] },
        });
        const server = await discoverServer(host);
        assert.equal(server.python?.source, 'path');
        assert.ok(host.logs.some((line) => line.includes('/py38') && line.includes('older than 3.10')));
    });

    it('survives a Python extension that throws', async () => {
        const host = fakeHost({ pythonExtension: new Error('boom'), path: { python3: '/usr/bin/python3' }, pythons: { '/usr/bin/python3': [3, 11, 0] } });
        assert.equal((await discoverServer(host)).python?.source, 'path');
    });

    it('3c. tries python3 before python, and python when python3 is too old', async () => {
        const both = fakeHost({ path: { python3: '/a/python3', python: '/b/python' }, pythons: { '/a/python3': [3, 10, 0], '/b/python': [3, 12, 0] } });
        assert.equal((await discoverServer(both)).command, '/a/python3-real');

        const old = fakeHost({ path: { python3: '/a/python3', python: '/b/python' }, pythons: { '/a/python3': [3, 9, 0], '/b/python': [3, 12, 0] } });
        assert.equal((await discoverServer(old)).command, '/b/python-real');

        const onlyPython = fakeHost({ path: { python: '/b/python' }, pythons: { '/b/python': [3, 10, 0] } });
        assert.equal((await discoverServer(onlyPython)).command, '/b/python-real');
    });

    it('tries the next Python when the bundle does not run with one', async () => {
        const host = fakeHost({
            path: { python3: '/a/python3', python: '/b/python' },
            pythons: { '/a/python3': [3, 14, 0], '/b/python': [3, 12, 0] },
            broken: ['/a/python3-real'],
        });
        assert.equal((await discoverServer(host)).command, '/b/python-real');
    });

    it('probes an interpreter once when the Python extension and PATH name the same one', async () => {
        const host = fakeHost({ pythonExtension: '/usr/bin/python3', path: { python3: '/usr/bin/python3' }, pythons: {} });
        await discoveryError(host);
        assert.equal(host.calls.filter((call) => call === 'probe /usr/bin/python3').length, 1);
    });

    it('says what it tried when no usable Python exists', async () => {
        const host = fakeHost({ pythonExtension: '/py39', path: { python3: '/usr/bin/python3' }, pythons: { '/py39': [3, 9, 1], '/usr/bin/python3': [3, 8, 0] } });
        const error = await discoveryError(host);
        assert.equal(error.setting, 'vaultls.server.python');
        assert.match(error.summary, /Python 3\.10 or newer/);
        assert.match(error.advice, /Install Python 3\.10 or newer .*vaultls\.server\.python/);
        const details = error.details.join('\n');
        assert.match(details, /no vaultls executable on PATH/);
        assert.match(details, /\/py39 .*3\.9\.1/);
        assert.match(details, /\/usr\/bin\/python3 .*3\.8\.0/);
        assert.match(details, /no python on PATH/);
    });

    it('says so when the bundle is missing and nothing else is there', async () => {
        const error = await discoveryError(fakeHost({ bundle: false, path: { python3: '/usr/bin/python3' }, pythons: { '/usr/bin/python3': [3, 11, 0] } }));
        assert.match(error.summary, /no bundled server/);
    });
});

describe('expandPath', () => {
    const vars = { home: '/home/u', workspaceFolder: '/vaults/notes', env: { VENV: '/opt/venv' } };

    it('expands ~, ${userHome}, ${workspaceFolder} and ${env:NAME}', () => {
        assert.equal(expandPath('~/bin/vaultls', vars), '/home/u/bin/vaultls');
        assert.equal(expandPath('~', vars), '/home/u');
        assert.equal(expandPath('${userHome}/x', vars), '/home/u/x');
        assert.equal(expandPath('${workspaceFolder}/.venv/bin/python', vars), '/vaults/notes/.venv/bin/python');
        assert.equal(expandPath('${env:VENV}/bin/python', vars), '/opt/venv/bin/python');
    });

    it('leaves other paths alone and maps unset to empty', () => {
        assert.equal(expandPath('/usr/bin/python3', vars), '/usr/bin/python3');
        assert.equal(expandPath('python3.12', vars), 'python3.12');
        assert.equal(expandPath('a~b', vars), 'a~b');
        assert.equal(expandPath('  ', vars), '');
        assert.equal(expandPath(undefined, vars), '');
    });
});

describe('versionAtLeast', () => {
    it('compares part by part', () => {
        assert.ok(versionAtLeast([3, 10, 0], [3, 10]));
        assert.ok(versionAtLeast([3, 13, 1], [3, 10]));
        assert.ok(versionAtLeast([4, 0, 0], [3, 10]));
        assert.ok(!versionAtLeast([3, 9, 18], [3, 10]));
        assert.ok(!versionAtLeast([2, 7, 18], [3, 10]));
    });
});
