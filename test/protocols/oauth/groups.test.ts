/** Group claims keyed by ids the IdP chooses: no id may collide with an Object.prototype member. */
import { describe, expect, it } from 'vitest';
import { entraGroupsFromMemberOf, normaliseGroupClaim } from '../../../src/protocols/oauth/index.js';

const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];

describe('normaliseGroupClaim', () => {
  it('keeps group ids that are Object.prototype member names', () => {
    const groups = normaliseGroupClaim([...PROTOTYPE_NAMES, 'staff']);
    expect(groups.ids).toEqual([...PROTOTYPE_NAMES, 'staff']);
    for (const id of groups.ids) {
      expect(Object.hasOwn(groups.names, id)).toBe(true);
      expect(groups.names[id]).toBe(id);
    }
    expect(groups.dropped).toBe(0);
  });

  it('names such ids from object entries, and still de-duplicates them', () => {
    const groups = normaliseGroupClaim([{ id: 'constructor', name: 'Builders' }, 'constructor', { id: 'toString', displayName: 'Printers' }]);
    expect(groups.ids).toEqual(['constructor', 'toString']);
    expect(groups.names.constructor).toBe('Builders');
    expect(groups.names).toHaveProperty('toString', 'Printers');
  });
});

describe('entraGroupsFromMemberOf', () => {
  it('keeps Entra groups whose id is an Object.prototype member name', () => {
    const groups = entraGroupsFromMemberOf({ value: [{ '@odata.type': '#microsoft.graph.group', id: 'valueOf', displayName: 'Values' }] });
    expect(groups.ids).toEqual(['valueOf']);
    expect(groups.names).toHaveProperty('valueOf', 'Values');
  });
});
