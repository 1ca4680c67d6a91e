/**
 * The language client of one vault folder: how its server process runs, what the client sends it
 * (settings, only this folder's notes), and how it reacts when the server fails.
 */
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
    ProgressToken,
    RevealOutputChannelOn,
    State,
    TransportKind,
    WorkDoneProgressBegin,
    WorkDoneProgressEnd,
    WorkDoneProgressReport,
} from 'vscode-languageclient/node';

import { BUILTIN_MARKDOWN_EXTENSION, BuiltinMarkdownOverlap } from './builtinMarkdown';
import { ServerCommand } from './discovery';
import { errorMessage } from './failures';
import { initializationOptions } from './graphView';
import { serverProcessOptions } from './nodeHost';
import { withData } from './outputLog';
import { ExitWindow, continueAfterError, restartAfterExit } from './restartPolicy';
import { SECTION, ServerSettings, configurationFor, runtimeSettings } from './settings';

/**
 * The server's command that shows a note (`window/showDocument`); its "Create note" quick fix
 * runs it after its edit. The extension registers it as a VS Code command (extension.ts).
 */
export const OPEN_NOTE = 'vaultls.openNote';

/**
 * A LanguageClient whose own pop-ups go through our Notifier, so the user sees one, and whose
 * messages (the server's `window/logMessage` among them) go to the log channel at their level,
 * where the channel's level filter and its time stamps apply.
 */
export class VaultClient extends LanguageClient {
    constructor(
        name: string,
        serverOptions: Executable,
        clientOptions: LanguageClientOptions,
        private readonly onForcedError: (message: string) => void,
        private readonly logChannel: vscode.LogOutputChannel,
    ) {
        super(SECTION, name, serverOptions, clientOptions);
    }

    public override debug(message: string, data?: unknown): void {
        this.logChannel.debug(withData(message, data));
    }

    public override info(message: string, data?: unknown): void {
        this.logChannel.info(withData(message, data));
    }

    public override warn(message: string, data?: unknown): void {
        this.logChannel.warn(withData(message, data));
    }

    public override error(message: string, data?: unknown, showNotification: boolean | 'force' = true): void {
        this.logChannel.error(withData(message, data));
        if (showNotification === 'force') {
            this.onForcedError(message);
        }
    }
}

/**
 * How the server runs: not in the vault (a vault could carry modules, DLLs, .python-version
 * files) but in the extension's own folder. The server gets its vault from `initialize`.
 */
export function serverExecutable(server: ServerCommand, extensionPath: string): Executable & { options: { cwd: string } } {
    const processOptions = serverProcessOptions(server, extensionPath);
    return {
        command: server.command,
        args: server.args,
        transport: TransportKind.stdio,
        options: { cwd: processOptions.cwd, env: processOptions.env as { [name: string]: string } },
    };
}

export interface FolderClientOptions {
    folder: vscode.WorkspaceFolder;
    executable: Executable;
    /** The extension's log channel: the client's messages and the server's log. */
    output: vscode.LogOutputChannel;
    /** Where `vaultls.trace.server` writes the LSP messages. */
    traceOutput: vscode.OutputChannel;
    /** The server settings for the folder (or for a scope inside it). */
    settings(scope?: vscode.Uri): ServerSettings;
    /** The vault's whole graph has been shown in this workspace (graphView.ts: initializationOptions). */
    graphShown: boolean;
    log(message: string): void;
    /** The server stopped working; `message` says how. */
    failed(message: string): void;
    /** The folder's server settings changed (Check Vault results of the folder are stale). */
    settingsChanged(): void;
    /** The server published diagnostics for `uri` (newer than a Check Vault result for it). */
    published(uri: vscode.Uri): void;
    /** Work-done progress the server reports (its first scan), as VS Code shows it too. */
    progress(token: ProgressToken, params: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd): void;
}

export function createFolderClient(options: FolderClientOptions): VaultClient {
    const { folder, log } = options;
    const initialSettings = options.settings();
    // Last settings object the server got; VS Code reports every configuration change (the
    // server registers for all of them), and most are not ours.
    let lastSent = JSON.stringify(runtimeSettings(initialSettings));
    const overlap = new BuiltinMarkdownOverlap(() => vscode.extensions.getExtension(BUILTIN_MARKDOWN_EXTENSION) !== undefined, vscode.SymbolKind.String);

    const clientOptions: LanguageClientOptions = {
        documentSelector: [
            // A vscode.RelativePattern is passed through to VS Code as it is.
            { scheme: 'file', language: 'markdown', pattern: new vscode.RelativePattern(folder, '**/*') as unknown as string },
        ],
        workspaceFolder: folder,
        outputChannel: options.output,
        traceOutputChannel: options.traceOutput,
        revealOutputChannelOn: RevealOutputChannelOn.Never,
        diagnosticCollectionName: SECTION,
        // logFile only here: the server never takes it from workspace/configuration (settings.ts).
        initializationOptions: initializationOptions(initialSettings, options.graphShown),
        // The server registers its own file watchers (workspace/didChangeWatchedFiles).
        synchronize: { configurationSection: SECTION },
        markdown: { isTrusted: false, supportHtml: false },
        errorHandler: errorHandler(folder, log, options.failed),
        initializationFailedHandler: (error) => {
            options.failed(`initialization failed: ${errorMessage(error)}`);
            return false;
        },
        middleware: {
            workspace: {
                // Answer from the one mapping in settings.ts, scoped to this vault's folder.
                configuration: (params) =>
                    params.items.map((item) =>
                        configurationFor(item.section, runtimeSettings(options.settings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined))),
                    ),
                didChangeConfiguration: async () => {
                    const settings = runtimeSettings(options.settings());
                    const json = JSON.stringify(settings);
                    if (json === lastSent) {
                        return;
                    }
                    lastSent = json;
                    log(`settings for ${folder.name} changed: ${json}`);
                    options.settingsChanged();
                    // The server reads these and then asks workspace/configuration again.
                    await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: settings } });
                },
            },
            handleWorkDoneProgress: (token, params, next) => {
                options.progress(token, params);
                next(token, params);
            },
            handleDiagnostics: (uri, diagnostics, next) => {
                options.published(uri);
                next(uri, diagnostics);
            },
            provideDiagnostics: (document, previousResultId, token, next) => {
                options.published(document instanceof vscode.Uri ? document : document.uri);
                return next(document, previousResultId, token);
            },
            // What VS Code's own Markdown support shows already is not shown twice (builtinMarkdown.ts).
            provideDocumentSymbols: (document, token, next) => (overlap.wantsDocumentSymbols() ? next(document, token) : []),
            provideWorkspaceSymbols: async (query, token, next) => overlap.workspaceSymbols(await next(query, token)),
            provideReferences: async (document, position, context, token, next) =>
                overlap.references(
                    await next(document, position, context, token),
                    {
                        uri: document.uri.toString(),
                        line: position.line,
                        character: position.character,
                        lineText: document.lineAt(position.line).text,
                        includeDeclaration: context.includeDeclaration,
                    },
                    (location) => document.getText(location.range),
                ),
        },
    };

    const client = new VaultClient(folder.name === 'vaultls' ? 'vaultls' : `vaultls (${folder.name})`, options.executable, clientOptions, options.failed, options.output);
    // The server's vaultls.checkVault is sent by our own command (for every vault at once), and
    // vaultls.openNote by ours to the note's vault; letting each client also register them as
    // VS Code commands would clash.
    const executeCommandFeature = client.getFeature(ExecuteCommandRequest.method);
    executeCommandFeature.register = () => undefined;
    return client;
}

/** Stops and disposes a folder's client (undefined when it never started); never rejects. */
export async function stopClient(client: LanguageClient | undefined, folder: vscode.WorkspaceFolder, log: (message: string) => void): Promise<void> {
    try {
        if (client !== undefined && client.state !== State.Stopped) {
            await client.stop(5000);
        }
    } catch (error) {
        log(`stopping the server for ${folder.name} failed: ${String(error)}`);
    }
    try {
        await client?.dispose(1000);
    } catch {
        // already stopped
    }
}

function errorHandler(folder: vscode.WorkspaceFolder, log: (message: string) => void, failed: (message: string) => void): ErrorHandler {
    const exits = new ExitWindow();
    return {
        error: (_error, _message, count) => ({ action: continueAfterError(count) ? ErrorAction.Continue : ErrorAction.Shutdown }),
        closed: () => {
            const count = exits.record();
            if (restartAfterExit(count)) {
                log(`the server for ${folder.name} exited; restarting it`);
                return { action: CloseAction.Restart, handled: true };
            }
            failed(`the server exited ${count} times in 3 minutes and is not restarted again`);
            return { action: CloseAction.DoNotRestart, handled: true };
        },
    };
}
