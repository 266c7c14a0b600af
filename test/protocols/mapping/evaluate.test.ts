import { afterAll, describe, expect, it } from 'vitest';
import { MappingError, createMappingSandbox, evaluateMappings } from '../../../src/protocols/mapping/index.js';

// Generous wall-clock limit: these tests are about merging, not about timeouts.
const sandbox = createMappingSandbox({ timeLimitMs: 2000 });
afterAll(() => sandbox.dispose());

const context = { source: { name: 'GitHub', slug: 'github' }, info: { login: 'octo', email: 'o@x' }, user: null };

describe('evaluateMappings (property mappings, steps 1–3)', () => {
  it('applies mappings in name order, each seeing the accumulated properties', async () => {
    const props = await evaluateMappings(
      sandbox,
      [
        { name: 'c third', expression: 'return { trail: properties.trail + "c" }' },
        { name: 'a first', expression: 'return { trail: properties.trail + "a" }' },
        { name: 'b second', expression: 'return { trail: properties.trail + "b" }' },
      ],
      { trail: '>' },
      context,
    );
    expect(props).toEqual({ trail: '>abc' });
  });

  it('orders by code point (uppercase before lowercase), like a C collation', async () => {
    const props = await evaluateMappings(
      sandbox,
      [
        { name: 'b', expression: 'return { order: properties.order.concat(["b"]) }' },
        { name: 'B', expression: 'return { order: properties.order.concat(["B"]) }' },
        { name: 'a', expression: 'return { order: properties.order.concat(["a"]) }' },
      ],
      { order: [] },
      context,
    );
    expect(props.order).toEqual(['B', 'a', 'b']);
  });

  it('deep-merges object results: dicts recursively, lists uniquely, scalars replaced', async () => {
    const props = await evaluateMappings(
      sandbox,
      [
        { name: '1', expression: 'return { username: info.login, groups: ["a"], attributes: { x: { y: 1 } } }' },
        { name: '2', expression: 'return { username: "override", groups: ["a", "b"], attributes: { x: { z: 2 } } }' },
      ],
      { attributes: { base: true }, groups: [] },
      context,
    );
    expect(props).toEqual({ username: 'override', groups: ['a', 'b'], attributes: { base: true, x: { y: 1, z: 2 } } });
  });

  it('skips null and non-object results', async () => {
    const props = await evaluateMappings(
      sandbox,
      [
        { name: '1 null', expression: 'return null' },
        { name: '2 undefined', expression: '' },
        { name: '3 list', expression: 'return [1, 2]' },
        { name: '4 number', expression: 'return 5' },
        { name: '5 string', expression: 'return "username"' },
        { name: '6 ok', expression: 'return { email: info.email }' },
      ],
      { username: 'keep' },
      context,
    );
    expect(props).toEqual({ username: 'keep', email: 'o@x' });
  });

  it('strips nulls after merging, so a mapping can remove a base property', async () => {
    const props = await evaluateMappings(
      sandbox,
      [{ name: 'clear', expression: 'return { email: null, attributes: { drop: null, keep: 1 } }' }],
      { email: 'base@x', attributes: { drop: 'x' } },
      context,
    );
    expect(props).toEqual({ attributes: { keep: 1 } });
  });

  it('returns stripped base properties when there are no mappings, without mutating inputs', async () => {
    const base = { username: 'u', name: null, attributes: { a: null } };
    expect(await evaluateMappings(sandbox, [], base, context)).toEqual({ username: 'u', attributes: {} });
    expect(base).toEqual({ username: 'u', name: null, attributes: { a: null } });
  });

  it('propagates an exception as MappingError naming the mapping, and stops there', async () => {
    const mappings = [
      { name: 'a ok', expression: 'return { a: 1 }' },
      { name: 'b broken', expression: 'return { b: info.nope.deeper }' },
      { name: 'c never', expression: 'while (true) {}' },
    ];
    const error = await evaluateMappings(sandbox, mappings, {}, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MappingError);
    expect((error as MappingError).mappingName).toBe('b broken');
    expect((error as MappingError).reason).toBe('exception');
    expect((error as MappingError).message).toMatch(/^Failed to evaluate property mapping: 'b broken': TypeError/);
  });

  it('gives every mapping a clean VM even within one run', async () => {
    const props = await evaluateMappings(
      sandbox,
      [
        { name: '1', expression: 'globalThis.shared = "leak"; return {}' },
        { name: '2', expression: 'return { seen: typeof shared }' },
      ],
      {},
      context,
    );
    expect(props).toEqual({ seen: 'undefined' });
  });
});
