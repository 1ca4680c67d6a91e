// The DOM around the graph: toolbar (search, colour, filters, depth, layout), side panel and
// legend. Built with the DOM API and textContent only: note names never become markup.

import { ColourBy, Shown } from './model';

export interface Controls {
    toolbar: HTMLElement;
    search: HTMLInputElement;
    names: HTMLDataListElement;
    colourBy: HTMLSelectElement;
    shown: Record<keyof Shown, HTMLInputElement>;
    shownLabels: Record<keyof Shown, HTMLLabelElement>;
    depthLabel: HTMLLabelElement;
    depth: HTMLInputElement;
    depthValue: HTMLSpanElement;
    layout: HTMLButtonElement;
    status: HTMLSpanElement;
    graph: HTMLElement;
    message: HTMLElement;
    legend: HTMLElement;
    panel: HTMLElement;
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
    const made = document.createElement(tag);
    if (className) {
        made.className = className;
    }
    if (text !== undefined) {
        made.textContent = text;
    }
    return made;
}

function checkbox(label: string, title: string): [HTMLLabelElement, HTMLInputElement] {
    const wrapper = element('label');
    wrapper.title = title;
    const input = element('input');
    input.type = 'checkbox';
    input.checked = true;
    wrapper.append(input, document.createTextNode(label));
    return [wrapper, input];
}

/** Builds the view's DOM in `root` (the page's body or the webview's). */
export function buildControls(root: HTMLElement, colourBy: ColourBy): Controls {
    const toolbar = element('div', 'gv-toolbar');
    toolbar.setAttribute('role', 'toolbar');

    const search = element('input');
    search.type = 'search';
    search.placeholder = 'Find a note…';
    search.setAttribute('aria-label', 'Find a note');
    search.className = 'gv-search';
    const names = element('datalist');
    names.id = 'gv-names';
    search.setAttribute('list', names.id);

    const colourLabel = element('label', undefined, 'Colour by ');
    const colour = element('select', 'gv-colour-by');
    for (const [value, text] of [
        ['folder', 'folder'],
        ['tag', 'tag'],
    ]) {
        const option = element('option', undefined, text);
        option.value = value;
        colour.append(option);
    }
    colour.value = colourBy;
    colourLabel.append(colour);

    const [orphansLabel, orphans] = checkbox('orphans', 'Notes with no link in or out');
    const [danglingLabel, dangling] = checkbox('dangling', 'Names linked to that no note has yet');
    const [attachmentsLabel, attachments] = checkbox('attachments', 'Images, PDFs and other files that notes link to');
    const [tagsLabel, tags] = checkbox('tags', 'Tags, joined to the notes that have them');
    for (const input of [orphans, dangling, attachments, tags]) {
        input.className = 'gv-filter';
    }

    const depthLabel = element('label', undefined, 'Depth ');
    const depth = element('input');
    depth.type = 'range';
    depth.min = '0';
    depth.max = '5';
    depth.value = '0';
    depth.className = 'gv-depth';
    const depthValue = element('span', 'gv-depth-value');
    depthLabel.append(depth, depthValue);

    const layout = element('button', 'gv-layout', 'Pause layout');
    layout.type = 'button';
    const status = element('span', 'gv-status');
    status.setAttribute('role', 'status');

    toolbar.append(search, names, colourLabel, orphansLabel, danglingLabel, attachmentsLabel, tagsLabel, depthLabel, layout, status);

    const main = element('div', 'gv-main');
    const graph = element('div', 'gv-graph');
    const message = element('div', 'gv-message');
    message.hidden = true;
    const legend = element('div', 'gv-legend');
    graph.append(message, legend);
    const panel = element('aside', 'gv-panel');
    panel.hidden = true;
    panel.setAttribute('aria-label', 'Selected note');
    main.append(graph, panel);
    root.append(toolbar, main);

    return {
        toolbar,
        search,
        names,
        colourBy: colour,
        shown: { orphans, dangling, attachments, tags },
        shownLabels: { orphans: orphansLabel, dangling: danglingLabel, attachments: attachmentsLabel, tags: tagsLabel },
        depthLabel,
        depth,
        depthValue,
        layout,
        status,
        graph,
        message,
        legend,
        panel,
    };
}

export interface PanelLink {
    id: string;
    label: string;
}

export interface PanelContent {
    title: string;
    subtitle: string;
    tags: string[];
    lists: { heading: string; items: PanelLink[] }[];
    openable: boolean;
}

/** Fills the side panel; `choose` runs when a listed note is clicked, `open` on "Open". */
export function fillPanel(panel: HTMLElement, content: PanelContent, choose: (id: string) => void, open: (() => void) | undefined, close: () => void): void {
    panel.replaceChildren();
    const closeButton = element('button', 'gv-close', '×');
    closeButton.type = 'button';
    closeButton.title = 'Close';
    closeButton.addEventListener('click', close);
    panel.append(closeButton, element('h2', 'gv-title', content.title), element('div', 'gv-path', content.subtitle));
    if (open && content.openable) {
        const button = element('button', 'gv-open', 'Open');
        button.type = 'button';
        button.addEventListener('click', open);
        panel.append(button);
    }
    if (content.tags.length > 0) {
        panel.append(element('div', 'gv-tags', content.tags.map((tag) => `#${tag}`).join(' ')));
    }
    for (const list of content.lists) {
        panel.append(element('h3', undefined, `${list.heading} (${list.items.length})`));
        const ul = element('ul');
        ul.dataset.list = list.heading;
        for (const item of list.items) {
            const li = element('li');
            const button = element('button', undefined, item.label);
            button.type = 'button';
            button.title = item.id;
            button.addEventListener('click', () => choose(item.id));
            li.append(button);
            ul.append(li);
        }
        panel.append(ul);
    }
    panel.hidden = false;
}

/** The colour key: one row per main group, then "other". */
export function fillLegend(legend: HTMLElement, rows: { name: string; colour: string }[]): void {
    legend.replaceChildren();
    for (const row of rows) {
        const line = element('div');
        const swatch = element('span', 'gv-swatch');
        swatch.style.background = row.colour;
        line.append(swatch, document.createTextNode(row.name));
        legend.append(line);
    }
    legend.hidden = rows.length === 0;
}
