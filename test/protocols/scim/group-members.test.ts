import { describe, it, expect } from 'vitest';
import { planGroupPatch } from '../../../src/protocols/scim/group-members.js';
import { expectScimError } from './helpers.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const plan = (...Operations: unknown[]) => planGroupPatch({ schemas: [PATCH], Operations });

describe('planGroupPatch', () => {
  it('collects add and remove by path, with single objects or lists', () => {
    const p = plan(
      { op: 'add', path: 'members', value: { value: A } },
      { op: 'add', path: 'members', value: [{ value: B }, { value: B }] },
      { op: 'remove', path: 'members', value: { value: C } },
    );
    expect(p.members).toEqual({ add: [A, B], remove: [C], removeAll: false });
    expect(p.touchesMembers).toBe(true);
  });

  it('later operations cancel earlier ones (net delta, add and remove disjoint)', () => {
    expect(plan({ op: 'add', path: 'members', value: [{ value: A }] }, { op: 'remove', path: 'members', value: [{ value: A }] }).members).toEqual({
      add: [],
      remove: [A],
      removeAll: false,
    });
    expect(plan({ op: 'remove', path: 'members', value: [{ value: A }] }, { op: 'add', path: 'members', value: [{ value: A }] }).members).toEqual({
      add: [A],
      remove: [],
      removeAll: false,
    });
  });

  it('remove without value removes everyone; later adds still apply', () => {
    expect(plan({ op: 'remove', path: 'members' }).members).toEqual({ add: [], remove: [], removeAll: true });
    expect(
      plan(
        { op: 'add', path: 'members', value: [{ value: A }] },
        { op: 'remove', path: 'members' },
        { op: 'add', path: 'members', value: [{ value: B }] },
      ).members,
    ).toEqual({
      add: [B],
      remove: [],
      removeAll: true,
    });
  });

  it('replace sets the exact member set and absorbs later changes', () => {
    expect(
      plan(
        { op: 'replace', path: 'members', value: [{ value: A }, { value: B }] },
        { op: 'add', path: 'members', value: [{ value: C }] },
        { op: 'remove', path: 'members[value eq "' + A + '"]' },
      ).members,
    ).toEqual({
      replace: [B, C],
      add: [],
      remove: [],
      removeAll: false,
    });
    expect(plan({ op: 'replace', path: 'members', value: [] }).members).toEqual({ replace: [], add: [], remove: [], removeAll: false });
    expect(plan({ op: 'replace', path: 'members', value: [{ value: A }] }, { op: 'remove', path: 'members' }).members.replace).toEqual([]);
  });

  it('supports members[value eq "x"] removal, also or-joined', () => {
    expect(plan({ op: 'remove', path: `members[value eq "${A}" or value eq "${B}"]` }).members.remove).toEqual([A, B]);
    expectScimError(() => plan({ op: 'remove', path: 'members[display eq "Bob"]' }), 'invalidFilter');
    expectScimError(() => plan({ op: 'add', path: `members[value eq "${A}"]`, value: {} }), 'invalidPath');
    expectScimError(() => plan({ op: 'replace', path: 'members.value', value: A }), 'invalidPath');
  });

  it('splits path-less values into member changes and other attributes', () => {
    const p = plan({ op: 'replace', value: { displayName: 'New', Members: [{ value: A }] } }, { op: 'add', value: { members: [{ value: B }] } });
    expect(p.members).toEqual({ replace: [A, B], add: [], remove: [], removeAll: false });
    expect(p.otherOperations).toEqual([{ op: 'replace', value: { displayName: 'New' } }]);
  });

  it('recognises the core-schema-qualified members path', () => {
    const p = plan({ op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:Group:members', value: [{ value: A }] });
    expect(p.members.add).toEqual([A]);
    expect(p.otherOperations).toEqual([]);
  });

  it('lower-cases ids and drops values that cannot be user ids', () => {
    expect(plan({ op: 'add', path: 'members', value: [{ value: A.toUpperCase() }, { value: 'not-a-uuid' }] }).members.add).toEqual([A]);
  });

  it('rejects malformed member entries and invalid envelopes', () => {
    expectScimError(() => plan({ op: 'add', path: 'members', value: ['x'] }), 'invalidValue');
    expectScimError(() => plan({ op: 'add', path: 'members', value: [{ value: 5 }] }), 'invalidValue');
    expectScimError(() => plan({ op: 'copy', path: 'members', value: [] }), 'invalidSyntax');
    expectScimError(() => planGroupPatch({ Operations: [] }), 'invalidSyntax');
  });

  it('passes non-member operations through unchanged and in order', () => {
    const ops = [
      { op: 'replace', path: 'displayName', value: 'x' },
      { op: 'add', path: 'members', value: [{ value: A }] },
      { op: 'remove', path: 'externalId' },
    ];
    const p = plan(...ops);
    expect(p.otherOperations).toEqual([ops[0], ops[2]]);
  });
});
