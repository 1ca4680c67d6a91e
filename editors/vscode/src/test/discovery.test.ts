import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
    DiscoveryError,
    consoleSibling,
    DiscoveryHost,
    PythonInfo,
    ServerCommand,
    bundledCommand,
    discoverServer,
    expandPath,
    isInsideFolder,
    resolveSettingPath,
    serverSetting,
    versionAtLeast,
} from '../discovery';

interface FakeOptions {
    serverPathSetting?: string;
    pythonSetting?: string;
    bundle?: boolean;
    /** Executables on PATH (all of a name, in order, or the one). */
    path?: { [name: string]: string | string[] };
    pythonExtension?: string | Error;
    /** Interpreter path → version (missing: does not run). */
    pythons?: { [executable: string]: [number, number, number] };
    /** Commands (the executable) whose --version fails. */
    broken?: string[];
    /** Default true. */
    trusted?: boolean;
    /** Default ['/vault']. */
    workspaceFolders?: string[];
    /** Symbolic links: path → where it leads. */
    links?: { [file: string]: string };
    /** Interpreter path → its sys.executable, when not `<path>-real`. */
    resolves?: { [executable: string]: string };
    /** `process.platform`; default 'linux'. */
    platform?: string;
    /** Files that exist (for the python.exe next to a pythonw.exe). */
    files?: string[];
}

function fakeHost(options: FakeOptions): DiscoveryHost & { calls: string[]; logs: string[] } {
    const calls: string[] = [];
    const logs: string[] = [];
    return {
        calls,
        logs,
        platform: options.platform ?? 'linux',
        serverPathSetting: options.serverPathSetting ?? '',
        pythonSetting: options.pythonSetting ?? '',
        bundledLibs: '/ext/bundled/libs',
        bundledLauncher: '/ext/bundled/tool/launch.py',
        trusted: options.trusted ?? true,
        workspaceFolders: options.workspaceFolders ?? ['/vault'],
        realPath: async (file) => options.links?.[file] ?? file,
        hasBundledServer: async () => options.bundle ?? true,
        findOnPath: async (name) => {
            calls.push(`which ${name}`);
            const found = options.path?.[name];
            return found === undefined ? [] : typeof found === 'string' ? [found] : found;
        },
        isFile: async (file) => options.files?.includes(file) ?? false,
        pythonExtensionInterpreter: async () => {
            calls.push('python extension');
            if (options.pythonExtension instanceof Error) {
                throw options.pythonExtension;
            }
            return options.pythonExtension;
        },
        probePython: async (executable, launcherArgs = []): Promise<PythonInfo> => {
            const command = [executable, ...launcherArgs].join(' ');
            calls.push(`probe ${command}`);
            const version = options.pythons?.[command];
            if (version === undefined) {
                throw new Error('not found');
            }
            // A shim resolves to the real interpreter, as sys.executable does.
            return { executable: options.resolves?.[command] ?? `${executable}-real`, version };
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

    it('3. runs the bundled server isolated, as <python> -I -S bundled/tool/launch.py serve', async () => {
        const host = fakeHost({ path: { python3: '/usr/bin/python3' }, pythons: { '/usr/bin/python3': [3, 11, 7] } });
        const server = await discoverServer(host);
        assert.equal(server.source, 'bundled');
        assert.equal(server.command, '/usr/bin/python3-real', 'the probed sys.executable, not the shim');
        assert.deepEqual(server.args, ['-I', '-S', '/ext/bundled/tool/launch.py', 'serve']);
        // -I ignores PYTHONPATH: the launcher finds bundled/libs itself.
        assert.deepEqual(server.env, {});
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

describe('bundledCommand', () => {
    const python: PythonInfo = { executable: '/usr/bin/python3.12', version: [3, 12, 1] };

    it('is isolated (-I) and runs the launcher by its path: no -m, no -c, no PYTHONPATH', () => {
        for (const source of ['setting', 'python-extension', 'path'] as const) {
            const command = bundledCommand(python, source, '/ext/bundled/tool/launch.py');
            assert.equal(command.command, '/usr/bin/python3.12');
            assert.deepEqual(command.args, ['-I', '-S', '/ext/bundled/tool/launch.py', 'serve']);
            // `-m` and `-c` put the working folder first on sys.path (unless -I); neither is used.
            assert.ok(!command.args.includes('-m') && !command.args.includes('-c'));
            // -I comes before the script: options after it would be the script's own arguments.
            assert.ok(command.args.indexOf('-I') < command.args.indexOf('/ext/bundled/tool/launch.py'));
            assert.deepEqual(command.env, {});
        }
    });
});

describe('discoverServer in an untrusted workspace (Restricted Mode)', () => {
    const untrusted = (options: FakeOptions) => fakeHost({ trusted: false, workspaceFolders: ['/vault', '/other'], ...options });

    it("does not ask the Python extension, whose interpreter may be a venv in the vault", async () => {
        const host = untrusted({
            pythonExtension: '/vault/.venv/bin/python',
            path: { python3: '/usr/bin/python3' },
            pythons: { '/vault/.venv/bin/python': [3, 12, 0], '/usr/bin/python3': [3, 11, 0] },
        });
        const server = await discoverServer(host);
        assert.equal(server.command, '/usr/bin/python3-real');
        assert.equal(server.python?.source, 'path');
        assert.ok(!host.calls.includes('python extension'), 'the Python extension was asked');
        assert.ok(!host.calls.some((call) => call.includes('/vault/')), host.calls.join(', '));
        assert.ok(host.logs.some((line) => line.includes('not trusted')));

        // Even an interpreter of the Python extension outside the folder is not used untrusted.
        const outside = untrusted({ pythonExtension: '/opt/py/bin/python', path: {}, pythons: { '/opt/py/bin/python': [3, 12, 0] } });
        const error = await discoveryError(outside);
        assert.ok(!outside.calls.includes('python extension'));
        assert.match(error.details.join('\n'), /Python extension's interpreter is not used: the workspace is not trusted/);
    });

    it('uses the same interpreter once the workspace is trusted', async () => {
        const host = fakeHost({
            trusted: true,
            pythonExtension: '/vault/.venv/bin/python',
            path: { python3: '/usr/bin/python3' },
            pythons: { '/vault/.venv/bin/python': [3, 12, 0], '/usr/bin/python3': [3, 11, 0] },
        });
        assert.equal((await discoverServer(host)).command, '/vault/.venv/bin/python-real');
    });

    it('skips a python3 or vaultls on PATH that lies in a workspace folder (any of them)', async () => {
        const host = untrusted({
            path: { vaultls: '/other/bin/vaultls', python3: '/vault/.venv/bin/python3', python: '/usr/bin/python' },
            pythons: { '/vault/.venv/bin/python3': [3, 12, 0], '/usr/bin/python': [3, 11, 0] },
        });
        const server = await discoverServer(host);
        assert.equal(server.command, '/usr/bin/python-real');
        assert.ok(!host.calls.some((call) => call.includes('/vault/') || call.includes('/other/')), host.calls.join(', '));
        assert.ok(host.logs.some((line) => line.includes('/other/bin/vaultls') && line.includes('not trusted')));
    });

    it('takes the next python3 on PATH when the first lies in the workspace (a venv first on PATH)', async () => {
        const host = untrusted({
            path: { python3: ['/vault/.venv/bin/python3', '/usr/bin/python3'], python: '/usr/bin/python' },
            pythons: { '/vault/.venv/bin/python3': [3, 12, 0], '/usr/bin/python3': [3, 11, 0], '/usr/bin/python': [3, 11, 0] },
        });
        assert.equal((await discoverServer(host)).command, '/usr/bin/python3-real');
        assert.ok(!host.calls.some((call) => call.includes('/vault/')), host.calls.join(', '));

        // Trusted, the first python3 on PATH is the one, as before.
        const trusted = fakeHost({
            path: { python3: ['/vault/.venv/bin/python3', '/usr/bin/python3'] },
            pythons: { '/vault/.venv/bin/python3': [3, 12, 0], '/usr/bin/python3': [3, 11, 0] },
        });
        assert.equal((await discoverServer(trusted)).command, '/vault/.venv/bin/python3-real');
    });

    it('skips a program whose link leads into the workspace, and a shim that picks a Python there', async () => {
        const linked = untrusted({
            path: { python3: '/home/u/bin/python3', python: '/usr/bin/python' },
            links: { '/home/u/bin/python3': '/vault/.venv/bin/python3.12' },
            pythons: { '/home/u/bin/python3': [3, 12, 0], '/usr/bin/python': [3, 11, 0] },
        });
        assert.equal((await discoverServer(linked)).command, '/usr/bin/python-real');
        assert.ok(!linked.calls.includes('probe /home/u/bin/python3'));

        const shim = untrusted({
            path: { python3: '/home/u/.pyenv/shims/python3', python: '/usr/bin/python' },
            resolves: { '/home/u/.pyenv/shims/python3': '/vault/py/bin/python3' },
            pythons: { '/home/u/.pyenv/shims/python3': [3, 12, 0], '/usr/bin/python': [3, 11, 0] },
        });
        assert.equal((await discoverServer(shim)).command, '/usr/bin/python-real');
        assert.ok(!shim.calls.some((call) => call.startsWith('check /vault/')), shim.calls.join(', '));
    });

    it('refuses, with a clear error, a setting that points into the workspace', async () => {
        const server = await discoveryError(untrusted({ serverPathSetting: '/vault/tools/vaultls', path: { vaultls: '/usr/bin/vaultls' } }));
        assert.equal(server.setting, 'vaultls.server.path');
        assert.match(server.summary, /untrusted workspace/);
        assert.match(server.advice, /Trust the workspace/);

        const host = untrusted({ pythonSetting: '/vault/.venv/bin/python', path: { python3: '/usr/bin/python3' }, pythons: { '/vault/.venv/bin/python': [3, 12, 0], '/usr/bin/python3': [3, 11, 0] } });
        const python = await discoveryError(host);
        assert.equal(python.setting, 'vaultls.server.python');
        assert.match(python.summary, /untrusted workspace/);
        assert.ok(!host.calls.some((call) => call.includes('/vault/')), host.calls.join(', '));
    });

    it('looks a bare setting name up on PATH and refuses it there when it is in the workspace', async () => {
        const host = untrusted({ pythonSetting: 'python3.12', path: { 'python3.12': '/vault/bin/python3.12' }, pythons: { '/vault/bin/python3.12': [3, 12, 0] } });
        const error = await discoveryError(host);
        assert.equal(error.setting, 'vaultls.server.python');
        assert.ok(!host.calls.includes('probe /vault/bin/python3.12'));

        const fine = untrusted({ pythonSetting: 'python3.12', path: { 'python3.12': '/usr/bin/python3.12' }, pythons: { '/usr/bin/python3.12': [3, 12, 0] } });
        assert.equal((await discoverServer(fine)).command, '/usr/bin/python3.12-real');
    });

    it('still runs settings, PATH and the bundled server that lie outside the workspace', async () => {
        const fromSetting = untrusted({ serverPathSetting: '/opt/vaultls' });
        assert.equal((await discoverServer(fromSetting)).command, '/opt/vaultls');
        const fromPath = untrusted({ path: { vaultls: '/usr/local/bin/vaultls' } });
        assert.equal((await discoverServer(fromPath)).command, '/usr/local/bin/vaultls');
    });
});

describe('isInsideFolder', () => {
    it('matches the folder and what is below it, not its neighbours', () => {
        assert.ok(isInsideFolder('/vault/.venv/bin/python', ['/vault']));
        assert.ok(isInsideFolder('/vault', ['/vault/']));
        assert.ok(isInsideFolder('/vault/a/../b/python', ['/vault']));
        assert.ok(!isInsideFolder('/vault2/bin/python', ['/vault']));
        assert.ok(!isInsideFolder('/vault/../usr/bin/python3', ['/vault']));
        assert.ok(!isInsideFolder('/usr/bin/python3', []));
        assert.ok(isInsideFolder('/usr/bin/python3', ['/']), 'a workspace folder / holds everything');
    });

    it('compares Windows paths without case and with either slash', () => {
        assert.ok(isInsideFolder('C:\\Users\\u\\Vault\\.venv\\Scripts\\python.exe', ['c:\\users\\u\\vault']));
        assert.ok(isInsideFolder('c:/users/u/vault/python.exe', ['C:\\Users\\u\\Vault\\']));
        assert.ok(!isInsideFolder('C:\\Python312\\python.exe', ['C:\\Users\\u\\Vault']));
    });
});

describe('resolveSettingPath', () => {
    it('makes a relative path relative to the workspace folder, not to a working folder', () => {
        assert.equal(resolveSettingPath('.venv/bin/python', '/vaults/notes'), '/vaults/notes/.venv/bin/python');
        assert.equal(resolveSettingPath('./vaultls', '/vaults/notes/'), '/vaults/notes/./vaultls');
        assert.equal(resolveSettingPath('.venv\\Scripts\\python.exe', 'C:\\notes'), 'C:\\notes\\.venv\\Scripts\\python.exe');
    });

    it('leaves absolute paths, bare names and empty values alone', () => {
        assert.equal(resolveSettingPath('/usr/bin/python3', '/vaults/notes'), '/usr/bin/python3');
        assert.equal(resolveSettingPath('C:\\Python312\\python.exe', 'C:\\notes'), 'C:\\Python312\\python.exe');
        assert.equal(resolveSettingPath('python3.12', '/vaults/notes'), 'python3.12');
        assert.equal(resolveSettingPath('', '/vaults/notes'), '');
    });
});

describe('serverSetting', () => {
    const inspected = { defaultValue: '', globalValue: '/home/u/bin/vaultls', workspaceValue: '/vault/evil', workspaceFolderValue: '/vault/evil2' };

    it('takes the most specific value in a trusted workspace', () => {
        assert.equal(serverSetting(inspected, true), '/vault/evil2');
        assert.equal(serverSetting({ ...inspected, workspaceFolderValue: undefined }, true), '/vault/evil');
    });

    it("takes only the user's value in an untrusted workspace", () => {
        assert.equal(serverSetting(inspected, false), '/home/u/bin/vaultls');
        assert.equal(serverSetting({ ...inspected, globalValue: undefined }, false), '');
        assert.equal(serverSetting(undefined, false), undefined);
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

describe('discoverServer on Windows', () => {
    const store = 'C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps\\python.exe';

    it('asks the py launcher (py -3) for its interpreter and runs the server with that one', async () => {
        const host = fakeHost({
            platform: 'win32',
            path: { py: 'C:\\Windows\\py.exe', python: store },
            pythons: { 'C:\\Windows\\py.exe -3': [3, 12, 1] },
            resolves: { 'C:\\Windows\\py.exe -3': 'C:\\Python312\\python.exe' },
        });
        const server = await discoverServer(host);
        assert.equal(server.command, 'C:\\Python312\\python.exe');
        assert.deepEqual(server.args, ['-I', '-S', '/ext/bundled/tool/launch.py', 'serve']);
        assert.equal(server.python?.source, 'py-launcher');
        assert.ok(!host.calls.includes(`probe ${store}`), 'the py launcher comes before python.exe on PATH');
    });

    it("takes the Python extension's interpreter before the py launcher", async () => {
        const host = fakeHost({
            platform: 'win32',
            pythonExtension: 'C:\\proj\\.venv\\Scripts\\python.exe',
            path: { py: 'C:\\Windows\\py.exe' },
            pythons: { 'C:\\proj\\.venv\\Scripts\\python.exe': [3, 11, 0], 'C:\\Windows\\py.exe -3': [3, 12, 1] },
        });
        assert.equal((await discoverServer(host)).python?.source, 'python-extension');
    });

    it('tries python.exe, then python3.exe, when there is no py launcher (the Store stub does not run)', async () => {
        const host = fakeHost({
            platform: 'win32',
            path: { python: store, python3: 'C:\\Python311\\python3.exe' },
            pythons: { 'C:\\Python311\\python3.exe': [3, 11, 9] },
        });
        const server = await discoverServer(host);
        assert.equal(server.command, 'C:\\Python311\\python3.exe-real');
        assert.deepEqual(
            host.calls.filter((call) => call.startsWith('probe')),
            [`probe ${store}`, 'probe C:\\Python311\\python3.exe'],
        );
    });

    it('runs no .bat or .cmd found on PATH: they need a shell', async () => {
        const host = fakeHost({
            platform: 'win32',
            path: { python: ['C:\\pyenv-win\\shims\\python.bat', 'C:\\Python311\\python.exe'], vaultls: 'C:\\tools\\vaultls.cmd' },
            pythons: { 'C:\\pyenv-win\\shims\\python.bat': [3, 12, 0], 'C:\\Python311\\python.exe': [3, 11, 0] },
        });
        const server = await discoverServer(host);
        assert.equal(server.source, 'bundled');
        assert.equal(server.command, 'C:\\Python311\\python.exe-real');
        assert.ok(!host.calls.some((call) => call.includes('.bat') || call.includes('.cmd')), host.calls.join('\n'));
        assert.ok(host.logs.some((line) => line.includes('python.bat') && line.includes('shell')));
    });

    it('runs the python.exe next to a pythonw.exe, never the pythonw.exe', async () => {
        const pythonw = 'C:\\proj\\.venv\\Scripts\\pythonw.exe';
        const python = 'C:\\proj\\.venv\\Scripts\\python.exe';
        const host = fakeHost({ platform: 'win32', pythonExtension: pythonw, files: [python], pythons: { [python]: [3, 12, 0] }, resolves: { [python]: python } });
        const server = await discoverServer(host);
        assert.equal(server.command, python);
        assert.ok(!host.calls.some((call) => call.includes('pythonw')), host.calls.join('\n'));
    });

    it('does not use a pythonw.exe with no python.exe next to it', async () => {
        const host = fakeHost({
            platform: 'win32',
            pythonSetting: 'D:\\Python\\pythonw.exe',
            pythons: { 'D:\\Python\\pythonw.exe': [3, 12, 0] },
        });
        const error = await discoveryError(host);
        assert.equal(error.setting, 'vaultls.server.python');
        assert.match(error.details.join('\n'), /pythonw\.exe has no console .*no D:\\Python\\python\.exe next to it/);
    });

    it('runs python.exe when an interpreter reports a pythonw.exe as sys.executable', async () => {
        const host = fakeHost({
            platform: 'win32',
            pythonSetting: 'C:\\Python312\\python.exe',
            files: ['C:\\Python312\\python.exe'],
            pythons: { 'C:\\Python312\\python.exe': [3, 12, 0] },
            resolves: { 'C:\\Python312\\python.exe': 'C:\\Python312\\pythonw.exe' },
        });
        assert.equal((await discoverServer(host)).command, 'C:\\Python312\\python.exe');
    });

    it('in Restricted Mode skips a py launcher or python.exe inside the workspace, whatever its case', async () => {
        const host = fakeHost({
            platform: 'win32',
            trusted: false,
            workspaceFolders: ['C:\\Users\\Me\\Vault'],
            path: { py: 'c:\\users\\me\\vault\\py.exe', python: ['C:/USERS/ME/VAULT/.venv/Scripts/python.exe', 'C:\\Python311\\python.exe'] },
            pythons: { 'c:\\users\\me\\vault\\py.exe -3': [3, 12, 0], 'C:/USERS/ME/VAULT/.venv/Scripts/python.exe': [3, 12, 0], 'C:\\Python311\\python.exe': [3, 11, 0] },
        });
        const server = await discoverServer(host);
        assert.equal(server.command, 'C:\\Python311\\python.exe-real');
        assert.ok(!host.calls.some((call) => call.toLowerCase().includes('\\vault\\') || call.toLowerCase().includes('/vault/')), host.calls.join('\n'));
    });

    it('does not look for the py launcher elsewhere', async () => {
        const host = fakeHost({ platform: 'darwin', path: { python3: '/usr/local/bin/python3' }, pythons: { '/usr/local/bin/python3': [3, 12, 0] } });
        await discoverServer(host);
        assert.ok(!host.calls.includes('which py'));
    });
});

describe('consoleSibling', () => {
    it('names the python.exe of a pythonw.exe, in any case and with a version', () => {
        assert.equal(consoleSibling('C:\\Python312\\pythonw.exe'), 'C:\\Python312\\python.exe');
        assert.equal(consoleSibling('C:\\Store\\PythonW3.12.EXE'), 'C:\\Store\\python3.12.EXE');
        assert.equal(consoleSibling('D:/py/pythonw.exe'), 'D:/py/python.exe');
    });

    it('leaves every other program alone', () => {
        assert.equal(consoleSibling('C:\\Python312\\python.exe'), undefined);
        assert.equal(consoleSibling('/usr/bin/pythonw'), undefined);
        assert.equal(consoleSibling('C:\\pythonwork\\python.exe'), undefined);
    });
});
