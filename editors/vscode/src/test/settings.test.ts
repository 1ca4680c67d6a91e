import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { InspectedValue, configurationFor, explicitValue, runtimeSettings, serverSettingKeys, setNested, toServerSettings } from '../settings';

const packageJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const properties = packageJson.contributes.configuration.properties as { [key: string]: { default: unknown; enum?: string[]; scope?: string } };

describe('package.json settings', () => {
    it('contributes every server setting, and the server ones are all but server.*, trace.*, enable and start', () => {
        assert.deepEqual(serverSettingKeys(packageJson), [
            'diagnostics.danglingLinks',
            'diagnostics.scope',
            'diagnostics.severity',
            'exclude',
            'frontmatter.obsidianTypes',
            'frontmatter.rules',
            'frontmatter.schema',
            'frontmatter.severity',
            'gitignore',
            'links.resolveAliases',
            'logFile',
            'logLevel',
            'rename.updateTitleHeading',
            'templates.check',
        ]);
        for (const key of ['vaultls.server.path', 'vaultls.server.python', 'vaultls.trace.server', 'vaultls.enable', 'vaultls.start']) {
            assert.ok(key in properties, key);
        }
    });

    it("has the server's defaults", () => {
        assert.equal(properties['vaultls.diagnostics.danglingLinks'].default, 'warning');
        assert.deepEqual(properties['vaultls.diagnostics.danglingLinks'].enum, ['error', 'warning', 'information', 'hint', 'off']);
        assert.equal(properties['vaultls.links.resolveAliases'].default, false);
        assert.deepEqual(properties['vaultls.exclude'].default, []);
        assert.equal(properties['vaultls.frontmatter.schema'].default, '');
        assert.deepEqual(properties['vaultls.frontmatter.rules'].default, []);
        assert.equal(properties['vaultls.frontmatter.severity'].default, 'warning');
        assert.equal(properties['vaultls.frontmatter.obsidianTypes'].default, true);
    });

    it('has the client settings that choose where a server starts, and the log settings, with their defaults', () => {
        assert.equal(properties['vaultls.enable'].default, true);
        assert.equal(properties['vaultls.start'].default, 'markdown');
        assert.deepEqual(properties['vaultls.start'].enum, ['markdown', 'vaults']);
        assert.equal(properties['vaultls.logLevel'].default, 'info');
        assert.deepEqual(properties['vaultls.logLevel'].enum, ['error', 'warning', 'info', 'debug']);
        assert.equal(properties['vaultls.logFile'].default, '');
    });

    it("lets only the user's own settings set the log file (scope machine)", () => {
        assert.equal(properties['vaultls.logFile'].scope, 'machine');
    });

    it('sends the frontmatter rules as the server reads them', () => {
        const rules = [{ glob: 'Books/**', schema: 'schemas/book.schema.json' }];
        const settings = toServerSettings(serverSettingKeys(packageJson), (key) =>
            key === 'frontmatter.rules' ? { defaultValue: [], workspaceValue: rules } : key === 'frontmatter.severity' ? { globalValue: 'error' } : undefined,
        );
        assert.deepEqual(settings, { frontmatter: { rules, severity: 'error' } });
    });

    it('accepts configuration given as an array of blocks', () => {
        const keys = serverSettingKeys({
            contributes: {
                configuration: [
                    { properties: { 'vaultls.a.b': {}, 'vaultls.server.path': {} } },
                    { properties: { 'vaultls.c': {}, 'other.d': {} } },
                ],
            },
        });
        assert.deepEqual(keys, ['a.b', 'c']);
    });
});

describe('toServerSettings', () => {
    const keys = ['diagnostics.danglingLinks', 'exclude', 'links.resolveAliases'];

    it('sends nothing when nothing is set, so .vaultls.toml and server defaults apply', () => {
        const inspect = (key: string): InspectedValue => ({ defaultValue: properties[`vaultls.${key}`].default });
        assert.deepEqual(toServerSettings(keys, inspect), {});
    });

    it('nests the dotted keys the way the server reads them', () => {
        const values: { [key: string]: InspectedValue } = {
            'diagnostics.danglingLinks': { defaultValue: 'warning', globalValue: 'error' },
            exclude: { defaultValue: [], workspaceValue: ['templates/**', 'archive/*.md'] },
            'links.resolveAliases': { defaultValue: false, workspaceFolderValue: true },
        };
        assert.deepEqual(toServerSettings(keys, (key) => values[key]), {
            diagnostics: { danglingLinks: 'error' },
            exclude: ['templates/**', 'archive/*.md'],
            links: { resolveAliases: true },
        });
    });

    it('sends a value set back to the default explicitly', () => {
        const settings = toServerSettings(keys, (key) => (key === 'links.resolveAliases' ? { defaultValue: false, globalValue: false } : undefined));
        assert.deepEqual(settings, { links: { resolveAliases: false } });
    });

    it('takes the folder value over the workspace value over the user value', () => {
        assert.equal(explicitValue({ globalValue: 'a', workspaceValue: 'b', workspaceFolderValue: 'c' }), 'c');
        assert.equal(explicitValue({ globalValue: 'a', workspaceValue: 'b' }), 'b');
        assert.equal(explicitValue({ globalValue: 'a', defaultValue: 'd' }), 'a');
        assert.equal(explicitValue({ defaultValue: 'd' }), undefined);
        assert.equal(explicitValue(undefined), undefined);
    });

    it('sends the log level and the log file the user set, and neither when unset', () => {
        const logKeys = ['logFile', 'logLevel'];
        assert.deepEqual(toServerSettings(logKeys, () => ({ defaultValue: '' })), {});
        const values: { [key: string]: InspectedValue } = {
            logLevel: { defaultValue: 'info', globalValue: 'debug' },
            logFile: { defaultValue: '', globalValue: '/home/me/vaultls.log' },
        };
        assert.deepEqual(toServerSettings(logKeys, (key) => values[key]), { logLevel: 'debug', logFile: '/home/me/vaultls.log' });
    });

    it("takes the log file from the user's settings only, never from a workspace's or a folder's", () => {
        const inspect = (): InspectedValue => ({ defaultValue: '', workspaceValue: '/tmp/planted.log', workspaceFolderValue: '/tmp/planted2.log' });
        assert.deepEqual(toServerSettings(['logFile'], inspect), {});
        const withUser = (): InspectedValue => ({ globalValue: '/home/me/vaultls.log', workspaceValue: '/tmp/planted.log' });
        assert.deepEqual(toServerSettings(['logFile'], withUser), { logFile: '/home/me/vaultls.log' });
    });

    it('gives plain JSON, not the objects VS Code handed out', () => {
        const frozen = Object.freeze(['a/**']);
        const settings = toServerSettings(['exclude'], () => ({ globalValue: frozen }));
        assert.notEqual(settings.exclude, frozen);
        assert.deepEqual(settings.exclude, ['a/**']);
    });
});

describe('setNested', () => {
    it('creates and reuses intermediate objects', () => {
        const target = {};
        setNested(target, 'frontmatter.schema.path', 'schema.json');
        setNested(target, 'frontmatter.schema.strict', true);
        setNested(target, 'exclude', []);
        assert.deepEqual(target, { frontmatter: { schema: { path: 'schema.json', strict: true } }, exclude: [] });
    });
});

describe('configurationFor', () => {
    const settings = { diagnostics: { danglingLinks: 'error' }, exclude: ['x'] };

    it('answers section vaultls with the whole object', () => {
        assert.deepEqual(configurationFor('vaultls', settings), settings);
    });

    it('answers a sub-section with that part, or null when unset', () => {
        assert.deepEqual(configurationFor('vaultls.diagnostics', settings), { danglingLinks: 'error' });
        assert.equal(configurationFor('vaultls.diagnostics.danglingLinks', settings), 'error');
        assert.equal(configurationFor('vaultls.links', settings), null);
    });

    it('answers no section with the object under its section name, and other sections with null', () => {
        assert.deepEqual(configurationFor(undefined, settings), { vaultls: settings });
        assert.deepEqual(configurationFor(null, settings), { vaultls: settings });
        assert.equal(configurationFor('editor', settings), null);
        assert.equal(configurationFor('vaultlsx', settings), null);
    });
});

describe('runtimeSettings', () => {
    it('leaves the log file out of what workspace/configuration answers (initializationOptions only)', () => {
        const settings = { logFile: '/home/me/vaultls.log', logLevel: 'debug', exclude: ['a/**'] };
        assert.deepEqual(runtimeSettings(settings), { logLevel: 'debug', exclude: ['a/**'] });
        assert.deepEqual(settings.logFile, '/home/me/vaultls.log');
    });
});
