/**
 * Multi-root workspaces: every workspace folder is its own vault with its own server. A folder
 * nested inside another workspace folder belongs to the outer one (its notes are the outer
 * vault's notes too), so it gets no server of its own. No `vscode` import.
 */

function normalise(p: string): string {
    return p.endsWith('/') ? p : p + '/';
}

/** The outermost of `folderPaths` (URI paths or fs paths with `/`) that contains `path`. */
export function outermostFolder(path: string, folderPaths: readonly string[]): string | undefined {
    const target = normalise(path);
    const containing = folderPaths.filter((folder) => target.startsWith(normalise(folder)));
    containing.sort((a, b) => a.length - b.length);
    return containing[0];
}

/** The folders that are not inside another one of the list. */
export function topLevelFolders(folderPaths: readonly string[]): string[] {
    return folderPaths.filter((folder) => outermostFolder(folder, folderPaths) === folder);
}

/** `vaultls.start`: which folders get a server when one of their Markdown notes opens. */
export type StartIn = 'markdown' | 'vaults';

/** The `vaultls.start` value, `markdown` (the default) for anything else. */
export function startIn(value: unknown): StartIn {
    return value === 'vaults' ? 'vaults' : 'markdown';
}

/** What decides whether a top-level folder gets a server. */
export interface FolderChoice {
    /** `vaultls.enable` for the folder. */
    enabled: boolean;
    /** `vaultls.start` for the folder. */
    startIn: StartIn;
    /** The folder has a vault's marks at its root (`.obsidian/` or `.vaultls.toml`). */
    isVault: boolean;
}

/**
 * Why the folder gets no server, or undefined when it gets one: never when vaultls is turned off
 * for it; a folder that is a vault by its marks always (it gets one as soon as it opens); any
 * other folder only with `start: markdown`, once one of its Markdown notes opens.
 */
export function noServerReason(choice: FolderChoice): string | undefined {
    if (!choice.enabled) {
        return 'vaultls.enable is off for it';
    }
    if (!choice.isVault && choice.startIn === 'vaults') {
        return 'vaultls.start is "vaults" and it has no .obsidian/ or .vaultls.toml at its root';
    }
    return undefined;
}

/** Whether the folder gets a server (see noServerReason). */
export function wantsServer(choice: FolderChoice): boolean {
    return noServerReason(choice) === undefined;
}
