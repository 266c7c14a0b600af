/**
 * The browser session hands out the admin API's CSRF cookie: at login (a new token for the new
 * session id), on later pages when it is missing, and clears it at logout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../../src/http/auth.js';
import { CSRF_COOKIE, CSRF_HEADER } from '../../../src/http/csrf.js';
import { ADMIN_PASSWORD, createTestApp, type TestApp } from '../../support/app.js';
import { setCookieValue } from '../../support/csrf.js';

const ORIGIN = 'http://testserver';
const LOGIN = '/if/flow/default-authentication-flow/';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

interface Jar {
  session: string | null;
  csrf: string | null;
}

function cookieHeader(jar: Jar): string {
  return [jar.session && `${SESSION_COOKIE}=${encodeURIComponent(jar.session)}`, jar.csrf && `${CSRF_COOKIE}=${jar.csrf}`].filter(Boolean).join('; ');
}

/** Takes a response's cookies into `jar` (an expired cookie empties its slot). */
function absorb(jar: Jar, setCookie: string | string[] | undefined): void {
  for (const line of [setCookie ?? []].flat()) {
    const expired = /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line);
    if (line.startsWith(`${SESSION_COOKIE}=`)) jar.session = expired ? null : setCookieValue(line, SESSION_COOKIE);
    if (line.startsWith(`${CSRF_COOKIE}=`)) jar.csrf = expired ? null : setCookieValue(line, CSRF_COOKIE);
  }
}

/** Signs akadmin in through the password form, as a browser would. */
async function passwordLogin(jar: Jar): Promise<void> {
  const page = await app.request({ method: 'GET', url: LOGIN, token: null, headers: { cookie: cookieHeader(jar) } });
  absorb(jar, page.headers['set-cookie']);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
  expect(csrf).toBeDefined();
  const post = await app.request({
    method: 'POST',
    url: LOGIN,
    token: null,
    headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
    payload: new URLSearchParams({ csrf: csrf!, username: 'akadmin', password: ADMIN_PASSWORD }).toString(),
  });
  expect(post.statusCode).toBe(302);
  absorb(jar, post.headers['set-cookie']);
}

const createGroup = (jar: Jar, name: string, token: string | null = jar.csrf) =>
  app.request({
    method: 'POST',
    url: '/api/v3/core/groups/',
    token: null,
    payload: { name },
    headers: { cookie: cookieHeader(jar), origin: ORIGIN, ...(token ? { [CSRF_HEADER]: token } : {}) },
  });

describe('the CSRF cookie of a browser session', () => {
  it('is not handed to an anonymous visitor', async () => {
    const jar: Jar = { session: null, csrf: null };
    const page = await app.request({ method: 'GET', url: LOGIN, token: null });
    absorb(jar, page.headers['set-cookie']);
    expect(jar.session).not.toBeNull();
    expect(jar.csrf).toBeNull();
  });

  it('is set at login, and the page script can echo it to the admin API', async () => {
    const jar: Jar = { session: null, csrf: null };
    await passwordLogin(jar);
    expect(jar.session).not.toBeNull();
    expect(jar.csrf).toMatch(/^[0-9a-f]{64}$/);
    expect((await createGroup(jar, 'bs-after-login')).statusCode).toBe(201);
  });

  it('changes with the session id at every login; the previous token stops working', async () => {
    const jar: Jar = { session: null, csrf: null };
    await passwordLogin(jar);
    const first = jar.csrf!;
    await passwordLogin(jar);
    expect(jar.csrf).not.toBe(first);
    const stale = await createGroup(jar, 'bs-stale-token', first);
    expect(stale.statusCode).toBe(403);
    expect(stale.json().code).toBe('csrf_failed');
    expect((await createGroup(jar, 'bs-fresh-token')).statusCode).toBe(201);
  });

  it('is given again by the next page when the browser lost it', async () => {
    const jar: Jar = { session: null, csrf: null };
    await passwordLogin(jar);
    const token = jar.csrf;
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    jar.csrf = null;
    const page = await app.request({ method: 'GET', url: '/if/user/', token: null, headers: { cookie: cookieHeader(jar) } });
    expect(page.statusCode).toBe(200);
    absorb(jar, page.headers['set-cookie']);
    expect(jar.csrf).toBe(token);
    const again = await app.request({ method: 'GET', url: '/if/user/', token: null, headers: { cookie: cookieHeader(jar) } });
    expect(setCookieValue(again.headers['set-cookie'], CSRF_COOKIE)).toBeNull();
  });

  it('is cleared at logout', async () => {
    const jar: Jar = { session: null, csrf: null };
    await passwordLogin(jar);
    expect(jar.csrf).not.toBeNull();
    const out = await app.request({ method: 'GET', url: '/flows/-/default/invalidation/', token: null, headers: { cookie: cookieHeader(jar) } });
    expect(out.statusCode).toBe(302);
    absorb(jar, out.headers['set-cookie']);
    expect(jar.session).toBeNull();
    expect(jar.csrf).toBeNull();
  });
});
