import * as assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ServerCommand, bundledCommand, discoverServer } from '../discovery';
import { PROBE_ARGS, checkServer, createNodeHost, parseProbe, probePython, realPath, serverProcessOptions, versionArgs, which, whichAll } from '../nodeHost';

/** The launcher's source (out/test/ → launcher/launch.py). */
const LAUNCHER_SOURCE = path.join(__dirname, '..', '..', 'launcher', 'launch.py');

const posix = process.platform !== 'win32';
/** A fresh folder for this file's scripts, removed after the tests. */
const dir = mkdtempSync(path.join(os.tmpdir(), 'vaultls-nodehost-'));

function script(name: string, body: string, mode = 0o755): string {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, mode);
    return file;
}

after(() => {
    rmSync(dir, { recursive: true, force: true });
});

describe('which', { skip: !posix && 'POSIX shell scripts' }, () => {
    it('finds the first executable on PATH and skips non-executable files and folders', () => {
        const a = path.join(dir, 'a');
        const b = path.join(dir, 'b');
        const c = path.join(dir, 'c');
        for (const d of [a, b, c]) {
            mkdirSync(d, { recursive: true });
        }
        writeFileSync(path.join(a, 'tool'), 'not executable');
        chmodSync(path.join(a, 'tool'), 0o644);
        mkdirSync(path.join(b, 'tool'));
        writeFileSync(path.join(c, 'tool'), '#!/bin/sh\n');
        chmodSync(path.join(c, 'tool'), 0o755);
        return which('tool', { PATH: [a, b, c].join(path.delimiter) }).then((found) => {
            assert.equal(found, path.join(c, 'tool'));
        });
    });

    it('finds all of them in PATH order, each once (whichAll)', async () => {
        const d = path.join(dir, 'd');
        const e = path.join(dir, 'e');
        for (const folder of [d, e]) {
            mkdirSync(folder, { recursive: true });
            writeFileSync(path.join(folder, 'tool3'), '#!/bin/sh\n');
            chmodSync(path.join(folder, 'tool3'), 0o755);
        }
        assert.deepEqual(await whichAll('tool3', { PATH: [e, d, e].join(path.delimiter) }), [path.join(e, 'tool3'), path.join(d, 'tool3')]);
        assert.deepEqual(await whichAll('no-such-tool-here', { PATH: d }), []);
    });

    it('on Windows looks for each PATHEXT extension, never a bare name, in PATH order', async () => {
        const files = new Set(['C:\\pyenv\\shims\\python', 'C:\\pyenv\\shims\\python.bat', 'C:\\Python312\\python.exe', 'C:\\Windows\\py.exe']);
        // Windows finds `python.BAT` for `python.bat`: its file names ignore case.
        const stub = async (file: string): Promise<boolean> => files.has(file.replace(/\.[A-Z]+$/, (ext) => ext.toLowerCase()));
        const env = { Path: 'C:\\pyenv\\shims;bin;;C:\\Python312;C:\\Windows', PATHEXT: '.COM;.EXE;.BAT;.CMD' };
        assert.deepEqual(await whichAll('python', env, 'win32', stub), ['C:\\pyenv\\shims\\python.BAT', 'C:\\Python312\\python.EXE']);
        assert.deepEqual(await whichAll('py.exe', env, 'win32', stub), ['C:\\Windows\\py.exe']);
    });

    it('never looks in an empty or relative PATH entry (the working folder)', async () => {
        const here = path.join(dir, 'rel');
        mkdirSync(path.join(here, 'bin'), { recursive: true });
        writeFileSync(path.join(here, 'bin', 'tool2'), '#!/bin/sh\n');
        chmodSync(path.join(here, 'bin', 'tool2'), 0o755);
        writeFileSync(path.join(here, 'tool2'), '#!/bin/sh\n');
        chmodSync(path.join(here, 'tool2'), 0o755);
        const cwd = process.cwd();
        process.chdir(here);
        try {
            assert.equal(await which('tool2', { PATH: ['.', 'bin', '', './bin'].join(path.delimiter) }), undefined);
        } finally {
            process.chdir(cwd);
        }
        assert.equal(await which('tool2', { PATH: ['bin', path.join(here, 'bin')].join(path.delimiter) }), path.join(here, 'bin', 'tool2'));
    });

    it('returns undefined when nothing is found or PATH is empty', async () => {
        assert.equal(await which('no-such-tool-here', { PATH: dir }), undefined);
        assert.equal(await which('sh', {}), undefined);
    });
});

describe('parseProbe', () => {
    it('reads sys.executable and the version', () => {
        assert.deepEqual(parseProbe('/usr/bin/python3.11\n3 11 7\n', 'python3'), { executable: '/usr/bin/python3.11', version: [3, 11, 7] });
        assert.deepEqual(parseProbe('\r\n3 10 0\r\n', 'python'), { executable: 'python', version: [3, 10, 0] });
    });

    it('rejects anything else', () => {
        assert.throws(() => parseProbe('Python 2.7.18\n', 'python'), /unexpected answer/);
        assert.throws(() => parseProbe('', 'python'), /unexpected answer/);
    });
});

describe('probePython', { skip: !posix && 'POSIX shell scripts' }, () => {
    it('asks a real interpreter', async (t) => {
        const python3 = await which('python3');
        if (python3 === undefined) {
            t.skip('no python3 on PATH');
            return;
        }
        const info = await probePython(python3);
        assert.equal(info.version[0], 3);
        assert.ok(path.isAbsolute(info.executable));
    });

    it('runs the interpreter isolated (-I -S) and imports nothing', async () => {
        assert.deepEqual(PROBE_ARGS.slice(0, 3), ['-I', '-S', '-c']);
        assert.match(PROBE_ARGS[3], /^import sys;[^;]*;[^;]*$/);
        const file = script('args-python', 'echo "/fake/python"; echo "3 12 0"; echo "$*" > "$0.args"');
        await probePython(file);
        assert.equal(readFileSync(`${file}.args`, 'utf8').trim(), `-I -S -c ${PROBE_ARGS[3]}`);
    });

    it('rejects with the reason when the interpreter fails or is missing', async () => {
        const failing = script('fake-python', 'echo "pyenv: python3: command not found" >&2; exit 127');
        await assert.rejects(probePython(failing), /exit status 127:\npyenv: python3: command not found/);
        await assert.rejects(probePython(path.join(dir, 'missing-python')), /not found/);
    });
});

describe('checkServer', { skip: !posix && 'POSIX shell scripts' }, () => {
    const command = (file: string, args: string[] = ['serve'], env: { [name: string]: string } = {}): ServerCommand => ({
        command: file,
        args,
        env,
        source: 'path',
        description: '',
    });

    it('runs --version in place of serve, with the extra environment', async () => {
        const file = script('fake-vaultls', 'echo "vaultls 0.1.0 args=$* pp=$PYTHONPATH"');
        const answer = await checkServer(command(file, ['-S', '-m', 'vaultls', 'serve'], { PYTHONPATH: '/b/libs' }));
        assert.equal(answer, 'vaultls 0.1.0 args=-S -m vaultls --version pp=/b/libs');
    });

    it('rejects with the end of stderr when the server cannot start', async () => {
        const file = script('broken-vaultls', 'echo "Traceback (most recent call last):" >&2; echo "ModuleNotFoundError: No module named \'pygls\'" >&2; exit 1');
        await assert.rejects(checkServer(command(file)), /exit status 1:\nTraceback.*\nModuleNotFoundError: No module named 'pygls'/);
    });

    it('rejects a program that is not vaultls', async () => {
        const file = script('other-tool', 'echo "other 1.0"');
        await assert.rejects(checkServer(command(file)), /not a vaultls version/);
    });

    it('maps serve to --version and keeps the rest', () => {
        assert.deepEqual(versionArgs(command('x', ['-S', '-m', 'vaultls', 'serve'])), ['-S', '-m', 'vaultls', '--version']);
    });
});

describe('the working folder of every process the extension starts', { skip: !posix && 'POSIX shell scripts' }, () => {
    it('is the extension folder, not the workspace folder: probe, --version and the server', async () => {
        const root = mkdtempSync(path.join(dir, 'cwd-'));
        const extension = path.join(root, 'extension');
        const vault = path.join(root, 'vault');
        const bin = path.join(root, 'bin');
        for (const d of [path.join(extension, 'bundled', 'libs', 'vaultls'), path.join(extension, 'bundled', 'tool'), vault, bin]) {
            mkdirSync(d, { recursive: true });
        }
        writeFileSync(path.join(extension, 'bundled', 'tool', 'launch.py'), '');
        const calls = path.join(root, 'calls.log');
        // A python3 that logs its working folder and arguments, and answers as Python and vaultls do.
        writeFileSync(
            path.join(bin, 'python3'),
            `#!/bin/sh\necho "$(pwd -P) $*" >> "${calls}"\ncase "$*" in *--version*) echo "vaultls 0.1.0";; *) echo "${path.join(bin, 'python3')}"; echo "3 12 1";; esac\n`,
        );
        chmodSync(path.join(bin, 'python3'), 0o755);
        const env = { PATH: bin };
        // The extension host's own working folder is the vault here: it must not matter.
        const cwd = process.cwd();
        process.chdir(vault);
        let server: ServerCommand;
        try {
            const host = createNodeHost({
                serverPathSetting: '',
                pythonSetting: '',
                extensionPath: extension,
                trusted: true,
                workspaceFolders: [vault],
                pythonExtensionInterpreter: async () => undefined,
                log: () => undefined,
                env,
            });
            server = await discoverServer(host);
        } finally {
            process.chdir(cwd);
        }
        assert.equal(server.source, 'bundled');
        assert.deepEqual(server.args, ['-I', '-S', path.join(extension, 'bundled', 'tool', 'launch.py'), 'serve']);
        const lines = readFileSync(calls, 'utf8').trim().split('\n');
        assert.equal(lines.length, 2, lines.join('\n'));
        const realExtension = realpathSync(extension);
        assert.ok(lines[0].startsWith(`${realExtension} -I -S -c `), lines[0]);
        assert.equal(lines[1], `${realExtension} -I -S ${path.join(extension, 'bundled', 'tool', 'launch.py')} --version`);
        for (const line of lines) {
            assert.ok(!line.startsWith(realpathSync(vault)), line);
        }

        // The language client starts the server there too, with the host's environment.
        const options = serverProcessOptions(server, extension, { PATH: bin, HOME: '/home/u' });
        assert.equal(options.cwd, extension);
        assert.notEqual(options.cwd, vault);
        assert.deepEqual(options.env, { PATH: bin, HOME: '/home/u' });
    });

    it('resolves links (realPath), and gives the path back when it cannot', async () => {
        const target = path.join(dir, 'link-target');
        writeFileSync(target, '');
        const link = path.join(dir, 'a-link');
        symlinkSync(target, link);
        assert.equal(await realPath(link), realpathSync(target));
        assert.equal(await realPath(path.join(dir, 'missing')), path.join(dir, 'missing'));
    });
});

/**
 * The real launcher with a real Python, in a working folder full of modules that would write
 * a marker if imported (what a malicious vault would carry).
 */
describe('the bundled launcher with a real Python', { skip: !posix && 'POSIX paths' }, () => {
    const POISON = ['vaultls/__init__.py', 'vaultls.py', 'json.py', 'multiprocessing.py', 'argparse.py', 'encodings/__init__.py'];
    let root: string;
    let extension: string;
    let launcher: string;
    let vault: string;
    let markers: string;
    let python3: string | undefined;

    before(async () => {
        python3 = await which('python3');
        root = mkdtempSync(path.join(dir, 'launcher-'));
        extension = path.join(root, 'extension');
        vault = path.join(root, 'vault');
        markers = path.join(root, 'markers');
        const libs = path.join(extension, 'bundled', 'libs');
        mkdirSync(path.join(libs, 'vaultls'), { recursive: true });
        mkdirSync(path.join(extension, 'bundled', 'tool'), { recursive: true });
        mkdirSync(markers);
        launcher = path.join(extension, 'bundled', 'tool', 'launch.py');
        copyFileSync(LAUNCHER_SOURCE, launcher);
        // A stand-in for the bundled vaultls: imports what the real one does, and starts a
        // "spawn" worker as the real one does for a cold scan.
        writeFileSync(path.join(libs, 'vaultls', '__init__.py'), '');
        writeFileSync(path.join(libs, 'vaultls', '__main__.py'), 'from vaultls.cli import main\nraise SystemExit(main())\n');
        writeFileSync(
            path.join(libs, 'vaultls', 'cli.py'),
            [
                'import argparse, json, multiprocessing, os, sys',
                'def work(q):',
                '    import json',
                '    q.put(json.dumps(sys.flags.isolated))',
                'def main():',
                '    ctx = multiprocessing.get_context("spawn")',
                '    q = ctx.Queue()',
                '    p = ctx.Process(target=work, args=(q,))',
                '    p.start(); worker = q.get(timeout=30); p.join()',
                '    print("vaultls 9.9 isolated=%d worker_isolated=%s cwd=%s" % (sys.flags.isolated, worker, os.getcwd()))',
                '    return 0',
                '',
            ].join('\n'),
        );
        for (const rel of POISON) {
            const file = path.join(vault, rel);
            mkdirSync(path.dirname(file), { recursive: true });
            const name = rel.replace(/\//g, '_');
            writeFileSync(file, `open(${JSON.stringify(path.join(markers, name))}, "w").write("imported")\n`);
        }
    });

    const imported = () => readdirSync(markers);

    it('imports nothing from its working folder, nor from PYTHONPATH, nor in a worker', async (t) => {
        if (python3 === undefined) {
            t.skip('no python3 on PATH');
            return;
        }
        const python = await probePython(python3, { cwd: vault });
        const command = bundledCommand(python, 'path', launcher);
        // Worst case: the vault is the working folder and on PYTHONPATH too.
        const answer = await checkServer(command, { cwd: vault, env: { ...process.env, PYTHONPATH: vault, PYTHONSTARTUP: path.join(vault, 'json.py') } });
        assert.match(answer, /^vaultls 9\.9 isolated=1 worker_isolated=1 cwd=/);
        assert.deepEqual(imported(), []);
    });

    it('(the old `python -S -m vaultls` in the vault did import from it, so the markers work)', async (t) => {
        if (python3 === undefined) {
            t.skip('no python3 on PATH');
            return;
        }
        const old: ServerCommand = { command: python3, args: ['-S', '-m', 'vaultls', 'serve'], env: { PYTHONPATH: path.join(extension, 'bundled', 'libs') }, source: 'bundled', description: '' };
        await checkServer(old, { cwd: vault }).catch(() => undefined);
        assert.ok(imported().includes('vaultls___init__.py'), `markers: ${imported().join(', ')}`);
        for (const marker of imported()) {
            rmSync(path.join(markers, marker));
        }
        assert.ok(!existsSync(path.join(markers, 'vaultls___init__.py')));
    });
});
