/**
 * End to end against a real OpenID Provider on 127.0.0.1, driven as a browser would: first
 * login enrols, second authenticates, a logged-in login links, and the session is a real login.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../support/app.js';
import { TestBrowser } from '../../../support/browser.js';
import { createOidcSource } from '../../../support/oauth-source.js';
import type { FakeOidcProvider } from '../../../fakes/oidc-provider.js';
import { CLIENT_ID, CLIENT_SECRET, startEnv, type Env } from './helpers.js';

let env: Env;
let app: TestApp;
let idp: FakeOidcProvider;
let base: string;

beforeAll(async () => {
  env = await startEnv({
    slugs: ['idp', 'idp2'],
    accounts: [
      {
        sub: 'alice-sub',
        email: 'alice@example.com',
        email_verified: true,
        name: 'Alice Liddell',
        preferred_username: 'alice',
        groups: ['wonderland', 'readers'],
      },
      { sub: 'bob-sub', email: 'bob@example.com', email_verified: true, name: 'Bob', preferred_username: 'bob' },
    ],
  });
  ({ app, idp, base } = env);
  await createOidcSource(app, { slug: 'idp', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, wellKnownUrl: idp.wellKnownUrl });
}, 60_000);

afterAll(async () => env?.close());

async function me(browser: TestBrowser): Promise<{ status: number; username?: string }> {
  const res = await fetch(`${base}/api/v3/core/users/me/`, { headers: { cookie: browser.cookieHeader(base) } });
  return res.status === 200 ? { status: 200, username: (await res.json()).user.username } : { status: res.status };
}

describe('OIDC source login', () => {
  it('enrols on first login, authenticates on the second, and the session is a real login', async () => {
    idp.loginAs('alice-sub');
    const browser = new TestBrowser();
    const first = await browser.get(`${base}/source/oauth/login/idp/?next=/if/user/`);
    expect(first.status, first.body).toBe(200);
    expect(first.url).toBe(`${base}/if/user/`);
    expect(first.hops.some((h) => h.startsWith(`${base}/if/flow/default-source-enrollment/`))).toBe(true);
    expect(first.body).toContain('Successfully authenticated with Source idp!');
    expect(await me(browser)).toEqual({ status: 200, username: 'alice' });

    const user = await app.ctx.store.repos.users.byUsername('alice');
    expect(user).toMatchObject({ name: 'Alice Liddell', email: 'alice@example.com', path: 'goauthentik.io/sources/idp', type: 'external' });
    const conn = await app.ctx.store.repos.userConnections.byUserSource(user!.id, (await app.ctx.store.repos.sources.bySlug('idp'))!.uuid);
    expect(conn?.identifier).toBe('alice-sub');
    expect(conn?.expires?.getTime()).toBeGreaterThan(Date.now() + 60_000);
    // Group claim synced into local groups connected to the source.
    const groups = await app.ctx.store.repos.users.groupUuidsOf([user!.id]);
    const names = (await app.ctx.store.repos.groups.byUuids(groups.get(user!.id)!)).map((g) => g.name).sort();
    expect(names).toEqual(['readers', 'wonderland']);

    // Second login in a fresh browser: AUTH path, no new user, no new connection.
    const again = new TestBrowser();
    const second = await again.get(`${base}/source/oauth/login/idp/`);
    expect(second.status).toBe(200);
    expect(second.hops.some((h) => h.startsWith(`${base}/if/flow/default-source-authentication/`))).toBe(true);
    expect(await me(again)).toEqual({ status: 200, username: 'alice' });
    const page = await app.ctx.store.repos.userConnections.list(null, {
      filters: [{ field: 'user', value: user!.id }],
      search: null,
      ordering: [],
      offset: 0,
      limit: 10,
    });
    expect(page.total).toBe(1);
  });

  it('asks for a username when the source-supplied one is taken', async () => {
    await app.ctx.store.repos.users.create({ username: 'bob', name: 'Local Bob' });
    idp.loginAs('bob-sub');
    const browser = new TestBrowser();
    const prompt = await browser.get(`${base}/source/oauth/login/idp/`);
    expect(prompt.url).toBe(`${base}/if/flow/default-source-enrollment/`);
    expect(prompt.body).toContain('This username is already taken.');
    const stillTaken = await browser.submit(prompt, { username: 'bob' });
    expect(stillTaken.status).toBe(400);
    const done = await browser.submit(stillTaken, { username: 'bob-from-idp' });
    expect(done.url).toBe(`${base}/if/user/`);
    expect(await me(browser)).toEqual({ status: 200, username: 'bob-from-idp' });
  });

  it('links the identity to the logged-in user', async () => {
    const local = await app.ctx.store.repos.users.create({ username: 'carol', name: 'Carol' });
    const other = await createOidcSource(app, { slug: 'idp2', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, wellKnownUrl: idp.wellKnownUrl });
    // Log carol in through the password-less path: a session created by a first source login is
    // not available for her, so create one directly.
    const browser = new TestBrowser();
    const { startSession } = await import('../../../../src/services/sessions.js');
    const s = await startSession(app.ctx, app.ctx.store.repos, local.id);
    browser.cookies.set(new URL(base).host, new Map([['tributary_session', encodeURIComponent(app.http.signCookie(s.id))]]));
    idp.loginAs('alice-sub');
    const linked = await browser.get(`${base}/source/oauth/login/idp2/`);
    expect(linked.body).toContain('Successfully linked Source idp2!');
    const conn = await app.ctx.store.repos.userConnections.byUserSource(local.id, other.uuid);
    expect(conn?.identifier).toBe('alice-sub');
    expect(await me(browser)).toEqual({ status: 200, username: 'carol' });
  });
});
