// vscode:prepublish, which vsce runs before it packages: builds the extension's JavaScript
// (tsc, then esbuild into dist/extension.js), unless scripts/package.mjs has just built it for
// every target it packages (VAULTLS_PREPUBLISHED=1).
import { execSync } from 'node:child_process';

if (process.env.VAULTLS_PREPUBLISHED !== '1') {
    execSync('npm run compile && npm run bundle-extension', { stdio: 'inherit' });
}
