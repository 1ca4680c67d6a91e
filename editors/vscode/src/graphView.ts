/**
 * The graph panel's pieces that need no VS Code (graphPanel.ts uses them): the webview's html,
 * the `vaultls/graph` request's parameters, and the messages between the webview and the
 * extension. The view itself is editors/graph-view, copied into media/ when the extension is
 * bundled (scripts/copy_graph_view.mjs).
 */

export const SHOW_GRAPH = 'vaultls.showGraph';
export const SHOW_LOCAL_GRAPH = 'vaultls.showLocalGraph';
export const GRAPH_REQUEST = 'vaultls/graph';
export const GRAPH_CHANGED = 'vaultls/graphChanged';
/** The media/ files of the view. */
export const GRAPH_SCRIPT = 'graph_view.js';
export const GRAPH_STYLE = 'graph_view.css';

export type GraphMode = 'vault' | 'local';

export interface GraphParams {
    uri?: string;
    depth?: number;
    includeDangling: boolean;
    includeAttachments: boolean;
    includeTags: boolean;
}

/** What the view asks for: everything; its check boxes choose what is drawn without asking again. */
export const GRAPH_FLAGS = { includeDangling: true, includeAttachments: true, includeTags: true } as const;

/** The workspace memento's key that remembers the vaults whose whole graph was shown. */
export const GRAPH_SHOWN_KEY = 'vaultls.graphShownIn';

/**
 * The `initializationOptions` of a vault's server. Once its whole graph has been shown, the
 * server is asked to make the graph ahead (`graph.prepare`, with the flags the view asks with)
 * right after its first scan, so the panel opens at once; vaults whose graph nobody looks at
 * pay nothing.
 */
export function initializationOptions(settings: { [key: string]: unknown }, graphShown: boolean): { [key: string]: unknown } {
    return graphShown ? { ...settings, graph: { prepare: { ...GRAPH_FLAGS } } } : settings;
}

/** The whole vault (`uri`: the vault folder's) or the local graph of a note (`uri`: the note's). */
export function graphParams(mode: GraphMode, uri: string | undefined, depth: number): GraphParams {
    const params: GraphParams = { ...GRAPH_FLAGS };
    if (uri !== undefined) {
        params.uri = uri;
    }
    if (mode === 'local') {
        params.depth = depth;
    }
    return params;
}

/** What the view draws at first in VS Code: Obsidian's defaults (no attachments, no tags). */
export const INITIAL_SHOWN = { orphans: true, dangling: true, attachments: false, tags: false };

/** A message from the webview; anything else it might post is ignored. */
export type ViewMessage = { type: 'ready' } | { type: 'open'; id: string; path: string } | { type: 'depth'; depth: number };

export function parseViewMessage(raw: unknown): ViewMessage | undefined {
    if (typeof raw !== 'object' || raw === null) {
        return undefined;
    }
    const message = raw as Record<string, unknown>;
    if (message.type === 'ready') {
        return { type: 'ready' };
    }
    if (message.type === 'open' && typeof message.path === 'string' && typeof message.id === 'string') {
        return { type: 'open', id: message.id, path: message.path };
    }
    if (message.type === 'depth' && typeof message.depth === 'number' && Number.isInteger(message.depth) && message.depth >= 1 && message.depth <= 5) {
        return { type: 'depth', depth: message.depth };
    }
    return undefined;
}

/**
 * The vault-relative path a clicked node names, as path segments; undefined when it would
 * leave the vault (`..`, an absolute path): the webview is not trusted to name any file.
 */
export function notePathSegments(path: string): string[] | undefined {
    const segments = path.split('/');
    if (path === '' || path.startsWith('/') || /^[a-zA-Z]:/.test(path) || path.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..')) {
        return undefined;
    }
    return segments;
}

/** `file` relative to `folder` with `/` between segments (both absolute paths), or undefined outside it. */
export function relativePath(folder: string, file: string): string | undefined {
    const norm = (p: string): string => p.replace(/\\/g, '/').replace(/\/+$/, '');
    const base = norm(folder);
    const full = norm(file);
    return full.startsWith(`${base}/`) ? full.slice(base.length + 1) : undefined;
}

function escapeAttribute(text: string): string {
    return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface WebviewPage {
    cspSource: string;
    nonce: string;
    scriptUri: string;
    styleUri: string;
    mode: GraphMode;
    title: string;
}

/** The webview's page: no remote content, only the extension's media, the script by its nonce. */
export function webviewHtml(page: WebviewPage): string {
    const policy = [
        "default-src 'none'",
        `img-src ${page.cspSource} data:`,
        `style-src ${page.cspSource}`,
        `font-src ${page.cspSource}`,
        `script-src 'nonce-${page.nonce}'`,
        // ForceAtlas2 runs in a web worker made from a blob.
        'worker-src blob:',
    ].join('; ');
    return [
        '<!DOCTYPE html>',
        '<html lang="en">',
        '<head>',
        '<meta charset="utf-8">',
        `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(policy)}">`,
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        `<link rel="stylesheet" href="${escapeAttribute(page.styleUri)}">`,
        `<title>${escapeAttribute(page.title)}</title>`,
        '</head>',
        `<body data-vaultls-mode="${page.mode}">`,
        `<script nonce="${escapeAttribute(page.nonce)}" src="${escapeAttribute(page.scriptUri)}"></script>`,
        '</body>',
        '</html>',
    ].join('\n');
}

/** A nonce for the page's script: 32 characters from a random source. */
export function makeNonce(random: (size: number) => Uint8Array): string {
    return Buffer.from(random(24)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Calls `run` once, `delay` ms after the last of a burst of `trigger()` calls. */
export class Debouncer {
    private timer: ReturnType<typeof setTimeout> | undefined;

    constructor(
        private readonly delay: number,
        private readonly run: () => void,
    ) {}

    trigger(): void {
        this.cancel();
        this.timer = setTimeout(() => {
            this.timer = undefined;
            this.run();
        }, this.delay);
    }

    cancel(): void {
        if (this.timer !== undefined) {
            clearTimeout(this.timer);
            this.timer = undefined;
        }
    }
}
