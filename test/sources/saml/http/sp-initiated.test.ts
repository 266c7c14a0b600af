/**
 * SP-initiated SAML sign-in end to end, driven as a browser: our AuthnRequest (each binding) is
 * read and verified by the signing test IdP, which answers with a Response the browser posts
 * back to our ACS; signed assertion / signed response / both / encrypted + signed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createListeningTestApp, type TestApp } from '../../../support/app.js';
import { TestBrowser } from '../../../support/browser.js';
import { testKeyPair, type TestKeyPair } from '../../../fakes/certs.js';
import { TestSamlIdp } from '../../../fakes/saml-idp.js';
import { createKeypair, createSamlSource, formFields, postCrossSite, rowCounts, startIdpServer, URN, whoAmI, type IdpServer } from './support.js';

let app: TestApp;
let base: string;
let idp: IdpServer;
let spSigning: TestKeyPair;
let spEncryption: TestKeyPair;
const kp: Record<string, string> = {};

beforeAll(async () => {
  ({ app, base } = await createListeningTestApp());
  const idpKeys = await testKeyPair('idp');
  [spSigning, spEncryption] = await Promise.all([testKeyPair('sp-signing'), testKeyPair('sp-encryption')]);
  idp = await startIdpServer({ signing: idpKeys });
  kp.idp = await createKeypair(app, 'idp', { certificate: idpKeys.certificate });
  kp.signing = await createKeypair(app, 'sp-signing', spSigning);
  kp.encryption = await createKeypair(app, 'sp-encryption', spEncryption);
  const common = { sso_url: idp.ssoUrl, slo_url: idp.sloUrl, idp_entity_id: idp.idp.entityId, verification_kp: kp.idp };
  await createSamlSource(app, 'redirect', { ...common, binding_type: 'REDIRECT', signing_kp: kp.signing });
  await createSamlSource(app, 'post', { ...common, binding_type: 'POST', signing_kp: kp.signing, force_authn: true });
  await createSamlSource(app, 'post-auto', { ...common, binding_type: 'POST_AUTO', name_id_policy: URN.email });
  await createSamlSource(app, 'signed-response', { ...common, signed_assertion: false, signed_response: true });
  await createSamlSource(app, 'signed-both', { ...common, signed_assertion: true, signed_response: true });
  await createSamlSource(app, 'encrypted', { ...common, signed_assertion: true, signed_response: true, encryption_kp: kp.encryption });
}, 60_000);

afterAll(async () => {
  await idp?.close();
  await app?.close();
});

const acs = (slug: string) => `${base}/source/saml/${slug}/acs/`;

describe('SP-initiated login per binding', () => {
  it('REDIRECT: a signed, deflated query the IdP verifies; the cross-site POST bounces once', async () => {
    idp.loginAs({ nameId: 'rita', attributes: { email: ['rita@example.com'] } });
    const browser = new TestBrowser();
    const idpPage = await browser.get(`${base}/source/saml/redirect/?next=${encodeURIComponent('/if/user/?tab=1')}`);
    expect(idpPage.url.startsWith(idp.ssoUrl)).toBe(true);
    const request = idp.requests.at(-1)!;
    expect(request).toMatchObject({
      binding: 'REDIRECT',
      protocolBinding: URN.redirect,
      acsUrl: acs('redirect'),
      destination: idp.ssoUrl,
      issuer: `${base}/source/saml/redirect/metadata/`,
      nameIdPolicyFormat: URN.persistent,
      relayState: '/if/user/?tab=1',
      forceAuthn: false,
    });
    expect(request.id).toMatch(/^_[0-9a-f]{40}$/);
    expect(request.xml).not.toContain('Signature');
    expect(TestSamlIdp.verifyRedirectSignature(request.redirect!, spSigning.certificate)).toBe(true);

    const { final } = await postCrossSite(browser, acs('redirect'), formFields(idpPage).fields);
    expect(final.status, final.body).toBe(200);
    expect(final.url).toBe(`${base}/if/user/?tab=1`);
    expect(final.hops.some((h) => h.startsWith(`${base}/if/flow/default-source-enrollment/`))).toBe(true);
    expect(final.body).toContain('Successfully authenticated with SAML redirect!');
    expect(await whoAmI(base, browser)).toBe('rita');
    const user = await app.ctx.store.repos.users.byUsername('rita');
    expect(user).toMatchObject({ email: 'rita@example.com', path: 'goauthentik.io/sources/redirect', type: 'external' });
  });

  it('starting twice at once in one session keeps one pending request, never a 500', async () => {
    const browser = new TestBrowser();
    await browser.get(`${base}/if/flow/default-authentication-flow/`); // obtain a session cookie
    const cookie = browser.cookieHeader(base);
    const starts = await Promise.all([1, 2, 3].map(() => fetch(`${base}/source/saml/post/`, { headers: { cookie }, redirect: 'manual' })));
    expect(starts.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('POST: asks "Continue to <source>", then posts an enveloped-signed request', async () => {
    idp.loginAs({ nameId: 'paul' });
    const browser = new TestBrowser();
    const consent = await browser.get(`${base}/source/saml/post/`);
    expect(consent.status).toBe(200);
    expect(consent.body).toContain('Continue to SAML post');
    expect(consent.body).not.toContain('document.forms[0].submit()');
    const { action, fields } = formFields(consent);
    expect(action).toBe(idp.ssoUrl);
    expect(Object.keys(fields)).toEqual(['SAMLRequest']);
    const xml = Buffer.from(fields.SAMLRequest, 'base64').toString('utf8');
    expect(TestSamlIdp.verifyPostSignature(xml, spSigning.certificate)).toBe(true);

    const idpPage = await browser.submit(consent);
    expect(idp.requests.at(-1)).toMatchObject({
      binding: 'POST',
      protocolBinding: URN.post,
      acsUrl: acs('post'),
      forceAuthn: true,
      relayState: null,
    });
    const final = await browser.submit(idpPage);
    expect(final.url).toBe(`${base}/if/user/`);
    expect(await whoAmI(base, browser)).toBe('paul');
  });

  it('POST_AUTO: an auto-submitting form, unsigned without a signing key, NameIDPolicy from the source', async () => {
    idp.loginAs({ nameId: 'petra@example.com', nameIdFormat: URN.email });
    const browser = new TestBrowser();
    const auto = await browser.get(`${base}/source/saml/post-auto/?next=//evil.example/`);
    expect(auto.body).toContain('Redirecting to SAML post-auto...');
    expect(auto.body).toContain('document.forms[0].submit()');
    const idpPage = await browser.submit(auto);
    const request = idp.requests.at(-1)!;
    expect(request).toMatchObject({ binding: 'POST', nameIdPolicyFormat: URN.email, relayState: null });
    expect(request.xml).not.toContain('Signature');
    const final = await browser.submit(idpPage);
    // The off-site `next` was dropped before it reached RelayState.
    expect(final.url).toBe(`${base}/if/user/`);
    expect(await whoAmI(base, browser)).toBe('petra@example.com');
  });
});

describe('signature variants', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['signed-response', { signAssertion: false, signResponse: true }],
    ['signed-both', { signAssertion: true, signResponse: true }],
    ['encrypted', { signAssertion: true, signResponse: true, encrypt: { certificate: '' } }],
  ];
  it.each(cases)('%s logs in', async (slug, options) => {
    const o = { ...options } as Record<string, unknown>;
    if (o.encrypt) o.encrypt = { certificate: spEncryption.certificate };
    idp.loginAs({ nameId: `user-${slug}`, options: o });
    const browser = new TestBrowser();
    const idpPage = await browser.get(`${base}/source/saml/${slug}/`);
    if (slug === 'encrypted') expect(formFields(idpPage).fields.SAMLResponse).toBeTruthy();
    const final = await browser.submit(idpPage);
    expect(final.status, final.body).toBe(200);
    expect(await whoAmI(base, browser)).toBe(`user-${slug}`);
  });

  it('refuses an unsigned Response where the source requires one, writing nothing', async () => {
    idp.loginAs({ nameId: 'mallory', options: { signAssertion: true, signResponse: false } });
    const browser = new TestBrowser();
    const idpPage = await browser.get(`${base}/source/saml/signed-response/`);
    const before = await rowCounts(app);
    const page = await browser.submit(idpPage);
    expect(page.status).toBe(400);
    expect(page.body).toContain('No Signature exists in the Response element.');
    expect(await rowCounts(app)).toEqual(before);
    expect(await whoAmI(base, browser)).toBeNull();
  });

  it('refuses a plaintext assertion where the source decrypts', async () => {
    idp.loginAs({ nameId: 'plain', options: { signResponse: true } });
    const browser = new TestBrowser();
    const page = await browser.submit(await browser.get(`${base}/source/saml/encrypted/`));
    expect(page.status).toBe(400);
    expect(page.body).toContain('requires encrypted assertions');
  });
});

describe('request binding', () => {
  it('a response answers one request once: the same POST again is refused', async () => {
    idp.loginAs({ nameId: 'once' });
    const browser = new TestBrowser();
    const idpPage = await browser.get(`${base}/source/saml/redirect/`);
    expect((await browser.submit(idpPage)).status).toBe(200);
    const again = await browser.submit(idpPage);
    expect(again.status).toBe(400);
    expect(again.body).toContain('Authentication failed');
  });

  it('a response to another browser session is refused (no IdP-initiated logins here)', async () => {
    idp.loginAs({ nameId: 'victim' });
    const victim = new TestBrowser();
    const idpPage = await victim.get(`${base}/source/saml/redirect/`);
    const attacker = new TestBrowser();
    await attacker.get(`${base}/source/saml/redirect/`);
    const page = await attacker.submit(idpPage);
    expect(page.status).toBe(400);
    expect(page.body).toMatch(/Mismatched request ID|not started in this browser session/);
    expect(await app.ctx.store.repos.users.byUsername('victim')).toBeNull();
  });

  it('missing SAMLResponse is a 400 page', async () => {
    const browser = new TestBrowser();
    await browser.get(`${base}/source/saml/redirect/`);
    const page = await browser.request(acs('redirect'), { form: { RelayState: '/x' } });
    expect(page.status).toBe(400);
    expect(page.body).toContain('Request does not contain &#39;SAMLResponse&#39;');
  });
});
