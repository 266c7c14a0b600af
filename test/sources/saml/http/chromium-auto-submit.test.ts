/**
 * The self-submitting pages in a real browser, under their Content-Security-Policy: headless
 * Chromium starts an SP-initiated login with the POST_AUTO binding (our page posts itself to the
 * IdP, another site), the IdP's page posts the Response back cross-site, our bounce page posts
 * itself again from our own origin, and the browser lands signed in. Any CSP violation (a
 * blocked inline script or stylesheet, a blocked form target) would show up in the console and
 * stop the chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createListeningTestApp, type TestApp } from '../../../support/app.js';
import { launchChromium } from '../../../support/chromium.js';
import { testKeyPair } from '../../../fakes/certs.js';
import { createSamlSourceViaApi } from './source-api.js';
import { createKeypair, startIdpServer, type IdpServer } from './support.js';

let app: TestApp;
let base: string;
let idp: IdpServer;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  ({ app, base } = await createListeningTestApp());
  const signing = await testKeyPair('idp');
  idp = await startIdpServer({ signing });
  const verificationKp = await createKeypair(app, 'idp', { certificate: signing.certificate });
  // Reached as `localhost` while we are `127.0.0.1`: another site, so the IdP's POST back to
  // our ACS is cross-site and goes through the bounce page.
  const ssoUrl = idp.ssoUrl.replace('127.0.0.1', 'localhost');
  await createSamlSourceViaApi(app, 'chromium', {
    sso_url: ssoUrl,
    binding_type: 'POST_AUTO',
    verification_kp: verificationKp,
    signed_assertion: true,
  });
  chrome = await launchChromium();
}, 90_000);

afterAll(async () => {
  await chrome?.close();
  await idp?.close();
  await app?.close();
});

describe('auto-submit pages in Chromium, under the CSP', () => {
  it('POST binding page → IdP → cross-site bounce page → signed in', async () => {
    idp.loginAs({ nameId: 'carol', attributes: { email: ['carol@example.com'] } });
    const page = await chrome.browser.newPage();
    const console: string[] = [];
    page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
    const policies: string[] = [];
    const bounces: number[] = [];
    page.on('response', (r) => {
      if (!r.url().startsWith(base) || !(r.headers()['content-type'] ?? '').startsWith('text/html')) return;
      policies.push(r.headers()['content-security-policy'] ?? '(none)');
      if (r.request().method() === 'POST' && r.url() === `${base}/source/saml/chromium/acs/`) bounces.push(r.status());
    });

    await page.goto(`${base}/source/saml/chromium/`);
    // Our page submitted itself to the IdP; the IdP's page wants a click.
    await page.waitForURL((url) => url.hostname === 'localhost');
    expect(idp.requests.at(-1)).toMatchObject({ binding: 'POST' });
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${base}/if/user/`);
    expect(await page.locator('.username').textContent()).toBe('carol');

    // The POST binding page and the bounce page were both served with a policy and obeyed it.
    expect(policies.filter((p) => p.includes("form-action 'self' http://localhost:")).length).toBe(1);
    expect(bounces).toEqual([200]); // the cross-site POST got the bounce page, which posted itself
    expect(policies.every((p) => p.startsWith("default-src 'none'"))).toBe(true);
    expect(console.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);

    // And the policy is enforced: a script the page did not ship does not run.
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.injected = true';
      document.body.appendChild(s);
      return (window as unknown as { injected?: boolean }).injected === true;
    });
    expect(ran).toBe(false);
  });
});
