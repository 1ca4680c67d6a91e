import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { GraphData, findNode, groupOf, isShown, mainGroups, neighbourhood, nodeSize, normalise, orphans, seedPositions } from '../model';

const note = (id: string, extra: Partial<GraphData['nodes'][number]> = {}): GraphData['nodes'][number] => ({
    id,
    label: id.replace(/^.*\//, '').replace(/\.md$/, ''),
    path: id,
    kind: 'note',
    tags: [],
    folder: id.includes('/') ? id.slice(0, id.lastIndexOf('/')) : '',
    backlinks: 0,
    outlinks: 0,
    ...extra,
});

const graph: GraphData = {
    nodes: [
        note('A.md'),
        note('People/B.md', { tags: ['person'] }),
        note('People/Deep/C.md'),
        note('Lonely.md'),
        { id: 'dangling:missing', label: 'Missing', kind: 'dangling', tags: [], folder: '', backlinks: 1, outlinks: 0 },
        { id: 'tag:person', label: '#person', kind: 'tag', tags: [], folder: '', backlinks: 1, outlinks: 0 },
    ],
    edges: [
        { source: 'A.md', target: 'People/B.md', count: 1, kind: 'link' },
        { source: 'People/B.md', target: 'People/Deep/C.md', count: 2, kind: 'embed' },
        { source: 'A.md', target: 'dangling:missing', count: 1, kind: 'link' },
        { source: 'People/B.md', target: 'tag:person', count: 1, kind: 'tag' },
    ],
};

describe('graph data', () => {
    it('keeps what it can of a bad answer and drops edges to unknown nodes', () => {
        const data = normalise({
            nodes: [{ id: 'a' }, { id: 'a' }, { label: 'no id' }, null, { id: 'b', kind: 'weird', tags: [1, 'x'], backlinks: 'many' }],
            edges: [{ source: 'a', target: 'b' }, { source: 'a', target: 'nowhere' }, 'edge'],
        });
        assert.deepEqual(
            data.nodes.map((n) => [n.id, n.label, n.kind, n.tags, n.backlinks]),
            [
                ['a', 'a', 'note', [], 0],
                ['b', 'b', 'note', ['x'], 0],
            ],
        );
        assert.deepEqual(data.edges, [{ source: 'a', target: 'b', count: 1, kind: 'link' }]);
        assert.deepEqual(normalise(undefined), { nodes: [], edges: [] });
    });

    it('groups notes by top folder or first tag; other kinds have no group', () => {
        assert.equal(groupOf(graph.nodes[2], 'folder'), 'People');
        assert.equal(groupOf(graph.nodes[0], 'folder'), '');
        assert.equal(groupOf(graph.nodes[1], 'tag'), 'person');
        assert.equal(groupOf(graph.nodes[4], 'folder'), undefined);
        assert.deepEqual(mainGroups(graph.nodes, 'folder', 1), ['']);
    });

    it('counts as orphans the notes with no link or embed, whatever their tags', () => {
        assert.deepEqual([...orphans(graph)], ['Lonely.md']);
    });

    it('hides what the check boxes leave out', () => {
        const all = { orphans: true, dangling: true, attachments: true, tags: true };
        const lonely = orphans(graph);
        assert.equal(isShown(graph.nodes[3], { ...all, orphans: false }, lonely), false);
        assert.equal(isShown(graph.nodes[0], { ...all, orphans: false }, lonely), true);
        assert.equal(isShown(graph.nodes[4], { ...all, dangling: false }, lonely), false);
        assert.equal(isShown(graph.nodes[5], { ...all, tags: false }, lonely), false);
    });

    it('finds the neighbourhood of a note to a depth, following edges both ways', () => {
        assert.deepEqual([...neighbourhood(graph, 'People/B.md', 1)].sort(), ['A.md', 'People/B.md', 'People/Deep/C.md', 'tag:person']);
        assert.deepEqual([...neighbourhood(graph, 'People/Deep/C.md', 2)].sort(), ['A.md', 'People/B.md', 'People/Deep/C.md', 'tag:person']);
        assert.deepEqual([...neighbourhood(graph, 'Lonely.md', 3)], ['Lonely.md']);
    });

    it('finds a note by its whole name first, then by how it starts, then by what it contains', () => {
        const nodes = [note('Revolution.md'), note('Permanent Revolution.md'), note('Rev.md'), { ...note('x'), id: 'dangling:rev', label: 'Rev', kind: 'dangling' as const }];
        assert.equal(findNode(nodes, 'rev')?.id, 'Rev.md');
        assert.equal(findNode(nodes, 'Revo')?.id, 'Revolution.md');
        assert.equal(findNode(nodes, 'manent')?.id, 'Permanent Revolution.md');
        assert.equal(findNode(nodes, '  '), undefined);
        assert.equal(findNode(nodes, 'nothing like it'), undefined);
    });

    it('sizes nodes by backlinks, within bounds', () => {
        assert.ok(nodeSize(note('a', { backlinks: 9 })) > nodeSize(note('b', { backlinks: 1 })));
        assert.equal(nodeSize(note('c', { backlinks: 1e9 })), 24);
    });

    it('places the same graph the same way every time, every node somewhere', () => {
        const first = seedPositions(graph.nodes);
        const again = seedPositions(graph.nodes);
        assert.deepEqual([...first.entries()], [...again.entries()]);
        assert.equal(first.size, graph.nodes.length);
        for (const { x, y } of first.values()) {
            assert.ok(Number.isFinite(x) && Number.isFinite(y));
        }
    });
});
