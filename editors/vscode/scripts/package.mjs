// Builds the extension's .vsix files, each with the vaultls server bundled for its platform
// (scripts/bundle_server.py), named vaultls-<target>-<version>.vsix:
//
//   npm run package        this machine's target (linux-x64 here)
//   npm run package:all    linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64,
//                          win32-arm64, and universal (pure-Python only, for any other platform)
//   node scripts/package.mjs darwin-arm64 universal    the targets named
//
// The extension's JavaScript (vscode:prepublish: tsc and esbuild) is built once, not once per
// target. Python: $VAULTLS_BUNDLE_PYTHON, else python3, else python (3.10+, with pip).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64', 'universal'];

function findPython() {
    const candidates = process.env.VAULTLS_BUNDLE_PYTHON ? [process.env.VAULTLS_BUNDLE_PYTHON] : ['python3', 'python'];
    for (const candidate of candidates) {
        const result = spawnSync(candidate, ['-c', 'import sys, pip; print(sys.version_info >= (3, 10))'], { encoding: 'utf8' });
        if (result.status === 0 && result.stdout.trim() === 'True') {
            return candidate;
        }
    }
    throw new Error(`no Python 3.10+ with pip found (tried ${candidates.join(', ')}); set VAULTLS_BUNDLE_PYTHON`);
}

function run(command, args, env = process.env) {
    console.log(`$ ${[command, ...args].join(' ')}`);
    execFileSync(command, args, { stdio: 'inherit', cwd: root, env, shell: process.platform === 'win32' });
}

function hostTarget() {
    const os = { linux: 'linux', darwin: 'darwin', win32: 'win32' }[process.platform];
    const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
    return os && arch ? `${os}-${arch}` : 'universal';
}

const args = process.argv.slice(2);
// This machine's target last, so that bundled/ is left as its own (the tests run it).
const all = [...TARGETS.filter((t) => t !== hostTarget()), ...TARGETS.filter((t) => t === hostTarget())];
const targets = args.includes('--all') ? all : args.length > 0 ? args : [hostTarget()];
for (const target of targets) {
    if (!TARGETS.includes(target)) {
        throw new Error(`unknown target ${target}; one of ${TARGETS.join(', ')}`);
    }
}
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const python = findPython();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const vsce = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');

run(npm, ['run', 'compile']);
run(npm, ['run', 'bundle-extension']);
// vsce runs vscode:prepublish before each package; what it would build is built above.
const env = { ...process.env, VAULTLS_PREPUBLISHED: '1' };
const started = Date.now();
for (const target of targets) {
    run(python, [join('scripts', 'bundle_server.py'), '--target', target]);
    const out = `vaultls-${target}-${version}.vsix`;
    run(vsce, ['package', ...(target === 'universal' ? [] : ['--target', target]), '--out', out], env);
}
console.log(`built ${targets.map((t) => `vaultls-${t}-${version}.vsix`).join(', ')} in ${Math.round((Date.now() - started) / 1000)} s`);
