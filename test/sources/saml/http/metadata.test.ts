/**
 * SP metadata (docs/behaviour.md#saml-metadata) and the public endpoints of disabled/unknown
 * sources (docs/behaviour.md#disabled-sources): metadata is byte-stable, matches the admin API's
 * service function, and is served even for a disabled source, whose other endpoints are 404.
 */
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { spMetadataXml } from '../../../../src/sources/saml/metadata.js';
import { certificateBody } from '../../../../src/protocols/saml/index.js';
import { testKeyPair, type TestKeyPair } from '../../../fakes/certs.js';
import { createKeypair, createSamlSource, URN } from './support.js';

const BASE = 'https://sp.example.test';
const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
let app: TestApp;
let signing: TestKeyPair;
let encryption: TestKeyPair;

beforeAll(async () => {
  app = await createTestApp({ env: { TRIBUTARY_PUBLIC_URL: BASE } });
  [signing, encryption] = await Promise.all([testKeyPair('sp-signing'), testKeyPair('sp-encryption')]);
  const signingKp = await createKeypair(app, 'sp-signing', signing);
  const encryptionKp = await createKeypair(app, 'sp-encryption', encryption);
  await createSamlSource(app, 'meta', { signing_kp: signingKp, encryption_kp: encryptionKp, name_id_policy: URN.email });
  await createSamlSource(app, 'plain', { issuer: 'urn:example:sp', signed_assertion: false });
  await createSamlSource(app, 'off', {}, { enabled: false });
}, 60_000);

afterAll(async () => {
  await app?.close();
});

const get = (url: string) => app.request({ method: 'GET', url, token: null });

describe('SP metadata', () => {
  it('describes keys, NameID format, ACS and SLO; identical across calls and to the service function', async () => {
    const first = await get('/source/saml/meta/metadata/');
    const second = await get('/source/saml/meta/metadata/');
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/xml/);
    expect(second.body).toBe(first.body);
    const source = await app.ctx.store.repos.kindSources.saml.bySlug('meta');
    expect(await spMetadataXml(app.ctx, source!, BASE)).toBe(first.body);

    const doc = new DOMParser().parseFromString(first.body, 'text/xml');
    const entity = doc.documentElement!;
    expect(entity.getAttribute('entityID')).toBe(`${BASE}/source/saml/meta/metadata/`);
    const sp = entity.getElementsByTagNameNS(MD, 'SPSSODescriptor')[0];
    expect(sp.getAttribute('protocolSupportEnumeration')).toBe('urn:oasis:names:tc:SAML:2.0:protocol');
    const keys = Array.from(sp.getElementsByTagNameNS(MD, 'KeyDescriptor'));
    expect(keys.map((k) => k.getAttribute('use'))).toEqual(['signing', 'encryption']);
    expect(keys[0].textContent!.replace(/\s+/g, '')).toBe(certificateBody(signing.certificate));
    expect(keys[1].textContent!.replace(/\s+/g, '')).toBe(certificateBody(encryption.certificate));
    expect(sp.getElementsByTagNameNS(MD, 'NameIDFormat')[0]?.textContent).toBe(URN.email);
    const acs = sp.getElementsByTagNameNS(MD, 'AssertionConsumerService')[0];
    expect([acs.getAttribute('Binding'), acs.getAttribute('Location'), acs.getAttribute('index'), acs.getAttribute('isDefault')]).toEqual([
      URN.post,
      `${BASE}/source/saml/meta/acs/`,
      '0',
      'true',
    ]);
    const slo = sp.getElementsByTagNameNS(MD, 'SingleLogoutService')[0];
    expect([slo.getAttribute('Binding'), slo.getAttribute('Location')]).toEqual([URN.redirect, `${BASE}/source/saml/meta/slo/`]);
  });

  it('uses the configured issuer as entityID and works without keys', async () => {
    const res = await get('/source/saml/plain/metadata/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('entityID="urn:example:sp"');
    expect(res.body).not.toContain('KeyDescriptor');
  });
});

describe('disabled and unknown sources', () => {
  it('a disabled source serves metadata but 404s everywhere else', async () => {
    expect((await get('/source/saml/off/metadata/')).statusCode).toBe(200);
    expect((await get('/source/saml/off/')).statusCode).toBe(404);
    expect((await get('/source/saml/off/slo/')).statusCode).toBe(404);
    // Cookie-less POST: 404 straight away, no bounce page.
    const acs = await app.request({
      method: 'POST',
      url: '/source/saml/off/acs/',
      token: null,
      payload: 'SAMLResponse=abc',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(acs.statusCode).toBe(404);
    expect(acs.headers['content-type']).toMatch(/^text\/html/);
  });

  it('an unknown source is 404 everywhere', async () => {
    for (const path of ['', 'metadata/', 'slo/']) expect((await get(`/source/saml/nope/${path}`)).statusCode).toBe(404);
  });
});
