// The interactive graph: graphology holds it, sigma.js draws it with WebGL, ForceAtlas2 lays it
// out in a web worker (the page stays responsive while it settles). The host (VS Code's webview
// or the html page, main.ts) gives the data and hears which note was clicked.

import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import FA2Layout from 'graphology-layout-forceatlas2/worker';
import Sigma from 'sigma';
import type { NodeDisplayData, PartialButFor } from 'sigma/types';
import type { Settings } from 'sigma/settings';

import { ColourBy, GraphData, GraphNode, Shown, findNode, groupOf, isShown, mainGroups, neighbourhood, nodeSize, orphans, seedPositions } from './model';
import { Theme, readTheme, withAlpha } from './theme';
import { Controls, PanelLink, buildControls, fillLegend, fillPanel } from './ui';

/** How the depth slider works: around the selected node here, by asking the host again, or not at all. */
export type DepthMode = 'client' | 'host';

export interface Host {
    depthMode: DepthMode;
    /** A note or attachment node was clicked (VS Code opens it). */
    open?(node: GraphNode): void;
    /** The depth slider moved (depthMode 'host'). */
    depthChanged?(depth: number): void;
}

export interface ShowOptions {
    /** The local graph's note: selected and centred. */
    centre?: string;
    depth?: number;
    shown?: Partial<Shown>;
}

interface NodeAttributes {
    x: number;
    y: number;
    size: number;
    color: string;
    label: string;
}

interface EdgeAttributes {
    weight: number;
    size: number;
}

const GROUP_COLOURS = 10;
/** Up to this many edges are added before the first frame; more come in batches of this size after it. */
const EDGES_AT_ONCE = 20_000;

function edgeSize(weight: number): number {
    return Math.min(4, 0.6 + 0.5 * Math.log2(Math.max(1, weight)));
}

export class GraphView {
    private readonly controls: Controls;
    private readonly graph = new Graph<NodeAttributes, EdgeAttributes>({ type: 'directed', multi: false, allowSelfLoops: false });
    private sigma: Sigma<NodeAttributes, EdgeAttributes> | undefined;
    private layout: FA2Layout<NodeAttributes, EdgeAttributes> | undefined;
    private layoutTimer: ReturnType<typeof setTimeout> | undefined;
    private data: GraphData = { nodes: [], edges: [] };
    private byId = new Map<string, GraphNode>();
    private orphanIds = new Set<string>();
    private visible = new Set<string>();
    private hovered: string | undefined;
    private hoveredNeighbours = new Set<string>();
    private selected: string | undefined;
    private theme: Theme;
    private firstFrame = true;
    private generation = 0;
    private labelThreshold = 7;

    constructor(
        private readonly root: HTMLElement,
        private readonly host: Host,
    ) {
        this.controls = buildControls(root, 'folder');
        this.theme = readTheme(root);
        this.wireControls();
    }

    /** Draws `data`, keeping the positions of nodes already drawn (a refetch moves nothing that stayed). */
    show(data: GraphData, options: ShowOptions = {}): void {
        const old = new Map<string, { x: number; y: number }>();
        this.graph.forEachNode((id, attributes) => old.set(id, { x: attributes.x, y: attributes.y }));
        this.stopLayout();
        this.data = data;
        this.byId = new Map(data.nodes.map((node) => [node.id, node]));
        this.orphanIds = orphans(data);
        for (const [key, value] of Object.entries(options.shown ?? {})) {
            this.controls.shown[key as keyof Shown].checked = Boolean(value);
        }
        // A filter for a kind the data does not have is hidden (the html page shows what it holds).
        const kinds = new Set(data.nodes.map((node) => node.kind));
        this.controls.shownLabels.dangling.hidden = !kinds.has('dangling');
        this.controls.shownLabels.attachments.hidden = !kinds.has('attachment');
        this.controls.shownLabels.tags.hidden = !kinds.has('tag');
        this.controls.shownLabels.orphans.hidden = this.orphanIds.size === 0;
        if (this.host.depthMode === 'host') {
            this.controls.depth.min = '1';
            this.controls.depth.value = String(options.depth ?? 1);
        }

        const seeds = seedPositions(data.nodes.filter((node) => !old.has(node.id)));
        const colours = this.colours();
        const generation = ++this.generation;
        this.graph.clear();
        for (const node of data.nodes) {
            const at = old.get(node.id) ?? seeds.get(node.id) ?? { x: 0, y: 0 };
            this.graph.addNode(node.id, { x: at.x, y: at.y, size: nodeSize(node), color: colours(node), label: node.label });
        }
        this.controls.names.replaceChildren(
            ...[...new Set(data.nodes.filter((node) => node.kind !== 'tag').map((node) => node.label))].sort().slice(0, 5000).map((label) => {
                const option = document.createElement('option');
                option.value = label;
                return option;
            }),
        );
        this.selected = options.centre !== undefined && this.byId.has(options.centre) ? options.centre : this.selected && this.byId.has(this.selected) ? this.selected : undefined;
        // A small graph (a local one) has room for every label; a large one shows them as you zoom in.
        this.labelThreshold = data.nodes.length <= 60 ? 0 : 7;
        const edges = data.edges.filter((edge) => edge.source !== edge.target);
        if (edges.length <= EDGES_AT_ONCE) {
            this.addEdges(edges);
            this.drawn();
            return;
        }
        // A large graph: the nodes are drawn first (the first frame), its edges follow in
        // batches between frames, then the layout starts.
        this.drawn();
        let next = 0;
        const batch = (): void => {
            if (generation !== this.generation) {
                return; // newer data arrived meanwhile
            }
            this.addEdges(edges.slice(next, next + EDGES_AT_ONCE));
            next += EDGES_AT_ONCE;
            if (next < edges.length) {
                setTimeout(batch, 0);
            } else {
                this.applyFilters();
                this.startLayout();
            }
        };
        this.stopLayout();
        document.body.dataset.layout = 'waiting';
        setTimeout(batch, 0);
    }

    /** Adds edges (a link and an embed between the same notes are one edge, their counts summed). */
    private addEdges(edges: GraphData['edges']): void {
        for (const edge of edges) {
            const key = this.graph.edge(edge.source, edge.target);
            if (key !== undefined) {
                this.graph.updateEdgeAttribute(key, 'weight', (weight) => (weight ?? 0) + edge.count);
                this.graph.setEdgeAttribute(key, 'size', edgeSize(this.graph.getEdgeAttribute(key, 'weight')));
            } else {
                this.graph.addEdge(edge.source, edge.target, { weight: edge.count, size: edgeSize(edge.count) });
            }
        }
    }

    /** The nodes are in the graph: draw them, and lay them out once every edge is in too. */
    private drawn(): void {
        this.ensureSigma();
        this.sigma?.setSetting('labelRenderedSizeThreshold', this.labelThreshold);
        this.legend();
        this.applyFilters();
        if (this.selected !== undefined) {
            this.select(this.selected, false);
        } else {
            this.closePanel();
        }
        if (this.graph.size > 0 || this.data.edges.length <= EDGES_AT_ONCE) {
            this.startLayout();
        }
    }

    /** The view's colours changed (VS Code theme, or the page's colour scheme). */
    themeChanged(): void {
        this.theme = readTheme(this.root);
        this.sigma?.setSetting('labelColor', { color: this.theme.foreground });
        this.sigma?.setSetting('defaultDrawNodeHover', this.drawHover());
        this.recolour();
    }

    // --- Drawing -------------------------------------------------------------------------------

    private ensureSigma(): void {
        if (this.sigma !== undefined) {
            return;
        }
        const large = this.graph.order > 3000;
        let sigma: Sigma<NodeAttributes, EdgeAttributes>;
        try {
            sigma = new Sigma<NodeAttributes, EdgeAttributes>(this.graph, this.controls.graph, {
                labelColor: { color: this.theme.foreground },
                labelFont: getComputedStyle(this.root).fontFamily || 'sans-serif',
                labelSize: 12,
                labelRenderedSizeThreshold: 7,
                labelDensity: 0.5,
                defaultEdgeColor: this.theme.edge,
                defaultDrawNodeHover: this.drawHover(),
                hideEdgesOnMove: large,
                zIndex: true,
                minCameraRatio: 0.02,
                maxCameraRatio: 10,
                nodeReducer: (id, attributes) => this.reduceNode(id, attributes),
                edgeReducer: (id, attributes) => this.reduceEdge(id, attributes),
            });
        } catch (error) {
            this.showMessage(`The graph cannot be drawn here: ${String(error instanceof Error ? error.message : error)}`);
            return;
        }
        this.sigma = sigma;
        sigma.on('afterRender', () => {
            if (this.firstFrame) {
                this.firstFrame = false;
                document.body.dataset.firstFrame = String(Math.round(performance.now()));
            }
        });
        sigma.on('enterNode', ({ node }) => {
            this.hovered = node;
            this.hoveredNeighbours = new Set(this.graph.neighbors(node));
            this.controls.graph.style.cursor = 'pointer';
            sigma.refresh({ skipIndexation: true, schedule: true });
        });
        sigma.on('leaveNode', () => {
            this.hovered = undefined;
            this.hoveredNeighbours = new Set();
            this.controls.graph.style.cursor = '';
            sigma.refresh({ skipIndexation: true, schedule: true });
        });
        sigma.on('clickNode', ({ node }) => {
            this.select(node, false);
            const clicked = this.byId.get(node);
            if (clicked && (clicked.kind === 'note' || clicked.kind === 'attachment')) {
                this.host.open?.(clicked);
            }
        });
        new ResizeObserver(() => sigma.refresh({ schedule: true })).observe(this.controls.graph);
    }

    private reduceNode(id: string, attributes: NodeAttributes): Partial<NodeDisplayData> {
        const shown: Partial<NodeDisplayData> = { ...attributes };
        if (!this.visible.has(id)) {
            shown.hidden = true;
            return shown;
        }
        if (this.hovered !== undefined) {
            if (id === this.hovered || this.hoveredNeighbours.has(id)) {
                shown.forceLabel = true;
                shown.zIndex = 1;
            } else {
                shown.color = withAlpha(this.theme.muted, 0.25);
                shown.label = '';
                shown.zIndex = 0;
            }
        }
        if (id === this.selected) {
            shown.highlighted = true;
            shown.forceLabel = true;
            shown.zIndex = 2;
        }
        return shown;
    }

    private reduceEdge(id: string, attributes: EdgeAttributes): Partial<EdgeAttributes & { hidden: boolean; color: string; zIndex: number }> {
        const source = this.graph.source(id);
        const target = this.graph.target(id);
        if (!this.visible.has(source) || !this.visible.has(target)) {
            return { ...attributes, hidden: true };
        }
        if (this.hovered !== undefined) {
            if (source === this.hovered || target === this.hovered) {
                return { ...attributes, color: this.theme.accent, size: attributes.size + 0.5, zIndex: 1 };
            }
            return { ...attributes, hidden: true };
        }
        return attributes;
    }

    /** The hover and highlight label: the theme's panel colours (sigma's own is white on any theme). */
    private drawHover(): Settings<NodeAttributes, EdgeAttributes>['defaultDrawNodeHover'] {
        const theme = this.theme;
        return (context: CanvasRenderingContext2D, data: PartialButFor<NodeDisplayData, 'x' | 'y' | 'size' | 'label' | 'color'>, settings: Settings<NodeAttributes, EdgeAttributes>) => {
            const size = settings.labelSize;
            context.font = `${settings.labelWeight} ${size}px ${settings.labelFont}`;
            context.lineWidth = 2;
            context.strokeStyle = theme.accent;
            context.beginPath();
            context.arc(data.x, data.y, data.size + 2, 0, Math.PI * 2);
            context.stroke();
            const label = data.label ?? '';
            if (label === '') {
                return;
            }
            const width = context.measureText(label).width + 8;
            const height = size + 6;
            const x = data.x + data.size + 4;
            const y = data.y - height / 2;
            context.fillStyle = theme.panel;
            context.fillRect(x, y, width, height);
            context.lineWidth = 1;
            context.strokeRect(x, y, width, height);
            context.fillStyle = theme.foreground;
            context.fillText(label, x + 4, data.y + size / 3);
        };
    }

    /** Node colours from the theme: by top folder or first tag for notes, by kind for the rest. */
    private colours(): (node: GraphNode) => string {
        const by = this.controls.colourBy.value as ColourBy;
        const groups = mainGroups(this.data.nodes, by, GROUP_COLOURS);
        const colourOf = new Map(groups.map((group, index) => [group, this.theme.palette[index % this.theme.palette.length]]));
        const dangling = withAlpha(this.theme.muted, 0.7);
        return (node) => {
            if (node.kind === 'dangling') {
                return dangling;
            } else if (node.kind === 'attachment') {
                return this.theme.attachment;
            } else if (node.kind === 'tag') {
                return this.theme.tag;
            }
            return colourOf.get(groupOf(node, by) ?? '') ?? this.theme.other;
        };
    }

    private recolour(): void {
        const colours = this.colours();
        this.graph.updateEachNodeAttributes((id, attributes) => {
            const node = this.byId.get(id);
            return node ? { ...attributes, color: colours(node) } : attributes;
        });
        this.sigma?.setSetting('defaultEdgeColor', this.theme.edge);
        this.legend();
    }

    /** The colour key of the main groups. */
    private legend(): void {
        const by = this.controls.colourBy.value as ColourBy;
        const groups = mainGroups(this.data.nodes, by, GROUP_COLOURS);
        const colourOf = new Map(groups.map((group, index) => [group, this.theme.palette[index % this.theme.palette.length]]));
        const none = by === 'tag' ? '(no tag)' : '(vault root)';
        const rows = groups.map((group) => ({ name: group === '' ? none : by === 'tag' ? `#${group}` : group, colour: colourOf.get(group) ?? this.theme.other }));
        if (this.data.nodes.some((node) => node.kind === 'note' && !colourOf.has(groupOf(node, by) ?? ''))) {
            rows.push({ name: 'other', colour: this.theme.other });
        }
        fillLegend(this.controls.legend, rows);
    }

    // --- Filters, search, selection ----------------------------------------------------------

    private shown(): Shown {
        const { orphans: o, dangling, attachments, tags } = this.controls.shown;
        return { orphans: o.checked, dangling: dangling.checked, attachments: attachments.checked, tags: tags.checked };
    }

    private clientDepth(): number {
        return this.host.depthMode === 'client' ? Number(this.controls.depth.value) : 0;
    }

    /** Which nodes are drawn: the check boxes, and on the page the depth around the selected note. */
    private applyFilters(): void {
        const shown = this.shown();
        const depth = this.clientDepth();
        const around = depth > 0 && this.selected !== undefined ? neighbourhood(this.data, this.selected, depth) : undefined;
        this.visible = new Set(this.data.nodes.filter((node) => isShown(node, shown, this.orphanIds) && (around === undefined || around.has(node.id))).map((node) => node.id));
        let edges = 0;
        this.graph.forEachEdge((_key, _attributes, source, target) => {
            if (this.visible.has(source) && this.visible.has(target)) {
                edges++;
            }
        });
        const depthText = this.host.depthMode === 'host' ? String(this.controls.depth.value) : depth === 0 ? 'all' : this.selected === undefined ? `${depth} (select a note)` : String(depth);
        this.controls.depthValue.textContent = ` ${depthText}`;
        this.controls.status.textContent = `${this.visible.size} ${this.visible.size === 1 ? 'node' : 'nodes'} · ${edges} ${edges === 1 ? 'link' : 'links'}`;
        document.body.dataset.nodes = String(this.visible.size);
        document.body.dataset.edges = String(edges);
        if (this.data.nodes.length === 0) {
            this.showMessage('No notes to draw.');
        } else {
            this.controls.message.hidden = true;
        }
        this.sigma?.refresh({ skipIndexation: true, schedule: true });
    }

    /** Selects a node: highlighted, its panel shown; `centre` moves the camera onto it. */
    private select(id: string, centre: boolean): void {
        const node = this.byId.get(id);
        if (node === undefined) {
            return;
        }
        this.selected = id;
        document.body.dataset.selected = id;
        const label = (other: string): PanelLink => ({ id: other, label: this.byId.get(other)?.label ?? other });
        const byLabel = (a: PanelLink, b: PanelLink): number => a.label.localeCompare(b.label);
        const incoming = new Set<string>();
        const outgoing = new Set<string>();
        const tagged = new Set<string>();
        for (const edge of this.data.edges) {
            if (edge.target === id && edge.kind === 'tag') {
                tagged.add(edge.source);
            } else if (edge.target === id) {
                incoming.add(edge.source);
            } else if (edge.source === id && edge.kind !== 'tag') {
                outgoing.add(edge.target);
            }
        }
        const subtitle = node.kind === 'dangling' ? 'No note has this name yet' : node.kind === 'tag' ? 'Tag' : (node.path ?? node.id);
        const lists =
            node.kind === 'tag'
                ? [{ heading: 'Notes with this tag', items: [...tagged].map(label).sort(byLabel) }]
                : [
                      { heading: 'Linked from', items: [...incoming].map(label).sort(byLabel) },
                      ...(node.kind === 'note' ? [{ heading: 'Links to', items: [...outgoing].map(label).sort(byLabel) }] : []),
                  ];
        const open = this.host.open && (node.kind === 'note' || node.kind === 'attachment') ? () => this.host.open?.(node) : undefined;
        fillPanel(this.controls.panel, { title: node.label, subtitle, tags: node.tags, lists, openable: open !== undefined }, (other) => this.select(other, true), open, () => this.closePanel());
        if (this.clientDepth() > 0) {
            this.applyFilters();
        } else {
            this.sigma?.refresh({ skipIndexation: true, schedule: true });
        }
        if (centre) {
            this.centreOn(id);
        }
    }

    private closePanel(): void {
        this.controls.panel.hidden = true;
        // The canvas widened: measure it now, so that a click right after lands where it is drawn.
        this.sigma?.resize();
        this.selected = undefined;
        delete document.body.dataset.selected;
        if (this.clientDepth() > 0) {
            this.applyFilters();
        }
        this.sigma?.refresh({ skipIndexation: true, schedule: true });
    }

    /** Moves the camera onto a node (zooming in, never out). */
    private centreOn(id: string): void {
        const sigma = this.sigma;
        // The panel may just have opened and narrowed the canvas: measure first.
        sigma?.refresh();
        const at = sigma?.getNodeDisplayData(id);
        if (sigma === undefined || at === undefined) {
            return;
        }
        delete document.body.dataset.focused;
        const camera = sigma.getCamera();
        void camera.animate({ x: at.x, y: at.y, ratio: Math.min(camera.ratio, 0.35) }, { duration: 400 }).then(() => {
            document.body.dataset.focused = id;
        });
    }

    private search(): void {
        const shown = this.data.nodes.filter((node) => this.visible.has(node.id));
        const found = findNode(shown, this.controls.search.value);
        this.controls.search.setCustomValidity(found === undefined && this.controls.search.value.trim() !== '' ? 'No such note' : '');
        if (found !== undefined) {
            // A layout still running would move the node away from the centre.
            this.stopLayout();
            this.select(found.id, true);
        }
    }

    // --- Layout ------------------------------------------------------------------------------

    private startLayout(): void {
        this.stopLayout();
        if (this.graph.order < 2 || this.sigma === undefined) {
            this.layoutDone();
            return;
        }
        try {
            this.layout = new FA2Layout(this.graph, {
                settings: { ...forceAtlas2.inferSettings(this.graph), strongGravityMode: true, gravity: 0.5, slowDown: 3 },
                getEdgeWeight: 'weight',
            });
            this.layout.start();
        } catch {
            // No web worker here (a very strict page): the seeded positions stay.
            this.layoutDone();
            return;
        }
        document.body.dataset.layout = 'running';
        this.controls.layout.textContent = 'Pause layout';
        // ForceAtlas2 never stops by itself: settle for a time that grows with the graph.
        this.layoutTimer = setTimeout(() => this.stopLayout(), Math.min(20_000, 1500 + 1.5 * this.graph.order));
    }

    private stopLayout(): void {
        if (this.layoutTimer !== undefined) {
            clearTimeout(this.layoutTimer);
            this.layoutTimer = undefined;
        }
        if (this.layout !== undefined) {
            this.layout.kill();
            this.layout = undefined;
        }
        this.layoutDone();
    }

    private layoutDone(): void {
        document.body.dataset.layout = 'done';
        this.controls.layout.textContent = 'Run layout';
    }

    private showMessage(text: string): void {
        this.controls.message.textContent = text;
        this.controls.message.hidden = false;
    }

    private wireControls(): void {
        const c = this.controls;
        c.search.addEventListener('keydown', (event) => {
            if (event.key === 'Enter') {
                this.search();
            }
        });
        c.search.addEventListener('change', () => this.search());
        c.colourBy.addEventListener('change', () => this.recolour());
        for (const input of Object.values(c.shown)) {
            input.addEventListener('change', () => this.applyFilters());
        }
        c.depth.addEventListener('input', () => {
            if (this.host.depthMode === 'host') {
                c.depthValue.textContent = ` ${c.depth.value}`;
            } else {
                this.applyFilters();
            }
        });
        c.depth.addEventListener('change', () => {
            if (this.host.depthMode === 'host') {
                this.host.depthChanged?.(Number(c.depth.value));
            }
        });
        c.layout.addEventListener('click', () => {
            if (this.layout !== undefined) {
                this.stopLayout();
            } else {
                this.startLayout();
            }
        });
    }
}
