/**
 * "vaultls: Show Graph" and "vaultls: Show Local Graph": the vault's link graph in a webview
 * panel, drawn by the graph view (editors/graph-view, in media/). The panel asks the vault's
 * server for `vaultls/graph` and asks again, debounced, when the server says
 * `vaultls/graphChanged`; the local graph follows the active editor's note. Clicking a note in
 * the graph opens it in the editor.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

import {
    Debouncer,
    GRAPH_CHANGED,
    GRAPH_REQUEST,
    GRAPH_SCRIPT,
    GRAPH_STYLE,
    GraphMode,
    INITIAL_SHOWN,
    ViewMessage,
    graphParams,
    makeNonce,
    notePathSegments,
    parseViewMessage,
    relativePath,
    webviewHtml,
} from './graphView';

type Folder = vscode.WorkspaceFolder;

/** What the panels need of a vault's language client. */
export interface GraphClient {
    sendRequest(method: string, params: unknown): Promise<unknown>;
    onNotification(method: string, handler: () => void): vscode.Disposable;
}

export interface GraphDeps {
    extensionUri: vscode.Uri;
    /** The vault's running client, started if need be. */
    client(folder: Folder): Promise<GraphClient | undefined>;
    vaultFolderOf(uri: vscode.Uri): Folder | undefined;
    folders(): readonly Folder[];
    /** A vault's whole graph is being shown (remembered, so its server makes it ahead next time). */
    wholeGraphShown(folder: Folder): void;
    log(message: string): void;
}

const MEDIA = 'media';
const REFETCH_MS = 300;

/** The open graph panels: one whole-vault panel per vault, one local graph. */
export class GraphPanels implements vscode.Disposable {
    private readonly vaultPanels = new Map<string, GraphPanel>();
    private localPanel: GraphPanel | undefined;
    /** Clients already told to pass on `vaultls/graphChanged` (a restarted server is a new client). */
    private readonly listening = new WeakSet<GraphClient>();
    private readonly disposables: vscode.Disposable[] = [];

    constructor(private readonly deps: GraphDeps) {
        this.disposables.push(
            vscode.window.onDidChangeActiveTextEditor((editor) => {
                if (editor && this.localPanel && isNote(editor.document)) {
                    this.localPanel.follow(editor.document.uri);
                }
            }),
        );
    }

    async showGraph(): Promise<void> {
        const active = vscode.window.activeTextEditor?.document.uri;
        const folder = (active && this.deps.vaultFolderOf(active)) ?? (await this.pickFolder());
        if (folder === undefined) {
            void vscode.window.showInformationMessage('vaultls: open a folder (a vault) to see its graph');
            return;
        }
        const key = folder.uri.toString();
        const existing = this.vaultPanels.get(key);
        if (existing) {
            existing.reveal();
            return;
        }
        this.deps.wholeGraphShown(folder);
        const panel = new GraphPanel(this, 'vault', folder, undefined);
        this.vaultPanels.set(key, panel);
        panel.onDispose(() => this.vaultPanels.delete(key));
    }

    async showLocalGraph(): Promise<void> {
        const document = vscode.window.activeTextEditor?.document;
        const folder = document && isNote(document) ? this.deps.vaultFolderOf(document.uri) : undefined;
        if (document === undefined || folder === undefined) {
            void vscode.window.showInformationMessage('vaultls: open a note of a vault to see its local graph');
            return;
        }
        if (this.localPanel) {
            this.localPanel.follow(document.uri);
            this.localPanel.reveal();
            return;
        }
        const panel = new GraphPanel(this, 'local', folder, document.uri);
        this.localPanel = panel;
        panel.onDispose(() => {
            if (this.localPanel === panel) {
                this.localPanel = undefined;
            }
        });
    }

    dispose(): void {
        this.localPanel?.dispose();
        for (const panel of [...this.vaultPanels.values()]) {
            panel.dispose();
        }
        this.disposables.forEach((d) => d.dispose());
    }

    get extensionUri(): vscode.Uri {
        return this.deps.extensionUri;
    }

    log(message: string): void {
        this.deps.log(message);
    }

    vaultFolderOf(uri: vscode.Uri): Folder | undefined {
        return this.deps.vaultFolderOf(uri);
    }

    /** The folder's client, set to refetch every panel of that folder when its graph changes. */
    async client(folder: Folder): Promise<GraphClient | undefined> {
        const client = await this.deps.client(folder);
        if (client && !this.listening.has(client)) {
            this.listening.add(client);
            this.disposables.push(client.onNotification(GRAPH_CHANGED, () => this.graphChanged(folder)));
        }
        return client;
    }

    private graphChanged(folder: Folder): void {
        const key = folder.uri.toString();
        for (const panel of [...this.vaultPanels.values(), ...(this.localPanel ? [this.localPanel] : [])]) {
            if (panel.folderKey === key) {
                panel.refetchSoon();
            }
        }
    }

    private async pickFolder(): Promise<Folder | undefined> {
        const folders = this.deps.folders();
        if (folders.length <= 1) {
            return folders[0];
        }
        const picked = await vscode.window.showQuickPick(
            folders.map((folder) => ({ label: folder.name, description: folder.uri.fsPath, folder })),
            { placeHolder: 'The graph of which vault?' },
        );
        return picked?.folder;
    }
}

function isNote(document: vscode.TextDocument): boolean {
    return document.uri.scheme === 'file' && document.languageId === 'markdown';
}

class GraphPanel {
    private readonly panel: vscode.WebviewPanel;
    private readonly refetch: Debouncer;
    private depth = 1;
    private ready = false;
    private shownOnce = false;
    private fetching = 0;
    /** The vault's folder as the server names it (`root` of the answer): node paths are relative to it. */
    private root: vscode.Uri | undefined;

    constructor(
        private readonly owner: GraphPanels,
        private readonly mode: GraphMode,
        private folder: Folder,
        private note: vscode.Uri | undefined,
    ) {
        const media = vscode.Uri.joinPath(owner.extensionUri, MEDIA);
        this.panel = vscode.window.createWebviewPanel('vaultls.graph', this.title(), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: mode === 'local' }, {
            enableScripts: true,
            retainContextWhenHidden: true,
            localResourceRoots: [media],
        });
        const webview = this.panel.webview;
        webview.html = webviewHtml({
            cspSource: webview.cspSource,
            nonce: makeNonce((size) => randomBytes(size)),
            scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, GRAPH_SCRIPT)).toString(),
            styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, GRAPH_STYLE)).toString(),
            mode,
            title: this.title(),
        });
        this.refetch = new Debouncer(REFETCH_MS, () => void this.fetch());
        webview.onDidReceiveMessage((raw) => {
            const message = parseViewMessage(raw);
            if (message) {
                void this.onMessage(message);
            }
        });
        this.panel.onDidDispose(() => this.refetch.cancel());
    }

    get folderKey(): string {
        return this.folder.uri.toString();
    }

    onDispose(listener: () => void): void {
        this.panel.onDidDispose(listener);
    }

    dispose(): void {
        this.panel.dispose();
    }

    reveal(): void {
        this.panel.reveal(undefined, this.mode === 'local');
    }

    /** The local graph moves to the note of the active editor. */
    follow(note: vscode.Uri): void {
        if (this.mode !== 'local' || note.toString() === this.note?.toString()) {
            return;
        }
        const folder = this.owner.vaultFolderOf(note);
        if (folder === undefined) {
            return;
        }
        this.folder = folder;
        this.note = note;
        this.panel.title = this.title();
        this.refetchSoon();
    }

    refetchSoon(): void {
        if (this.ready) {
            this.refetch.trigger();
        }
    }

    private title(): string {
        if (this.mode === 'local' && this.note) {
            const name = this.note.path.split('/').pop() ?? '';
            return `Local graph: ${name.replace(/\.md$/i, '')}`;
        }
        return `Graph: ${this.folder.name}`;
    }

    private async onMessage(message: ViewMessage): Promise<void> {
        switch (message.type) {
            case 'ready':
                this.ready = true;
                await this.fetch();
                break;
            case 'depth':
                this.depth = message.depth;
                await this.fetch();
                break;
            case 'open':
                await this.open(message.path);
                break;
        }
    }

    private async fetch(): Promise<void> {
        const ticket = ++this.fetching;
        const client = await this.owner.client(this.folder);
        if (client === undefined) {
            this.owner.log(`graph: no vaultls server for ${this.folder.name}`);
            return;
        }
        let data: unknown;
        try {
            data = await client.sendRequest(GRAPH_REQUEST, graphParams(this.mode, this.mode === 'local' ? this.note?.toString() : this.folder.uri.toString(), this.depth));
        } catch (error) {
            this.owner.log(`graph: ${GRAPH_REQUEST} failed for ${this.folder.name}: ${String(error instanceof Error ? error.message : error)}`);
            return;
        }
        if (ticket !== this.fetching) {
            return; // a newer request (another note, another depth) is on its way
        }
        const root = (data as { root?: unknown } | null)?.root;
        this.root = typeof root === 'string' ? vscode.Uri.parse(root) : undefined;
        const base = this.root ?? this.folder.uri;
        const centre = this.mode === 'local' && this.note ? relativePath(base.fsPath, this.note.fsPath) : undefined;
        const shown = this.shownOnce ? undefined : INITIAL_SHOWN;
        this.shownOnce = true;
        await this.panel.webview.postMessage({ type: 'graph', data, centre, depth: this.depth, shown });
    }

    /** Opens a clicked note (or attachment) of this vault in the editor beside the panel. */
    private async open(path: string): Promise<void> {
        const segments = notePathSegments(path);
        if (segments === undefined) {
            this.owner.log(`graph: not a path inside the vault: ${path}`);
            return;
        }
        const uri = vscode.Uri.joinPath(this.root ?? this.folder.uri, ...segments);
        const column = this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
        if (/\.md$/i.test(path)) {
            await vscode.window.showTextDocument(uri, { viewColumn: column, preview: false });
        } else {
            await vscode.commands.executeCommand('vscode.open', uri, { viewColumn: column });
        }
    }
}
