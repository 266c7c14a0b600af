import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError, InternalError } from '../../../src/errors/index.js';
import { MappingError, createMappingSandbox } from '../../../src/protocols/mapping/index.js';
import type { MappingFailureReason } from '../../../src/protocols/mapping/index.js';

// Tests that are not about the time limit get a generous one: the limit is wall-clock, and a
// busy CI machine (GC pauses, parallel workers) must not turn a correct evaluation into a timeout.
const sandbox = createMappingSandbox({ timeLimitMs: 2000 });
// The production defaults (100 ms, 16 MiB, 256 KiB stack).
const defaults = createMappingSandbox();
afterAll(() => {
  sandbox.dispose();
  defaults.dispose();
});

const info = { login: 'Octo-Cat', html_url: 'https://github.com/octocat', id: 583231 };

function run(expression: string, context: Record<string, unknown> = { info }, name = 'test mapping'): Promise<unknown> {
  return sandbox.evaluate(expression, context, { name });
}

async function failure(promise: Promise<unknown>): Promise<MappingError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(MappingError);
    return e as MappingError;
  }
  throw new Error('expected the evaluation to fail');
}

async function expectFailure(promise: Promise<unknown>, reason: MappingFailureReason, detail?: RegExp): Promise<MappingError> {
  const e = await failure(promise);
  expect(e.reason).toBe(reason);
  if (detail) expect(e.detail).toMatch(detail);
  return e;
}

describe('happy path', () => {
  it('evaluates a function body with context variables', async () => {
    const result = await run('return { username: info.login.toLowerCase(), attributes: { github: info.html_url }, name: source.name }', {
      info,
      source: { name: 'GitHub', slug: 'github' },
    });
    expect(result).toEqual({ username: 'octo-cat', attributes: { github: 'https://github.com/octocat' }, name: 'GitHub' });
  });

  it('passes every context key as a variable and null for undefined values', async () => {
    const ctx = { info, token: { access_token: 't' }, properties: { a: 1 }, request: { ip: '1.2.3.4' }, user: null, data: undefined };
    expect(await run('return [token.access_token, properties.a, request.ip, user, data]', ctx)).toEqual(['t', 1, '1.2.3.4', null, null]);
  });

  it('returns scalars, lists and null; undefined and functions become null', async () => {
    expect(await run('return 42')).toBe(42);
    expect(await run('return "x"')).toBe('x');
    expect(await run('return [1, {a: 2}]')).toEqual([1, { a: 2 }]);
    expect(await run('return null')).toBeNull();
    expect(await run('')).toBeNull();
    expect(await run('return () => 1')).toBeNull();
  });

  it('allows Date, Math, JSON and RegExp', async () => {
    const r = (await run('return { y: new Date(0).getUTCFullYear(), m: Math.max(1, 3), j: JSON.parse("[1]"), r: /a(b)/.exec("ab")[1] }')) as Record<
      string,
      unknown
    >;
    expect(r).toEqual({ y: 1970, m: 3, j: [1], r: 'b' });
  });

  it('settles promises started by the expression', async () => {
    expect(await run('return (async () => ({ a: info.id }))()')).toEqual({ a: 583231 });
    await expectFailure(run('return Promise.reject(new Error("nope"))'), 'exception', /^Error: nope$/);
    await expectFailure(run('return new Promise(() => {})'), 'invalid_result', /never settled/);
  });

  it('offers authentik-like helpers', async () => {
    expect(
      await run('return [list_flatten(["a", "b"]), list_flatten([]), list_flatten("x"), regex_match("abc", "^a"), regex_replace("a-b-c", "-", "_")]'),
    ).toEqual(['a', null, 'x', true, 'a_b_c']);
    // Helpers are only compiled for expressions that name them; others see them as undefined
    // (never a ReferenceError), which only an indirect lookup can notice.
    expect(await run('return typeof eval("list_" + "flatten")')).toBe('undefined');
  });
});

describe('context is read-only JSON', () => {
  it('freezes context values deeply', async () => {
    await expectFailure(run('info.login = "x"; return 1'), 'exception', /TypeError/);
    await expectFailure(run('nested.a.b = 2; return 1', { nested: { a: { b: 1 } } }), 'exception', /read-only/);
    await expectFailure(run('list.push(1); return 1', { list: [] }), 'exception', /TypeError/);
  });

  it('passes JSON only: functions dropped, class instances serialised', async () => {
    class Secret {
      constructor(readonly value = 's') {}
      reveal(): string {
        return this.value;
      }
    }
    const ctx = { obj: { fn: () => 'host', date: new Date(0), secret: new Secret() } };
    expect(await run('return [typeof obj.fn, obj.date, typeof obj.secret.reveal, obj.secret.value]', ctx)).toEqual([
      'undefined',
      '1970-01-01T00:00:00.000Z',
      'undefined',
      's',
    ]);
  });

  it('does not mutate the host context', async () => {
    const ctx = { properties: { a: 1 } };
    await run('return { a: 2 }', ctx);
    expect(ctx).toEqual({ properties: { a: 1 } });
  });

  it('rejects contexts that are not JSON (a caller bug, not a mapping failure)', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(run('return 1', { cyclic })).rejects.toBeInstanceOf(InternalError);
    await expect(run('return 1', { big: 1n })).rejects.toBeInstanceOf(InternalError);
  });

  it('rejects context keys that cannot be variables', async () => {
    for (const key of ['not-an-identifier', 'return', 'eval', 'list_flatten', '1x']) {
      await expect(run('return 1', { [key]: 1 })).rejects.toBeInstanceOf(InternalError);
    }
  });
});

describe('failures', () => {
  it('reports exceptions with the authentik message format', async () => {
    const e = await expectFailure(run('throw new TypeError("bad value")', { info }, 'GitHub username'), 'exception');
    expect(e.message).toBe("Failed to evaluate property mapping: 'GitHub username': TypeError: bad value");
    expect(e.mappingName).toBe('GitHub username');
    expect(e).toBeInstanceOf(AppError);
    await expectFailure(run('return info.missing.deeper'), 'exception', /TypeError/);
    await expectFailure(run('throw "plain string"'), 'exception', /^plain string$/);
    await expectFailure(run('throw { toString() { return "custom" } }'), 'exception', /^custom$/);
    await expectFailure(run('throw new Proxy({}, { get() { throw new Error("trap") } })'), 'exception', /uncaught exception/);
  });

  it('reports syntax errors with the line of the expression', async () => {
    await expectFailure(run('return {\n  a: \n}'), 'syntax', /^SyntaxError: .*\(line 3\)$/);
    await expectFailure(run('retur 1 2'), 'syntax', /\(line 1\)/);
    // A runtime SyntaxError is an exception, not a syntax error of the expression.
    await expectFailure(run('return JSON.parse("{")'), 'exception', /SyntaxError/);
  });

  it('kills infinite loops after the time limit', async () => {
    const started = performance.now();
    const e = await expectFailure(defaults.evaluate('while (true) {}', {}, { name: 'loop' }), 'timeout', /^Timed out after/);
    // 100 ms of CPU time, or the 1 s wall-clock cap on a machine too busy to give us the CPU.
    expect(e.detail).toMatch(/^Timed out after (100 ms|1000 ms \(wall clock\))$/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('kills loops that catch the interruption, and catastrophic regular expressions', async () => {
    await expectFailure(defaults.evaluate('for (;;) { try { for (;;) {} } catch (e) {} }', {}, { name: 'l' }), 'timeout');
    await expectFailure(defaults.evaluate('return /(a+)+$/.test("a".repeat(40) + "b")', {}, { name: 'r' }), 'timeout');
  });

  it('counts CPU time, so a frozen wall clock does not keep a loop alive', async () => {
    const cpuOnly = createMappingSandbox({ timeLimitMs: 50, now: () => 0 });
    await expectFailure(cpuOnly.evaluate('for (;;) {}', {}, { name: 'cpu' }), 'timeout', /^Timed out after 50 ms$/);
    cpuOnly.dispose();
  });

  it('caps wall-clock time even when no CPU time is charged', async () => {
    const started = performance.now();
    const wallOnly = createMappingSandbox({ timeLimitMs: 50, wallTimeLimitMs: 80, cpuNow: () => 0 });
    await expectFailure(wallOnly.evaluate('for (;;) {}', {}, { name: 'wall' }), 'timeout', /^Timed out after 80 ms \(wall clock\)$/);
    expect(performance.now() - started).toBeLessThan(5000);
    wallOnly.dispose();
  });

  it('does not charge time the process spends descheduled (simulated wall-clock jump)', async () => {
    let wall = 0;
    // Every wall-clock reading jumps 60 ms, as if the process kept being descheduled.
    const jumpy = createMappingSandbox({ timeLimitMs: 100, wallTimeLimitMs: 1e9, now: () => (wall += 60) });
    expect(await jumpy.evaluate('let n = 0; for (let i = 0; i < 1e5; i++) n += i; return n', {}, { name: 'j' })).toBe(4999950000);
    jumpy.dispose();
  });

  it('respects a custom time limit', async () => {
    const quick = createMappingSandbox({ timeLimitMs: 10 });
    const started = performance.now();
    await expectFailure(quick.evaluate('for (;;) {}', {}, { name: 'q' }), 'timeout', /Timed out after/);
    expect(performance.now() - started).toBeLessThan(2000);
    quick.dispose();
  });

  it('kills huge allocations', async () => {
    await expectFailure(run('return new Array(1e8).fill(0).length'), 'memory', /out of memory/);
    await expectFailure(run('return new ArrayBuffer(1e9).byteLength'), 'memory');
    await expectFailure(run('let s = "x"; for (;;) s = s + s;'), 'memory');
  });

  it('applies the configured memory limit', async () => {
    const small = createMappingSandbox({ memoryLimitBytes: 2 * 1024 * 1024, timeLimitMs: 2000 });
    // ~4 MB of numbers: fine with the default 16 MiB, too much with 2 MiB.
    const expr = 'return new Array(500000).fill(1).length';
    expect(await run(expr)).toBe(500000);
    await expectFailure(small.evaluate(expr, {}, { name: 'small' }), 'memory');
    small.dispose();
  });

  it('refuses contexts that cannot fit in the VM', async () => {
    const small = createMappingSandbox({ memoryLimitBytes: 1024 * 1024 });
    await expectFailure(small.evaluate('return 1', { blob: 'x'.repeat(300_000) }, { name: 'ctx' }), 'memory', /context/);
    small.dispose();
  });

  it('kills deep recursion', async () => {
    await expectFailure(defaults.evaluate('function f(n) { return f(n + 1) + 1 } return f(0)', {}, { name: 'rec' }), 'memory', /stack overflow/);
    await expectFailure(run('function f(n) { return f(n + 1) + 1 } return f(0)'), 'memory', /stack overflow/);
  });

  it('survives recursion that overflows the host stack inside WebAssembly, then keeps working', async () => {
    // JSON.stringify of a deeply nested value recurses in C with little QuickJS stack accounting.
    await expectFailure(run('let o = {}; for (let i = 0; i < 100000; i++) o = { a: o }; return o'), 'memory', /stack/);
    expect(await run('return info.id')).toBe(583231);
  });

  it('rejects results that are not JSON data or too large', async () => {
    await expectFailure(run('return { a: 1n }'), 'invalid_result', /BigInt/);
    await expectFailure(run('const a = {}; a.self = a; return a'), 'invalid_result', /circular/);
    await expectFailure(run('return "x".repeat(2 * 1024 * 1024)'), 'invalid_result', /larger than 1048576 bytes/);
    const tiny = createMappingSandbox({ maxResultBytes: 10 });
    await expectFailure(tiny.evaluate('return "x".repeat(20)', {}, { name: 't' }), 'invalid_result');
    tiny.dispose();
  });

  it('fails cleanly after dispose', async () => {
    const s = createMappingSandbox();
    expect(await s.evaluate('return 1', {}, { name: 'x' })).toBe(1);
    s.dispose();
    await expect(s.evaluate('return 1', {}, { name: 'x' })).rejects.toBeInstanceOf(InternalError);
  });
});

describe('limits that one long native operation cannot outrun', () => {
  // Production limits (100 ms of CPU, 1 s of wall clock). QuickJS polls its interrupt handler only
  // every ~10k bytecode ticks, and each case below spends seconds to minutes inside a handful of
  // ticks; evaluated on the main thread they also blocked every request meanwhile.
  const guarded = createMappingSandbox();
  // Every worker started (again, after a case terminated one), so the concurrent trivial
  // evaluation does not wait for a thread to boot.
  beforeEach(() => guarded.warmUp(), 60_000);
  afterAll(() => guarded.dispose());

  const FOUR_MB = 'const s = "a".repeat(4 * 1024 * 1024);';
  /** Slow cases: they must end through the time limit, after the main thread did other work. */
  const SLOW: Array<[string, string]> = [
    ['300 indexOf calls over a 4 MB string', `${FOUR_MB} let n = 0; for (let i = 0; i < 300; i++) n += s.indexOf("b"); return n`],
    ['while (true) around that indexOf', `${FOUR_MB} while (true) s.indexOf("b");`],
    ['while (true) {}', 'while (true) {}'],
    ['an array bomb: join of a sparse array of 10^8 elements', 'const a = []; a.length = 1e8; return a.join("").length'],
    ['includes on a sparse array of length 2^32 - 1', 'const a = []; a.length = 4294967295; return a.includes(1)'],
  ];

  /**
   * Starts `expression`, then (same tick) a main-thread timer and a trivial evaluation, and
   * records the order in which the three finish.
   */
  async function alongside(expression: string): Promise<{ error: MappingError; order: string[]; trivial: unknown; elapsed: number }> {
    const order: string[] = [];
    const started = performance.now();
    const hostile = failure(guarded.evaluate(expression, {}, { name: 'hostile' })).finally(() => order.push('hostile failed'));
    const timer = new Promise<void>((resolve) => setTimeout(() => resolve(void order.push('timer')), 1));
    const trivial = guarded.evaluate('return info.id', { info }, { name: 'trivial' }).finally(() => order.push('trivial'));
    const [error, , value] = await Promise.all([hostile, timer, trivial]);
    return { error, order, trivial: value, elapsed: performance.now() - started };
  }

  it.each(SLOW)('%s: a timeout within the limit, while timers and other evaluations run', async (_label, expression) => {
    const { error, order, trivial, elapsed } = await alongside(expression);
    expect(error.reason).toBe('timeout');
    expect(error.detail).toMatch(/^Timed out after (100 ms|1000 ms \(wall clock\))$/);
    expect(trivial).toBe(583231);
    expect(order.indexOf('timer')).toBeLessThan(order.indexOf('hostile failed'));
    expect(order.indexOf('trivial')).toBeLessThan(order.indexOf('hostile failed'));
    // The wall-clock deadline is 1 s; the rest is slack for a busy machine.
    expect(elapsed).toBeLessThan(3000);
  });

  it('deep recursion: a stack error, while other evaluations run', async () => {
    const { error, trivial, elapsed } = await alongside('function f(n) { return f(n + 1) + 1 } return f(0)');
    expect(error.reason).toBe('memory');
    expect(error.detail).toMatch(/stack overflow/);
    expect(trivial).toBe(583231);
    expect(elapsed).toBeLessThan(3000);
  });

  it('never hands a worker whose module overflowed the host stack to another evaluation', async () => {
    const generous = createMappingSandbox({ timeLimitMs: 2000 });
    try {
      await generous.warmUp();
      // The parser recurses in C on nested parentheses until the thread's own stack overflows
      // (not QuickJS' stack limit): the module is poisoned and its worker must go. The other
      // evaluations start in the same tick, right after it; a worker that stopped taking work
      // and were handed one anyway would leave it hanging until the wall-clock deadline.
      const nested = failure(generous.evaluate('return eval("(".repeat(100000) + "1" + ")".repeat(100000))', {}, { name: 'nested' }));
      const others = Array.from({ length: 6 }, (_, i) =>
        generous.evaluate('return [n, JSON.stringify({ a: [n] })]', { n: i }, { name: `other ${i}` }),
      );
      expect((await nested).detail).toBe('Stack limit exceeded (stack overflow)');
      expect(await Promise.all(others)).toEqual(Array.from({ length: 6 }, (_, i) => [i, `{"a":[${i}]}`]));
      const after = Array.from({ length: 6 }, (_, i) => generous.evaluate('return n * 2', { n: i }, { name: `after ${i}` }));
      expect(await Promise.all(after)).toEqual([0, 2, 4, 6, 8, 10]);
    } finally {
      generous.dispose();
    }
  });

  it('fails evaluations still pending when the sandbox is disposed, and terminates its threads', async () => {
    const s = createMappingSandbox({ timeLimitMs: 5000 });
    const pending = s.evaluate('while (true) {}', {}, { name: 'pending' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    s.dispose();
    await expect(pending).rejects.toBeInstanceOf(InternalError);
  });
});

describe('isolation', () => {
  it('exposes no host capabilities', async () => {
    const probes = ['require', 'process', 'fetch', 'XMLHttpRequest', 'std', 'os', 'module', 'Buffer', 'setTimeout', 'console', 'WebAssembly'];
    const types = await run(`return [${probes.map((p) => `typeof ${p}`).join(', ')}]`);
    expect(types).toEqual(probes.map(() => 'undefined'));
  });

  it('cannot load modules', async () => {
    await expectFailure(run('return import("os")'), 'exception', /could not load module 'os'/);
    await expectFailure(run('return import("node:fs")'), 'exception', /could not load module/);
    await expectFailure(run('import fs from "fs"; return 1'), 'syntax');
  });

  it('reaches no host object through the global object or constructors', async () => {
    const r = (await run(
      'const g = Function("return this")(); return [Object.keys(g).length, typeof g.process, info.constructor.constructor("return typeof process")()]',
    )) as unknown[];
    expect(r).toEqual([0, 'undefined', 'undefined']);
    expect(await run('"use strict"; return this === undefined')).toBe(true);
  });

  it('does not leak globals or prototype changes between evaluations', async () => {
    expect(await run('globalThis.leak = 42; Object.prototype.polluted = 1; Array.prototype.map = null; return leak')).toBe(42);
    expect(await run('return [typeof leak, "polluted" in {}, typeof [].map]')).toEqual(['undefined', false, 'function']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps the serialisation trustworthy when the expression tampers with built-ins', async () => {
    expect(await run('JSON.stringify = () => "\\"hacked\\""; return { a: 1 }')).toEqual({ a: 1 });
    await expectFailure(run('Object.prototype.toJSON = function () { return "x" }; throw new Error("boom")'), 'exception', /^Error: boom$/);
  });
});

describe('throughput', () => {
  it('evaluates a small expression quickly (figure printed for the record)', async () => {
    const expr = 'return { username: info.login.toLowerCase(), attributes: { github: info.html_url } }';
    for (let i = 0; i < 200; i++) await run(expr); // let V8 tier up the WebAssembly
    const n = 1000;
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const r = (await run(expr)) as { username: string };
      if (r.username !== 'octo-cat') throw new Error('wrong result');
    }
    const perSecond = Math.round(n / ((performance.now() - started) / 1000));
    console.log(`mapping sandbox: ${perSecond} evaluations/s`);
    expect(perSecond).toBeGreaterThan(100);
  });
});
