/**
 * CSRF on the admin API: an unsafe call authenticated by the browser's session cookie needs the
 * session's token in X-authentik-CSRF and a same-origin Origin (or Referer); bearer calls do not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/domain/entities.js';
import { CSRF_COOKIE, CSRF_HEADER } from '../../src/http/csrf.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { openConsole, setCookieValue, type ConsoleSession } from '../support/csrf.js';
import { createToken, normalUser, sessionCookie, type LoggedIn } from '../support/sessions.js';

const ORIGIN = 'http://testserver';
const TOKEN_MISSING = { detail: 'CSRF Failed: CSRF token missing.', code: 'csrf_failed' };
const TOKEN_INCORRECT = { detail: "CSRF Failed: CSRF token from the 'X-Authentik-Csrf' HTTP header incorrect.", code: 'csrf_failed' };
const originRefused = (origin: string) => ({
  detail: `CSRF Failed: Origin checking failed - ${origin} does not match any trusted origins.`,
  code: 'csrf_failed',
});

let app: TestApp;
let admin: User;
let login: LoggedIn;
let console_: ConsoleSession;

beforeAll(async () => {
  app = await createTestApp();
  admin = (await app.ctx.store.repos.users.byUsername('akadmin'))!;
  login = await sessionCookie(app, admin.id);
  console_ = await openConsole(app, login);
});
afterAll(async () => app?.close());

async function userCount(): Promise<number> {
  const row = await app.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const userExists = async (username: string) => (await app.ctx.store.repos.users.byUsername(username)) !== null;

/** A JSON call carrying the admin's session cookie, plus `headers`. */
const cookieCall = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) =>
  app.request({ method, url, token: null, payload, headers: { cookie: console_.headers.cookie, ...headers } });

describe('a cross-site form POST with the admin session cookie', () => {
  it.each([
    ['another site', 'http://evil.example'],
    ['another port of the same host (same-site)', 'http://testserver:8080'],
    ['a sibling subdomain (same-site)', 'http://evil.testserver'],
  ])('from %s is refused and writes nothing', async (_label, origin) => {
    const before = await userCount();
    const res = await app.request({
      method: 'POST',
      url: '/api/v3/core/users/',
      token: null,
      // What a form can send: the ambient cookies (the CSRF cookie too — but no header).
      headers: { cookie: console_.headers.cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ username: 'csrf-mallory', name: 'Mallory', groups: 'authentik Admins' }).toString(),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(originRefused(origin));
    expect(await userCount()).toBe(before);
    expect(await userExists('csrf-mallory')).toBe(false);
  });

  it('cannot set a token key of its choosing', async () => {
    const original = await createToken(app, admin.id, { identifier: 'csrf-victim-token' });
    const res = await app.request({
      method: 'POST',
      url: '/api/v3/core/tokens/csrf-victim-token/set_key/',
      token: null,
      headers: { cookie: console_.headers.cookie, origin: 'http://testserver:8080', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'key=attacker-chosen-key-0123456789',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('csrf_failed');
    expect((await app.request({ method: 'GET', url: '/api/v3/core/users/me/', token: 'attacker-chosen-key-0123456789' })).statusCode).toBe(403);
    expect((await app.request({ method: 'GET', url: '/api/v3/core/users/me/', token: original })).statusCode).toBe(200);
  });

  it('is refused even from our own origin: a form cannot send the header', async () => {
    const before = await userCount();
    const res = await app.request({
      method: 'POST',
      url: '/api/v3/core/users/',
      token: null,
      headers: { cookie: console_.headers.cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=csrf-form-same-origin&name=x',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(TOKEN_MISSING);
    expect(await userCount()).toBe(before);
  });
});

describe('a JSON call with the session cookie', () => {
  it('without the header is refused', async () => {
    const res = await cookieCall('POST', '/api/v3/core/users/', { origin: ORIGIN }, { username: 'csrf-no-header', name: 'x' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(TOKEN_MISSING);
    expect(await userExists('csrf-no-header')).toBe(false);
  });

  it('with a wrong token is refused, whatever its length', async () => {
    for (const wrong of ['x', `${console_.csrf.slice(0, -1)}0`, `${console_.csrf}0`, console_.csrf.toUpperCase()]) {
      if (wrong === console_.csrf) continue;
      const res = await cookieCall('POST', '/api/v3/core/users/', { origin: ORIGIN, [CSRF_HEADER]: wrong }, { username: 'csrf-wrong', name: 'x' });
      expect(res.statusCode, wrong).toBe(403);
      expect(res.json()).toEqual(TOKEN_INCORRECT);
    }
    expect(await userExists('csrf-wrong')).toBe(false);
  });

  it('with a cookie and header that match each other but not the session is refused (a planted cookie is useless)', async () => {
    const planted = 'a'.repeat(console_.csrf.length);
    const res = await app.request({
      method: 'POST',
      url: '/api/v3/core/users/',
      token: null,
      payload: { username: 'csrf-planted', name: 'x' },
      headers: { cookie: `${login.cookie}; ${CSRF_COOKIE}=${planted}`, [CSRF_HEADER]: planted, origin: ORIGIN },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(TOKEN_INCORRECT);
  });

  it("with another session's token is refused", async () => {
    const other = await openConsole(app, await sessionCookie(app, admin.id));
    expect(other.csrf).not.toBe(console_.csrf);
    const res = await cookieCall('POST', '/api/v3/core/users/', { origin: ORIGIN, [CSRF_HEADER]: other.csrf }, { username: 'csrf-other', name: 'x' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(TOKEN_INCORRECT);
  });

  it.each(['http://evil.example', 'http://testserver:8080', 'https://testserver', 'null'])(
    'with the right header but Origin %s is refused',
    async (origin) => {
      const res = await cookieCall('POST', '/api/v3/core/users/', { ...console_.headers, origin }, { username: 'csrf-bad-origin', name: 'x' });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual(originRefused(origin));
      expect(await userExists('csrf-bad-origin')).toBe(false);
    },
  );

  it('with the right header from our own origin is served', async () => {
    const res = await cookieCall('POST', '/api/v3/core/users/', console_.headers, { username: 'csrf-console', name: 'Console' });
    expect(res.statusCode).toBe(201);
    expect(await userExists('csrf-console')).toBe(true);
  });

  it('falls back to the Referer when the browser sends no Origin', async () => {
    const { origin: _origin, ...withoutOrigin } = console_.headers;
    const ok = await cookieCall('POST', '/api/v3/core/groups/', { ...withoutOrigin, referer: `${ORIGIN}/if/admin/` }, { name: 'csrf-referer-ok' });
    expect(ok.statusCode).toBe(201);
    const evil = await cookieCall(
      'POST',
      '/api/v3/core/groups/',
      { ...withoutOrigin, referer: 'http://evil.example/page' },
      { name: 'csrf-referer-evil' },
    );
    expect(evil.statusCode).toBe(403);
    expect(evil.json()).toEqual({
      detail: 'CSRF Failed: Referer checking failed - http://evil.example/page does not match any trusted origins.',
      code: 'csrf_failed',
    });
    const malformed = await cookieCall(
      'POST',
      '/api/v3/core/groups/',
      { ...withoutOrigin, referer: 'not a url' },
      { name: 'csrf-referer-malformed' },
    );
    expect(malformed.json()).toEqual({ detail: 'CSRF Failed: Referer checking failed - Referer is malformed.', code: 'csrf_failed' });
    const neither = await cookieCall('POST', '/api/v3/core/groups/', withoutOrigin, { name: 'csrf-referer-none' });
    expect(neither.statusCode).toBe(403);
    expect(neither.json()).toEqual({ detail: 'CSRF Failed: Referer checking failed - no Referer.', code: 'csrf_failed' });
    expect(await app.ctx.store.repos.groups.byName('csrf-referer-evil')).toBeNull();
    expect(await app.ctx.store.repos.groups.byName('csrf-referer-none')).toBeNull();
  });

  it('is checked on PATCH, PUT and DELETE as well', async () => {
    const victim = await app.ctx.store.repos.users.create({ username: 'csrf-victim', name: 'Victim' });
    const url = `/api/v3/core/users/${victim.id}/`;
    for (const method of ['PATCH', 'PUT', 'DELETE'] as const) {
      const res = await cookieCall(method, url, { origin: ORIGIN }, method === 'DELETE' ? undefined : { username: 'csrf-victim', name: 'Renamed' });
      expect(res.statusCode, method).toBe(403);
      expect(res.json(), method).toEqual(TOKEN_MISSING);
    }
    expect((await app.ctx.store.repos.users.byId(victim.id))?.name).toBe('Victim');
    expect((await cookieCall('PATCH', url, console_.headers, { name: 'Renamed' })).statusCode).toBe(200);
    expect((await cookieCall('DELETE', url, console_.headers)).statusCode).toBe(204);
    expect(await app.ctx.store.repos.users.byId(victim.id)).toBeNull();
  });

  it('an empty Authorization header does not turn the cookie call into an exempt one', async () => {
    const res = await cookieCall('POST', '/api/v3/core/users/', { origin: ORIGIN, authorization: '' }, { username: 'csrf-empty-auth', name: 'x' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(TOKEN_MISSING);
    expect(await userExists('csrf-empty-auth')).toBe(false);
  });

  it('of a normal user is checked too, before permissions', async () => {
    const { user } = await normalUser(app, 'csrf-normal');
    const normalLogin = await sessionCookie(app, user.id);
    const res = await app.request({
      method: 'POST',
      url: '/api/v3/core/tokens/',
      token: null,
      payload: { identifier: 'csrf-normal-token' },
      headers: { ...normalLogin.headers, origin: ORIGIN },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(TOKEN_MISSING);
  });
});

describe('exempt calls', () => {
  it('a bearer token needs no CSRF token, even with a foreign Origin', async () => {
    const res = await app.request({
      method: 'POST',
      url: '/api/v3/core/users/',
      payload: { username: 'csrf-bearer', name: 'x' },
      headers: { origin: 'http://evil.example' },
    });
    expect(res.statusCode).toBe(201);
  });

  it('a bearer token wins over a session cookie sent alongside it', async () => {
    const res = await app.request({
      method: 'POST',
      url: '/api/v3/core/groups/',
      payload: { name: 'csrf-bearer-and-cookie' },
      headers: { cookie: login.cookie },
    });
    expect(res.statusCode).toBe(201);
  });

  it('safe methods need no token', async () => {
    const res = await app.request({
      method: 'GET',
      url: '/api/v3/core/users/',
      token: null,
      headers: { cookie: login.cookie, origin: 'http://evil.example' },
    });
    expect(res.statusCode).toBe(200);
  });

  it('a call without credentials is not authenticated rather than CSRF-failed', async () => {
    const res = await app.request({
      method: 'POST',
      url: '/api/v3/core/users/',
      token: null,
      payload: { username: 'x', name: 'x' },
      headers: { origin: ORIGIN },
    });
    expect(res.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
  });
});

describe('the CSRF cookie', () => {
  it('is handed to a signed-in browser on a GET: readable by script, SameSite=Lax, whole site', async () => {
    const fresh = await sessionCookie(app, admin.id);
    const res = await app.request({ method: 'GET', url: '/api/v3/core/groups/', token: null, headers: fresh.headers });
    const line = [res.headers['set-cookie'] ?? []].flat().find((l) => l.startsWith(`${CSRF_COOKIE}=`));
    expect(line).toBeDefined();
    const attributes = line!.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('path=/');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).not.toContain('httponly');
    expect(attributes).not.toContain('secure');
  });

  it('is not sent again while the browser holds it, nor to bearer or anonymous callers', async () => {
    const again = await app.request({ method: 'GET', url: '/api/v3/core/users/me/', token: null, headers: { cookie: console_.headers.cookie } });
    expect(setCookieValue(again.headers['set-cookie'], CSRF_COOKIE)).toBeNull();
    const bearer = await app.request({ method: 'GET', url: '/api/v3/core/users/me/' });
    expect(bearer.headers['set-cookie']).toBeUndefined();
    const anonymous = await app.request({ method: 'GET', url: '/api/v3/core/users/me/', token: null });
    expect(anonymous.headers['set-cookie']).toBeUndefined();
  });

  it('is replaced when the browser holds a stale one', async () => {
    const res = await app.request({
      method: 'GET',
      url: '/api/v3/core/users/me/',
      token: null,
      headers: { cookie: `${login.cookie}; ${CSRF_COOKIE}=stale` },
    });
    expect(setCookieValue(res.headers['set-cookie'], CSRF_COOKIE)).toBe(console_.csrf);
  });

  it('is Secure when the public URL is https', async () => {
    const secure = await createTestApp({ env: { TRIBUTARY_PUBLIC_URL: 'https://auth.example.com' }, shareSchemaWith: app });
    try {
      const res = await secure.request({ method: 'GET', url: '/api/v3/core/users/me/', token: null, headers: login.headers });
      const line = [res.headers['set-cookie'] ?? []].flat().find((l) => l.startsWith(`${CSRF_COOKIE}=`));
      expect(line?.split(';').map((a) => a.trim().toLowerCase())).toContain('secure');
      // Its origin is the public URL's, not the request's Host.
      const post = (origin: string) =>
        secure.request({
          method: 'POST',
          url: '/api/v3/core/groups/',
          token: null,
          payload: { name: `csrf-secure-${origin.length}` },
          headers: { ...console_.headers, origin },
        });
      expect((await post('https://auth.example.com')).statusCode).toBe(201);
      expect((await post('http://localhost:80')).json()).toEqual(originRefused('http://localhost:80'));
    } finally {
      await secure.close();
    }
  });
});

describe('without a configured public URL', () => {
  it("compares with the request's own origin", async () => {
    const bare = await createTestApp({ env: { TRIBUTARY_PUBLIC_URL: '' }, shareSchemaWith: app });
    try {
      expect(bare.ctx.publicUrl).toBeNull();
      const headers = { ...console_.headers, host: 'auth.internal:9000' };
      const post = (origin: string, name: string) =>
        bare.request({ method: 'POST', url: '/api/v3/core/groups/', token: null, payload: { name }, headers: { ...headers, origin } });
      expect((await post('http://auth.internal:9000', 'csrf-bare-ok')).statusCode).toBe(201);
      expect((await post('http://auth.internal:9001', 'csrf-bare-port')).json()).toEqual(originRefused('http://auth.internal:9001'));
    } finally {
      await bare.close();
    }
  });
});
