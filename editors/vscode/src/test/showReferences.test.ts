import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { referencesArguments } from '../showReferences';

const at = (line: number, character: number) => ({ line, character });
const location = { uri: 'file:///v/Welcome.md', range: { start: at(8, 22), end: at(8, 31) } };

describe('Show references from a code lens', () => {
    it('reads the URI, the position and the locations the server sends', () => {
        assert.deepEqual(referencesArguments(['file:///v/Lenin.md', at(4, 2), [location]]), {
            uri: 'file:///v/Lenin.md',
            position: at(4, 2),
            locations: [location],
        });
    });

    it('accepts a lens with no locations (0 backlinks)', () => {
        assert.deepEqual(referencesArguments(['file:///v/Lenin.md', at(0, 0), []])?.locations, []);
    });

    it('ignores arguments of another shape', () => {
        assert.equal(referencesArguments([]), undefined);
        assert.equal(referencesArguments(['file:///v/Lenin.md', { line: 'x' }, []]), undefined);
        assert.equal(referencesArguments(['file:///v/Lenin.md', at(0, 0), [{ uri: 1 }]]), undefined);
        assert.equal(referencesArguments([42, at(0, 0), []]), undefined);
    });
});
