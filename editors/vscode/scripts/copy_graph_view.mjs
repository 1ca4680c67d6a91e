// Copies the graph view (built by editors/graph-view into the Python package, where
// `vaultls graph --format html` inlines it) into media/, the one folder the graph panel's
// webview may load from (graphPanel.ts). Run by `npm run bundle-extension`.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(root, '..', '..', 'server', 'vaultls', 'assets');
const media = join(root, 'media');
mkdirSync(media, { recursive: true });
for (const name of ['graph_view.js', 'graph_view.css']) {
    copyFileSync(join(source, name), join(media, name));
}
console.log(`copied the graph view into ${media}`);
