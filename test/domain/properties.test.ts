import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import {
  applyAttributeUpdate,
  cloneData,
  deepEqual,
  deepMerge,
  droppedGroupsMessage,
  isPlainObject,
  splitGroups,
  stripNulls,
} from '../../src/domain/properties.js';

describe('deepEqual', () => {
  it('compares JSON-like values structurally', () => {
    expect(deepEqual({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true);
    expect(deepEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
    expect(deepEqual('1', 1)).toBe(false);
    expect(deepEqual(Number.NaN, Number.NaN)).toBe(true);
    expect(deepEqual(null, {})).toBe(false);
  });
});

describe('deepMerge', () => {
  it('merges dicts recursively and replaces scalars', () => {
    const merged = deepMerge(
      { username: 'a', attributes: { x: 1, nested: { keep: true, over: 'old' } } },
      { username: 'b', attributes: { y: 2, nested: { over: 'new' } } },
    );
    expect(merged).toEqual({
      username: 'b',
      attributes: { x: 1, y: 2, nested: { keep: true, over: 'new' } },
    });
  });

  it('merges lists keeping unique items by deep equality, base order first', () => {
    const merged = deepMerge({ groups: ['a', 'b'], objs: [{ id: 1 }] }, { groups: ['b', 'c', 'c'], objs: [{ id: 1 }, { id: 2 }] });
    expect(merged.groups).toEqual(['a', 'b', 'c']);
    expect(merged.objs).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('lets the patch win on type conflicts and keeps nulls for stripNulls', () => {
    expect(deepMerge({ a: { x: 1 }, b: [1], c: 'x' }, { a: [1], b: 'scalar', c: { y: 1 } })).toEqual({
      a: [1],
      b: 'scalar',
      c: { y: 1 },
    });
    expect(deepMerge({ a: 1 }, { a: null })).toEqual({ a: null });
  });

  it('never mutates its inputs nor shares nested objects with them', () => {
    const base = { attributes: { list: [1], inner: { a: 1 } } };
    const patch = { attributes: { list: [2], inner: { b: 2 } }, extra: { deep: [1] } };
    const baseCopy = structuredClone(base);
    const patchCopy = structuredClone(patch);
    const merged = deepMerge(base, patch);
    expect(base).toEqual(baseCopy);
    expect(patch).toEqual(patchCopy);
    (merged.extra as { deep: number[] }).deep.push(99);
    (merged.attributes as { inner: Record<string, number> }).inner.c = 3;
    expect(patch.extra.deep).toEqual([1]);
    expect(base.attributes.inner).toEqual({ a: 1 });
  });

  it('keeps the base key order and appends keys only the patch has', () => {
    const merged = deepMerge({ c: 1, a: { z: 1, y: 2 }, b: 2 }, { d: 4, a: { x: 3, z: 0 }, c: 3 });
    expect(Object.keys(merged)).toEqual(['c', 'a', 'b', 'd']);
    expect(Object.keys(merged.a as object)).toEqual(['z', 'y', 'x']);
  });

  it('copies every value once: the cost grows with the size of the inputs, not with size × depth', () => {
    // A key present on both sides used to be cloned, then merged (cloning that copy again) one
    // level down, and so on: a chain n levels deep cost ~n²/2 copies instead of ~n.
    const chain = (depth: number, leaf: Record<string, unknown>) => {
      let node: Record<string, unknown> = leaf;
      for (let i = 0; i < depth; i++) node = { level: i, next: node };
      return node;
    };
    const base = chain(1500, { x: 1 });
    const patch = chain(1500, { y: 2 });
    const fastest = (fn: () => unknown) => {
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        fn();
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    const copyBoth = fastest(() => [cloneData(base), cloneData(patch)]);
    const merge = fastest(() => deepMerge(base, patch));
    let leaf = deepMerge(base, patch);
    while (leaf.next) leaf = leaf.next as Record<string, unknown>;
    expect(leaf).toEqual({ x: 1, y: 2 });
    // Linear: about the cost of copying both inputs; quadratic was ~750× that.
    expect(merge).toBeLessThan(20 * copyBoth + 5);
  });

  it('treats __proto__ keys as data, never as a prototype', () => {
    const patch = JSON.parse('{"__proto__": {"isAdmin": true}, "attributes": {"__proto__": {"x": 1}}}') as Record<string, unknown>;
    const merged = deepMerge({ attributes: {} }, patch);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect((merged as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(merged, '__proto__')).toBe(true);
    expect(({} as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });
});

describe('stripNulls', () => {
  it('removes null and undefined recursively from dicts, including dicts inside lists', () => {
    expect(stripNulls({ a: null, b: 1, c: { d: null, e: { f: undefined, g: 'x' } }, l: [null, { h: null, i: 1 }] })).toEqual({
      b: 1,
      c: { e: { g: 'x' } },
      l: [null, { i: 1 }],
    });
  });

  it('does not mutate the input', () => {
    const input = { a: null, b: { c: null } };
    stripNulls(input);
    expect(input).toEqual({ a: null, b: { c: null } });
  });
});

describe('cloneData / isPlainObject', () => {
  it('deep copies plain data only', () => {
    const date = new Date(0);
    const src = { a: [{ b: 1 }], d: date };
    const copy = cloneData(src);
    expect(copy).toEqual(src);
    expect(copy.a).not.toBe(src.a);
    expect(copy.d).toBe(date);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject(date)).toBe(false);
    expect(isPlainObject([])).toBe(false);
  });
});

describe('applyAttributeUpdate (update_attributes)', () => {
  const existing = { fields: { username: 'alice', email: 'a@x' }, attributes: { a: 1, list: ['x'] } };

  it('sets differing fields and deep-merges attributes', () => {
    const r = applyAttributeUpdate(existing, { email: 'new@x', attributes: { b: 2, list: ['y'] } });
    expect(r.changed).toBe(true);
    expect(r.fields).toEqual({ username: 'alice', email: 'new@x' });
    expect(r.attributes).toEqual({ a: 1, b: 2, list: ['x', 'y'] });
    expect(existing.fields.email).toBe('a@x');
    expect(existing.attributes).toEqual({ a: 1, list: ['x'] });
  });

  it('reports no change when everything is equal', () => {
    const r = applyAttributeUpdate(existing, { username: 'alice', attributes: { a: 1, list: ['x'] } });
    expect(r.changed).toBe(false);
    expect(applyAttributeUpdate(existing, {}).changed).toBe(false);
  });

  it('detects a change only in attributes', () => {
    expect(applyAttributeUpdate(existing, { attributes: { nested: { x: 1 } } }).changed).toBe(true);
  });

  it('sets fields that did not exist before', () => {
    const r = applyAttributeUpdate(existing, { name: 'Alice' });
    expect(r.changed).toBe(true);
    expect(r.fields.name).toBe('Alice');
  });

  it('ignores fields outside the allow-list', () => {
    const r = applyAttributeUpdate(existing, { password: 'x', type: 'internal', name: 'A' }, { allowedFields: ['name'] });
    expect(r.fields).toEqual({ username: 'alice', email: 'a@x', name: 'A' });
    expect(r.ignored).toEqual(['password', 'type']);
  });

  it('rejects non-object attributes', () => {
    expect(() => applyAttributeUpdate(existing, { attributes: 'x' })).toThrow(ValidationError);
    expect(applyAttributeUpdate(existing, { attributes: null }).changed).toBe(false);
  });
});

describe('splitGroups', () => {
  it('removes groups and returns string ids, numbers stringified, duplicates collapsed', () => {
    const props = { username: 'u', groups: ['admins', 7, 'admins', '7'] };
    const r = splitGroups(props);
    expect(r.properties).toEqual({ username: 'u' });
    expect(r.groupIds).toEqual(['admins', '7']);
    expect(r.dropped).toBe(0);
    expect(props.groups).toHaveLength(4);
  });

  it('drops unusable entries and counts them', () => {
    const r = splitGroups({ groups: ['ok', { id: 1 }, ['x'], null, true, '', '  ', Number.NaN] });
    expect(r.groupIds).toEqual(['ok']);
    expect(r.dropped).toBe(7);
    expect(droppedGroupsMessage('Okta', r.dropped)).toBe(
      "Source 'Okta' returned 7 group(s) whose identifier is not a string; they were not applied to the user.",
    );
  });

  it('defaults to no groups and treats a scalar as one id', () => {
    expect(splitGroups({ a: 1 })).toEqual({ properties: { a: 1 }, groupIds: [], dropped: 0 });
    expect(splitGroups({ groups: 'admins' }).groupIds).toEqual(['admins']);
    expect(splitGroups({ groups: { a: 1 } })).toMatchObject({ groupIds: [], dropped: 1 });
  });
});
