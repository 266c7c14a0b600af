/**
 * Security headers as the browser receives them: a strict CSP whose script and style hashes
 * match the inline script and stylesheet actually served, `form-action` limited to the page's
 * own origin plus the IdP for the SAML POST binding page, no framing, no referrer; `nosniff` on
 * everything, including JSON.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createSamlSourceViaApi } from '../sources/saml/http/source-api.js';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
  await createSamlSourceViaApi(app, 'postauto', { sso_url: 'https://idp.example.test:8443/sso?tenant=a', binding_type: 'POST_AUTO' });
  await createSamlSourceViaApi(app, 'redirect', { sso_url: 'https://idp.example.test/sso', binding_type: 'REDIRECT' });
}, 60_000);

afterAll(async () => {
  await app?.close();
});

type Headers = Record<string, string | string[] | number | undefined>;

function directives(headers: Headers): Map<string, string[]> {
  const csp = String(headers['content-security-policy'] ?? '');
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name, values]),
  );
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function expectPageHeaders(headers: Headers, formAction: string[] = ["'self'"]): Map<string, string[]> {
  expect(headers['content-type']).toMatch(/^text\/html/);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('no-referrer');
  const csp = directives(headers);
  expect(csp.get('default-src')).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'none'"]);
  expect(csp.get('connect-src')).toEqual(["'self'"]);
  expect(csp.get('form-action')).toEqual(formAction);
  // Only hashes: no 'unsafe-inline', no hosts, no nonces to leak.
  for (const name of ['script-src', 'style-src']) expect(csp.get(name)?.every((v) => /^'sha256-[A-Za-z0-9+/]+=*'$/.test(v))).toBe(true);
  return csp;
}

/** Every inline <script>/<style> of `body` is allowed by the CSP's hashes. */
function expectInlineContentAllowed(body: string, csp: Map<string, string[]>): void {
  for (const [, content] of body.matchAll(/<script>([\s\S]*?)<\/script>/g)) expect(csp.get('script-src')).toContain(sha256(content));
  const styles = [...body.matchAll(/<style>([\s\S]*?)<\/style>/g)];
  expect(styles).toHaveLength(1);
  expect(csp.get('style-src')).toContain(sha256(styles[0][1]));
  expect(body).not.toMatch(/<script(?!>)/); // no script tag with attributes (src=…) either
}

describe('security headers', () => {
  it('the login page: strict CSP whose style hash matches the served stylesheet', async () => {
    const res = await app.request({ method: 'GET', url: '/if/flow/default-authentication-flow/', token: null });
    expect(res.statusCode).toBe(200);
    expectInlineContentAllowed(res.body, expectPageHeaders(res.headers));
  });

  it('the SAML POST binding page may post to the IdP (its origin only) and its auto-submit script matches the CSP hash', async () => {
    const res = await app.request({ method: 'GET', url: '/source/saml/postauto/', token: null });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain('action="https://idp.example.test:8443/sso?tenant=a"');
    expect(res.body).toContain('<script>document.forms[0].submit()</script>');
    const csp = expectPageHeaders(res.headers, ["'self'", 'https://idp.example.test:8443']);
    expectInlineContentAllowed(res.body, csp);
  });

  it('the cross-site bounce page posts to our own origin only', async () => {
    const res = await app.request({
      method: 'POST',
      url: '/source/saml/postauto/acs/',
      token: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'SAMLResponse=abc&RelayState=%2Fif%2Fuser%2F',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('name="_bounced"');
    expectInlineContentAllowed(res.body, expectPageHeaders(res.headers));
  });

  it('error pages (404, 400) carry the same headers', async () => {
    const missing = await app.request({ method: 'GET', url: '/source/saml/no-such-source/', token: null });
    expect(missing.statusCode).toBe(404);
    expectInlineContentAllowed(missing.body, expectPageHeaders(missing.headers));
    const refused = await app.request({
      method: 'POST',
      url: '/source/saml/postauto/acs/',
      token: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'SAMLResponse=not-base64!&_bounced=1',
    });
    expect(refused.statusCode).toBe(400);
    expectInlineContentAllowed(refused.body, expectPageHeaders(refused.headers));
  });

  it('a redirect carries no page policy but is not sniffable', async () => {
    const res = await app.request({ method: 'GET', url: '/source/saml/redirect/', token: null });
    expect(res.statusCode).toBe(302);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('JSON API responses get nosniff, not the page policy', async () => {
    const ok = await app.request({ method: 'GET', url: '/api/v3/core/users/me/' });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^application\/json/);
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    expect(ok.headers['content-security-policy']).toBeUndefined();
    const denied = await app.request({ method: 'GET', url: '/api/v3/core/users/me/', token: null });
    expect(denied.statusCode).toBe(403);
    expect(denied.headers['x-content-type-options']).toBe('nosniff');
  });
});
