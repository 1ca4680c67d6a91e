/**
 * The parts of server discovery that touch the system: PATH lookup and running Python and
 * vaultls to ask their versions. Plain node (no `vscode` import), so tests can run them.
 */
import { execFile } from 'child_process';
import { promises as fs } from 'fs';
import * as path from 'path';

import { PythonInfo, ServerCommand } from './discovery';

export type Env = { [name: string]: string | undefined };

const PROBE_TIMEOUT_MS = 15_000;

/** First executable file called `name` in the PATH of `env` (PATHEXT on Windows). */
export async function which(name: string, env: Env = process.env, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
    const pathValue = env.PATH ?? env.Path ?? '';
    const extensions = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)] : [''];
    for (const dir of pathValue.split(platform === 'win32' ? ';' : path.delimiter)) {
        if (!dir) {
            continue;
        }
        for (const extension of extensions) {
            const candidate = path.join(dir, name + extension);
            if (await isExecutableFile(candidate, platform)) {
                return candidate;
            }
        }
    }
    return undefined;
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

const PROBE_SCRIPT = 'import sys; print(sys.executable); print(*sys.version_info[:3])';

/** Asks an interpreter for its real path and version (`-S`: no site-packages, fast). */
export async function probePython(executable: string, options: { env?: Env; cwd?: string } = {}): Promise<PythonInfo> {
    const { stdout } = await run(executable, ['-S', '-c', PROBE_SCRIPT], options);
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
