/**
 * The vaultls VS Code extension: one language client per vault (workspace folder), started on
 * demand, with the server found as discovery.ts describes.
 */
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
    CloseAction,
    DidChangeConfigurationNotification,
    ErrorAction,
    ErrorHandler,
    ExecuteCommandRequest,
    Executable,
    LanguageClient,
    LanguageClientOptions,
    RevealOutputChannelOn,
    State,
    TransportKind,
} from 'vscode-languageclient/node';

import { DiscoveryError, DiscoveryHost, ServerCommand, discoverServer, expandPath, resolveSettingPath, serverSetting } from './discovery';
import { outermostFolder, topLevelFolders } from './folders';
import { createNodeHost, isDirectory, serverProcessOptions } from './nodeHost';
import { Notifier } from './notifier';
import { SECTION, ServerSettings, configurationFor, serverSettingKeys, toServerSettings } from './settings';

/** The server's `workspace/executeCommand` command, and our VS Code command of the same name. */
const CHECK_VAULT = 'vaultls.checkVault';
const SHOW_OUTPUT = 'Show Output';
const OPEN_SETTINGS = 'Open Settings';

interface FolderEntry {
    folder: vscode.WorkspaceFolder;
    /** Resolves to the running client, or undefined when the server could not be started. */
    ready: Promise<VaultClient | undefined>;
    client?: VaultClient;
    server?: ServerCommand;
    disposables: vscode.Disposable[];
}

let context: vscode.ExtensionContext;
let output: vscode.OutputChannel;
let notifier: Notifier;
let checkDiagnostics: vscode.DiagnosticCollection;
let statusItem: vscode.LanguageStatusItem;
let settingKeys: string[] = [];
const entries = new Map<string, FolderEntry>();
let pythonExtensionHooked = false;
const outsideLogged = new Set<string>();

function log(message: string): void {
    output.appendLine(`[vaultls ${new Date().toLocaleTimeString()}] ${message}`);
}

/** A LanguageClient whose own pop-ups go through our Notifier, so the user sees one. */
class VaultClient extends LanguageClient {
    constructor(
        name: string,
        serverOptions: Executable,
        clientOptions: LanguageClientOptions,
        private readonly onForcedError: (message: string) => void,
    ) {
        super(SECTION, name, serverOptions, clientOptions);
    }

    public override error(message: string, data?: unknown, showNotification: boolean | 'force' = true): void {
        super.error(message, data, false);
        if (showNotification === 'force') {
            this.onForcedError(message);
        }
    }
}

export async function activate(extensionContext: vscode.ExtensionContext): Promise<void> {
    context = extensionContext;
    output = vscode.window.createOutputChannel('vaultls');
    checkDiagnostics = vscode.languages.createDiagnosticCollection('vaultls-check');
    statusItem = vscode.languages.createLanguageStatusItem('vaultls', { language: 'markdown' });
    statusItem.name = 'vaultls';
    statusItem.text = 'vaultls';
    statusItem.command = { title: 'Show Output', command: 'vaultls.showOutput' };
    notifier = new Notifier(vscode.window.showErrorMessage, {
        [SHOW_OUTPUT]: () => output.show(true),
        [OPEN_SETTINGS]: () => vscode.commands.executeCommand('workbench.action.openSettings', 'vaultls.server'),
    });
    settingKeys = serverSettingKeys(context.extension.packageJSON as Parameters<typeof serverSettingKeys>[0]);
    context.subscriptions.push(output, checkDiagnostics, statusItem);

    log(`vaultls extension ${String((context.extension.packageJSON as { version?: string }).version)} on VS Code ${vscode.version}`);

    context.subscriptions.push(
        vscode.commands.registerCommand('vaultls.restartServer', () => restart()),
        vscode.commands.registerCommand('vaultls.showOutput', () => output.show(true)),
        vscode.commands.registerCommand(CHECK_VAULT, () => checkVault()),
        vscode.workspace.onDidOpenTextDocument((document) => onDocument(document)),
        vscode.workspace.onDidChangeWorkspaceFolders((event) => onFoldersChanged(event)),
        vscode.workspace.onDidChangeConfiguration((event) => onConfigurationChanged(event)),
        // In Restricted Mode discovery skipped whatever lies in the workspace (a venv's Python,
        // the Python extension's interpreter, settings that point inside); now it may use them.
        vscode.workspace.onDidGrantWorkspaceTrust(() => {
            log('the workspace is trusted now: finding the server again');
            void restart();
        }),
    );

    for (const document of vscode.workspace.textDocuments) {
        onDocument(document);
    }
    for (const folder of await vaultFolders()) {
        void ensureClient(folder);
    }
}

export async function deactivate(): Promise<void> {
    await Promise.all([...entries.keys()].map((key) => stopEntry(key)));
}

// --- Which folders get a server -------------------------------------------------------------

function folderKey(folder: vscode.WorkspaceFolder): string {
    return folder.uri.toString();
}

/** The workspace folder whose vault holds `uri` (the outermost folder that contains it). */
function vaultFolderOf(uri: vscode.Uri): vscode.WorkspaceFolder | undefined {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const found = outermostFolder(
        uri.toString(),
        folders.map((folder) => folder.uri.toString()),
    );
    return folders.find((folder) => folder.uri.toString() === found);
}

function topLevelWorkspaceFolders(): vscode.WorkspaceFolder[] {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
    const top = new Set(topLevelFolders(folders.map((folder) => folder.uri.toString())));
    return folders.filter((folder) => top.has(folder.uri.toString()));
}

async function isVault(folder: vscode.WorkspaceFolder): Promise<boolean> {
    const root = folder.uri.fsPath;
    if (await isDirectory(path.join(root, '.obsidian'))) {
        return true;
    }
    try {
        return (await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, '.vaultls.toml'))).type === vscode.FileType.File;
    } catch {
        return false;
    }
}

/** Top-level folders that are vaults by their markers (.obsidian/ or .vaultls.toml). */
async function vaultFolders(): Promise<vscode.WorkspaceFolder[]> {
    const folders = topLevelWorkspaceFolders();
    const marked = await Promise.all(folders.map((folder) => isVault(folder)));
    return folders.filter((_, index) => marked[index]);
}

function onDocument(document: vscode.TextDocument): void {
    if (document.languageId !== 'markdown' || document.uri.scheme !== 'file') {
        return;
    }
    const folder = vaultFolderOf(document.uri);
    if (folder !== undefined) {
        void ensureClient(folder);
    } else if (!outsideLogged.has(document.uri.toString())) {
        outsideLogged.add(document.uri.toString());
        log(`${document.uri.fsPath} is outside every workspace folder: vaultls works on notes in an open folder (a vault)`);
    }
}

function onFoldersChanged(event: vscode.WorkspaceFoldersChangeEvent): void {
    for (const folder of event.removed) {
        void stopEntry(folderKey(folder));
    }
    // A folder added around running ones takes them over; simplest is to start again.
    void (async () => {
        for (const [key, entry] of entries) {
            if (vaultFolderOf(entry.folder.uri)?.uri.toString() !== key) {
                await stopEntry(key);
            }
        }
        for (const folder of await vaultFolders()) {
            void ensureClient(folder);
        }
        for (const document of vscode.workspace.textDocuments) {
            onDocument(document);
        }
    })();
}

function onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (!event.affectsConfiguration(SECTION)) {
        return;
    }
    log('vaultls settings changed');
    // Server settings reach running servers through workspace/didChangeConfiguration (see
    // clientOptions); only the settings that choose the server need a restart.
    const affected = [...entries.values()]
        .filter((entry) => event.affectsConfiguration(`${SECTION}.server`, entry.folder.uri))
        .map((entry) => entry.folder);
    if (affected.length > 0) {
        log('vaultls.server settings changed: restarting');
        void restart(affected);
    }
}

// --- Starting and stopping ------------------------------------------------------------------

function ensureClient(folder: vscode.WorkspaceFolder): Promise<VaultClient | undefined> {
    const key = folderKey(folder);
    const existing = entries.get(key);
    if (existing !== undefined) {
        return existing.ready;
    }
    const entry: FolderEntry = { folder, ready: Promise.resolve(undefined), disposables: [] };
    entries.set(key, entry);
    entry.ready = startClient(entry);
    return entry.ready;
}

async function stopEntry(key: string): Promise<void> {
    const entry = entries.get(key);
    if (entry === undefined) {
        return;
    }
    entries.delete(key);
    const client = await entry.ready.catch(() => undefined);
    try {
        if (client !== undefined && client.state !== State.Stopped) {
            await client.stop(5000);
        }
    } catch (error) {
        log(`stopping the server for ${entry.folder.name} failed: ${String(error)}`);
    }
    try {
        await client?.dispose(1000);
    } catch {
        // already stopped
    }
    entry.disposables.forEach((disposable) => disposable.dispose());
    updateStatus();
}

async function restart(folders?: vscode.WorkspaceFolder[]): Promise<void> {
    notifier.reset();
    const targets = folders ?? [...entries.values()].map((entry) => entry.folder);
    await Promise.all(targets.map((folder) => stopEntry(folderKey(folder))));
    if (folders === undefined) {
        checkDiagnostics.clear();
    }
    const toStart = new Map<string, vscode.WorkspaceFolder>();
    for (const folder of targets) {
        toStart.set(folderKey(folder), folder);
    }
    if (folders === undefined) {
        for (const folder of await vaultFolders()) {
            toStart.set(folderKey(folder), folder);
        }
    }
    await Promise.all([...toStart.values()].map((folder) => ensureClient(folder)));
    for (const document of vscode.workspace.textDocuments) {
        onDocument(document);
    }
}

function discoveryHost(folder: vscode.WorkspaceFolder): DiscoveryHost {
    const config = vscode.workspace.getConfiguration(SECTION, folder.uri);
    const trusted = vscode.workspace.isTrusted;
    const vars = { home: os.homedir(), workspaceFolder: folder.uri.fsPath, env: process.env };
    const setting = (key: string): string =>
        resolveSettingPath(expandPath(serverSetting(config.inspect<string>(key), trusted), vars), folder.uri.fsPath);
    // Every process discovery starts (the Python probe, `--version`) runs in the extension's
    // folder, not in the vault: see safeWorkingFolder in nodeHost.ts.
    return createNodeHost({
        serverPathSetting: setting('server.path'),
        pythonSetting: setting('server.python'),
        extensionPath: context.extensionPath,
        trusted,
        workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
        pythonExtensionInterpreter: () => pythonExtensionInterpreter(folder),
        log,
    });
}

function settingsFor(folder: vscode.WorkspaceFolder, scope?: vscode.Uri): ServerSettings {
    const config = vscode.workspace.getConfiguration(SECTION, scope ?? folder.uri);
    return toServerSettings(settingKeys, (key) => config.inspect(key));
}

function serverFailed(folder: vscode.WorkspaceFolder, message: string): void {
    log(`${folder.name}: ${message}`);
    updateStatus();
    notifier.notify(
        'server-failed',
        `vaultls: the language server stopped working (${message.split('\n')[0]}). See the output for details; "vaultls: Restart Server" tries again.`,
        [SHOW_OUTPUT],
    );
}

async function startClient(entry: FolderEntry): Promise<VaultClient | undefined> {
    const folder = entry.folder;
    log(`starting the server for ${folder.name} (${folder.uri.fsPath})`);
    let server: ServerCommand;
    try {
        server = await discoverServer(discoveryHost(folder));
    } catch (error) {
        if (error instanceof DiscoveryError) {
            log(`could not start a server for ${folder.name}: ${error.summary}`);
            for (const detail of error.details) {
                log(`  tried: ${detail.replace(/\n/g, '\n    ')}`);
            }
            notifier.notify(
                'discovery',
                `vaultls: ${error.summary} ${error.advice}`,
                [OPEN_SETTINGS, SHOW_OUTPUT],
            );
        } else {
            log(`could not start a server for ${folder.name}: ${String(error)}`);
            notifier.notify('discovery', `vaultls: could not start the language server: ${String(error)}`, [SHOW_OUTPUT]);
        }
        updateStatus();
        return undefined;
    }
    entry.server = server;
    log(`server for ${folder.name}: ${server.description}`);
    log(`  settings: ${JSON.stringify(settingsFor(folder))} (only those set in VS Code; the server's own defaults and .vaultls.toml fill in the rest)`);
    // Not the vault as working folder (a vault could carry modules, DLLs, .python-version
    // files): the extension's own folder. The server gets its vault from `initialize`.
    const processOptions = serverProcessOptions(server, context.extensionPath);
    log(`  command: ${[server.command, ...server.args].join(' ')}  (in ${processOptions.cwd})`);

    const serverOptions: Executable = {
        command: server.command,
        args: server.args,
        transport: TransportKind.stdio,
        options: { cwd: processOptions.cwd, env: processOptions.env as { [name: string]: string } },
    };

    let client: VaultClient | undefined;
    const initialSettings = settingsFor(folder);
    // Last settings object the server got; VS Code reports every configuration change (the
    // server registers for all of them), and most are not ours.
    let lastSent = JSON.stringify(initialSettings);

    const clientOptions: LanguageClientOptions = {
        documentSelector: [
            // A vscode.RelativePattern is passed through to VS Code as it is.
            { scheme: 'file', language: 'markdown', pattern: new vscode.RelativePattern(folder, '**/*') as unknown as string },
        ],
        workspaceFolder: folder,
        outputChannel: output,
        revealOutputChannelOn: RevealOutputChannelOn.Never,
        diagnosticCollectionName: SECTION,
        initializationOptions: initialSettings,
        // The server registers its own file watchers (workspace/didChangeWatchedFiles).
        synchronize: { configurationSection: SECTION },
        markdown: { isTrusted: false, supportHtml: false },
        errorHandler: errorHandler(() => client, folder),
        initializationFailedHandler: (error) => {
            serverFailed(folder, `initialization failed: ${String(error instanceof Error ? error.message : error)}`);
            return false;
        },
        middleware: {
            workspace: {
                // Answer from the one mapping in settings.ts, scoped to this vault's folder.
                configuration: (params) =>
                    params.items.map((item) =>
                        configurationFor(item.section, settingsFor(folder, item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)),
                    ),
                didChangeConfiguration: async () => {
                    const settings = settingsFor(folder);
                    const json = JSON.stringify(settings);
                    if (json === lastSent) {
                        return;
                    }
                    lastSent = json;
                    log(`settings for ${folder.name} changed: ${json}`);
                    clearCheckResults(folder);
                    // The server reads these and then asks workspace/configuration again.
                    await client?.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: settings } });
                },
            },
            // What the server publishes for a note is newer than a Check Vault result for it.
            handleDiagnostics: (uri, diagnostics, next) => {
                checkDiagnostics.delete(uri);
                next(uri, diagnostics);
            },
        },
    };

    client = new VaultClient(folder.name === 'vaultls' ? 'vaultls' : `vaultls (${folder.name})`, serverOptions, clientOptions, (message) =>
        serverFailed(folder, message),
    );
    // The server's vaultls.checkVault is sent by our own command (for every vault at once);
    // letting each client also register it as a VS Code command would clash.
    const executeCommandFeature = client.getFeature(ExecuteCommandRequest.method);
    executeCommandFeature.register = () => undefined;
    entry.client = client;
    entry.disposables.push(client.onDidChangeState(() => updateStatus()));

    try {
        await client.start();
    } catch (error) {
        log(`the server for ${folder.name} did not start: ${String(error instanceof Error ? error.message : error)}`);
        updateStatus();
        return undefined;
    }
    log(`server for ${folder.name} is running`);
    updateStatus();
    return client;
}

function errorHandler(getClient: () => LanguageClient | undefined, folder: vscode.WorkspaceFolder): ErrorHandler {
    const restarts: number[] = [];
    return {
        error: (_error, _message, count) => ({ action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
        closed: () => {
            const now = Date.now();
            restarts.push(now);
            while (restarts.length > 0 && now - restarts[0] > 3 * 60_000) {
                restarts.shift();
            }
            if (restarts.length <= 4 && getClient() !== undefined) {
                log(`the server for ${folder.name} exited; restarting it`);
                return { action: CloseAction.Restart, handled: true };
            }
            serverFailed(folder, `the server exited ${restarts.length} times in 3 minutes and is not restarted again`);
            return { action: CloseAction.DoNotRestart, handled: true };
        },
    };
}

function updateStatus(): void {
    const all = [...entries.values()];
    const running = all.filter((entry) => entry.client?.state === State.Running);
    if (all.length === 0) {
        statusItem.text = 'vaultls: idle';
        statusItem.severity = vscode.LanguageStatusSeverity.Information;
        statusItem.detail = 'no vault open';
    } else if (running.length === all.length) {
        const server = running[0].server;
        statusItem.text = 'vaultls';
        statusItem.severity = vscode.LanguageStatusSeverity.Information;
        statusItem.detail = server?.python
            ? `bundled server, Python ${server.python.version.join('.')}`
            : server?.source === 'path'
              ? 'vaultls from PATH'
              : 'vaultls from vaultls.server.path';
    } else {
        statusItem.text = 'vaultls: not running';
        statusItem.severity = vscode.LanguageStatusSeverity.Error;
        statusItem.detail = 'see the output';
    }
}

// --- The Python extension -------------------------------------------------------------------

interface PythonExtensionApi {
    environments?: {
        getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
        resolveEnvironment(environment: { id: string; path: string } | string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
        onDidChangeActiveEnvironmentPath?: vscode.Event<{ resource?: { uri: vscode.Uri } | vscode.Uri }>;
    };
    settings?: {
        getExecutionDetails?(resource?: vscode.Uri): { execCommand: string[] | undefined };
    };
}

async function pythonExtensionInterpreter(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
    const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
    if (extension === undefined) {
        return undefined;
    }
    const api = extension.isActive
        ? extension.exports
        : await Promise.race([extension.activate(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000))]);
    if (api === undefined) {
        log('the Python extension did not activate within 15 s; not using its interpreter');
        return undefined;
    }
    hookPythonExtension(api);
    const environments = api.environments;
    if (environments !== undefined) {
        const active = environments.getActiveEnvironmentPath(folder.uri);
        const resolved = await environments.resolveEnvironment(active);
        return resolved?.executable.uri?.fsPath ?? active.path;
    }
    return api.settings?.getExecutionDetails?.(folder.uri).execCommand?.[0];
}

function hookPythonExtension(api: PythonExtensionApi): void {
    const event = api.environments?.onDidChangeActiveEnvironmentPath;
    if (pythonExtensionHooked || event === undefined) {
        return;
    }
    pythonExtensionHooked = true;
    context.subscriptions.push(
        event(() => {
            const affected = [...entries.values()]
                .filter((entry) => entry.server?.python?.source === 'python-extension')
                .map((entry) => entry.folder);
            if (affected.length > 0) {
                log("the Python extension's interpreter changed: restarting");
                void restart(affected);
            }
        }),
    );
}

// --- Check Vault ----------------------------------------------------------------------------

/** Drops a vault's Check Vault results (they are stale once its settings change). */
function clearCheckResults(folder: vscode.WorkspaceFolder): void {
    const stale: vscode.Uri[] = [];
    checkDiagnostics.forEach((uri) => {
        if (vaultFolderOf(uri)?.uri.toString() === folder.uri.toString()) {
            stale.push(uri);
        }
    });
    stale.forEach((uri) => checkDiagnostics.delete(uri));
    if (stale.length > 0) {
        vscode.window.setStatusBarMessage('vaultls: settings changed; run "vaultls: Check Vault" again for the notes that are not open', 10_000);
    }
}

interface CheckedNote {
    uri: string;
    diagnostics: Parameters<LanguageClient['protocol2CodeConverter']['asDiagnostics']>[0];
}

/** Whether the server offers `workspace/diagnostic`, which vscode-languageclient then polls. */
function pullsWorkspaceDiagnostics(client: LanguageClient): boolean {
    const provider = client.initializeResult?.capabilities.diagnosticProvider;
    return provider !== undefined && 'workspaceDiagnostics' in provider && provider.workspaceDiagnostics === true;
}

async function checkVault(): Promise<void> {
    const folders = topLevelWorkspaceFolders();
    if (folders.length === 0) {
        void vscode.window.showWarningMessage('vaultls: open a vault folder first; Check Vault checks the notes of the workspace folders.');
        return;
    }
    await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'vaultls: checking the vault' },
        async () => {
            const results = await Promise.all(
                folders.map(async (folder) => {
                    const client = await ensureClient(folder);
                    if (client === undefined) {
                        return undefined;
                    }
                    if (pullsWorkspaceDiagnostics(client)) {
                        // VS Code already pulls every note's problems from this server
                        // (workspace/diagnostic) into the Problems panel; a second copy would
                        // list each problem twice.
                        log(`Check Vault: the server for ${folder.name} reports every note's problems itself (workspace diagnostics)`);
                        return { client, notes: [] as CheckedNote[] };
                    }
                    try {
                        const notes = await client.sendRequest(ExecuteCommandRequest.type, { command: CHECK_VAULT, arguments: [] });
                        return { client, notes: (Array.isArray(notes) ? notes : []) as CheckedNote[] };
                    } catch (error) {
                        log(`Check Vault failed for ${folder.name}: ${String(error instanceof Error ? error.message : error)}`);
                        void vscode.window.showErrorMessage(`vaultls: Check Vault failed for ${folder.name}. See the output for details.`, SHOW_OUTPUT).then(
                            (choice) => choice && output.show(true),
                        );
                        return null;
                    }
                }),
            );
            if (results.every((result) => result === undefined)) {
                void vscode.window
                    .showErrorMessage('vaultls: Check Vault needs the language server, which is not running. See the output for why.', SHOW_OUTPUT)
                    .then((choice) => choice && output.show(true));
                return;
            }
            checkDiagnostics.clear();
            // Open notes already have the server's live diagnostics; showing both would list
            // every problem twice.
            const open = new Set(vscode.workspace.textDocuments.map((document) => document.uri.toString()));
            let problems = 0;
            let notesWithProblems = 0;
            for (const result of results) {
                if (!result) {
                    continue;
                }
                for (const note of result.notes) {
                    const uri = result.client.protocol2CodeConverter.asUri(note.uri);
                    const diagnostics = await result.client.protocol2CodeConverter.asDiagnostics(note.diagnostics ?? []);
                    problems += diagnostics.length;
                    notesWithProblems += diagnostics.length > 0 ? 1 : 0;
                    if (!open.has(uri.toString()) && diagnostics.length > 0) {
                        checkDiagnostics.set(uri, diagnostics);
                    }
                }
            }
            const fromWorkspacePull = results.some((result) => result && pullsWorkspaceDiagnostics(result.client));
            if (!fromWorkspacePull) {
                log(`Check Vault: ${problems} problem(s) in ${notesWithProblems} note(s)`);
                vscode.window.setStatusBarMessage(`vaultls: ${problems} problem(s) in ${notesWithProblems} note(s)`, 10_000);
            }
            if (problems > 0 || fromWorkspacePull) {
                await vscode.commands.executeCommand('workbench.actions.view.problems');
            }
        },
    );
}
