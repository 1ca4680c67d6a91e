/**
 * The parts of server discovery that touch the system: PATH lookup and running Python and
 * vaultls to ask their versions, and the working folder and environment of every process the
 * extension starts. Plain node (no `vscode` import), so tests can run them.
 */
import { execFile } from 'child_process';
import { promises as fs } from 'fs';
import * as path from 'path';

import { DiscoveryHost, PythonInfo, ServerCommand } from './discovery';

export type Env = { [name: string]: string | undefined };

const PROBE_TIMEOUT_MS = 15_000;

/** First executable file called `name` in the PATH of `env` (PATHEXT on Windows). */
export async function which(name: string, env: Env = process.env, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
    return (await whichAll(name, env, platform))[0];
}

/**
 * Every executable file called `name` in the PATH of `env`, in PATH order, each once. On
 * Windows a name without an extension is looked for with each of PATHEXT's, as Windows does
 * (a file called just `python` is no program there).
 */
export async function whichAll(
    name: string,
    env: Env = process.env,
    platform: NodeJS.Platform = process.platform,
    isExecutable: (file: string, platform: NodeJS.Platform) => Promise<boolean> = isExecutableFile,
): Promise<string[]> {
    const found: string[] = [];
    const pathValue = env.PATH ?? env.Path ?? '';
    const pathApi = platform === 'win32' ? path.win32 : path.posix;
    const extensions = platform === 'win32' && !pathApi.extname(name) ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean) : [''];
    for (const dir of pathValue.split(platform === 'win32' ? ';' : path.delimiter)) {
        // An empty or relative entry (`.`, `bin`) means "the working folder": never looked in.
        if (!dir || !pathApi.isAbsolute(dir)) {
            continue;
        }
        for (const extension of extensions) {
            const candidate = pathApi.join(dir, name + extension);
            if (!found.includes(candidate) && (await isExecutable(candidate, platform))) {
                found.push(candidate);
                break;
            }
        }
    }
    return found;
}

export async function isExecutableFile(file: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
    try {
        const stat = await fs.stat(file);
        if (!stat.isFile()) {
            return false;
        }
        if (platform !== 'win32') {
            await fs.access(file, fs.constants.X_OK);
        }
        return true;
    } catch {
        return false;
    }
}

export async function isFile(file: string): Promise<boolean> {
    try {
        return (await fs.stat(file)).isFile();
    } catch {
        return false;
    }
}

export async function isDirectory(dir: string): Promise<boolean> {
    try {
        return (await fs.stat(dir)).isDirectory();
    } catch {
        return false;
    }
}

interface RunResult {
    stdout: string;
    stderr: string;
}

/** Runs a program; rejects with an Error whose message has the exit status and stderr's end. */
export function run(command: string, args: string[], options: { env?: Env; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        execFile(
            command,
            args,
            {
                env: options.env as NodeJS.ProcessEnv | undefined,
                cwd: options.cwd,
                timeout: options.timeoutMs ?? PROBE_TIMEOUT_MS,
                windowsHide: true,
                maxBuffer: 1024 * 1024,
            },
            (error, stdout, stderr) => {
                if (error) {
                    const tail = String(stderr).trim().split(/\r?\n/).slice(-15).join('\n');
                    const how = error.killed
                        ? `timed out after ${(options.timeoutMs ?? PROBE_TIMEOUT_MS) / 1000} s`
                        : (error as NodeJS.ErrnoException).code === 'ENOENT'
                          ? 'not found'
                          : `exit status ${String(error.code ?? error.signal)}`;
                    reject(new Error(tail ? `${how}:\n${tail}` : how));
                    return;
                }
                resolve({ stdout: String(stdout), stderr: String(stderr) });
            },
        );
    });
}

/** Imports nothing (`sys` is built in). */
const PROBE_SCRIPT = 'import sys; print(sys.executable); print(*sys.version_info[:3])';

/** The arguments of the probe: isolated (-I: no working folder on sys.path, no PYTHON* variables), no site-packages (-S, also fast). */
export const PROBE_ARGS: readonly string[] = ['-I', '-S', '-c', PROBE_SCRIPT];

/** Asks an interpreter for its real path and version (`launcherArgs` first: `py -3`). */
export async function probePython(executable: string, options: { env?: Env; cwd?: string } = {}, launcherArgs: readonly string[] = []): Promise<PythonInfo> {
    const { stdout } = await run(executable, [...launcherArgs, ...PROBE_ARGS], options);
    return parseProbe(stdout, executable);
}

export function parseProbe(stdout: string, executable: string): PythonInfo {
    const lines = stdout.replace(/\s+$/, '').split(/\r?\n/);
    const numbers = (lines[1] ?? '').trim().split(/\s+/).map(Number);
    if (lines.length < 2 || numbers.length !== 3 || numbers.some((n) => !Number.isInteger(n))) {
        throw new Error(`unexpected answer to a version probe: ${JSON.stringify(stdout.slice(0, 200))}`);
    }
    return { executable: lines[0].trim() || executable, version: [numbers[0], numbers[1], numbers[2]] };
}

/** The same command with `--version` in place of `serve`. */
export function versionArgs(command: ServerCommand): string[] {
    return command.args.map((arg) => (arg === 'serve' ? '--version' : arg));
}

/** Runs `<server> --version`; resolves to its first line of output. */
export async function checkServer(command: ServerCommand, options: { env?: Env; cwd?: string } = {}): Promise<string> {
    const env = { ...(options.env ?? process.env), ...command.env };
    const { stdout, stderr } = await run(command.command, versionArgs(command), { env, cwd: options.cwd });
    const answer = (stdout.trim() || stderr.trim()).split(/\r?\n/)[0] ?? '';
    if (!/vaultls/i.test(answer)) {
        throw new Error(`--version printed ${JSON.stringify(answer)}, not a vaultls version`);
    }
    return answer;
}

/** The path with its symbolic links resolved, or the path itself when that fails. */
export async function realPath(file: string): Promise<string> {
    try {
        return await fs.realpath(file);
    } catch {
        return file;
    }
}

/**
 * The working folder of every process the extension starts (the server, its `--version` check,
 * the Python probe): the extension's own install folder, never the vault. The server learns its
 * vault from LSP `initialize` (rootUri, workspaceFolders) and does not use its working folder.
 * Why not the vault:
 * - `python -m` and `python -c` put the working folder first on sys.path (the bundled server
 *   also runs with -I, which keeps it off; a user's own `vaultls` or Python may not);
 * - on Windows, python.exe looks for DLLs in its working folder too (after its own folder and
 *   the system folders), and a program name without a folder may be found there;
 * - version managers' shims (pyenv, asdf, mise) pick the interpreter from a `.python-version`
 *   or `.tool-versions` file in the working folder, which a vault could carry.
 */
export function safeWorkingFolder(extensionPath: string): string {
    return extensionPath;
}

/** How the language client starts the server: its working folder and environment. */
export function serverProcessOptions(server: ServerCommand, extensionPath: string, env: Env = process.env): { cwd: string; env: Env } {
    return { cwd: safeWorkingFolder(extensionPath), env: { ...env, ...server.env } };
}

export interface NodeHostOptions {
    /** `vaultls.server.path` as a path to run (expanded, see resolveSettingPath); empty when unset. */
    serverPathSetting: string;
    /** `vaultls.server.python` likewise. */
    pythonSetting: string;
    /** The extension's install folder (`context.extensionPath`), with `bundled/` in it. */
    extensionPath: string;
    trusted: boolean;
    workspaceFolders: readonly string[];
    pythonExtensionInterpreter(): Promise<string | undefined>;
    log(line: string): void;
    env?: Env;
}

/** The DiscoveryHost of the extension: every process it runs has a safe working folder. */
export function createNodeHost(options: NodeHostOptions): DiscoveryHost {
    const bundledLibs = path.join(options.extensionPath, 'bundled', 'libs');
    const bundledLauncher = path.join(options.extensionPath, 'bundled', 'tool', 'launch.py');
    const cwd = safeWorkingFolder(options.extensionPath);
    const env = options.env ?? process.env;
    return {
        platform: process.platform,
        serverPathSetting: options.serverPathSetting,
        pythonSetting: options.pythonSetting,
        bundledLibs,
        bundledLauncher,
        trusted: options.trusted,
        workspaceFolders: options.workspaceFolders,
        realPath,
        hasBundledServer: async () => (await isDirectory(path.join(bundledLibs, 'vaultls'))) && (await isFile(bundledLauncher)),
        findOnPath: (name) => whichAll(name, env),
        isFile,
        pythonExtensionInterpreter: options.pythonExtensionInterpreter,
        probePython: (executable, launcherArgs) => probePython(executable, { env, cwd }, launcherArgs),
        checkServer: (command) => checkServer(command, { env, cwd }),
        log: options.log,
    };
}
