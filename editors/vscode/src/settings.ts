/**
 * The one place that maps VS Code settings to what the vaultls server reads.
 *
 * The server reads a nested object (`{diagnostics: {danglingLinks}, links: {resolveAliases},
 * exclude}`) from `initializationOptions` and from `workspace/configuration` (section
 * `vaultls`). Every `vaultls.*` setting contributed in package.json is a server setting unless
 * it starts with one of CLIENT_ONLY_PREFIXES or is one of CLIENT_ONLY_KEYS, so adding a server
 * setting (the frontmatter schema options, say) only takes a new entry in package.json's
 * `contributes.configuration`.
 *
 * Only values the user has set are sent. A value left at VS Code's default is omitted, so that
 * the server's lower layers (`.vaultls.toml` at the vault root, then its own defaults) decide it;
 * sending VS Code's defaults would silently override a vault's `.vaultls.toml`.
 *
 * `logFile` is the exception to "any scope": only the user's own settings may set it (package.json
 * gives it `"scope": "machine"`, and USER_ONLY_KEYS holds to that here too), and it is sent in
 * `initializationOptions` only, the one place the server takes it from: a cloned vault's
 * `.vscode/settings.json` must not make the server write a file anywhere.
 *
 * No `vscode` import here: this module is unit-tested with plain node.
 */

export const SECTION = 'vaultls';

/** Settings read by the extension itself and never sent to the server. */
export const CLIENT_ONLY_PREFIXES: readonly string[] = ['server.', 'trace.'];
/** Which folders get a server at all: read by the extension itself, never sent. */
export const CLIENT_ONLY_KEYS: readonly string[] = ['enable', 'start'];
/** Taken from the user's settings only, never from a workspace's or a folder's. */
export const USER_ONLY_KEYS: readonly string[] = ['logFile'];
/** Sent in `initializationOptions` only, never in answers to `workspace/configuration`. */
export const INITIALIZATION_ONLY_KEYS: readonly string[] = ['logFile'];

/** What `WorkspaceConfiguration.inspect(key)` returns (the part used here). */
export interface InspectedValue {
    defaultValue?: unknown;
    globalValue?: unknown;
    workspaceValue?: unknown;
    workspaceFolderValue?: unknown;
}

export type Inspect = (key: string) => InspectedValue | undefined;

export type ServerSettings = { [key: string]: unknown };

interface ConfigurationContribution {
    properties?: { [key: string]: unknown };
}

interface PackageJsonLike {
    contributes?: { configuration?: ConfigurationContribution | ConfigurationContribution[] };
}

/** The server setting keys (relative to `vaultls.`, dotted) contributed by package.json. */
export function serverSettingKeys(packageJson: PackageJsonLike): string[] {
    const configuration = packageJson.contributes?.configuration;
    const blocks = Array.isArray(configuration) ? configuration : configuration ? [configuration] : [];
    const keys: string[] = [];
    for (const block of blocks) {
        for (const fullKey of Object.keys(block.properties ?? {})) {
            if (!fullKey.startsWith(SECTION + '.')) {
                continue;
            }
            const key = fullKey.slice(SECTION.length + 1);
            if (!CLIENT_ONLY_PREFIXES.some((prefix) => key.startsWith(prefix)) && !CLIENT_ONLY_KEYS.includes(key)) {
                keys.push(key);
            }
        }
    }
    return keys.sort();
}

/** The value the user set, the most specific scope first; undefined when none is set. */
export function explicitValue(inspected: InspectedValue | undefined): unknown {
    if (inspected === undefined) {
        return undefined;
    }
    for (const value of [inspected.workspaceFolderValue, inspected.workspaceValue, inspected.globalValue]) {
        if (value !== undefined) {
            return value;
        }
    }
    return undefined;
}

/** Sets `a.b.c` in a nested object, creating the intermediate objects. */
export function setNested(target: ServerSettings, dottedKey: string, value: unknown): void {
    const parts = dottedKey.split('.');
    let current = target;
    for (const part of parts.slice(0, -1)) {
        const next = current[part];
        if (typeof next !== 'object' || next === null || Array.isArray(next)) {
            current[part] = {};
        }
        current = current[part] as ServerSettings;
    }
    current[parts[parts.length - 1]] = value;
}

/** The nested settings object for the server: only the keys the user set. */
export function toServerSettings(keys: readonly string[], inspect: Inspect): ServerSettings {
    const result: ServerSettings = {};
    for (const key of keys) {
        const inspected = inspect(key);
        const value = USER_ONLY_KEYS.includes(key) ? inspected?.globalValue : explicitValue(inspected);
        if (value !== undefined) {
            setNested(result, key, jsonClone(value));
        }
    }
    return result;
}

/** The settings without those sent in `initializationOptions` only: what `workspace/configuration` gets. */
export function runtimeSettings(settings: ServerSettings): ServerSettings {
    const result = { ...settings };
    for (const key of INITIALIZATION_ONLY_KEYS) {
        delete result[key];
    }
    return result;
}

/** VS Code hands out proxies and frozen objects; the wire needs plain JSON. */
function jsonClone(value: unknown): unknown {
    return JSON.parse(JSON.stringify(value)) as unknown;
}

/**
 * Answers one `workspace/configuration` item. The server asks for section `vaultls` (the whole
 * object); a narrower section such as `vaultls.diagnostics` gets that sub-object; any other
 * section is not ours and gets null.
 */
export function configurationFor(section: string | undefined | null, settings: ServerSettings): unknown {
    if (!section) {
        return { [SECTION]: settings };
    }
    if (section === SECTION) {
        return settings;
    }
    if (!section.startsWith(SECTION + '.')) {
        return null;
    }
    let current: unknown = settings;
    for (const part of section.slice(SECTION.length + 1).split('.')) {
        if (typeof current !== 'object' || current === null || !(part in current)) {
            return null;
        }
        current = (current as ServerSettings)[part];
    }
    return current;
}
