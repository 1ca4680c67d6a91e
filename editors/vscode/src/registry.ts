/**
 * Which folders have a language client: one entry per vault folder, created on first demand and
 * started once, however many notes of the folder open meanwhile; stopping an entry forgets it,
 * so the next demand starts a new client. No `vscode` import: the extension passes in how a
 * client starts and stops, so this is unit-tested with plain node.
 */

import { ServerCommand } from './discovery';
import { WorkTracker } from './status';

export interface Disposable {
    dispose(): unknown;
}

export interface FolderEntry<F, C> {
    readonly folder: F;
    /** Resolves to the running client, or undefined when the server could not be started. */
    ready: Promise<C | undefined>;
    /** Set as soon as the client exists (before it has started). */
    client?: C;
    /** The server discovery chose. */
    server?: ServerCommand;
    /** The work its server reports in progress (its first scan). */
    work?: WorkTracker;
    /** Disposed when the entry is stopped. */
    readonly disposables: Disposable[];
}

export interface RegistryOptions<F, C> {
    /** The folder's identity (its URI as a string). */
    key(folder: F): string;
    /** Starts the entry's client; resolves to it, or to undefined when it did not start. */
    start(entry: FolderEntry<F, C>): Promise<C | undefined>;
    /** Stops and disposes the entry's client (undefined when it never started); never rejects. */
    stop(entry: FolderEntry<F, C>, client: C | undefined): Promise<void>;
    /** Called after each stop (the status item shows the change). */
    stopped(): void;
}

export class ClientRegistry<F, C> {
    private readonly entries = new Map<string, FolderEntry<F, C>>();

    constructor(private readonly options: RegistryOptions<F, C>) {}

    /** The folder's client: the one starting or running, else a new one. */
    ensure(folder: F): Promise<C | undefined> {
        const key = this.options.key(folder);
        const existing = this.entries.get(key);
        if (existing !== undefined) {
            return existing.ready;
        }
        const entry: FolderEntry<F, C> = { folder, ready: Promise.resolve(undefined), disposables: [] };
        this.entries.set(key, entry);
        entry.ready = this.options.start(entry);
        return entry.ready;
    }

    /** Stops the folder's client (once it has started) and forgets the folder. */
    async stop(folder: F): Promise<void> {
        await this.stopKey(this.options.key(folder));
    }

    async stopAll(): Promise<void> {
        await Promise.all([...this.entries.keys()].map((key) => this.stopKey(key)));
    }

    /** Stops, one after the other, the entries for which `test` is true. */
    async stopIf(test: (entry: FolderEntry<F, C>, key: string) => boolean): Promise<void> {
        for (const [key, entry] of this.entries) {
            if (test(entry, key)) {
                await this.stopKey(key);
            }
        }
    }

    /**
     * Stops the clients of `targets`, then starts `targets` and the folders that `more` gives
     * (asked once the stops are done), each folder once.
     */
    async restart(targets: readonly F[], more: () => Promise<readonly F[]> = async () => []): Promise<void> {
        await Promise.all(targets.map((folder) => this.stop(folder)));
        const toStart = new Map<string, F>();
        for (const folder of [...targets, ...(await more())]) {
            toStart.set(this.options.key(folder), folder);
        }
        await Promise.all([...toStart.values()].map((folder) => this.ensure(folder)));
    }

    /** Every entry, in the order they were created. */
    all(): FolderEntry<F, C>[] {
        return [...this.entries.values()];
    }

    /** The folders of the entries for which `test` is true (all by default). */
    folders(test: (entry: FolderEntry<F, C>) => boolean = () => true): F[] {
        return this.all()
            .filter(test)
            .map((entry) => entry.folder);
    }

    private async stopKey(key: string): Promise<void> {
        const entry = this.entries.get(key);
        if (entry === undefined) {
            return;
        }
        this.entries.delete(key);
        const client = await entry.ready.catch(() => undefined);
        await this.options.stop(entry, client);
        entry.disposables.forEach((disposable) => disposable.dispose());
        this.options.stopped();
    }
}
