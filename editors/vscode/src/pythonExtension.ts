/**
 * The Python extension (ms-python.python) as a source of the interpreter for the bundled server:
 * its active interpreter for a folder, and a restart of the servers that use it when the user
 * picks another one. Asked only in a trusted workspace (see discovery.ts). No `vscode` import:
 * the extension passes in how to find the Python extension; `R` is a resource (vscode.Uri).
 */

import { Disposable } from './registry';

export const ACTIVATION_TIMEOUT_MS = 15_000;

interface EnvironmentPath {
    id: string;
    path: string;
}

/** The part of the Python extension's API used here (both its newer and its older API). */
export interface PythonExtensionApi<R> {
    environments?: {
        getActiveEnvironmentPath(resource?: R): EnvironmentPath;
        resolveEnvironment(environment: EnvironmentPath | string): Promise<{ executable: { uri?: { fsPath: string } } } | undefined>;
        onDidChangeActiveEnvironmentPath?: (listener: (event: unknown) => unknown) => Disposable;
    };
    settings?: {
        getExecutionDetails?(resource?: R): { execCommand: string[] | undefined };
    };
}

/** The part of vscode.Extension used here. */
export interface PythonExtensionHandle<R> {
    readonly isActive: boolean;
    readonly exports: PythonExtensionApi<R>;
    activate(): Thenable<PythonExtensionApi<R>>;
}

export interface PythonExtensionOptions<R> {
    /** `vscode.extensions.getExtension('ms-python.python')`. */
    find(): PythonExtensionHandle<R> | undefined;
    log(message: string): void;
    /** The user chose another interpreter (heard once an interpreter has been asked for). */
    interpreterChanged(): void;
    activationTimeoutMs?: number;
}

export class PythonExtension<R> implements Disposable {
    private subscription: Disposable | undefined;

    constructor(private readonly options: PythonExtensionOptions<R>) {}

    /** The Python extension's interpreter for `resource`; undefined without that extension. */
    async interpreter(resource: R): Promise<string | undefined> {
        const extension = this.options.find();
        if (extension === undefined) {
            return undefined;
        }
        const api = extension.isActive ? extension.exports : await this.activate(extension);
        if (api === undefined) {
            this.options.log('the Python extension did not activate within 15 s; not using its interpreter');
            return undefined;
        }
        this.hook(api);
        const environments = api.environments;
        if (environments !== undefined) {
            const active = environments.getActiveEnvironmentPath(resource);
            const resolved = await environments.resolveEnvironment(active);
            return resolved?.executable.uri?.fsPath ?? active.path;
        }
        return api.settings?.getExecutionDetails?.(resource).execCommand?.[0];
    }

    dispose(): void {
        this.subscription?.dispose();
        this.subscription = undefined;
    }

    private async activate(extension: PythonExtensionHandle<R>): Promise<PythonExtensionApi<R> | undefined> {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<undefined>((resolve) => {
            timer = setTimeout(() => resolve(undefined), this.options.activationTimeoutMs ?? ACTIVATION_TIMEOUT_MS);
        });
        try {
            return await Promise.race([extension.activate(), timeout]);
        } finally {
            clearTimeout(timer);
        }
    }

    /** Listens for interpreter changes, once. */
    private hook(api: PythonExtensionApi<R>): void {
        const event = api.environments?.onDidChangeActiveEnvironmentPath;
        if (this.subscription !== undefined || event === undefined) {
            return;
        }
        this.subscription = event(() => this.options.interpreterChanged());
    }
}
