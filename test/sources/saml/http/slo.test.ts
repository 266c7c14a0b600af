/**
 * Single logout in both directions, HTTP-Redirect binding (docs/behaviour.md#saml-single-logout):
 * SP-initiated with a signed LogoutRequest, the IdP's LogoutResponse afterwards, IdP-initiated
 * LogoutRequests with and without a local session (answered with a signed LogoutResponse), unsigned
 * ones refused.
 */
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createListeningTestApp, type TestApp } from '../../../support/app.js';
import { TestBrowser } from '../../../support/browser.js';
import { testKeyPair, type TestKeyPair } from '../../../fakes/certs.js';
import { TestSamlIdp } from '../../../fakes/saml-idp.js';
import { createKeypair, createSamlSource, startIdpServer, URN, whoAmI, type IdpServer } from './support.js';

let app: TestApp;
let base: string;
let idp: IdpServer;
let spSigning: TestKeyPair;
let slo: string;

beforeAll(async () => {
  ({ app, base } = await createListeningTestApp());
  slo = `${base}/source/saml/slo/slo/`;
  const idpKeys = await testKeyPair('idp');
  spSigning = await testKeyPair('sp-signing');
  idp = await startIdpServer({ signing: idpKeys });
  const verificationKp = await createKeypair(app, 'idp', { certificate: idpKeys.certificate });
  const signingKp = await createKeypair(app, 'sp', spSigning);
  await createSamlSource(app, 'slo', {
    sso_url: idp.ssoUrl,
    slo_url: idp.sloUrl,
    idp_entity_id: idp.idp.entityId,
    verification_kp: verificationKp,
    signing_kp: signingKp,
  });
}, 60_000);

afterAll(async () => {
  await idp?.close();
  await app?.close();
});

async function signedIn(nameId: string): Promise<TestBrowser> {
  idp.loginAs({ nameId });
  const browser = new TestBrowser();
  await browser.submit(await browser.get(`${base}/source/saml/slo/`));
  expect(await whoAmI(base, browser)).toBe(nameId);
  return browser;
}

function root(xml: string) {
  return new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
}

describe('SP-initiated single logout', () => {
  it('ends the session, sends a signed LogoutRequest, and the LogoutResponse returns to RelayState', async () => {
    const browser = await signedIn('sam');
    const atIdp = await browser.get(`${slo}?next=${encodeURIComponent('/if/user/?bye=1')}`);
    expect(atIdp.url.startsWith(idp.sloUrl)).toBe(true);
    expect(await whoAmI(base, browser)).toBeNull();
    const { parts } = idp.logouts.at(-1)!;
    expect(TestSamlIdp.verifyRedirectSignature(parts, spSigning.certificate)).toBe(true);
    expect(parts.relayState).toBe('/if/user/?bye=1');
    const request = root(parts.xml);
    expect(request.localName).toBe('LogoutRequest');
    expect(request.getAttribute('Destination')).toBe(idp.sloUrl);
    expect(request.getElementsByTagNameNS(URN.assertion, 'NameID')[0]?.textContent).toBe('sam');
    // The IdP session we were given at login is named, so the IdP ends exactly that one.
    expect(request.getElementsByTagNameNS(URN.protocol, 'SessionIndex')[0]?.textContent).toBe('_session1');
    expect(request.getElementsByTagNameNS(URN.assertion, 'Issuer')[0]?.textContent).toBe(`${base}/source/saml/slo/metadata/`);

    const response = idp.idp.logoutResponseXml({ now: new Date(), destination: slo, inResponseTo: request.getAttribute('ID')! });
    const back = await browser.get(idp.idp.redirectUrl(slo, 'SAMLResponse', response, parts.relayState));
    expect(back.hops[1]).toBe(`${base}/if/user/?bye=1`);
  });

  it('without a local session just goes to the root', async () => {
    const res = await fetch(slo, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
  });

  it('a LogoutResponse with an off-site RelayState lands on the root', async () => {
    const response = idp.idp.logoutResponseXml({ now: new Date(), destination: slo, inResponseTo: '_x' });
    const res = await fetch(idp.idp.redirectUrl(slo, 'SAMLResponse', response, 'https://evil.example/'), { redirect: 'manual' });
    expect(res.headers.get('location')).toBe('/');
  });
});

describe('IdP-initiated single logout', () => {
  it('ends the local session and answers with a signed LogoutResponse to slo_url', async () => {
    const browser = await signedIn('sue');
    const id = '_idp-logout-1';
    const xml = idp.idp.logoutRequestXml({ id, now: new Date(), destination: slo, nameId: 'sue', sessionIndex: '_session1' });
    const page = await browser.get(idp.idp.redirectUrl(slo, 'SAMLRequest', xml, 'idp-state'));
    expect(page.url.startsWith(idp.sloUrl)).toBe(true);
    expect(await whoAmI(base, browser)).toBeNull();
    const { parts } = idp.logouts.at(-1)!;
    expect(parts.relayState).toBe('idp-state');
    expect(TestSamlIdp.verifyRedirectSignature(parts, spSigning.certificate)).toBe(true);
    const answer = root(parts.xml);
    expect(answer.localName).toBe('LogoutResponse');
    expect(answer.getAttribute('InResponseTo')).toBe(id);
    expect(answer.getElementsByTagNameNS(URN.protocol, 'StatusCode')[0]?.getAttribute('Value')).toBe(URN.success);
  });

  it('answers without a local session too', async () => {
    const xml = idp.idp.logoutRequestXml({ id: '_idp-logout-2', now: new Date(), destination: slo, nameId: 'nobody' });
    const res = await fetch(idp.idp.redirectUrl(slo, 'SAMLRequest', xml, null), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(root(TestSamlIdp.readRedirect(res.headers.get('location')!).xml).getAttribute('InResponseTo')).toBe('_idp-logout-2');
  });

  it('refuses an unsigned LogoutRequest when the IdP certificate is configured, keeping the session', async () => {
    const browser = await signedIn('steve');
    const xml = idp.idp.logoutRequestXml({ now: new Date(), destination: slo, nameId: 'steve' });
    const page = await browser.get(idp.idp.redirectUrl(slo, 'SAMLRequest', xml, null, false));
    expect(page.status).toBe(400);
    expect(page.body).toContain('not signed');
    expect(await whoAmI(base, browser)).toBe('steve');
  });

  it('refuses a POST-binding logout message', async () => {
    const res = await fetch(slo, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'SAMLRequest=abc' });
    expect(res.status).toBe(400);
  });
});
