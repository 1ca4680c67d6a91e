// Opens the graph page of `vaultls graph --format html` in headless Chromium and reports what
// it shows, for tests/editors/test_graph_view.py and benchmarks/graph_page.py (here for playwright-core).
//
//   node page.mjs CONFIG.json
//
// CONFIG: {html, chromium, artifacts?, name, scheme ("light"|"dark"), search? (a note's label),
//          screenshot? (file), waitLayout? (bool), firstFrameOnly? (bool: stop once the first
//          frame is drawn), timeoutMs?}
// Prints one JSON object: {firstFrameMs, nodes, edges, inkPixels, focused, selected, panel:
// {title, path, lists: {heading: [labels]}}, errors: [...]}.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Ends the run early (config.firstFrameOnly): not an error. */
class FirstFrameOnly extends Error {}

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const timeout = config.timeoutMs ?? 30_000;
const result = { errors: [] };
const browser = await chromium.launch({
    executablePath: config.chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, colorScheme: config.scheme ?? 'light' });
    const page = await context.newPage();
    page.setDefaultTimeout(timeout);
    page.on('pageerror', (error) => result.errors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
        if (message.type() === 'error') {
            result.errors.push(`console: ${message.text()}`);
        }
    });
    // Anything the page asks of the network is an error: it must need nothing.
    await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) {
            return route.continue();
        }
        result.errors.push(`network request: ${url}`);
        return route.abort();
    });
    const started = Date.now();
    await page.goto(pathToFileURL(config.html).href);
    await page.waitForFunction(() => document.body.dataset.firstFrame !== undefined);
    result.firstFrameMs = Date.now() - started;
    result.firstFramePageMs = Number(await page.evaluate(() => document.body.dataset.firstFrame));
    if (config.firstFrameOnly) {
        // The benchmark: what the page drew first, and how many nodes; nothing more to wait for.
        result.nodes = Number(await page.evaluate(() => document.body.dataset.nodes));
        throw new FirstFrameOnly();
    }
    if (config.waitLayout !== false) {
        await page.waitForFunction(() => document.body.dataset.layout === 'done', null, { timeout: 60_000 });
    }
    const data = await page.evaluate(() => ({ nodes: document.body.dataset.nodes, edges: document.body.dataset.edges, status: document.querySelector('.gv-status')?.textContent }));
    result.nodes = Number(data.nodes);
    result.edges = Number(data.edges);
    result.status = data.status;

    const graph = page.locator('.gv-graph');
    const box = await graph.boundingBox();
    // Ink: pixels of the graph's area that differ from the page's background (a blank canvas has none).
    const shot = await page.screenshot({ clip: box });
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const analysis = await context.newPage();
    result.inkPixels = await analysis.evaluate(
        async ([png, bg]) => {
            const image = new Image();
            image.src = `data:image/png;base64,${png}`;
            await image.decode();
            const canvas = document.createElement('canvas');
            canvas.width = image.width;
            canvas.height = image.height;
            const ctx = canvas.getContext('2d');
            ctx.drawImage(image, 0, 0);
            const [r, g, b] = bg.match(/\d+/g).map(Number);
            const pixels = ctx.getImageData(0, 0, image.width, image.height).data;
            let ink = 0;
            for (let i = 0; i < pixels.length; i += 4) {
                if (Math.abs(pixels[i] - r) + Math.abs(pixels[i + 1] - g) + Math.abs(pixels[i + 2] - b) > 48) {
                    ink++;
                }
            }
            return ink;
        },
        [shot.toString('base64'), background],
    );
    await analysis.close();
    if (config.screenshot) {
        await page.screenshot({ path: config.screenshot });
    }

    if (config.search) {
        await page.fill('.gv-search', config.search);
        await page.press('.gv-search', 'Enter');
        await page.waitForFunction(() => document.body.dataset.focused !== undefined);
        result.focused = await page.evaluate(() => document.body.dataset.focused);
        // Close the panel the search opened, then click the middle of the graph: the node found is there.
        await page.click('.gv-panel .gv-close');
        await page.waitForFunction(() => document.body.dataset.selected === undefined);
        await page.waitForTimeout(300);
        const centre = await graph.boundingBox();
        await page.mouse.move(centre.x + centre.width / 2, centre.y + centre.height / 2);
        await page.waitForTimeout(100);
        await page.mouse.click(centre.x + centre.width / 2, centre.y + centre.height / 2);
        await page.waitForFunction(() => document.body.dataset.selected !== undefined, null, { timeout: 5000 }).catch(() => undefined);
        result.selected = await page.evaluate(() => document.body.dataset.selected);
        result.panel = await page.evaluate(() => {
            const panel = document.querySelector('.gv-panel');
            if (!panel || panel.hidden) {
                return null;
            }
            const lists = {};
            for (const ul of panel.querySelectorAll('ul')) {
                lists[ul.dataset.list] = [...ul.querySelectorAll('button')].map((b) => b.textContent);
            }
            return { title: panel.querySelector('.gv-title')?.textContent, path: panel.querySelector('.gv-path')?.textContent, lists };
        });
        if (config.artifacts) {
            await page.screenshot({ path: join(config.artifacts, `graph-page-${config.name}-panel.png`) });
        }
    }
} catch (error) {
    if (!(error instanceof FirstFrameOnly)) {
        result.errors.push(`harness: ${String(error?.stack ?? error)}`);
    }
} finally {
    await browser.close();
}
process.stdout.write(`${JSON.stringify(result)}\n`);
