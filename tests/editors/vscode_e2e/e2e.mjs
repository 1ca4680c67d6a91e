// End-to-end test of the vaultls extension in a real VS Code: code-server driven by Chromium.
//
//   node e2e.mjs CONFIG.json
//
// CONFIG: {codeServer, vsix, vault, work, artifacts, chromium, env, note, danglingTarget,
//          targetNote, targetPath, targetText, checkVaultCode, noteNames, timeoutMs,
//          scenario ("features", "bad-python" or "restricted": the features in an untrusted
//          workspace, then trust it), settings (extra user settings), vaultName,
//          workspaceFile (open it instead of the vault folder), secondVault {name, path, note,
//          danglingTarget} (the other folder of that workspace), markers (a folder outside the
//          vaults where modules planted in them leave a file if they are ever imported),
//          venvPython, venvMarker (restricted: a python3 inside the vault, first on PATH, that
//          writes venvMarker whenever it runs)}
// `env` is the whole environment code-server (and so the extension host and the server) runs
// with; the caller takes vaultls off its PATH so that the bundled server is used.
//
// Prints one line per step ("ok - ..." / "not ok - ...") and a last line
// "N passed, N failed". On a failure it saves a screenshot in `artifacts` and prints the
// extension's output channel (with the server's stderr). Exit status 0 only when all passed.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const timeout = config.timeoutMs ?? 20_000;
const started = Date.now();
const userData = join(config.work, 'user-data');
const extensions = join(config.work, 'extensions');
mkdirSync(join(userData, 'User'), { recursive: true });
mkdirSync(extensions, { recursive: true });
mkdirSync(config.artifacts, { recursive: true });

function elapsed() {
    return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

function say(line) {
    process.stdout.write(`${line}\n`);
}

// A quiet, predictable workbench: nothing that opens on its own or reaches the network.
writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
        {
            'workbench.startupEditor': 'none',
            'workbench.tips.enabled': false,
            'workbench.enableExperiments': false,
            'workbench.welcomePage.walkthroughs.openOnInstall': false,
            'workbench.secondarySideBar.defaultVisibility': 'hidden',
            'security.workspace.trust.enabled': false,
            'telemetry.telemetryLevel': 'off',
            'update.mode': 'none',
            'extensions.autoUpdate': false,
            'extensions.autoCheckUpdates': false,
            'extensions.ignoreRecommendations': true,
            'chat.commandCenter.enabled': false,
            'chat.disableAIFeatures': true,
            'git.enabled': false,
            'files.autoSave': 'off',
            'editor.minimap.enabled': false,
            'editor.hover.delay': 300,
            'outline.collapseItems': 'alwaysExpand',
            'window.restoreWindows': 'none',
            // The LSP messages (method and id, not contents) go to the output channel that a
            // failing run prints.
            'vaultls.trace.server': 'messages',
            ...(config.settings ?? {}),
        },
        null,
        2,
    ),
);

function freePort() {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

function findFiles(dir, predicate, found = []) {
    if (!existsSync(dir)) {
        return found;
    }
    for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) {
            findFiles(full, predicate, found);
        } else if (predicate(full)) {
            found.push(full);
        }
    }
    return found;
}

/** The extension's output channel, as VS Code logs it to disk. */
function outputChannelLog() {
    const files = findFiles(join(userData, 'logs'), (file) => /vaultls[^/]*\.log$/.test(file));
    return files.map((file) => `--- ${file}\n${readFileSync(file, 'utf8')}`).join('\n');
}

const codeServerArgs = ['--user-data-dir', userData, '--extensions-dir', extensions];

/** The processes below `rootPid` (Linux /proc): pid, command line and working folder. */
function descendants(rootPid) {
    const parents = new Map();
    for (const name of readdirSync('/proc')) {
        if (!/^\d+$/.test(name)) {
            continue;
        }
        try {
            const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
            const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
            parents.set(Number(name), ppid);
        } catch {
            // gone already
        }
    }
    const found = [];
    const wanted = new Set([rootPid]);
    let grew = true;
    while (grew) {
        grew = false;
        for (const [pid, ppid] of parents) {
            if (wanted.has(ppid) && !wanted.has(pid)) {
                wanted.add(pid);
                grew = true;
            }
        }
    }
    for (const pid of wanted) {
        if (pid === rootPid) {
            continue;
        }
        try {
            const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
            found.push({ pid, args, cwd: readlinkSync(`/proc/${pid}/cwd`) });
        } catch {
            // gone already
        }
    }
    return found;
}

function isInside(file, folder) {
    return file === folder || file.startsWith(`${folder}/`);
}

/** Fails when a module planted in a vault was imported (it left its marker). */
function checkMarkers() {
    const imported = config.markers && existsSync(config.markers) ? readdirSync(config.markers) : [];
    if (imported.length > 0) {
        throw new Error(`code from the vault ran: ${imported.join(', ')}`);
    }
    say(`#   no marker in ${config.markers}`);
}

// 1. Install the .vsix (about a second).
execFileSync(config.codeServer, [...codeServerArgs, '--install-extension', config.vsix], { env: config.env, stdio: ['ignore', 'pipe', 'inherit'] });
say(`# installed ${config.vsix} (${elapsed()})`);

// 2. Start code-server.
const port = await freePort();
const codeServerLog = [];
const codeServer = spawn(
    config.codeServer,
    [
        ...codeServerArgs,
        '--auth', 'none',
        '--bind-addr', `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        // Restricted Mode needs Workspace Trust; elsewhere it would only get in the way.
        ...(config.scenario === 'restricted' ? [] : ['--disable-workspace-trust']),
        '--disable-getting-started-override',
        '--config', join(config.work, 'code-server.yaml'),
        '--ignore-last-opened',
    ],
    { env: config.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
);
for (const stream of [codeServer.stdout, codeServer.stderr]) {
    stream.on('data', (chunk) => codeServerLog.push(String(chunk)));
}

async function waitForServer() {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
        if (codeServer.exitCode !== null) {
            throw new Error(`code-server exited with ${codeServer.exitCode}:\n${codeServerLog.join('')}`);
        }
        try {
            const response = await fetch(`http://127.0.0.1:${port}/healthz`);
            if (response.ok) {
                return;
            }
        } catch {
            // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`code-server did not answer within 30 s:\n${codeServerLog.join('')}`);
}

let browser;
let page;
let passed = 0;
let failed = 0;

async function step(name, body) {
    const t0 = Date.now();
    try {
        await body();
        passed++;
        say(`ok - ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        return true;
    } catch (error) {
        failed++;
        say(`not ok - ${name}`);
        say(String(error?.stack ?? error).split('\n').map((line) => `#   ${line}`).join('\n'));
        if (page) {
            const file = join(config.artifacts, `vscode-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
            await page.screenshot({ path: file }).catch(() => undefined);
            say(`#   screenshot: ${file}`);
        }
        return false;
    }
}

const editor = () => page.locator('.editor-group-container.active .monaco-editor').first();

/** A screenshot for the extension's README (images/), when the test asks for them. */
async function shot(name) {
    if (config.screenshots) {
        mkdirSync(config.screenshots, { recursive: true });
        // The editor and the panel: the explorer beside them lists the test's decoy modules.
        const sidebar = await page.locator('.part.sidebar').boundingBox();
        const size = page.viewportSize();
        const x = sidebar ? Math.round(sidebar.x + sidebar.width) : 0;
        await page.screenshot({ path: join(config.screenshots, `${name}.png`), clip: { x, y: 0, width: size.width - x, height: size.height } });
        say(`#   screenshot for the README: ${name}.png`);
    }
}

/** The text of the editor's rendered lines (only those on screen). */
async function visibleLines() {
    return (await editor().locator('.view-lines .view-line').allTextContents()).map((line) => line.replace(/\u00a0/g, ' '));
}

/** Opens a note with Quick Open (Ctrl+P), by its path without `.md`. */
async function openQuickly(name) {
    const fileName = `${name.split('/').pop()}.md`;
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout });
    await input.fill(name);
    // The list first shows recently opened files; wait for the search to find this one.
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first();
    await row.waitFor({ timeout });
    await row.click();
}

/**
 * Screen point over character `offset` of `needle` in the rendered line that contains `lineText`
 * (ASCII text in a monospace font: the line's width divided by its length is one character).
 */
async function pointAt(lineText, needle, offset) {
    // The editor re-renders a line whenever decorations arrive (diagnostics, document links,
    // a hover going away): a line read while that happens has no box yet, so look again.
    const deadline = Date.now() + 5000;
    let seen = '(no such line)';
    while (Date.now() < deadline) {
        const line = editor().locator('.view-line', { hasText: lineText }).first();
        const text = ((await line.textContent({ timeout: 1000 }).catch(() => null)) ?? '').replace(/\u00a0/g, ' ');
        const box = text ? await line.locator(':scope > span').first().boundingBox({ timeout: 1000 }).catch(() => null) : null;
        const index = text.indexOf(needle);
        if (box && box.width > 0 && index >= 0) {
            const charWidth = box.width / text.length;
            return { x: box.x + (index + offset + 0.5) * charWidth, y: box.y + box.height / 2 };
        }
        seen = text || seen;
        await page.waitForTimeout(200);
    }
    throw new Error(`"${needle}" is not on screen in a line with "${lineText}" (last seen: "${seen}")`);
}

// The mouse rests on the point `locate` finds until a hover holding `text` shows. VS Code hides
// a hover when the editor's layout changes under it (code lenses drawn, or asked for again as
// other notes change: the lines move down), and a user then points again at where the link now
// is: so does this, a few times within the step's time.
async function hoverAt(locate, text) {
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: text });
    const deadline = Date.now() + timeout;
    for (;;) {
        const point = await locate();
        await page.mouse.move(point.x - 10, point.y);
        await page.mouse.move(point.x, point.y, { steps: 3 });
        const left = deadline - Date.now();
        try {
            await hover.first().waitFor({ state: 'visible', timeout: Math.max(1000, Math.min(5000, left)) });
            return hover;
        } catch (error) {
            if (Date.now() >= deadline) throw error;
            say('#   no hover yet: pointing again');
        }
    }
}

async function runCommand(title) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout });
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout });
    await page.keyboard.press('Enter');
}

/** Ctrl+Shift+M toggles the panel: press it only when the panel is hidden. */
async function showProblems() {
    if (!(await page.locator('.markers-panel').isVisible())) {
        await page.keyboard.press('Control+Shift+M');
    }
    await page.locator('.markers-panel').waitFor({ state: 'visible', timeout });
}

/** Types into the Problems panel's filter box (the list shows only the rows on screen). */
async function setProblemsFilter(text) {
    await showProblems();
    const filter = page.locator('.markers-panel-container .viewpane-filter input, .panel .viewpane-filter input').first();
    await filter.waitFor({ state: 'visible', timeout });
    // The panel, when it has just opened, may render its filter box again and lose the text.
    await waitFor(async () => {
        if ((await filter.inputValue().catch(() => null)) === text) {
            return true;
        }
        await filter.fill(text).catch(() => undefined);
        await page.waitForTimeout(300);
        return (await filter.inputValue().catch(() => null)) === text;
    }, `the Problems filter to read "${text}"`);
}

/** Waits for a Problems row matching `text` (after filtering on it); returns the row's text. */
async function problemRow(text) {
    await setProblemsFilter(text);
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: text }).first();
    await row.waitFor({ timeout });
    return (await row.textContent()) ?? '';
}

async function activeTabTitle() {
    return (await page.locator('.editor-group-container.active .tab.active').first().getAttribute('aria-label')) ?? '';
}

async function waitFor(predicate, what, ms = timeout) {
    const deadline = Date.now() + ms;
    let last;
    while (Date.now() < deadline) {
        last = await predicate();
        if (last) {
            return last;
        }
        await page.waitForTimeout(200);
    }
    throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
}

/** Restricted Mode, before the usual steps: the server runs without the vault's own Python. */
async function restrictedModeSteps() {
    await step('the workspace opens in Restricted Mode', async () => {
        const indicator = page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first();
        await indicator.waitFor({ state: 'visible', timeout });
    });
}

/** Restricted Mode, after the usual steps: nothing of the vault ran; trusting it finds the server again. */
async function trustSteps() {
    await step("in Restricted Mode the vault's own python3 (first on PATH) did not run", async () => {
        const log = outputChannelLog();
        if (!log.includes('the workspace is not trusted (Restricted Mode)')) {
            throw new Error(`the output channel does not mention Restricted Mode:\n${log}`);
        }
        const skipped = log.split('\n').find((line) => line.includes(config.venvPython) && line.includes('is not used'));
        if (!skipped) {
            throw new Error(`the output channel does not say ${config.venvPython} was skipped:\n${log}`);
        }
        say(`#   ${skipped.trim()}`);
        if (existsSync(config.venvMarker)) {
            throw new Error(`${config.venvPython} ran in Restricted Mode`);
        }
    });
    await step('trusting the workspace finds the server again, now with the Python inside it', async () => {
        const before = outputChannelLog().split(`server for ${config.vaultName} is running`).length;
        await runCommand('Workspaces: Manage Workspace Trust');
        const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
        await trust.waitFor({ state: 'visible', timeout });
        await trust.click();
        await waitFor(() => outputChannelLog().includes('the workspace is trusted now'), 'the extension to hear of the trust');
        await waitFor(
            () => outputChannelLog().split(`server for ${config.vaultName} is running`).length > before,
            `the server for ${config.vaultName} to run again`,
        );
        if (!existsSync(config.venvMarker)) {
            throw new Error(`${config.venvPython} (first on PATH) was not tried once the workspace was trusted`);
        }
        if (await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).count()) {
            throw new Error('the status bar still says Restricted Mode');
        }
    });
}

/**
 * `vaultls.server.python` points at no Python: the user gets one notification that names the
 * setting (however many notes are opened), and the output channel says what was tried.
 */
async function badPythonScenario() {
    const toasts = page.locator('.notifications-toasts .notification-toast', { hasText: 'vaultls' });
    await step('a vaultls.server.python that does not exist gives one clear notification', async () => {
        await openQuickly(config.note.replace(/\.md$/, ''));
        await toasts.first().waitFor({ state: 'visible', timeout });
        const text = ((await toasts.first().locator('.notification-list-item-message').textContent()) ?? '').replace(/\s+/g, ' ');
        say(`#   notification: ${text}`);
        for (const needed of ['vaultls.server.python', 'Python 3.10']) {
            if (!text.includes(needed)) {
                throw new Error(`the notification does not mention ${needed}`);
            }
        }
    });
    await step('opening more notes adds no notification, and the output channel says why', async () => {
        await openQuickly(config.targetPath.replace(/\.md$/, ''));
        await waitFor(async () => (await activeTabTitle()).includes(config.targetPath.split('/').pop()), 'the second note');
        await page.waitForTimeout(2000);
        const count = await toasts.count();
        if (count !== 1) {
            throw new Error(`${count} vaultls notifications`);
        }
        const log = outputChannelLog();
        if (!log.includes('tried:') || !log.includes(config.settings['vaultls.server.python'])) {
            throw new Error(`the output channel does not say what was tried:\n${log}`);
        }
        say(`#   ${log.split('\n').find((line) => line.includes('tried:'))?.trim()}`);
    });
    await step('nothing in the vaults was imported', async () => checkMarkers());
}

/** Daily notes (issue 21): "Open Today's Note" creates today's note in the vault's daily folder
 * from its daily template (examples/vault/.obsidian/daily-notes.json) and opens it. */
async function dailyNoteSteps() {
    const now = new Date();
    const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    const file = join(config.vault, 'Daily', `${today}.md`);
    await step("vaultls: Open Today's Note creates today's note from the template and opens it", async () => {
        if (existsSync(file)) {
            throw new Error(`${file} exists before the command`);
        }
        await runCommand("vaultls: Open Today's Note");
        await waitFor(async () => (await activeTabTitle()).includes(`${today}.md`), `the tab ${today}.md`);
        await waitFor(async () => {
            const lines = await visibleLines();
            return lines.some((line) => line.trim() === `# ${today}`) && lines.some((line) => line.includes(`created: '${today}'`));
        }, `the filled template in ${today}.md`);
        await page.keyboard.press('Control+S');
        await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').includes('## Tasks'), `${file} saved with the template`);
        say(`#   made ${file}`);
    });
}

/** The link graph (issue 20): the code lens above a note's title counts its backlinks and
 * opens them in the references view; "Show Call Hierarchy" lists the notes linking to it. */
async function linkGraphSteps() {
    const name = config.targetPath.split('/').pop();
    await step('the code lens above the title counts the backlinks and shows them', async () => {
        await openQuickly(config.targetPath.replace(/\.md$/, ''));
        await waitFor(async () => (await activeTabTitle()).includes(name), `the tab ${name}`);
        const lens = editor().locator('.codelens-decoration a', { hasText: /^\d+ backlinks?$/ }).first();
        await lens.waitFor({ state: 'visible', timeout });
        const title = ((await lens.textContent()) ?? '').trim();
        say(`#   code lens: ${title}`);
        if (Number.parseInt(title, 10) < 2) {
            throw new Error(`the lens reads "${title}"; ${config.targetNote} has several backlinks`);
        }
        const peek = page.locator('.peekview-widget').first();
        // The lenses are drawn again when the server asks for a refresh (the note made by the
        // step before changed the counts); a click on the lens being replaced runs nothing.
        for (let attempt = 1; ; attempt++) {
            await lens.click();
            try {
                await peek.waitFor({ state: 'visible', timeout: 5000 });
                break;
            } catch (err) {
                if (attempt >= 4) throw err;
                say(`#   no references peek after click ${attempt}; clicking the lens again`);
            }
        }
        await waitFor(async () => ((await peek.textContent()) ?? '').includes('Welcome.md'), 'Welcome.md in the references peek');
        await page.keyboard.press('Escape');
    });
    await step('Show Call Hierarchy lists the notes that link to the note (incoming calls)', async () => {
        const point = await pointAt(config.targetText, config.targetText, 2);
        await page.mouse.click(point.x, point.y);
        const tree = page.locator('.part.sidebar');
        const sidebarWasVisible = await tree.isVisible();
        await runCommand('Calls: Show Call Hierarchy');
        const row = (text) => tree.locator('.monaco-list-row', { hasText: text }).first();
        await row(config.targetNote).waitFor({ state: 'visible', timeout });
        await waitFor(async () => (await row('Welcome').count()) > 0 && (await row('Trotsky').count()) > 0, 'Welcome and Trotsky among the callers');
        const rows = (await tree.locator('.monaco-list-row').allTextContents()).map((s) => s.trim());
        say(`#   call hierarchy: ${rows.slice(0, 8).join(' | ')}`);
        await shot('call-hierarchy');
        // The steps after this one find the window as they would without it.
        await runCommand(sidebarWasVisible ? 'View: Show Explorer' : 'View: Close Primary Side Bar');
    });
}

/** Semantic tokens: the default theme draws a dangling link in a colour of its own. */
async function semanticTokensSteps() {
    await step('a dangling link and a resolved one are drawn in different colours (semantic tokens)', async () => {
        await openQuickly(config.note.replace(/\.md$/, ''));
        await waitFor(async () => (await activeTabTitle()).includes(config.note.split('/').pop()), `the tab ${config.note}`);
        // Once the tokens arrive, a link is drawn in spans of its own (one, or a few where
        // decorations such as a document link cut it); before, it shares a span with its text.
        const colourOf = (link, name) =>
            editor()
                .locator('.view-line > span > span')
                .evaluateAll(
                    (spans, [wanted, word]) => {
                        const texts = spans.map((s) => (s.textContent ?? '').replace(/\u00a0/g, ' '));
                        const i = texts.findIndex((t) => t.includes(word) && wanted.includes(t));
                        return i >= 0 ? getComputedStyle(spans[i]).color : null;
                    },
                    [link, name.split(' ')[0]],
                );
        const dangling = `[[${config.danglingTarget}]]`;
        const resolved = '[[Trotsky]]';
        const colours = await waitFor(async () => {
            const [d, r] = [await colourOf(dangling, config.danglingTarget), await colourOf(resolved, 'Trotsky')];
            return d && r && d !== r ? { d, r } : null;
        }, `${dangling} and ${resolved} in colours of their own`);
        say(`#   ${dangling}: ${colours.d}; ${resolved}: ${colours.r}`);
    });
}

/** Unlinked mentions (issue 20): "vaultls: Show Unlinked Mentions" on Petrograd lists, in the
 * references view, the plain "Petrograd" that People/Trotsky.md writes without linking it. */
async function mentionSteps() {
    await step('vaultls: Show Unlinked Mentions lists where other notes name the note without a link', async () => {
        await openQuickly('Places/Petrograd');
        await waitFor(async () => (await activeTabTitle()).includes('Petrograd.md'), 'the tab Petrograd.md');
        await runCommand('vaultls: Show Unlinked Mentions');
        const peek = page.locator('.peekview-widget').first();
        await peek.waitFor({ state: 'visible', timeout });
        await waitFor(async () => ((await peek.textContent()) ?? '').includes('Trotsky.md'), 'Trotsky.md in the references peek');
        say(`#   unlinked mentions: ${((await peek.locator('.monaco-list-row').allTextContents()) ?? []).slice(0, 4).join(' | ')}`);
        await page.keyboard.press('Escape');
    });
}

/** The graph (issue 22): "Show Local Graph" on a note shows it with its neighbours, and
 * clicking a neighbour in the graph opens that note. */
async function graphSteps() {
    const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    // The panel's content security policy must let the view (and its layout worker) run.
    const refused = [];
    page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) {
            refused.push(message.text());
        }
    });
    let neighbour;
    await step('vaultls: Show Local Graph shows the note with its neighbours', async () => {
        const name = config.targetPath.split('/').pop();
        await openQuickly(config.targetPath.replace(/\.md$/, ''));
        await waitFor(async () => (await activeTabTitle()).includes(name), `the tab ${name}`);
        await runCommand('vaultls: Show Local Graph');
        await view.locator('body[data-layout="done"][data-nodes]').waitFor({ timeout });
        // The local graph's note is selected: its panel lists the notes linked with it.
        const title = view.locator('.gv-panel .gv-title');
        await waitFor(async () => ((await title.textContent().catch(() => '')) ?? '') === config.targetNote, `the panel of ${config.targetNote}`);
        const linked = await view.locator('.gv-panel ul[data-list="Linked from"] button').evaluateAll((buttons) => buttons.map((b) => ({ label: b.textContent, id: b.title })));
        const nodes = Number(await view.locator('body').getAttribute('data-nodes'));
        say(`#   ${await view.locator('.gv-status').textContent()}; linked from: ${linked.map((l) => l.label).join(', ')}`);
        if (linked.length < 2 || nodes < linked.length + 1) {
            throw new Error(`${nodes} nodes drawn, ${linked.length} notes linking to ${config.targetNote}`);
        }
        neighbour = linked.find((l) => l.id.endsWith('.md') && !l.id.includes('/')) ?? linked[0];
        mkdirSync(config.artifacts, { recursive: true });
        await page.screenshot({ path: join(config.artifacts, 'graph-vscode-local.png') });
        say(`#   screenshot: ${join(config.artifacts, 'graph-vscode-local.png')}`);
    });
    await step('clicking a neighbour in the local graph opens that note', async () => {
        if (!neighbour) {
            throw new Error('no neighbour to click');
        }
        // Search centres it; with the panel closed, the middle of the graph is that node.
        await view.locator('.gv-search').fill(neighbour.label);
        await view.locator('.gv-search').press('Enter');
        await waitFor(async () => (await view.locator('body').getAttribute('data-focused')) === neighbour.id, `the graph to centre ${neighbour.id}`);
        await view.locator('.gv-panel .gv-close').click();
        await page.waitForTimeout(300); // the canvas takes the panel's room
        const box = await view.locator('.gv-graph').boundingBox();
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        const file = neighbour.id.split('/').pop();
        await waitFor(async () => (await activeTabTitle()).startsWith(file), `the tab ${file} to become active`);
        say(`#   clicked ${neighbour.label}: ${await activeTabTitle()}`);
        if (refused.length > 0) {
            throw new Error(`the webview refused: ${refused.join(' | ')}`);
        }
    });
    await step('vaultls: Show Graph shows the whole vault', async () => {
        // From the note's editor (keys typed in a webview stay there), whose vault it shows.
        await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
        // Not runCommand: Enter would take the first row, where VS Code lists "Show Local Graph" (used recently).
        await page.keyboard.press('F1');
        await page.locator('.quick-input-widget input').fill('>vaultls: Show Graph');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'vaultls: Show Graph', hasNotText: 'Local' }).first().click();
        const title = `Graph: ${config.vaultName}`;
        await waitFor(async () => (await page.locator('.tab.active', { hasText: title }).count()) > 0, `the tab ${title}`);
        const whole = page.frameLocator('iframe.webview.ready >> nth=-1').frameLocator('#active-frame');
        await whole.locator('body[data-nodes]').waitFor({ timeout });
        const nodes = await waitFor(async () => {
            const count = Number((await whole.locator('body').getAttribute('data-nodes').catch(() => null)) ?? 0);
            return count >= 0.8 * config.noteNames.length ? count : 0;
        }, `the graph of the ${config.noteNames.length} notes`);
        say(`#   ${await whole.locator('.gv-status').textContent()} (${config.noteNames.length} notes in the vault)`);
        if (refused.length > 0) {
            throw new Error(`the webview refused: ${refused.join(' | ')}`);
        }
        if (!nodes) {
            throw new Error('no nodes');
        }
        await page.screenshot({ path: join(config.artifacts, 'graph-vscode-vault.png') });
    });
}

const results = { ok: false };
try {
    await waitForServer();
    say(`# code-server listening on ${port} (${elapsed()})`);
    browser = await chromium.launch({
        executablePath: config.chromium,
        args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
        ],
    });
    const browserContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await browserContext.newPage();
    page.setDefaultTimeout(timeout);

    const ready = await step('the workbench opens the vault', async () => {
        const target = config.workspaceFile ? `workspace=${encodeURIComponent(config.workspaceFile)}` : `folder=${encodeURIComponent(config.vault)}`;
        await page.goto(`http://127.0.0.1:${port}/?${target}`);
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout });
    });

    if (ready && config.scenario === 'bad-python') {
        await badPythonScenario();
    }
    if (ready && config.scenario === 'restricted') {
        await restrictedModeSteps();
    }

    const opened =
        ready &&
        config.scenario !== 'bad-python' &&
        (await step(`the note ${config.note} opens and the server starts`, async () => {
            await openQuickly(config.note.replace(/\.md$/, ''));
            const title = config.note.split('/').pop();
            await waitFor(async () => (await activeTabTitle()).includes(title), `the tab ${title}`);
            await waitFor(async () => outputChannelLog().includes(`server for ${config.vaultName} is running`), `the server for ${config.vaultName} to run`);
        }));

    if (opened) {
        await step('the server is the bundled one, run by a Python 3.10+ from PATH', async () => {
            const log = outputChannelLog();
            const match = log.match(new RegExp(`server for ${config.vaultName}: bundled server with Python (3\\.(\\d+)\\.\\d+) \\(([^,]+), from PATH\\)`));
            if (!match || Number(match[2]) < 10) {
                throw new Error(`no "bundled server with Python 3.10+ ... from PATH" in the output channel:\n${log}`);
            }
            say(`#   ${match[0]}`);
        });

        await step("the output is a log channel with the server's info log and its busy time, and the LSP trace has a channel of its own", async () => {
            // A log channel is written to `vaultls.log` with a level on every line; the server
            // logs at INFO (vaultls.logLevel's default) how many notes its first scan indexed.
            // The extension says when the server's progress begins and ends (the language
            // status item is busy in between).
            const logFiles = () => findFiles(join(userData, 'logs'), (file) => file.endsWith('/vaultls.log'));
            const read = (files) => files.map((file) => readFileSync(file, 'utf8')).join('\n');
            await waitFor(() => /\[info\] .*indexed \d+ notes/.test(read(logFiles())), 'the server\'s "indexed N notes" at [info] in vaultls.log');
            const busy = `server for ${config.vaultName} is busy: vaultls: indexing`;
            const idle = `server for ${config.vaultName} is no longer busy`;
            await waitFor(() => read(logFiles()).includes(idle), `"${idle}" in vaultls.log`);
            const log = read(logFiles());
            if (!log.includes(busy) || log.indexOf(busy) > log.indexOf(idle)) {
                throw new Error(`no "${busy}" before "${idle}" in the log channel:\n${log}`);
            }
            if (log.includes('[Trace - ')) {
                throw new Error(`the LSP trace is in the log channel:\n${log}`);
            }
            const traceFiles = findFiles(join(userData, 'logs'), (file) => file.endsWith('vaultls Trace.log'));
            if (!read(traceFiles).includes("Sending notification 'textDocument/didOpen'")) {
                throw new Error(`no didOpen in a "vaultls Trace" channel (files: ${traceFiles.join(', ') || 'none'})`);
            }
            say(`#   ${log.split('\n').find((line) => /indexed \d+ notes/.test(line))}`);
        });

        await step(`the Problems panel lists the dangling link to ${config.danglingTarget}`, async () => {
            // Filter so that the row is on screen.
            await setProblemsFilter(config.danglingTarget);
            const row = page.locator('.markers-panel .monaco-list-row', { hasText: config.danglingTarget }).first();
            await row.waitFor({ timeout });
            const text = (await row.textContent()) ?? '';
            const file = page.locator('.markers-panel .monaco-list-row', { hasText: config.note.split('/').pop() });
            if ((await file.count()) === 0) {
                throw new Error(`the problem is not listed under ${config.note}`);
            }
            const isWarning = (await row.locator('.codicon-warning, .codicon-warning-foreground, [class*="warning"]').count()) > 0;
            if (!text.includes('dangling-link') || !text.includes('vaultls')) {
                throw new Error(`the row is "${text}", without vaultls(dangling-link)`);
            }
            if (!isWarning) {
                throw new Error(`the row "${text}" has no warning icon`);
            }
            say(`#   ${text.trim()}`);
            await shot('problems');
            await setProblemsFilter('');
        });

        await step('by default the Problems panel lists the problems of open notes only', async () => {
            // The note with this problem is never opened; a whole-vault pull would list it by now.
            await page.waitForTimeout(3000);
            await setProblemsFilter(config.checkVaultCode);
            await page.waitForTimeout(1000);
            const rows = await page.locator('.markers-panel .monaco-list-row', { hasText: config.checkVaultCode }).count();
            if (rows !== 0) {
                throw new Error(`the panel lists ${rows} row(s) of ${config.checkVaultCode}, from a note that is not open`);
            }
            await setProblemsFilter('');
        });

        // The editing steps (typing, hover, F12) and the settings change are the same in
        // Restricted Mode; the features scenario covers them.
        const editing = config.scenario !== 'restricted';
        if (editing) {
            await step('typing [[ lists note names, and accepting one inserts the link', async () => {
                await editor().click({ position: { x: 200, y: 10 } });
                await page.keyboard.press('Control+End');
                await page.keyboard.press('Enter');
                await page.keyboard.press('Enter');
                await page.keyboard.type('See [[', { delay: 30 });
                const widget = page.locator('.editor-widget.suggest-widget');
                await widget.waitFor({ state: 'visible', timeout });
                await waitFor(async () => (await widget.locator('.monaco-list-row').count()) > 3, 'several suggestions');
                const labels = (await widget.locator('.monaco-list-row .label-name').allTextContents()).map((s) => s.trim());
                say(`#   suggestions: ${labels.slice(0, 8).join(' | ')}`);
                const notes = labels.filter((label) => config.noteNames.includes(label));
                if (notes.length < 3) {
                    throw new Error(`the suggestions are not note names of the vault: ${labels.join(', ')}`);
                }
                await shot('completion');
                await page.keyboard.type(config.targetNote.slice(0, 9), { delay: 30 });
                await waitFor(
                    async () => ((await widget.locator('.monaco-list-row.focused .label-name').first().textContent().catch(() => '')) ?? '').includes(config.targetNote),
                    `"${config.targetNote}" to be the focused suggestion`,
                );
                await page.keyboard.press('Enter');
                const wanted = `See [[${config.targetNote}]]`;
                const line = await waitFor(async () => (await visibleLines()).find((l) => l.startsWith('See [[')), 'the edited line');
                await waitFor(async () => (await visibleLines()).find((l) => l.trimEnd() === wanted), `the line to read "${wanted}" (it reads "${line}")`, 5000);
            });

            await step('hovering the link shows a preview of the note', async () => {
                await page.keyboard.press('Escape');
                const hover = await hoverAt(() => pointAt(`See [[${config.targetNote}`, config.targetNote, 4), config.targetText);
                say(`#   hover: ${((await hover.first().textContent()) ?? '').slice(0, 120).replace(/\s+/g, ' ')}…`);
                await shot('hover');
                await page.mouse.move(5, 5);
            });

            await step('a link in a hover preview is clickable and opens its note at the heading', async () => {
                // In examples/vault, Lenin links to Dual Power, whose preview links to
                // [[Lenin#April Theses]]: line 10 of People/Lenin.md.
                await page.keyboard.press('Escape');
                const from = await activeTabTitle();
                await openQuickly('People/Lenin');
                await waitFor(async () => (await activeTabTitle()).startsWith('Lenin.md'), 'the tab Lenin.md to become active');
                const hover = (await hoverAt(() => pointAt('[[Dual Power]]; argued', 'Dual Power', 4), 'Provisional Government')).first();
                const link = hover.locator('a', { hasText: 'April Theses' }).first();
                await link.waitFor({ state: 'visible', timeout });
                // VS Code keeps the link's URI as the title (code-server rewrites data-href).
                const uri = (await link.getAttribute('title')) ?? '';
                say(`#   link in the hover: ${((await link.textContent()) ?? '').trim()} -> ${uri}`);
                if (!/^file:\/\/.*\/People\/Lenin\.md#L10$/.test(uri)) {
                    throw new Error(`the link leads to "${uri}", not to line 10 of People/Lenin.md`);
                }
                await link.click();
                const selection = page.locator('[id="status.editor.selection"]');
                await waitFor(async () => /Ln 10\b/.test((await selection.textContent().catch(() => '')) ?? ''), 'the cursor on line 10 of Lenin.md');
                await openQuickly(config.note.replace(/\.md$/, ''));
                await waitFor(async () => (await activeTabTitle()) === from, `the tab "${from}" to be active again`);
            });

            await step('F12 on the link opens the target note', async () => {
                const point = await pointAt(`See [[${config.targetNote}`, config.targetNote, 4);
                await page.mouse.click(point.x, point.y);
                await page.keyboard.press('F12');
                const title = config.targetPath.split('/').pop();
                await waitFor(async () => (await activeTabTitle()).includes(title), `the tab ${title} to become active`);
            });

            await step('the outline lists each heading of the note once', async () => {
                // VS Code's own Markdown support gives the outline; vaultls' client then sends no
                // documentSymbol request (editors/vscode/src/builtinMarkdown.ts), so there is one tree.
                const text = readFileSync(join(config.vault, config.targetPath), 'utf8');
                const headings = text.split('\n').filter((line) => /^#{1,6}\s/.test(line)).map((line) => line.replace(/^#+\s+/, '').trim());
                await runCommand('Explorer: Focus on Outline View');
                const rows = page.locator('.outline-pane .monaco-list-row');
                await waitFor(async () => (await rows.count()) >= headings.length, `${headings.length} outline rows`);
                await page.waitForTimeout(1000); // a second provider's tree would have arrived by now
                const labels = (await rows.allTextContents()).map((label) => label.replace(/^#+\s*/, '').trim());
                say(`#   outline: ${labels.join(' | ')}`);
                for (const heading of headings) {
                    const times = labels.filter((label) => label === heading).length;
                    if (times !== 1) {
                        throw new Error(`the heading "${heading}" is in the outline ${times} times: ${labels.join(' | ')}`);
                    }
                }
                if (labels.length !== headings.length) {
                    throw new Error(`the outline has ${labels.length} rows for ${headings.length} headings: ${labels.join(' | ')}`);
                }
                if (outputChannelLog().includes('textDocument/documentSymbol')) {
                    throw new Error('the client asked vaultls for document symbols too');
                }
            });

            /** Shift+F12 at `needle` in the line with `lineText`: the peeked files and how many references each has. */
            async function peekReferences(lineText, needle) {
                const point = await pointAt(lineText, needle, 2);
                await page.mouse.click(point.x, point.y);
                await page.keyboard.press('Shift+F12');
                const files = page.locator('.reference-zone-widget .ref-tree .monaco-list-row .reference-file');
                await waitFor(async () => (await files.count()) > 1, 'the references of more than one note');
                await page.waitForTimeout(1000); // every provider's answer is in
                const shown = await files.evaluateAll((elements) =>
                    elements.map((element) => ({
                        name: element.querySelector('.label-name, .monaco-icon-label .label-name')?.textContent?.trim() ?? (element.textContent ?? '').trim(),
                        count: Number(element.querySelector('.count, .monaco-count-badge')?.textContent?.trim() ?? 'NaN'),
                    })),
                );
                await page.keyboard.press('Escape');
                return shown;
            }

            // VS Code's own Markdown support answers too: on a heading with the heading, on a
            // [[link]] with the same link in that note (a reference link to it). Each once.
            for (const [what, note, lineText, needle, times] of [
                ['the title', config.targetPath, `# ${config.targetNote}`, config.targetNote, 1],
                ['a link', 'Welcome.md', `[[${config.targetNote}]], [[`, config.targetNote, readFileSync(join(config.vault, 'Welcome.md'), 'utf8').split(`[[${config.targetNote}]]`).length - 1],
            ]) {
                await step(`Shift+F12 on ${what} lists each reference once`, async () => {
                    const name = note.split('/').pop();
                    if (!(await activeTabTitle()).startsWith(name)) {
                        await openQuickly(note.replace(/\.md$/, ''));
                        await waitFor(async () => (await activeTabTitle()).startsWith(name), `the tab ${note}`);
                    }
                    const files = await peekReferences(lineText, needle);
                    say(`#   references: ${files.map((file) => `${file.name} (${file.count})`).join(', ')}`);
                    const own = files.find((file) => file.name === name);
                    if (own?.count !== times) {
                        throw new Error(`${name} has ${own?.count} references, not ${times}: one is listed twice`);
                    }
                    if (files.length < 3) {
                        throw new Error('fewer notes than link to it in the vault');
                    }
                });
            }
        }

        await step('vaultls: Check Vault lists the problems of notes that are not open', async () => {
            await runCommand('vaultls: Check Vault');
            const row = await problemRow(config.checkVaultCode);
            say(`#   ${row.trim()}`);
            await page.waitForTimeout(1000);
            const rows = await page.locator('.markers-panel .monaco-list-row', { hasText: config.checkVaultCode }).count();
            if (rows !== 1) {
                throw new Error(`the problem is listed ${rows} times`);
            }
        });

        if (config.secondVault) {
            await step('a second workspace folder is a vault of its own, with its own server', async () => {
                const name = config.secondVault.name;
                await waitFor(async () => outputChannelLog().includes(`server for ${name} is running`), `a server for the folder ${name}`);
                await openQuickly(config.secondVault.note.replace(/\.md$/, ''));
                await waitFor(async () => (await activeTabTitle()).includes(config.secondVault.note), `the tab ${config.secondVault.note}`);
                // Its link to a note of the first vault dangles: each folder is a vault.
                const row = await problemRow(config.secondVault.danglingTarget);
                if (!row.includes('dangling-link')) {
                    throw new Error(`the row is "${row}", without dangling-link`);
                }
                say(`#   ${row.trim()}`);
                await setProblemsFilter('');
            });
        }

        await step("the servers run isolated (-I), in the extension's folder, not in a vault", async () => {
            if (!existsSync('/proc/self/cwd')) {
                say('#   no /proc here: not checked');
                return;
            }
            const vaults = [config.vault, config.secondVault?.path].filter(Boolean).map((folder) => realpathSync(folder));
            const wanted = config.secondVault ? 2 : 1;
            const servers = await waitFor(() => {
                const found = descendants(codeServer.pid).filter((p) => p.args.some((arg) => arg.endsWith('launch.py')) && p.args.includes('serve'));
                return found.length >= wanted ? found : undefined;
            }, `${wanted} server processes`);
            for (const server of servers) {
                const script = server.args.findIndex((arg) => arg.endsWith('launch.py'));
                if (!server.args.slice(1, script).includes('-I') || server.args.includes('-m')) {
                    throw new Error(`server ${server.pid} is not isolated: ${server.args.join(' ')}`);
                }
                if (!isInside(server.cwd, realpathSync(join(extensions)))) {
                    throw new Error(`server ${server.pid} runs in ${server.cwd}, not in the extension's folder`);
                }
                say(`#   ${server.args.join(' ')}  (in ${server.cwd})`);
            }
            // Nor does any process the servers started (scan workers). (VS Code's own Markdown
            // language server does run in the vault: not ours.)
            const started = servers.flatMap((server) => descendants(server.pid));
            const inVault = [...servers, ...started].filter((p) => vaults.some((vault) => isInside(p.cwd, vault)));
            if (inVault.length > 0) {
                throw new Error(`processes with a vault as working folder: ${inVault.map((p) => `${p.pid} ${p.args.join(' ')} in ${p.cwd}`).join('; ')}`);
            }
            say(`#   ${started.length} process(es) started by the servers, none in a vault`);
        });

        if (editing) {
            await step('a changed setting applies without a restart', async () => {
                const before = outputChannelLog().split('is running').length;
                await runCommand('Preferences: Open User Settings');
                await page.locator('.settings-editor').waitFor({ state: 'visible', timeout });
                await page.waitForTimeout(500);
                await page.keyboard.type('vaultls.diagnostics.danglingLinks');
                const item = page.locator('.settings-editor .setting-item-enum', { hasText: 'Dangling Links' }).first();
                await item.waitFor({ state: 'visible', timeout });
                await item.locator('select').first().selectOption('error');
                await setProblemsFilter(config.danglingTarget);
                const panel = page.locator('.markers-panel');
                await waitFor(
                    async () => (await panel.locator('.monaco-list-row', { hasText: config.danglingTarget }).locator('.codicon-error').count()) > 0,
                    `the dangling link to ${config.danglingTarget} to become an error`,
                );
                const log = outputChannelLog();
                if (log.split('is running').length !== before) {
                    throw new Error('the server was restarted');
                }
                say(`#   ${log.split('\n').find((line) => line.includes('settings for')) ?? ''}`);
            });
        }

        if (editing) {
            await semanticTokensSteps();
        }
        if (editing) {
            // Last: the new note ends the dangling link the steps above rely on.
            await step(`"Create note" on the dangling link opens ${config.danglingTarget}.md, made at the vault root`, async () => {
                const file = `${config.danglingTarget}.md`;
                await openQuickly(config.note.replace(/\.md$/, ''));
                await waitFor(async () => (await activeTabTitle()).includes(config.note.split('/').pop()), `the tab ${config.note}`);
                const point = await pointAt(`[[${config.danglingTarget}`, config.danglingTarget, 3);
                await page.mouse.click(point.x, point.y);
                await page.keyboard.press('Control+.');
                const action = page.locator('.action-widget .monaco-list-row, .context-view .monaco-list-row', { hasText: 'Create note' }).first();
                await action.waitFor({ state: 'visible', timeout });
                say(`#   quick fix: ${((await action.textContent()) ?? '').trim()}`);
                // The menu takes keys (a pointer block covers it for the mouse): down to the item, Enter.
                const focused = page.locator('.action-widget .monaco-list-row.focused, .context-view .monaco-list-row.focused').first();
                for (let i = 0; i < 10 && !((await focused.getAttribute('aria-label').catch(() => '')) ?? '').includes('Create note'); i++) {
                    await page.keyboard.press('ArrowDown');
                }
                await page.keyboard.press('Enter');
                await waitFor(async () => (await activeTabTitle()).startsWith(file), `the tab ${file} to become active`);
                await waitFor(async () => (await visibleLines()).some((line) => line.trim() === `# ${config.danglingTarget}`), `the title heading in the new note`);
                const atRoot = join(config.vault, file);
                const besideNote = join(config.vault, config.note.split('/').slice(0, -1).join('/'), file);
                if (!existsSync(atRoot)) {
                    throw new Error(`${atRoot} does not exist`);
                }
                if (besideNote !== atRoot && existsSync(besideNote)) {
                    throw new Error(`the note was made beside the linking note: ${besideNote}`);
                }
                say(`#   made ${atRoot}`);
            });
        }

        if (config.scenario === 'restricted') {
            await trustSteps();
        }
        if (config.scenario === 'features') {
            await linkGraphSteps();
        }
        if (config.scenario === 'features') {
            await graphSteps();
        }
        if (config.scenario === 'features') {
            await dailyNoteSteps();
        }
        if (config.scenario === 'features') {
            await mentionSteps();
        }
        await step('nothing in the vaults was imported', async () => checkMarkers());
    }
    results.ok = failed === 0;
} catch (error) {
    failed++;
    say(`not ok - the test harness failed: ${String(error?.stack ?? error)}`);
    if (page) {
        await page.screenshot({ path: join(config.artifacts, 'vscode-harness.png') }).catch(() => undefined);
    }
} finally {
    if (failed > 0) {
        say('# --- output channel of the extension (with the server log) ---');
        say(outputChannelLog() || '# (no output channel log found)');
        say('# --- code-server ---');
        say(codeServerLog.join('').slice(-5000));
    }
    await browser?.close().catch(() => undefined);
    try {
        process.kill(-codeServer.pid, 'SIGTERM');
    } catch {
        // already gone
    }
    say(`# total ${elapsed()}`);
    say(`# steps: ${passed} passed, ${failed} failed`);
    process.exit(failed === 0 && passed > 0 ? 0 : 1);
}
