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
