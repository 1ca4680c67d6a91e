// Runs the view's unit tests (src/test/*.test.ts: the pure model, no DOM): esbuild bundles each
// into a temporary folder, then node's test runner runs them.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const tests = readdirSync(join(root, 'src', 'test')).filter((name) => name.endsWith('.test.ts'));
const out = mkdtempSync(join(tmpdir(), 'graph-view-tests-'));
try {
    await build({
        entryPoints: tests.map((name) => join(root, 'src', 'test', name)),
        bundle: true,
        platform: 'node',
        format: 'esm',
        outdir: out,
        outExtension: { '.js': '.mjs' },
        logLevel: 'warning',
    });
    const files = readdirSync(out).map((name) => join(out, name));
    const result = spawnSync(process.execPath, ['--test', ...files], { stdio: 'inherit' });
    process.exitCode = result.status ?? 1;
} finally {
    rmSync(out, { recursive: true, force: true });
}
