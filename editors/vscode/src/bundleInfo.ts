/**
 * What the bundled server lacks on the Python that runs it. scripts/bundle_server.py writes
 * bundled/tool/bundle.json: the .vsix's target and, per CPython, the distributions whose
 * compiled modules it does not carry (all of them in the universal .vsix, or for a Python it
 * has no wheels for). The user is told once what that costs and how to get every feature.
 * No `vscode` import.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BundleInfo {
    target: string;
    version: string;
    /** The distributions that have compiled modules (pyyaml, rpds-py). */
    compiled: string[];
    pythons: { [minor: string]: { missing: string[] } };
}

/** What each compiled distribution gives, said when it is missing. */
const WITHOUT: { [distribution: string]: string } = {
    'rpds-py': 'frontmatter schemas are not checked (jsonschema needs rpds-py)',
    pyyaml: 'frontmatter is read by the slower pure-Python YAML parser',
};

export const INSTALL_COMMAND = 'pipx install git+https://github.com/vaultls/vaultls';

export function readBundleInfo(extensionPath: string): BundleInfo | undefined {
    try {
        return JSON.parse(readFileSync(join(extensionPath, 'bundled', 'tool', 'bundle.json'), 'utf8')) as BundleInfo;
    } catch {
        return undefined;
    }
}

/** The compiled distributions the bundle lacks for this Python (x.y.z), by name. */
export function missingCompiled(info: BundleInfo, version: readonly number[]): string[] {
    const entry = info.pythons[`${version[0]}.${version[1]}`];
    return entry === undefined ? [...info.compiled] : [...entry.missing];
}

/** The one notification for a bundled server without some compiled modules, or undefined. */
export function missingCompiledMessage(info: BundleInfo, version: readonly number[]): string | undefined {
    const missing = missingCompiled(info, version);
    if (missing.length === 0) {
        return undefined;
    }
    const python = `Python ${version[0]}.${version[1]}`;
    const build = info.target === 'universal' ? 'This is the universal build of the extension, without compiled modules' : `This build (${info.target}) has no compiled modules of ${missing.join(', ')} for ${python}`;
    const costs = missing.map((name) => WITHOUT[name] ?? `${name} is missing`).join('; ');
    return (
        `vaultls: ${build}: ${costs}. For every feature, install vaultls (\`${INSTALL_COMMAND}\`, or \`pip install\` it into a venv) and restart: ` +
        `the extension uses the vaultls on PATH or in vaultls.server.path. ` +
        (info.target === 'universal' ? 'Or install the extension built for your platform.' : `Or run the bundled server with a Python from ${Object.keys(info.pythons).join(', ')} (vaultls.server.python).`)
    );
}
