/**
 * The vaultls VS Code extension: one language client per vault (workspace folder), started on
 * demand, with the server found as discovery.ts describes. This file is the wiring: activate()
 * creates a Session, which registers the commands and events and starts a client for each vault
 * folder (registry.ts) as its notes open; deactivate() stops them.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest, State } from 'vscode-languageclient/node';

import { missingCompiledMessage, readBundleInfo } from './bundleInfo';
import { CHECK_VAULT } from './checkVault';
import { CheckResults } from './checkVaultCommand';
import { OPEN_NOTE, VaultClient, createFolderClient, serverExecutable, stopClient } from './client';
import { discoveryHost, settingsFor } from './configuration';
import { ServerCommand, discoverServer } from './discovery';
import { Notification, OPEN_SETTINGS, SHOW_OUTPUT, discoveryFailed, errorMessage, serverFailed } from './failures';
import { GraphPanels } from './graphPanel';
import { GRAPH_SHOWN_KEY, SHOW_GRAPH, SHOW_LOCAL_GRAPH } from './graphView';
import { Notifier } from './notifier';
import { registerMentions } from './mentions';
import { registerNoteCommands } from './noteCommands';
import { OutputLog } from './outputLog';
import { PythonExtension, PythonExtensionApi } from './pythonExtension';
import { ClientRegistry, FolderEntry } from './registry';
import { SECTION, ServerSettings, serverSettingKeys } from './settings';
import { SHOW_REFERENCES, showReferences } from './showReferences';
import { WorkTracker, statusModel } from './status';
import { folderKey, noServerIn, topLevelWorkspaceFolders, vaultFolderOf, vaultFolders, wantsServerIn } from './workspace';

type Folder = vscode.WorkspaceFolder;

/** deactivate() is called without arguments: this is how it finds what activate() made. */
const activation: { session?: Session } = {};

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const session = new Session(context);
    activation.session = session;
    await session.start();
}

export async function deactivate(): Promise<void> {
    const session = activation.session;
    activation.session = undefined;
    await session?.stop();
}

/** Everything one activation of the extension holds. */
class Session {
    private readonly channel: vscode.LogOutputChannel;
    private readonly traceChannel: vscode.OutputChannel;
    private readonly output: OutputLog;
    private readonly log: (message: string) => void;
    private readonly statusItem: vscode.LanguageStatusItem;
    private readonly notifier: Notifier;
    private readonly settingKeys: string[];
    private readonly clients: ClientRegistry<Folder, VaultClient>;
    private readonly checkResults: CheckResults;
    private readonly python: PythonExtension<vscode.Uri>;

    constructor(private readonly context: vscode.ExtensionContext) {
        this.channel = vscode.window.createOutputChannel('vaultls', { log: true });
        this.traceChannel = vscode.window.createOutputChannel('vaultls Trace');
        this.output = new OutputLog(this.channel);
        this.log = this.output.line;
        this.statusItem = vscode.languages.createLanguageStatusItem('vaultls', { language: 'markdown' });
        this.statusItem.name = 'vaultls';
        this.statusItem.text = 'vaultls';
        this.statusItem.command = { title: 'Show Output', command: 'vaultls.showOutput' };
        this.notifier = new Notifier(vscode.window.showErrorMessage, {
            [SHOW_OUTPUT]: () => this.output.show(),
            [OPEN_SETTINGS]: () => vscode.commands.executeCommand('workbench.action.openSettings', 'vaultls.server'),
        });
        this.settingKeys = serverSettingKeys(context.extension.packageJSON as Parameters<typeof serverSettingKeys>[0]);
        this.clients = new ClientRegistry<Folder, VaultClient>({
            key: folderKey,
            start: (entry) => this.startClient(entry),
            stop: (entry, client) => stopClient(client, entry.folder, this.log),
            stopped: () => this.updateStatus(),
        });
        this.checkResults = new CheckResults({
            folders: topLevelWorkspaceFolders,
            client: (folder) => this.ensureWanted(folder),
            vaultFolderOf,
            log: this.log,
            showOutput: this.output.show,
        });
        this.python = new PythonExtension<vscode.Uri>({
            find: () => vscode.extensions.getExtension<PythonExtensionApi<vscode.Uri>>('ms-python.python'),
            log: this.log,
            interpreterChanged: () => {
                const affected = this.clients.folders((entry) => entry.server?.python?.source === 'python-extension');
                if (affected.length > 0) {
                    this.log("the Python extension's interpreter changed: restarting");
                    void this.restart(affected);
                }
            },
        });
    }

    async start(): Promise<void> {
        const { context } = this;
        context.subscriptions.push(this.channel, this.traceChannel, this.checkResults, this.statusItem, this.python);
        this.log(`vaultls extension ${String((context.extension.packageJSON as { version?: string }).version)} on VS Code ${vscode.version}`);
        context.subscriptions.push(
            vscode.commands.registerCommand('vaultls.restartServer', () => this.restart()),
            vscode.commands.registerCommand('vaultls.showOutput', this.output.show),
            vscode.commands.registerCommand(CHECK_VAULT, () => this.checkResults.run()),
            vscode.commands.registerCommand(SHOW_REFERENCES, (...args: unknown[]) => showReferences(vscode, args)),
            vscode.commands.registerCommand(OPEN_NOTE, (uri: unknown) => this.openNote(uri)),
            ...registerNoteCommands((folder) => this.ensureWanted(folder), this.log), // daily notes, templates (noteCommands.ts)
            registerMentions((folder) => this.ensureWanted(folder), this.log), // unlinked mentions (mentions.ts)
            ...this.graphCommands(),
            vscode.workspace.onDidOpenTextDocument((document) => this.onDocument(document)),
            vscode.workspace.onDidChangeWorkspaceFolders((event) => this.onFoldersChanged(event)),
            vscode.workspace.onDidChangeConfiguration((event) => this.onConfigurationChanged(event)),
            // In Restricted Mode discovery skipped whatever lies in the workspace (a venv's Python,
            // the Python extension's interpreter, settings that point inside); now it may use them.
            vscode.workspace.onDidGrantWorkspaceTrust(() => {
                this.log('the workspace is trusted now: finding the server again');
                void this.restart();
            }),
        );
        this.openDocuments();
        await this.startVaults();
    }

    /** "Show Graph" and "Show Local Graph" (graphPanel.ts), with their panels. */
    private graphCommands(): vscode.Disposable[] {
        const graphs = new GraphPanels({
            extensionUri: this.context.extensionUri,
            client: (folder) => this.ensureWanted(folder),
            vaultFolderOf,
            folders: topLevelWorkspaceFolders,
            wholeGraphShown: (folder) => {
                const shown = this.graphShownIn();
                if (!shown.includes(folder.uri.toString())) {
                    void this.context.workspaceState.update(GRAPH_SHOWN_KEY, [...shown, folder.uri.toString()]);
                }
            },
            log: this.log,
        });
        return [graphs, vscode.commands.registerCommand(SHOW_GRAPH, () => graphs.showGraph()), vscode.commands.registerCommand(SHOW_LOCAL_GRAPH, () => graphs.showLocalGraph())];
    }

    /** The vault folders (URIs) whose whole graph was shown in this workspace. */
    private graphShownIn(): string[] {
        const value = this.context.workspaceState.get<unknown>(GRAPH_SHOWN_KEY);
        return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    }

    /** Stops every server (the rest is disposed with the context's subscriptions). */
    async stop(): Promise<void> {
        await this.clients.stopAll();
    }

    // --- Events ------------------------------------------------------------------------------

    private openDocuments(): void {
        for (const document of vscode.workspace.textDocuments) {
            this.onDocument(document);
        }
    }

    private onDocument(document: vscode.TextDocument): void {
        if (document.languageId !== 'markdown' || document.uri.scheme !== 'file') {
            return;
        }
        const folder = vaultFolderOf(document.uri);
        if (folder !== undefined) {
            void this.ensureWanted(folder);
        } else {
            const message = `${document.uri.fsPath} is outside every workspace folder: vaultls works on notes in an open folder (a vault)`;
            this.output.once(document.uri.toString(), message);
        }
    }

    private onFoldersChanged(event: vscode.WorkspaceFoldersChangeEvent): void {
        for (const folder of event.removed) {
            void this.clients.stop(folder);
        }
        // A folder added around running ones takes them over; simplest is to start again.
        void (async () => {
            await this.clients.stopIf((entry, key) => vaultFolderOf(entry.folder.uri)?.uri.toString() !== key);
            await this.startVaults();
            this.openDocuments();
        })();
    }

    private onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
        if (!event.affectsConfiguration(SECTION)) {
            return;
        }
        this.log('vaultls settings changed');
        if (event.affectsConfiguration(`${SECTION}.enable`) || event.affectsConfiguration(`${SECTION}.start`)) {
            void this.applyStartSettings();
        }
        // Server settings reach running servers through workspace/didChangeConfiguration (see
        // client.ts); only the settings that choose the server, and the log file (sent at
        // initialization only), need a restart.
        const affected = this.clients.folders(
            (entry) => event.affectsConfiguration(`${SECTION}.server`, entry.folder.uri) || event.affectsConfiguration(`${SECTION}.logFile`, entry.folder.uri),
        );
        if (affected.length > 0) {
            this.log('vaultls.server or vaultls.logFile changed: restarting');
            void this.restart(affected);
        }
    }

    /** `vaultls.enable` or `vaultls.start` changed: stops the servers no longer wanted, starts the ones wanted now. */
    private async applyStartSettings(): Promise<void> {
        const unwanted = new Set<string>();
        for (const entry of this.clients.all()) {
            const reason = await noServerIn(entry.folder);
            if (reason !== undefined) {
                unwanted.add(folderKey(entry.folder));
                this.log(`stopping the server for ${entry.folder.name}: ${reason}`);
            }
        }
        await this.clients.stopIf((_, key) => unwanted.has(key));
        await this.startVaults();
        this.openDocuments();
    }

    /** Starts the servers of the vault folders (by their marks) where vaultls is on. */
    private async startVaults(): Promise<void> {
        for (const folder of await vaultFolders()) {
            void this.ensureWanted(folder);
        }
    }

    /** The folder's client, started if need be; undefined when `vaultls.enable`/`vaultls.start` want none there. */
    private async ensureWanted(folder: Folder): Promise<VaultClient | undefined> {
        const reason = await noServerIn(folder);
        if (reason !== undefined) {
            this.output.once(`no-server:${folderKey(folder)}:${reason}`, `no server for ${folder.name}: ${reason}`);
            return undefined;
        }
        return this.clients.ensure(folder);
    }

    /** Passes `vaultls.openNote` (run after "Create note") to the server of the note's vault. */
    private async openNote(uri: unknown): Promise<void> {
        const folder = typeof uri === 'string' ? vaultFolderOf(vscode.Uri.parse(uri)) : undefined;
        const client = folder === undefined ? undefined : await this.ensureWanted(folder);
        if (client === undefined) {
            this.log(`${OPEN_NOTE}: no vault server for ${String(uri)}`);
            return;
        }
        await client.sendRequest(ExecuteCommandRequest.type, { command: OPEN_NOTE, arguments: [uri] });
    }

    /** Restarts the servers of `folders`; without folders, every server and every vault's. */
    private async restart(folders?: Folder[]): Promise<void> {
        this.notifier.reset();
        await this.clients.restart(folders ?? this.clients.folders(), async () => {
            if (folders !== undefined) {
                return [];
            }
            this.checkResults.clear();
            const vaults = await vaultFolders();
            const wanted = await Promise.all(vaults.map((folder) => wantsServerIn(folder)));
            return vaults.filter((_, index) => wanted[index]);
        });
        this.openDocuments();
    }

    // --- One folder's client -----------------------------------------------------------------

    private async startClient(entry: FolderEntry<Folder, VaultClient>): Promise<VaultClient | undefined> {
        const folder = entry.folder;
        this.log(`starting the server for ${folder.name} (${folder.uri.fsPath})`);
        let server: ServerCommand;
        try {
            const pythonExtensionInterpreter = (): Promise<string | undefined> => this.python.interpreter(folder.uri);
            server = await discoverServer(discoveryHost(folder, { extensionPath: this.context.extensionPath, pythonExtensionInterpreter, log: this.log }));
        } catch (error) {
            const report = discoveryFailed(folder.name, error);
            report.lines.forEach(this.output.error);
            this.notify(report.notification);
            this.updateStatus();
            return undefined;
        }
        entry.server = server;
        this.log(`server for ${folder.name}: ${server.description}`);
        this.log(`  settings: ${JSON.stringify(this.settingsFor(folder))} (only those set in VS Code; the server's own defaults and .vaultls.toml fill in the rest)`);
        const executable = serverExecutable(server, this.context.extensionPath);
        this.log(`  command: ${[server.command, ...server.args].join(' ')}  (in ${executable.options.cwd})`);
        this.noticeMissingCompiled(server);

        const work = new WorkTracker();
        entry.work = work;
        const client = createFolderClient({
            folder,
            executable,
            output: this.channel,
            traceOutput: this.traceChannel,
            settings: (scope) => this.settingsFor(folder, scope),
            graphShown: this.graphShownIn().includes(folder.uri.toString()),
            log: this.log,
            failed: (message) => this.serverFailed(folder, message),
            settingsChanged: () => this.checkResults.clearFolder(folder),
            published: (uri) => this.checkResults.delete(uri),
            progress: (token, value) => {
                if (work.update(token, value)) {
                    if (value.kind === 'begin') {
                        this.log(`server for ${folder.name} is busy: ${value.title}`);
                    } else if (value.kind === 'end') {
                        this.log(`server for ${folder.name} is no longer busy (${value.message ?? 'done'})`);
                    }
                    this.updateStatus();
                }
            },
        });
        entry.client = client;
        entry.disposables.push(
            client.onDidChangeState((event) => {
                if (event.newState !== State.Running) {
                    work.clear(); // a stopped server never ends its work
                }
                this.updateStatus();
            }),
        );
        try {
            await client.start();
        } catch (error) {
            this.output.error(`the server for ${folder.name} did not start: ${errorMessage(error)}`);
            this.updateStatus();
            return undefined;
        }
        this.log(`server for ${folder.name} is running`);
        this.updateStatus();
        return client;
    }

    private settingsFor(folder: Folder, scope?: vscode.Uri): ServerSettings {
        return settingsFor(this.settingKeys, folder, scope);
    }

    private serverFailed(folder: Folder, message: string): void {
        const report = serverFailed(folder.name, message);
        report.lines.forEach(this.output.error);
        this.updateStatus();
        this.notify(report.notification);
    }

    /** A bundled server without some compiled modules for its Python: said once (bundleInfo.ts). */
    private noticeMissingCompiled(server: ServerCommand): void {
        const info = server.source === 'bundled' && server.python ? readBundleInfo(this.context.extensionPath) : undefined;
        const message = info && server.python ? missingCompiledMessage(info, server.python.version) : undefined;
        if (message !== undefined) {
            this.log(message);
            this.notifier.notify('bundle-compiled', message, [SHOW_OUTPUT]);
        }
    }

    private notify(notification: Notification): void {
        this.notifier.notify(notification.kind, notification.message, notification.actions);
    }

    private updateStatus(): void {
        const model = statusModel(
            this.clients.all().map((entry) => ({ running: entry.client?.state === State.Running, server: entry.server, work: entry.work?.current() })),
        );
        this.statusItem.text = model.text;
        this.statusItem.busy = model.busy;
        this.statusItem.severity = model.severity === 'error' ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
        this.statusItem.detail = model.detail;
    }
}
