/**
 * The CSRF check in a real browser. Headless Chromium signs in with a password, then:
 * - a page on another port of the same host (same-site, so the SameSite=Lax session cookie goes
 *   along) auto-submits a form to the admin API: refused, nothing written;
 * - our own page reads the `authentik_csrf` cookie and echoes it, as authentik's console does:
 *   served — which also shows Chromium sends our Origin on a same-origin fetch although our pages
 *   set `Referrer-Policy: no-referrer`.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createListeningTestApp, type TestApp } from '../support/app.js';
import { launchChromium } from '../support/chromium.js';
import { freePort } from '../support/ports.js';

let app: TestApp;
let base: string;
let attacker: Server;
let attackerBase: string;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

/** The attacker's page: a form to our API, submitted on load. */
function attackPage(target: string): string {
  return `<!doctype html><html><body><form method="post" action="${target}/api/v3/core/users/">
<input name="username" value="csrf-mallory"><input name="name" value="Mallory"><input name="is_active" value="true">
</form><script>document.forms[0].submit()</script></body></html>`;
}

beforeAll(async () => {
  ({ app, base } = await createListeningTestApp());
  const port = await freePort();
  attackerBase = `http://127.0.0.1:${port}`;
  attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackPage(base)));
  await new Promise<void>((resolve) => attacker.listen(port, '127.0.0.1', resolve));
  chrome = await launchChromium();
}, 90_000);

afterAll(async () => {
  await chrome?.close();
  await new Promise((resolve) => attacker?.close(resolve));
  await app?.close();
});

describe('admin API CSRF in Chromium', () => {
  it('refuses a same-site form and serves the console that echoes the cookie', async () => {
    const page = await chrome.browser.newPage();
    await page.goto(`${base}/if/flow/default-authentication-flow/`);
    await page.fill('input[name=username]', 'akadmin');
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/if/user/`);

    // The attack: the session cookie goes along (same site), the form cannot add the header.
    const forgedResponse = page.waitForResponse((r) => r.url() === `${base}/api/v3/core/users/` && r.request().method() === 'POST');
    await page.goto(`${attackerBase}/`);
    const forged = await forgedResponse;
    expect((await forged.request().allHeaders()).cookie).toContain('tributary_session=');
    expect(forged.status()).toBe(403);
    expect(await forged.json()).toEqual({
      detail: `CSRF Failed: Origin checking failed - ${attackerBase} does not match any trusted origins.`,
      code: 'csrf_failed',
    });
    expect(await app.ctx.store.repos.users.byUsername('csrf-mallory')).toBeNull();

    // The console: on our own page, read the cookie and echo it.
    await page.goto(`${base}/if/user/`);
    const results = await page.evaluate(async () => {
      const csrf = /(?:^|; )authentik_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '';
      const post = async (name: string, headers: Record<string, string>) => {
        const res = await fetch('/api/v3/core/groups/', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ name }),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      return {
        csrf,
        withHeader: await post('csrf-console-group', { 'X-authentik-CSRF': csrf }),
        withoutHeader: await post('csrf-headerless-group', {}),
      };
    });
    expect(results.csrf).toMatch(/^[0-9a-f]{64}$/);
    expect(results.withHeader.status).toBe(201);
    expect(results.withoutHeader).toEqual({ status: 403, body: { detail: 'CSRF Failed: CSRF token missing.', code: 'csrf_failed' } });
    expect(await app.ctx.store.repos.groups.byName('csrf-console-group')).not.toBeNull();
    expect(await app.ctx.store.repos.groups.byName('csrf-headerless-group')).toBeNull();
  });
});
