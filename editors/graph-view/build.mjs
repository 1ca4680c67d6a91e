// Builds the graph view: src/main.ts with sigma.js, graphology and ForceAtlas2 bundled by esbuild
// into one script, and src/style.css, as
//   ../../server/vaultls/assets/graph_view.js and graph_view.css
// (package data of the Python package: `vaultls graph --format html` inlines them; committed,
// so that a clean checkout's wheel has them without Node). The VS Code extension copies them
// into its media/ when it is bundled (editors/vscode/scripts/copy_graph_view.mjs).
//
//   node build.mjs           build and write them
//   node build.mjs --check   build in memory; fail if the committed files differ (CI's test)
import { build } from 'esbuild';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const out = resolve(root, '..', '..', 'server', 'vaultls', 'assets');
const check = process.argv.includes('--check');

const result = await build({
    entryPoints: [join(root, 'src', 'main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    legalComments: 'eof',
    banner: {
        js: '/* vaultls graph view (editors/graph-view). Bundles, under the MIT licence: sigma.js (c) Alexis Jacomy, Guillaume Plique, Benoit Simard; graphology, graphology-utils, graphology-layout-forceatlas2 (c) Guillaume Plique; events (c) Joyent, Inc. and other Node contributors. */',
    },
    charset: 'utf8',
    write: false,
    logLevel: 'warning',
});
let script = new TextDecoder().decode(result.outputFiles[0].contents);
// The page inlines the script: it must never end its own <script> element early.
script = script.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
const files = {
    'graph_view.js': script,
    'graph_view.css': readFileSync(join(root, 'src', 'style.css'), 'utf8'),
};
let stale = [];
for (const [name, text] of Object.entries(files)) {
    const target = join(out, name);
    if (check) {
        if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
            stale.push(target);
        }
    } else {
        writeFileSync(target, text);
        console.log(`wrote ${target} (${Math.round(text.length / 1024)} KiB)`);
    }
}
if (stale.length > 0) {
    console.error(`out of date (run \`npm run build\` in editors/graph-view): ${stale.join(', ')}`);
    process.exit(1);
}
if (check) {
    console.log('the committed graph view is what the sources build');
}
