/**
 * Which vaultls server to start, in the order the README documents:
 *
 *   1. the `vaultls.server.path` setting (a `vaultls` executable);
 *   2. a `vaultls` executable on PATH;
 *   3. the server bundled in the extension (`bundled/libs`), run as
 *      `<python> -I -S <extension>/bundled/tool/launch.py serve`, where <python> is a
 *      Python >= 3.10 from the `vaultls.server.python` setting, else the Python extension's
 *      active interpreter, else `python3` or `python` on PATH; on Windows, else the py
 *      launcher (`py -3`), else `python.exe` or `python3.exe` on PATH.
 *
 * On Windows a program found on PATH runs only if it is an `.exe` (a `.bat` or `.cmd` shim needs
 * a shell, which nothing here uses), and `pythonw.exe` never runs the server: it has no console,
 * so a Python started by it may have no stdout or stderr at all and fails without a word; the
 * `python.exe` next to it runs instead. The py launcher is only asked for its interpreter
 * (`sys.executable`), which then runs the server itself.
 *
 * Never `python -m vaultls` or `python -c` without -I: Python puts the working folder first on
 * sys.path for both, so a `vaultls/` or `json.py` in a vault would be imported instead of the
 * real module. Isolated mode (-I) keeps the working folder and the PYTHON* variables out, and
 * the launcher adds bundled/libs itself; the host also runs every process in a working folder
 * outside the workspace (nodeHost.ts).
 *
 * In an untrusted workspace (Restricted Mode) nothing inside a workspace folder is run: not the
 * Python extension's interpreter (often a venv in the folder; it is not even asked), not a
 * `vaultls` or python on PATH that lies in a folder, not a setting that points into one (the
 * user-level value of a setting can still say `${workspaceFolder}`). The workspace's own values
 * of the server settings are ignored there too (see `serverSetting`).
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
export type PythonSource = 'setting' | 'python-extension' | 'path' | 'py-launcher';

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
    /** `process.platform`: `win32` looks for Windows' programs (`py -3`, `python.exe`). */
    platform: string;
    /** `vaultls.server.path`, expanded; empty when unset. */
    serverPathSetting: string;
    /** `vaultls.server.python`, expanded; empty when unset. */
    pythonSetting: string;
    /** Absolute path of `bundled/libs` inside the extension. */
    bundledLibs: string;
    /** Absolute path of the launcher `bundled/tool/launch.py` inside the extension. */
    bundledLauncher: string;
    /** Whether the workspace is trusted (`vscode.workspace.isTrusted`). */
    trusted: boolean;
    /** Every workspace folder (absolute paths): in an untrusted workspace nothing in them runs. */
    workspaceFolders: readonly string[];
    /** The path with symbolic links resolved (the path itself when that fails). */
    realPath(file: string): Promise<string>;
    /** True when the bundle holds the vaultls package and the launcher. */
    hasBundledServer(): Promise<boolean>;
    /** Every executable of that name on PATH, in PATH order. */
    findOnPath(name: string): Promise<string[]>;
    /** Whether the file exists (the `python.exe` next to a `pythonw.exe`). */
    isFile(file: string): Promise<boolean>;
    /**
     * The Python extension's interpreter for this folder, if that extension is installed.
     * Not called in an untrusted workspace.
     */
    pythonExtensionInterpreter(): Promise<string | undefined>;
    /**
     * Runs the interpreter (with `launcherArgs` first: `py -3`); rejects with a readable Error
     * when it cannot.
     */
    probePython(executable: string, launcherArgs?: readonly string[]): Promise<PythonInfo>;
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

/**
 * `<python> -I -S <launcher> serve`: isolated mode (no working folder or script folder on
 * sys.path, PYTHON* variables ignored), no site-packages; the launcher puts bundled/libs on
 * sys.path from its own location. No PYTHONPATH: -I would ignore it.
 */
export function bundledCommand(python: PythonInfo, source: PythonSource, launcher: string): ServerCommand {
    return {
        command: python.executable,
        args: ['-I', '-S', launcher, 'serve'],
        env: {},
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
        case 'py-launcher':
            return 'the py launcher (py -3)';
    }
}

/** The arguments that make the py launcher pick the newest Python 3 it knows of. */
export const PY_LAUNCHER_ARGS: readonly string[] = ['-3'];

/** `C:\Python312\pythonw.exe` → `C:\Python312\python.exe` (`pythonw3.12.exe` → `python3.12.exe`); undefined for any other program. */
export function consoleSibling(executable: string): string | undefined {
    const match = /^(.*[\\/])?pythonw([^\\/]*\.exe)$/i.exec(executable);
    return match ? `${match[1] ?? ''}python${match[2]}` : undefined;
}

/** Whether Windows can start the file without a shell: an `.exe` (or `.com`). */
function isWindowsProgram(file: string): boolean {
    return /\.(exe|com)$/i.test(file);
}

/** What VS Code's `WorkspaceConfiguration.inspect` gives for a setting (the parts used here). */
export interface InspectedSetting<T> {
    defaultValue?: T;
    globalValue?: T;
    workspaceValue?: T;
    workspaceFolderValue?: T;
}

/**
 * The value of a setting that chooses a program to run. In an untrusted workspace only the
 * user's own (global) value counts: the workspace's and the folder's values are what a cloned
 * repository could set. (VS Code already drops them for `restrictedConfigurations`; this does
 * not depend on it.)
 */
export function serverSetting<T>(inspected: InspectedSetting<T> | undefined, trusted: boolean): T | undefined {
    if (inspected === undefined) {
        return undefined;
    }
    if (trusted) {
        return inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue ?? inspected.defaultValue;
    }
    return inspected.globalValue ?? inspected.defaultValue;
}

function isWindowsPath(file: string): boolean {
    return /^[a-zA-Z]:[\\/]/.test(file) || file.startsWith('\\\\');
}

/** `a/./b/../c` → `a/c`, with `/` only; lower case for Windows paths (case-insensitive). */
function normalizePath(file: string): string {
    const windows = isWindowsPath(file);
    const parts: string[] = [];
    for (const part of file.replace(/\\/g, '/').split('/')) {
        if (part === '.' || (part === '' && parts.length > 0)) {
            continue;
        }
        if (part === '..' && parts.length > 1) {
            parts.pop();
            continue;
        }
        parts.push(part);
    }
    const result = parts.join('/') || '/';
    return windows ? result.toLowerCase() : result;
}

/** Whether `file` (an absolute path) is one of `folders` or inside one. */
export function isInsideFolder(file: string, folders: readonly string[]): boolean {
    const target = normalizePath(file);
    return folders.some((folder) => {
        const root = normalizePath(folder).replace(/\/$/, '');
        return target === root || target.startsWith(`${root}/`);
    });
}

function isAbsolutePath(file: string): boolean {
    return file.startsWith('/') || file.startsWith('\\') || isWindowsPath(file);
}

/**
 * A program setting (already expanded) as a path to run: a relative path with a folder in it
 * (`.venv/bin/python`) is relative to the workspace folder, as it was when the server ran there;
 * a bare name (`python3.12`) stays a name to look up on PATH.
 */
export function resolveSettingPath(value: string, workspaceFolder: string): string {
    if (value === '' || !hasFolder(value) || isAbsolutePath(value)) {
        return value;
    }
    const separator = isWindowsPath(workspaceFolder) ? '\\' : '/';
    return `${workspaceFolder.replace(/[\\/]+$/, '')}${separator}${value}`;
}

/** A path with a folder in it (`./python`, `.venv/bin/python`, `C:\\x`), not a bare name. */
function hasFolder(file: string): boolean {
    return /[\\/]/.test(file);
}

/**
 * Why an executable must not run in this workspace, or undefined when it may: in an untrusted
 * workspace, a program inside a workspace folder (by its path or by where its links lead) is
 * workspace content, which Restricted Mode promises not to run.
 */
async function untrustedReason(host: DiscoveryHost, executable: string): Promise<string | undefined> {
    if (host.trusted) {
        return undefined;
    }
    if (!hasFolder(executable)) {
        // A bare name is looked up on PATH by the caller first; one that is not found never runs.
        return undefined;
    }
    if (isInsideFolder(executable, host.workspaceFolders)) {
        return `${executable} is inside the workspace, which is not trusted (Restricted Mode runs nothing from it)`;
    }
    const real = await host.realPath(executable);
    if (real !== executable && isInsideFolder(real, host.workspaceFolders)) {
        return `${executable} leads to ${real}, inside the workspace, which is not trusted (Restricted Mode runs nothing from it)`;
    }
    return undefined;
}

/** A setting's program: a bare name is looked up on PATH first, so that where it lies is known. */
async function settingExecutable(host: DiscoveryHost, value: string): Promise<string> {
    return hasFolder(value) ? value : ((await host.findOnPath(value))[0] ?? value);
}

/**
 * The first executable of that name on PATH that may run here: in an untrusted workspace the
 * first one outside it (a venv's `bin` first on PATH does not hide the system's python3). Each
 * one skipped goes to `tried` and the log.
 */
async function firstOnPath(host: DiscoveryHost, name: string, tried: string[]): Promise<string | undefined> {
    for (const file of await host.findOnPath(name)) {
        if (host.platform === 'win32' && !isWindowsProgram(file)) {
            tried.push(`${name} on PATH (${file}) is not used: Windows runs it only through a shell, which vaultls does not use`);
            host.log(tried[tried.length - 1]);
            continue;
        }
        const refused = await untrustedReason(host, file);
        if (refused === undefined) {
            return file;
        }
        tried.push(`${name} on PATH (${file}) is not used: ${refused}`);
        host.log(tried[tried.length - 1]);
    }
    return undefined;
}

export async function discoverServer(host: DiscoveryHost): Promise<ServerCommand> {
    const tried: string[] = [];
    if (!host.trusted) {
        host.log('the workspace is not trusted (Restricted Mode): only user settings, PATH and the bundled server are used, and nothing inside the workspace runs');
    }

    // 1. The user's own vaultls executable.
    if (host.serverPathSetting) {
        const executable = await settingExecutable(host, host.serverPathSetting);
        const refused = await untrustedReason(host, executable);
        if (refused !== undefined) {
            throw new DiscoveryError(
                `The vaultls.server.path setting is "${host.serverPathSetting}", which is inside this untrusted workspace.`,
                [`vaultls.server.path (${host.serverPathSetting}): ${refused}`],
                'vaultls.server.path',
                'Trust the workspace to run it, or point the setting at a vaultls outside the workspace (or clear it to use the bundled server).',
            );
        }
        const command: ServerCommand = {
            command: executable,
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
    const onPath = await firstOnPath(host, 'vaultls', tried);
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
    /** `python.exe` for a `pythonw.exe` (when it is there), else the program itself. */
    const withConsole = async (executable: string): Promise<string | { refused: string }> => {
        const sibling = consoleSibling(executable);
        if (sibling === undefined) {
            return executable;
        }
        if (await host.isFile(sibling)) {
            host.log(`using ${sibling} instead of ${executable}, which has no console`);
            return sibling;
        }
        return { refused: `${executable} has no console (its output may go nowhere) and there is no ${sibling} next to it` };
    };
    const tryPython = async (candidate: string, source: PythonSource, launcherArgs: readonly string[] = []): Promise<ServerCommand | string> => {
        const shown = [candidate, ...launcherArgs].join(' ');
        const executable = await withConsole(candidate);
        if (typeof executable !== 'string') {
            return `${shown} (${describePythonSource(source)}) is not used: ${executable.refused}`;
        }
        const refused = await untrustedReason(host, executable);
        if (refused !== undefined) {
            return `${shown} (${describePythonSource(source)}) is not used: ${refused}`;
        }
        let python: PythonInfo;
        try {
            python = await host.probePython(executable, launcherArgs);
        } catch (error) {
            return `${shown} (${describePythonSource(source)}) does not run: ${message(error)}`;
        }
        if (!versionAtLeast(python.version, MIN_PYTHON)) {
            return `${shown} (${describePythonSource(source)}) is Python ${formatVersion(python.version)}, older than ${minimum}`;
        }
        // sys.executable may be a pythonw.exe too (a pythonw.exe setting with python.exe gone since).
        const real = await withConsole(python.executable);
        if (typeof real !== 'string') {
            return `${shown} (${describePythonSource(source)}) runs ${python.executable}, which is not used: ${real.refused}`;
        }
        python = { ...python, executable: real };
        // A shim (pyenv, asdf) may have chosen an interpreter inside the workspace.
        const refusedReal = python.executable === executable ? undefined : await untrustedReason(host, python.executable);
        if (refusedReal !== undefined) {
            return `${shown} (${describePythonSource(source)}) runs ${python.executable}, which is not used: ${refusedReal}`;
        }
        const command = bundledCommand(python, source, host.bundledLauncher);
        try {
            host.log(`bundled server with ${python.executable}: ${await host.checkServer(command)}`);
            return command;
        } catch (error) {
            return `the bundled server does not run with ${python.executable} (Python ${formatVersion(python.version)}): ${message(error)}`;
        }
    };

    if (host.pythonSetting) {
        const executable = await settingExecutable(host, host.pythonSetting);
        const refused = await untrustedReason(host, executable);
        if (refused !== undefined) {
            throw new DiscoveryError(
                `The vaultls.server.python setting is "${host.pythonSetting}", which is inside this untrusted workspace.`,
                [...tried, `vaultls.server.python (${host.pythonSetting}): ${refused}`],
                'vaultls.server.python',
                'Trust the workspace to run it, or point the setting at a Python outside the workspace (or clear it to let vaultls find one).',
            );
        }
        const result = await tryPython(executable, 'setting');
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

    const candidates: { executable: string; source: PythonSource; launcherArgs?: readonly string[] }[] = [];
    if (!host.trusted) {
        // Its interpreter for the folder is often a venv inside it; not even asked.
        tried.push("the Python extension's interpreter is not used: the workspace is not trusted");
    } else {
        try {
            const fromExtension = await host.pythonExtensionInterpreter();
            if (fromExtension) {
                candidates.push({ executable: fromExtension, source: 'python-extension' });
            }
        } catch (error) {
            tried.push(`the Python extension did not give an interpreter: ${message(error)}`);
        }
    }
    if (host.platform === 'win32') {
        // The py launcher first: `python.exe` on PATH is often the Microsoft Store's stub,
        // which only says how to install Python.
        const launcher = await firstOnPath(host, 'py', tried);
        if (launcher !== undefined) {
            candidates.push({ executable: launcher, source: 'py-launcher', launcherArgs: PY_LAUNCHER_ARGS });
        } else {
            tried.push('no py launcher on PATH');
        }
    }
    for (const name of host.platform === 'win32' ? ['python', 'python3'] : ['python3', 'python']) {
        const found = await firstOnPath(host, name, tried);
        if (found !== undefined) {
            candidates.push({ executable: found, source: 'path' });
        } else {
            tried.push(`no ${name} on PATH`);
        }
    }

    const seen = new Set<string>();
    for (const candidate of candidates) {
        const key = [candidate.executable, ...(candidate.launcherArgs ?? [])].join(' ');
        if (seen.has(key)) {
            continue;
        }
        seen.add(key);
        const result = await tryPython(candidate.executable, candidate.source, candidate.launcherArgs);
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
