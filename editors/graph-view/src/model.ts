// The graph's data as the server and `vaultls graph --format json` give it, and what the view
// derives from it without a DOM: groups for colours, orphans, filters, the local neighbourhood.
// Pure functions, so that the rules are readable in one place.

export type NodeKind = 'note' | 'attachment' | 'dangling' | 'tag';
export type EdgeKind = 'link' | 'embed' | 'tag';

export interface GraphNode {
    id: string;
    label: string;
    path?: string;
    kind: NodeKind;
    tags: string[];
    folder: string;
    backlinks: number;
    outlinks: number;
}

export interface GraphEdge {
    source: string;
    target: string;
    count: number;
    kind: EdgeKind;
}

export interface GraphData {
    nodes: GraphNode[];
    edges: GraphEdge[];
}

/** Which kinds of node are drawn (the toolbar's check boxes). */
export interface Shown {
    orphans: boolean;
    dangling: boolean;
    attachments: boolean;
    tags: boolean;
}

export type ColourBy = 'folder' | 'tag';

/** Coerces whatever arrived into GraphData: a bad or partial answer draws what it can. */
export function normalise(raw: unknown): GraphData {
    const value = (raw ?? {}) as { nodes?: unknown; edges?: unknown };
    const nodes: GraphNode[] = [];
    const seen = new Set<string>();
    for (const item of Array.isArray(value.nodes) ? value.nodes : []) {
        const node = (item ?? {}) as Partial<GraphNode>;
        if (typeof node.id !== 'string' || seen.has(node.id)) {
            continue;
        }
        seen.add(node.id);
        const kind: NodeKind = node.kind === 'attachment' || node.kind === 'dangling' || node.kind === 'tag' ? node.kind : 'note';
        nodes.push({
            id: node.id,
            label: typeof node.label === 'string' && node.label !== '' ? node.label : node.id,
            path: typeof node.path === 'string' ? node.path : undefined,
            kind,
            tags: Array.isArray(node.tags) ? node.tags.filter((tag): tag is string => typeof tag === 'string') : [],
            folder: typeof node.folder === 'string' ? node.folder : '',
            backlinks: Number.isFinite(node.backlinks) ? Number(node.backlinks) : 0,
            outlinks: Number.isFinite(node.outlinks) ? Number(node.outlinks) : 0,
        });
    }
    const edges: GraphEdge[] = [];
    for (const item of Array.isArray(value.edges) ? value.edges : []) {
        const edge = (item ?? {}) as Partial<GraphEdge>;
        if (typeof edge.source !== 'string' || typeof edge.target !== 'string' || !seen.has(edge.source) || !seen.has(edge.target)) {
            continue;
        }
        const kind: EdgeKind = edge.kind === 'embed' || edge.kind === 'tag' ? edge.kind : 'link';
        edges.push({ source: edge.source, target: edge.target, count: Number.isFinite(edge.count) ? Math.max(1, Number(edge.count)) : 1, kind });
    }
    return { nodes, edges };
}

/** The vault's top folder of a node ("" at the root): what the folder colours group by. */
export function topFolder(node: GraphNode): string {
    return node.folder.split('/').filter(Boolean)[0] ?? '';
}

/** The group a node is coloured by; undefined for nodes drawn in their kind's own colour. */
export function groupOf(node: GraphNode, by: ColourBy): string | undefined {
    if (node.kind !== 'note') {
        return undefined;
    }
    if (by === 'tag') {
        return node.tags[0] ?? '';
    }
    return topFolder(node);
}

/** The `limit` most common groups, most common first (the rest share one colour). */
export function mainGroups(nodes: GraphNode[], by: ColourBy, limit: number): string[] {
    const counts = new Map<string, number>();
    for (const node of nodes) {
        const group = groupOf(node, by);
        if (group !== undefined) {
            counts.set(group, (counts.get(group) ?? 0) + 1);
        }
    }
    return [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, limit)
        .map(([group]) => group);
}

/** Notes with no link or embed in or out (tag edges do not count: Obsidian's orphans). */
export function orphans(data: GraphData): Set<string> {
    const linked = new Set<string>();
    for (const edge of data.edges) {
        if (edge.kind !== 'tag') {
            linked.add(edge.source);
            linked.add(edge.target);
        }
    }
    return new Set(data.nodes.filter((node) => node.kind === 'note' && !linked.has(node.id)).map((node) => node.id));
}

/** Whether the check boxes let this node be drawn. */
export function isShown(node: GraphNode, shown: Shown, orphanIds: Set<string>): boolean {
    switch (node.kind) {
        case 'dangling':
            return shown.dangling;
        case 'attachment':
            return shown.attachments;
        case 'tag':
            return shown.tags;
        default:
            return shown.orphans || !orphanIds.has(node.id);
    }
}

/** The nodes within `depth` edges of `centre`, edges followed both ways. */
export function neighbourhood(data: GraphData, centre: string, depth: number): Set<string> {
    const adjacent = new Map<string, string[]>();
    const add = (from: string, to: string): void => {
        const list = adjacent.get(from);
        if (list) {
            list.push(to);
        } else {
            adjacent.set(from, [to]);
        }
    };
    for (const edge of data.edges) {
        add(edge.source, edge.target);
        add(edge.target, edge.source);
    }
    const found = new Set([centre]);
    let frontier = [centre];
    for (let step = 0; step < depth && frontier.length > 0; step++) {
        const next: string[] = [];
        for (const id of frontier) {
            for (const other of adjacent.get(id) ?? []) {
                if (!found.has(other)) {
                    found.add(other);
                    next.push(other);
                }
            }
        }
        frontier = next;
    }
    return found;
}

/** The node a search names: the same label (any case), else a label that starts with it, else one that contains it. */
export function findNode(nodes: GraphNode[], query: string): GraphNode | undefined {
    const wanted = query.trim().toLowerCase();
    if (wanted === '') {
        return undefined;
    }
    const byLength = (a: GraphNode, b: GraphNode): number => a.label.length - b.label.length || a.id.localeCompare(b.id);
    const exact = nodes.filter((node) => node.label.toLowerCase() === wanted || node.id.toLowerCase() === wanted);
    if (exact.length > 0) {
        // A note before a dangling name or tag of the same label.
        return exact.sort((a, b) => Number(a.kind !== 'note') - Number(b.kind !== 'note') || byLength(a, b))[0];
    }
    const starts = nodes.filter((node) => node.label.toLowerCase().startsWith(wanted)).sort(byLength);
    if (starts.length > 0) {
        return starts[0];
    }
    return nodes.filter((node) => node.label.toLowerCase().includes(wanted) || node.id.toLowerCase().includes(wanted)).sort(byLength)[0];
}

/** Drawn size of a node (pixels at zoom 1): grows with the square root of its backlinks. */
export function nodeSize(node: GraphNode): number {
    const base = node.kind === 'note' ? 3 : node.kind === 'dangling' ? 2.5 : 2;
    return Math.min(24, base + 1.6 * Math.sqrt(Math.max(0, node.backlinks)));
}

/** A number in [0, 1) from a string, the same on every run (a stable first layout). */
export function hashUnit(text: string, salt = 0): number {
    let hash = 2166136261 ^ salt;
    for (let i = 0; i < text.length; i++) {
        hash ^= text.charCodeAt(i);
        hash = Math.imul(hash, 16777619);
    }
    return ((hash >>> 0) % 1_000_003) / 1_000_003;
}

/**
 * First positions, before ForceAtlas2 moves them: each top folder a cluster on a circle, its
 * nodes scattered around it by their ids, so that the first frame already shows the vault's
 * shape and the same vault always starts the same.
 */
export function seedPositions(nodes: GraphNode[]): Map<string, { x: number; y: number }> {
    const members = new Map<string, GraphNode[]>();
    for (const node of nodes) {
        const key = node.kind === 'note' || node.kind === 'attachment' ? topFolder(node) : `(${node.kind})`;
        const list = members.get(key);
        if (list) {
            list.push(node);
        } else {
            members.set(key, [node]);
        }
    }
    const groups = [...members.keys()].sort();
    const ring = groups.length > 1 ? 10 * Math.sqrt(nodes.length) : 0;
    const positions = new Map<string, { x: number; y: number }>();
    groups.forEach((group, index) => {
        const angle = (2 * Math.PI * index) / groups.length;
        const cx = ring * Math.cos(angle);
        const cy = ring * Math.sin(angle);
        const list = members.get(group) ?? [];
        const spread = 6 * Math.sqrt(list.length) + 1;
        for (const node of list) {
            const r = spread * Math.sqrt(hashUnit(node.id, 1));
            const a = 2 * Math.PI * hashUnit(node.id, 2);
            positions.set(node.id, { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) });
        }
    });
    return positions;
}
