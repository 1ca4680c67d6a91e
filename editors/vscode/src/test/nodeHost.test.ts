import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ServerCommand } from '../discovery';
import { checkServer, parseProbe, probePython, versionArgs, which } from '../nodeHost';

const posix = process.platform !== 'win32';
let dir: string;

function script(name: string, body: string, mode = 0o755): string {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, mode);
    return file;
}

before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vaultls-nodehost-'));
});

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
