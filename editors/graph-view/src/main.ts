// Entry point of the graph view bundle. Two hosts run it:
// - VS Code's webview (`acquireVsCodeApi` exists): the extension posts the graph (`graph`
//   messages) and the view posts back `ready`, `open` (a note was clicked) and `depth`.
// - The page of `vaultls graph --format html`: the graph is embedded in the page as JSON in
//   `<script type="application/json" id="vaultls-graph-data">`; clicking shows the side panel.
import { normalise } from './model';
import { GraphView } from './view';

interface VsCodeApi {
    postMessage(message: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** What the extension posts: the graph, and for the local graph its note and depth. */
interface GraphMessage {
    type: 'graph';
    data: unknown;
    centre?: string;
    depth?: number;
    shown?: Record<string, boolean>;
}

function followTheme(view: GraphView): void {
    new MutationObserver(() => view.themeChanged()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', () => view.themeChanged());
}

function inVsCode(api: VsCodeApi): void {
    const local = document.body.dataset.vaultlsMode === 'local';
    const view = new GraphView(document.body, {
        depthMode: local ? 'host' : 'client',
        open: (node) => api.postMessage({ type: 'open', id: node.id, path: node.path ?? node.id }),
        depthChanged: (depth) => api.postMessage({ type: 'depth', depth }),
    });
    followTheme(view);
    window.addEventListener('message', (event: MessageEvent<GraphMessage>) => {
        const message = event.data;
        if (message?.type === 'graph') {
            view.show(normalise(message.data), { centre: message.centre, depth: message.depth, shown: message.shown });
        }
    });
    api.postMessage({ type: 'ready' });
}

function onPage(): void {
    const view = new GraphView(document.body, { depthMode: 'client' });
    followTheme(view);
    const embedded = document.getElementById('vaultls-graph-data')?.textContent ?? '{}';
    let raw: unknown = {};
    try {
        raw = JSON.parse(embedded);
    } catch {
        // A damaged page draws an empty graph rather than nothing.
    }
    performance.mark('vaultls-graph:parsed');
    view.show(normalise(raw));
}

if (typeof acquireVsCodeApi === 'function') {
    inVsCode(acquireVsCodeApi());
} else {
    onPage();
}
