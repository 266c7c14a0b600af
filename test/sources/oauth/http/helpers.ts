/**
 * Shared plumbing for the OAuth end-to-end tests: an app listening on a real port plus a real
 * OpenID Provider, a way to stop a browser just before the callback (to replay or tamper with
 * it), row counts that prove a failed login wrote nothing, and page-text extraction.
 */
import { expect } from 'vitest';
import { sql } from 'kysely';
import { SESSION_COOKIE } from '../../../../src/http/auth.js';
import type { Clock } from '../../../../src/services/context.js';
import { startSession } from '../../../../src/services/sessions.js';
import { createListeningTestApp, type TestApp } from '../../../support/app.js';
import type { Page, TestBrowser } from '../../../support/browser.js';
import { startOidcProvider, type FakeOidcProvider, type OidcAccount } from '../../../fakes/oidc-provider.js';

export const CLIENT_ID = 'tributary';
export const CLIENT_SECRET = 'idp-secret';
export const LOGIN_PATH = '/if/flow/default-authentication-flow/';

export interface Env {
  app: TestApp;
  idp: FakeOidcProvider;
  base: string;
  callbackUrl(slug: string): string;
  close(): Promise<void>;
}

/** App on 127.0.0.1:<port> and an oidc-provider that accepts the callback of every `slugs`. */
export async function startEnv(opts: { slugs: string[]; accounts: OidcAccount[]; clock?: Clock; fetch?: typeof fetch }): Promise<Env> {
  const { app, base } = await createListeningTestApp({ clock: opts.clock, fetch: opts.fetch });
  const callbackUrl = (slug: string) => `${base}/source/oauth/callback/${slug}/`;
  const idp = await startOidcProvider({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: opts.slugs.map(callbackUrl) }],
    accounts: opts.accounts,
  });
  return {
    app,
    idp,
    base,
    callbackUrl,
    close: async () => {
      await idp.close();
      await app.close();
    },
  };
}

/**
 * Follows redirects from `url` like a browser until one points at `prefix` and returns that
 * URL without requesting it — the callback the IdP sent the browser to.
 */
export async function untilRedirectTo(browser: TestBrowser, url: string, prefix: string): Promise<string> {
  let current = url;
  for (let i = 0; i < 20; i++) {
    const cookie = browser.cookieHeader(current);
    const res = await fetch(current, { redirect: 'manual', headers: cookie ? { cookie, accept: 'text/html' } : { accept: 'text/html' } });
    browser.storeCookies(current, res.headers);
    const location = res.headers.get('location');
    const body = await res.text();
    if (res.status < 300 || res.status >= 400 || !location)
      throw new Error(`no redirect to ${prefix} from ${current}: ${res.status} ${body.slice(0, 300)}`);
    current = new URL(location, current).toString();
    if (current.startsWith(prefix)) return current;
  }
  throw new Error(`too many redirects before ${prefix}`);
}

/**
 * Follows redirects like a browser while they stay on `origins`; returns the first URL that
 * leaves them (without requesting it) or the final URL. Open-redirect tests never touch the net.
 */
export async function landing(browser: TestBrowser, url: string, origins: string[]): Promise<string> {
  let current = url;
  for (let i = 0; i < 20; i++) {
    if (!origins.includes(new URL(current).origin)) return current;
    const cookie = browser.cookieHeader(current);
    const res = await fetch(current, { redirect: 'manual', headers: cookie ? { cookie, accept: 'text/html' } : { accept: 'text/html' } });
    browser.storeCookies(current, res.headers);
    const location = res.headers.get('location');
    await res.arrayBuffer();
    if (res.status < 300 || res.status >= 400 || !location) return current;
    current = new URL(location, current).toString();
  }
  throw new Error(`too many redirects from ${url}`);
}

/** Visible text of a page: tags dropped, entities decoded, whitespace collapsed. */
export function pageText(body: string): string {
  return body
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<script[\s\S]*?<\/script>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The page a failed OAuth login ends on: the login page, carrying the flashed reason. */
export function expectLoginFailure(env: Pick<Env, 'base'>, page: Page, reason: string): void {
  expect(page.status, page.body).toBe(200);
  expect(page.url).toBe(`${env.base}${LOGIN_PATH}`);
  expect(pageText(page.body)).toContain(`Authentication failed: ${reason}`);
}

export interface RowCounts {
  users: number;
  connections: number;
  groups: number;
  groupConnections: number;
  memberships: number;
}

export async function countRows(app: TestApp): Promise<RowCounts> {
  const n = async (table: 'users' | 'user_source_connections' | 'groups' | 'group_source_connections' | 'group_members') => {
    const row = await app.db
      .selectFrom(table)
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    users: await n('users'),
    connections: await n('user_source_connections'),
    groups: await n('groups'),
    groupConnections: await n('group_source_connections'),
    memberships: await n('group_members'),
  };
}

/** Runs `fn` and asserts that no user, connection, group or membership row appeared or vanished. */
export async function expectNothingWritten<T>(app: TestApp, fn: () => Promise<T>): Promise<T> {
  const before = await countRows(app);
  const result = await fn();
  expect(await countRows(app)).toEqual(before);
  return result;
}

/** Logs `browser` in as `userId` with a real session row, as a password login would. */
export async function logBrowserIn(env: Pick<Env, 'app' | 'base'>, browser: TestBrowser, userId: number): Promise<void> {
  const s = await startSession(env.app.ctx, env.app.ctx.store.repos, userId);
  browser.cookies.set(new URL(env.base).host, new Map([[SESSION_COOKIE, encodeURIComponent(env.app.http.signCookie(s.id))]]));
}

/** The username the browser's session is logged in as, or null. */
export async function whoAmI(env: Pick<Env, 'base'>, browser: TestBrowser): Promise<string | null> {
  const res = await fetch(`${env.base}/api/v3/core/users/me/`, { headers: { cookie: browser.cookieHeader(env.base) } });
  if (res.status !== 200) {
    await res.arrayBuffer();
    return null;
  }
  return ((await res.json()) as { user: { username: string } }).user.username;
}
