/**
 * Two instances on one database behind a (simulated) load balancer: the login starts on one and
 * the IdP's callback lands on the other. State, session and flow plan all live in the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { TestBrowser } from '../../../support/browser.js';
import { createOidcSource } from '../../../support/oauth-source.js';
import { freePort } from '../../../support/ports.js';
import { CLIENT_ID, CLIENT_SECRET, startEnv, untilRedirectTo, type Env } from './helpers.js';

let env: Env;
let second: TestApp;
let secondBase: string;

beforeAll(async () => {
  env = await startEnv({ slugs: ['mi'], accounts: [{ sub: 'mi-sub', email: 'mi@example.com', email_verified: true, preferred_username: 'multi' }] });
  await createOidcSource(env.app, { slug: 'mi', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, wellKnownUrl: env.idp.wellKnownUrl });
  const port = await freePort();
  secondBase = `http://127.0.0.1:${port}`;
  // Same public URL and secret: to the IdP and the browser both instances are one service.
  second = await createTestApp({ env: { TRIBUTARY_PUBLIC_URL: env.base }, shareSchemaWith: env.app });
  await second.http.listen({ port, host: '127.0.0.1' });
}, 60_000);

afterAll(async () => {
  await second?.close();
  await env?.close();
});

describe('several instances', () => {
  it('finishes on instance B a login started on instance A', async () => {
    const browser = new TestBrowser();
    const callback = await untilRedirectTo(browser, `${env.base}/source/oauth/login/mi/`, env.callbackUrl('mi'));
    // The load balancer sends the callback to B: same cookies, other process.
    const onB = callback.replace(env.base, secondBase);
    browser.cookies.set(new URL(secondBase).host, new Map(browser.cookies.get(new URL(env.base).host)));
    const page = await browser.get(onB);
    expect(page.status, page.body).toBe(200);
    expect(page.hops.some((h) => h.startsWith(`${secondBase}/if/flow/default-source-enrollment/`))).toBe(true);
    expect(page.body).toContain('multi');

    // The session B created is valid on A too.
    browser.cookies.set(new URL(env.base).host, new Map(browser.cookies.get(new URL(secondBase).host)));
    const me = await fetch(`${env.base}/api/v3/core/users/me/`, { headers: { cookie: browser.cookieHeader(env.base) } });
    expect(me.status).toBe(200);
    expect((await me.json()).user.username).toBe('multi');
  });
});
