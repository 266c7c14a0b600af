/**
 * The login pages in a real browser: headless Chromium signs in through an OpenID Provider,
 * picks a username on the enrolment page, lands on its account page, and can call the API
 * with the session cookie it was given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../support/chromium.js';
import { createOidcSource } from '../../../support/oauth-source.js';
import { CLIENT_ID, CLIENT_SECRET, startEnv, type Env } from './helpers.js';

let env: Env;
let base: string;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  env = await startEnv({
    slugs: ['corp'],
    accounts: [{ sub: 'dana-sub', email: 'dana@example.com', email_verified: true, name: 'Dana Scully', preferred_username: 'dana' }],
  });
  base = env.base;
  await createOidcSource(env.app, { slug: 'corp', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, wellKnownUrl: env.idp.wellKnownUrl });
  // The enrolment page must ask: the IdP's username is already taken locally.
  await env.app.ctx.store.repos.users.create({ username: 'dana', name: 'Someone else' });
  chrome = await launchChromium();
}, 90_000);

afterAll(async () => {
  await chrome?.close();
  await env?.close();
});

describe('login pages in Chromium', () => {
  it('signs in through the IdP button, chooses a username and reaches the account page', async () => {
    const page = await chrome.browser.newPage();
    await page.goto(`${base}/if/flow/default-authentication-flow/`);
    await page.getByRole('link', { name: 'Source corp' }).click();
    await page.waitForURL(`${base}/if/flow/default-source-enrollment/`);
    expect(await page.locator('.field-error').textContent()).toBe('This username is already taken.');
    await page.fill('input[name=username]', 'dana.scully');
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/if/user/`);
    expect(await page.locator('.username').textContent()).toBe('dana.scully');
    expect(await page.locator('.flash.success').textContent()).toBe('Successfully authenticated with Source corp!');
    expect(await page.locator('table.connections').textContent()).toContain('dana-sub');
    const me = await page.evaluate(async () => (await fetch('/api/v3/core/users/me/')).json());
    expect(me.user.username).toBe('dana.scully');
    await page.screenshot({ path: 'test/.artifacts/chromium-account-page.png' }).catch(() => undefined);
  });

  it('shows the failure reason on the login page when the state is forged', async () => {
    const page = await chrome.browser.newPage();
    await page.goto(`${base}/source/oauth/callback/corp/?state=forged&code=abc`);
    await page.waitForURL(`${base}/if/flow/default-authentication-flow/`);
    expect(await page.locator('.flash.error').textContent()).toBe('Authentication failed: State check failed.');
  });
});
