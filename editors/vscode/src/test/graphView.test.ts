import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Debouncer, graphParams, initializationOptions, makeNonce, notePathSegments, parseViewMessage, relativePath, webviewHtml } from '../graphView';

const page = {
    cspSource: 'https://webview.example',
    nonce: 'abc123',
    scriptUri: 'https://webview.example/media/graph_view.js',
    styleUri: 'https://webview.example/media/graph_view.css',
    mode: 'local' as const,
    title: 'Local graph: <b>"x"</b>',
};

describe('graph panel', () => {
    it('asks for the whole vault by its folder, or for the local graph of the note at a depth', () => {
        assert.deepEqual(graphParams('vault', 'file:///v', 2), { uri: 'file:///v', includeDangling: true, includeAttachments: true, includeTags: true });
        assert.deepEqual(graphParams('local', 'file:///v/a.md', 2), { uri: 'file:///v/a.md', depth: 2, includeDangling: true, includeAttachments: true, includeTags: true });
    });

    it('asks the server to make the whole graph ahead, with the flags the view asks with, once it was shown', () => {
        const settings = { diagnostics: { danglingLinks: 'error' } };
        const flags: Partial<ReturnType<typeof graphParams>> = graphParams('vault', 'file:///v', 1);
        delete flags.uri;
        assert.deepEqual(initializationOptions(settings, true), { ...settings, graph: { prepare: flags } });
    });

    it('does not ask for the graph ahead in a vault whose whole graph was never shown', () => {
        const settings = { diagnostics: { danglingLinks: 'error' } };
        assert.deepEqual(initializationOptions(settings, false), settings);
    });

    it('gives the webview a strict content security policy: no remote content, its script by nonce', () => {
        const html = webviewHtml(page);
        const policy = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
        assert.match(policy, /default-src 'none'/);
        assert.match(policy, /script-src 'nonce-abc123'(;|$)/);
        assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|\*/);
        assert.match(html, /<script nonce="abc123" src="https:\/\/webview.example\/media\/graph_view.js"><\/script>/);
        assert.match(html, /<body data-vaultls-mode="local">/);
    });

    it('escapes the title it writes into the page', () => {
        const html = webviewHtml(page);
        assert.match(html, /<title>Local graph: &lt;b&gt;&quot;x&quot;&lt;\/b&gt;<\/title>/);
    });

    it('makes a different nonce from each random draw', () => {
        const a = makeNonce((size) => new Uint8Array(size).fill(1));
        const b = makeNonce((size) => new Uint8Array(size).fill(2));
        assert.notEqual(a, b);
        assert.match(a, /^[A-Za-z0-9_-]{32}$/);
    });

    it('accepts only the messages it knows from the webview', () => {
        assert.deepEqual(parseViewMessage({ type: 'ready' }), { type: 'ready' });
        assert.deepEqual(parseViewMessage({ type: 'open', id: 'a.md', path: 'a.md' }), { type: 'open', id: 'a.md', path: 'a.md' });
        assert.deepEqual(parseViewMessage({ type: 'depth', depth: 3 }), { type: 'depth', depth: 3 });
        for (const bad of [null, 'ready', { type: 'open', path: 1 }, { type: 'depth', depth: 0 }, { type: 'depth', depth: 2.5 }, { type: 'run', command: 'x' }]) {
            assert.equal(parseViewMessage(bad), undefined, JSON.stringify(bad));
        }
    });

    it('opens only paths inside the vault', () => {
        assert.deepEqual(notePathSegments('People/Lenin.md'), ['People', 'Lenin.md']);
        for (const bad of ['', '/etc/passwd', '../outside.md', 'a/../../b.md', 'C:/x.md', 'a\\..\\b.md', 'a//b.md', './a.md']) {
            assert.equal(notePathSegments(bad), undefined, bad);
        }
    });

    it('names the local note by its path in the vault', () => {
        assert.equal(relativePath('/v/vault', '/v/vault/People/Lenin.md'), 'People/Lenin.md');
        assert.equal(relativePath('/v/vault/', '/v/vault/a.md'), 'a.md');
        assert.equal(relativePath('/v/vault', '/v/vault2/a.md'), undefined);
    });

    it('refetches once after a burst of changes', async () => {
        let runs = 0;
        const debouncer = new Debouncer(20, () => runs++);
        debouncer.trigger();
        debouncer.trigger();
        debouncer.trigger();
        await new Promise((resolve) => setTimeout(resolve, 60));
        assert.equal(runs, 1);
    });
});
