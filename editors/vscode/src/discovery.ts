/**
 * Which vaultls server to start, in the order the README documents:
 *
 *   1. the `vaultls.server.path` setting (a `vaultls` executable);
 *   2. a `vaultls` executable on PATH;
 *   3. the server bundled in the extension (`bundled/libs`), run as
 *      `<python> -S -m vaultls serve` with `PYTHONPATH=<extension>/bundled/libs`, where <python>
 *      is a Python >= 3.10 from the `vaultls.server.python` setting, else the Python
 *      extension's active interpreter, else `python3` or `python` on PATH.
 *
 * A setting the user wrote is never skipped silently: when it does not work, discovery stops
 * with an error that names the setting. Candidates the user did not choose (a `vaultls` on PATH,
 * the Python extension's interpreter, python3 on PATH) are tried in turn, and each failure is
 * kept for the log.
 *
 * Everything that touches the system goes through DiscoveryHost, so the order is unit-tested
 * with plain node and fake hosts. No `vscode` import here.
 */

export const MIN_PYTHON: readonly [number, number] = [3, 10];

export type ServerSource = 'setting' | 'path' | 'bundled';
export type PythonSource = 'setting' | 'python-extension' | 'path';

export interface PythonInfo {
    /** The interpreter itself (`sys.executable`), so a pyenv shim or a venv link is resolved once. */
    executable: string;
    version: readonly [number, number, number];
}

export interface ServerCommand {
    command: string;
    args: string[];
    /** Set on top of the extension host's environment. */
    env: { [name: string]: string };
    source: ServerSource;
    python?: PythonInfo & { source: PythonSource };
    /** What runs and why, for the log. */
    description: string;
}

export interface DiscoveryHost {
    /** `vaultls.server.path`, expanded; empty when unset. */
    serverPathSetting: string;
    /** `vaultls.server.python`, expanded; empty when unset. */
    pythonSetting: string;
    /** Absolute path of `bundled/libs` inside the extension. */
    bundledLibs: string;
    /** True when the bundle holds the vaultls package. */
    hasBundledServer(): Promise<boolean>;
    /** An executable of that name on PATH, or undefined. */
    which(name: string): Promise<string | undefined>;
    /** The Python extension's interpreter for this folder, if that extension is installed. */
    pythonExtensionInterpreter(): Promise<string | undefined>;
    /** Runs the interpreter; rejects with a readable Error when it cannot. */
    probePython(executable: string): Promise<PythonInfo>;
    /** Runs the command with `--version` instead of `serve`; resolves to what it printed. */
    checkServer(command: ServerCommand): Promise<string>;
    log(line: string): void;
}

/** Discovery found nothing that works. `summary` is for the notification, `details` for the log. */
export class DiscoveryError extends Error {
    constructor(
        readonly summary: string,
        readonly details: readonly string[],
        /** The setting the user should look at. */
        readonly setting: string,
        /** What to do about it, for the notification. */
        readonly advice: string,
    ) {
        super(`${summary} ${advice}`);
        this.name = 'DiscoveryError';
    }
}

export function versionAtLeast(version: readonly number[], minimum: readonly number[]): boolean {
    for (let i = 0; i < minimum.length; i++) {
        const part = version[i] ?? 0;
        if (part !== minimum[i]) {
            return part > minimum[i];
        }
    }
    return true;
}

export function formatVersion(version: readonly number[]): string {
    return version.join('.');
}

/** `~`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}` in a path setting. */
export function expandPath(
    value: string | undefined,
    vars: { home: string; workspaceFolder?: string; env?: { [name: string]: string | undefined } },
): string {
    let result = (value ?? '').trim();
    if (result === '') {
        return '';
    }
    if (result === '~' || result.startsWith('~/') || result.startsWith('~\\')) {
        result = vars.home + result.slice(1);
    }
    result = result.replace(/\$\{userHome\}/g, vars.home);
    if (vars.workspaceFolder !== undefined) {
        result = result.replace(/\$\{workspaceFolder\}/g, vars.workspaceFolder);
    }
    result = result.replace(/\$\{env:([^}]+)\}/g, (_, name: string) => vars.env?.[name] ?? '');
    return result;
}

function message(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

export function bundledCommand(python: PythonInfo, source: PythonSource, bundledLibs: string): ServerCommand {
    return {
        command: python.executable,
        args: ['-S', '-m', 'vaultls', 'serve'],
        env: { PYTHONPATH: bundledLibs },
        source: 'bundled',
        python: { ...python, source },
        description: `bundled server with Python ${formatVersion(python.version)} (${python.executable}, from ${describePythonSource(source)})`,
    };
}

function describePythonSource(source: PythonSource): string {
    switch (source) {
        case 'setting':
            return 'vaultls.server.python';
        case 'python-extension':
            return "the Python extension's interpreter";
        case 'path':
            return 'PATH';
    }
}

export async function discoverServer(host: DiscoveryHost): Promise<ServerCommand> {
    const tried: string[] = [];

    // 1. The user's own vaultls executable.
    if (host.serverPathSetting) {
        const command: ServerCommand = {
            command: host.serverPathSetting,
            args: ['serve'],
            env: {},
            source: 'setting',
            description: `${host.serverPathSetting} (from vaultls.server.path)`,
        };
        try {
            host.log(`vaultls.server.path: ${await host.checkServer(command)}`);
            return command;
        } catch (error) {
            throw new DiscoveryError(
                `The vaultls.server.path setting is "${host.serverPathSetting}", which does not run as a vaultls server.`,
                [`vaultls.server.path (${host.serverPathSetting}): ${message(error)}`],
                'vaultls.server.path',
                'Point it at a vaultls executable (`vaultls --version` must work), or clear it to use the bundled server.',
            );
        }
    }

    // 2. vaultls on PATH.
    const onPath = await host.which('vaultls');
    if (onPath !== undefined) {
        const command: ServerCommand = {
            command: onPath,
            args: ['serve'],
            env: {},
            source: 'path',
            description: `${onPath} (vaultls on PATH)`,
        };
        try {
            host.log(`vaultls on PATH: ${onPath}: ${await host.checkServer(command)}`);
            return command;
        } catch (error) {
            tried.push(`vaultls on PATH (${onPath}) does not run: ${message(error)}`);
            host.log(`${tried[tried.length - 1]}; trying the bundled server`);
        }
    } else {
        tried.push('no vaultls executable on PATH');
    }

    // 3. The bundled server, with some Python >= 3.10.
    if (!(await host.hasBundledServer())) {
        throw new DiscoveryError(
            'No vaultls server found: this build of the extension has no bundled server and there is no vaultls on PATH.',
            [...tried, `no bundled server in ${host.bundledLibs}`],
            'vaultls.server.path',
            'Install vaultls (`pip install vaultls`) and set vaultls.server.path to it, or install a build of the extension that bundles the server.',
        );
    }

    const minimum = formatVersion(MIN_PYTHON);
    const tryPython = async (executable: string, source: PythonSource): Promise<ServerCommand | string> => {
        let python: PythonInfo;
        try {
            python = await host.probePython(executable);
        } catch (error) {
            return `${executable} (${describePythonSource(source)}) does not run: ${message(error)}`;
        }
        if (!versionAtLeast(python.version, MIN_PYTHON)) {
            return `${executable} (${describePythonSource(source)}) is Python ${formatVersion(python.version)}, older than ${minimum}`;
        }
        const command = bundledCommand(python, source, host.bundledLibs);
        try {
            host.log(`bundled server with ${python.executable}: ${await host.checkServer(command)}`);
            return command;
        } catch (error) {
            return `the bundled server does not run with ${python.executable} (Python ${formatVersion(python.version)}): ${message(error)}`;
        }
    };

    if (host.pythonSetting) {
        const result = await tryPython(host.pythonSetting, 'setting');
        if (typeof result !== 'string') {
            return result;
        }
        throw new DiscoveryError(
            `The vaultls.server.python setting is "${host.pythonSetting}", which cannot run the bundled vaultls server (it needs Python ${minimum} or newer).`,
            [...tried, result],
            'vaultls.server.python',
            `Point it at a Python ${minimum}+ interpreter, or clear it to let vaultls find one.`,
        );
    }

    const candidates: { executable: string; source: PythonSource }[] = [];
    try {
        const fromExtension = await host.pythonExtensionInterpreter();
        if (fromExtension) {
            candidates.push({ executable: fromExtension, source: 'python-extension' });
        }
    } catch (error) {
        tried.push(`the Python extension did not give an interpreter: ${message(error)}`);
    }
    for (const name of ['python3', 'python']) {
        const found = await host.which(name);
        if (found !== undefined) {
            candidates.push({ executable: found, source: 'path' });
        } else {
            tried.push(`no ${name} on PATH`);
        }
    }

    const seen = new Set<string>();
    for (const candidate of candidates) {
        if (seen.has(candidate.executable)) {
            continue;
        }
        seen.add(candidate.executable);
        const result = await tryPython(candidate.executable, candidate.source);
        if (typeof result !== 'string') {
            return result;
        }
        tried.push(result);
        host.log(result);
    }

    throw new DiscoveryError(
        `vaultls needs Python ${minimum} or newer to run its bundled server, and none was found.`,
        tried,
        'vaultls.server.python',
        `Install Python ${minimum} or newer and run "vaultls: Restart Server", or set vaultls.server.python to a Python ${minimum}+ interpreter.`,
    );
}
