/**
 * Property mappings inside a real OAuth login (docs/behaviour.md#property-mappings): user mappings
 * run in name order over the accumulated properties, group mappings shape the synced groups, a
 * failing or runaway mapping fails the login with its name and a `configuration_error` event and
 * writes nothing, and the sandbox exposes no process, network or module loader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../../../support/browser.js';
import { createOidcSource } from '../../../support/oauth-source.js';
import { CLIENT_ID, CLIENT_SECRET, expectLoginFailure, expectNothingWritten, pageText, startEnv, whoAmI, type Env } from './helpers.js';

let env: Env;

const MAPPINGS = {
  // Named so that name order (a-…, b-…) differs from creation order.
  'b-attributes': "return { attributes: { department: 'eng', seen_username: properties.username, idp_sub: info.sub } }",
  'a-prefix-username': "return { username: 'pm-' + info.preferred_username }",
  'group-rename': "return { name: 'idp-' + group_id, attributes: { from: source.slug } }",
  explode: "throw new Error('boom from the mapping')",
  spin: 'while (true) {}',
  // Each iteration is one long native call, so QuickJS' own interrupt check (every ~10k ticks)
  // would let this run for minutes — on the thread that serves every request, before.
  'spin-native': "const s = 'a'.repeat(4 * 1024 * 1024); while (true) s.indexOf('b');",
  probe: `
    const escape = (() => { try { return ({}).constructor.constructor('return typeof process')(); } catch (e) { return 'threw'; } })();
    return { attributes: { probe: {
      process: typeof process, fetch: typeof fetch, require: typeof require, globalProcess: typeof globalThis.process,
      xhr: typeof XMLHttpRequest, importFn: typeof globalThis.import, escape,
    } } };`,
};

beforeAll(async () => {
  env = await startEnv({
    slugs: ['pm-ok', 'pm-throw', 'pm-loop', 'pm-native-loop', 'pm-probe'],
    accounts: [{ sub: 'alice-sub', email: 'alice@example.com', email_verified: true, preferred_username: 'alice', groups: ['devs'] }],
  });
  const repos = env.app.ctx.store.repos;
  const pm: Record<string, string> = {};
  for (const [name, expression] of Object.entries(MAPPINGS))
    pm[name] = (await repos.propertyMappings.create({ kind: 'oauth', name, expression })).uuid;
  const source = (slug: string, user: string[], group: string[] = []) =>
    createOidcSource(env.app, {
      slug,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      wellKnownUrl: env.idp.wellKnownUrl,
      userPropertyMappings: user,
      groupPropertyMappings: group,
    });
  await source('pm-ok', [pm['b-attributes'], pm['a-prefix-username']], [pm['group-rename']]);
  await source('pm-throw', [pm['a-prefix-username'], pm.explode]);
  await source('pm-loop', [pm.spin]);
  await source('pm-native-loop', [pm['spin-native']]);
  await source('pm-probe', [pm.probe]);
}, 60_000);

afterAll(async () => {
  await env?.close();
});

const login = (slug: string, browser = new TestBrowser()) => browser.get(`${env.base}/source/oauth/login/${slug}/`);
const repos = () => env.app.ctx.store.repos;

describe('property mappings in the login', () => {
  it('apply user mappings in name order and group mappings to the synced groups', async () => {
    const browser = new TestBrowser();
    const page = await login('pm-ok', browser);
    expect(page.url, pageText(page.body)).toBe(`${env.base}/if/user/`);
    expect(await whoAmI(env, browser)).toBe('pm-alice');
    const user = (await repos().users.byUsername('pm-alice'))!;
    expect(user.attributes).toMatchObject({ department: 'eng', seen_username: 'pm-alice', idp_sub: 'alice-sub' });
    const groups = await repos().groups.byUuids((await repos().users.groupUuidsOf([user.id])).get(user.id) ?? []);
    expect(groups.map((g) => ({ name: g.name, attributes: g.attributes }))).toEqual([{ name: 'idp-devs', attributes: { from: 'pm-ok' } }]);
  });

  it('a throwing mapping fails the login with its name, records a configuration_error and writes nothing', async () => {
    const page = await expectNothingWritten(env.app, () => login('pm-throw'));
    expectLoginFailure(env, page, "Failed to evaluate property mapping: 'explode':");
    expect(pageText(page.body)).toContain('boom from the mapping');
    const events = await repos().events.recent('configuration_error', 5);
    expect(events.some((e) => e.context?.mapping === 'explode' && String(e.context?.message).includes('boom from the mapping'))).toBe(true);
  });

  it('an endless mapping is stopped by the time limit and fails the login', async () => {
    const started = Date.now();
    const page = await expectNothingWritten(env.app, () => login('pm-loop'));
    expectLoginFailure(env, page, "Failed to evaluate property mapping: 'spin':");
    expect(pageText(page.body)).toMatch(/timed out/i);
    expect(Date.now() - started).toBeLessThan(10_000);
    const events = await repos().events.recent('configuration_error', 5);
    expect(events.some((e) => e.context?.mapping === 'spin')).toBe(true);
  });

  it('a mapping stuck in long native calls fails the login cleanly while the server keeps answering', async () => {
    let loginDone = false;
    const loginPage = expectNothingWritten(env.app, () => login('pm-native-loop')).finally(() => {
      loginDone = true;
    });
    // Health checks back to back for as long as the login runs: the longest wait for an answer
    // is how long the server's event loop was unavailable.
    const statuses: number[] = [];
    let longestGap = 0;
    let last = performance.now();
    while (!loginDone) {
      const res = await fetch(`${env.base}/-/health/live/`);
      await res.arrayBuffer();
      statuses.push(res.status);
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }
    const page = await loginPage;
    expectLoginFailure(env, page, "Failed to evaluate property mapping: 'spin-native':");
    expect(pageText(page.body)).toMatch(/timed out/i);
    const events = await repos().events.recent('configuration_error', 5);
    expect(events.some((e) => e.context?.mapping === 'spin-native')).toBe(true);
    expect(statuses.length).toBeGreaterThan(1);
    expect(new Set(statuses)).toEqual(new Set([200]));
    // The sandbox's wall-clock deadline is 1 s; before, this loop held the event loop for minutes.
    expect(longestGap).toBeLessThan(1000);
  });

  it('cannot reach process, network or module loading from inside a mapping', async () => {
    // An account of its own, so the result does not depend on the other tests.
    env.idp.setAccount({ sub: 'probe-sub', preferred_username: 'prober' });
    env.idp.loginAs('probe-sub');
    try {
      const page = await login('pm-probe');
      expect(page.url, pageText(page.body)).toBe(`${env.base}/if/user/`);
      const user = (await repos().users.byUsername('prober'))!;
      expect(user.attributes.probe).toEqual({
        process: 'undefined',
        fetch: 'undefined',
        require: 'undefined',
        globalProcess: 'undefined',
        xhr: 'undefined',
        importFn: 'undefined',
        escape: 'undefined',
      });
    } finally {
      env.idp.loginAs('alice-sub');
    }
  });
});
