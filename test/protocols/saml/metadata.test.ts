import type { Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { BINDINGS, NAMEID_FORMATS } from '../../../src/protocols/saml/constants.js';
import { buildSpMetadata, parseIdpMetadata } from '../../../src/protocols/saml/metadata.js';
import { certificateBody } from '../../../src/protocols/saml/pem.js';
import { NS, elementChildren, parseXml } from '../../../src/protocols/saml/xml.js';
import { testKeyPair } from '../../fakes/certs.js';
import { expectSamlError, setup } from './helpers.js';

const input = {
  entityId: 'https://sp.example.test/source/saml/okta/metadata/',
  acsUrl: 'https://sp.example.test/source/saml/okta/acs/',
  nameIdFormat: NAMEID_FORMATS.persistent,
};

/** SPSSODescriptorType content order (saml-schema-metadata-2.0.xsd). */
const XSD_ORDER = [
  'Signature',
  'Extensions',
  'KeyDescriptor',
  'Organization',
  'ContactPerson',
  'ArtifactResolutionService',
  'SingleLogoutService',
  'ManageNameIDService',
  'NameIDFormat',
  'AssertionConsumerService',
  'AttributeConsumingService',
];

describe('SP metadata', () => {
  it('is byte-stable and carries entityID = issuer, works without keys', () => {
    const a = buildSpMetadata(input);
    expect(buildSpMetadata({ ...input })).toBe(a);
    const root = parseXml(a).documentElement as Element;
    expect(root.namespaceURI).toBe(NS.metadata);
    expect(root.localName).toBe('EntityDescriptor');
    expect(root.getAttribute('entityID')).toBe(input.entityId);
    expect(a).not.toContain('KeyDescriptor');
    expect(a).not.toContain('SingleLogoutService');
  });

  it('lists keys, SLO, NameIDFormat and a default POST ACS in XSD order', async () => {
    const signing = await testKeyPair('sp-signing');
    const encryption = await testKeyPair('sp-encryption');
    const xml = buildSpMetadata({
      ...input,
      sloUrl: 'https://sp.example.test/source/saml/okta/slo/',
      signingCertificate: signing.certificate,
      encryptionCertificate: encryption.certificate,
      wantAssertionsSigned: true,
    });
    expect(
      buildSpMetadata({
        ...input,
        sloUrl: 'https://sp.example.test/source/saml/okta/slo/',
        signingCertificate: signing.certificate,
        encryptionCertificate: encryption.certificate,
        wantAssertionsSigned: true,
      }),
    ).toBe(xml);
    const root = parseXml(xml).documentElement as Element;
    const sp = elementChildren(root)[0];
    expect(sp.localName).toBe('SPSSODescriptor');
    expect(sp.getAttribute('protocolSupportEnumeration')).toBe(NS.protocol);
    expect(sp.getAttribute('AuthnRequestsSigned')).toBe('true');
    expect(sp.getAttribute('WantAssertionsSigned')).toBe('true');
    const children = elementChildren(sp);
    expect(children.every((c) => c.namespaceURI === NS.metadata)).toBe(true);
    const order = children.map((c) => XSD_ORDER.indexOf(c.localName ?? ''));
    expect(order.every((v) => v >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(children.map((c) => c.localName)).toEqual([
      'KeyDescriptor',
      'KeyDescriptor',
      'SingleLogoutService',
      'NameIDFormat',
      'AssertionConsumerService',
    ]);
    expect(children[0]?.getAttribute('use')).toBe('signing');
    expect(children[1]?.getAttribute('use')).toBe('encryption');
    expect(xml).toContain(`<ds:X509Certificate>${certificateBody(signing.certificate)}</ds:X509Certificate>`);
    expect(certificateBody(signing.certificate)).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(children[2]?.getAttribute('Binding')).toBe(BINDINGS.redirect);
    const acs = children[4];
    expect([acs.getAttribute('Binding'), acs.getAttribute('Location'), acs.getAttribute('index'), acs.getAttribute('isDefault')]).toEqual([
      BINDINGS.post,
      input.acsUrl,
      '0',
      'true',
    ]);
  });

  it('escapes URLs with query strings', () => {
    const xml = buildSpMetadata({ ...input, acsUrl: 'https://sp.test/acs?a=1&b=2' });
    expect(xml).toContain('Location="https://sp.test/acs?a=1&amp;b=2"');
    expect(() => parseXml(xml)).not.toThrow();
  });
});

describe('IdP metadata parsing', () => {
  it('reads entity ID, endpoints per binding, certificates and NameID formats', async () => {
    const f = await setup();
    const md = parseIdpMetadata(f.idp.metadataXml());
    expect(md).toEqual({
      entityId: f.idp.entityId,
      ssoUrls: { redirect: 'https://idp.example.test/sso', post: 'https://idp.example.test/sso/post' },
      sloUrls: { redirect: 'https://idp.example.test/slo' },
      signingCerts: [expect.stringContaining('-----BEGIN CERTIFICATE-----')],
      nameIdFormats: [NAMEID_FORMATS.persistent, NAMEID_FORMATS.emailAddress],
    });
    expect(certificateBody(md.signingCerts[0])).toBe(certificateBody(f.idpKeys.certificate));
  });

  it('handles an EntitiesDescriptor with one IdP and KeyDescriptors without use', async () => {
    const f = await setup();
    const next = await testKeyPair('idp-next');
    const md = parseIdpMetadata(f.idp.metadataXml({ withUse: false, wrapInEntities: true, extraCertificates: [next.certificate] }));
    expect(md.entityId).toBe(f.idp.entityId);
    expect(md.signingCerts.map(certificateBody)).toEqual([certificateBody(f.idpKeys.certificate), certificateBody(next.certificate)]);
  });

  it('ignores encryption-only keys', async () => {
    const f = await setup();
    const xml = f.idp.metadataXml().replace('use="signing"', 'use="encryption"');
    expect(parseIdpMetadata(xml).signingCerts).toEqual([]);
  });

  it('refuses DTDs, non-metadata documents, SP-only metadata and ambiguous aggregates', async () => {
    const f = await setup();
    await expectSamlError(() => parseIdpMetadata(`<!DOCTYPE x [<!ENTITY a "b">]>${f.idp.metadataXml()}`), 'InvalidXml', /DTD/);
    await expectSamlError(() => parseIdpMetadata('<foo/>'), 'InvalidXml', /neither/);
    await expectSamlError(() => parseIdpMetadata(buildSpMetadata(input)), 'InvalidXml', /no SAML 2.0 IDPSSODescriptor/);
    const entity = f.idp.metadataXml();
    const two = `<md:EntitiesDescriptor xmlns:md="${NS.metadata}">${entity}${entity.replace(f.idp.entityId, 'https://idp2.test/')}</md:EntitiesDescriptor>`;
    await expectSamlError(() => parseIdpMetadata(two), 'InvalidXml', /2 identity providers/);
    expect(parseIdpMetadata(two, { entityId: 'https://idp2.test/' }).entityId).toBe('https://idp2.test/');
  });
});

describe('IdP metadata: endpoint locations', () => {
  it.each([
    ['javascript:', 'javascript:alert(document.domain)'],
    ['mixed-case JavaScript with a leading space', ' JavaScript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['vbscript:', 'vbscript:msgbox(1)'],
    ['file:', 'file:///etc/passwd'],
    ['scheme-relative', '//evil.example/sso'],
    ['a tab inside the scheme', 'java\tscript:alert(1)'],
  ])('refuses a SingleSignOnService Location that is %s', async (_n, location) => {
    const f = await setup();
    const xml = f.idp
      .metadataXml()
      .replace(
        'Location="https://idp.example.test/sso/post"',
        `Location="${location.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#9;')}"`,
      );
    expect(xml).not.toContain('https://idp.example.test/sso/post');
    await expectSamlError(() => parseIdpMetadata(xml), 'InvalidXml', /SingleSignOnService \(HTTP-POST\) Location .* is not an http\(s\) URL/);
  });

  it('refuses a SingleLogoutService Location that is not http(s)', async () => {
    const f = await setup();
    const xml = f.idp.metadataXml().replace('Location="https://idp.example.test/slo"', 'Location="javascript:alert(1)"');
    await expectSamlError(
      () => parseIdpMetadata(xml),
      'InvalidXml',
      /SingleLogoutService \(HTTP-Redirect\) Location "javascript:alert\(1\)" is not an http\(s\) URL/,
    );
  });

  it('bounds the size of metadata documents too', async () => {
    const f = await setup();
    const xml = f.idp
      .metadataXml()
      .replace('</md:IDPSSODescriptor>', `${'<md:NameIDFormat>x</md:NameIDFormat>'.repeat(200_001)}</md:IDPSSODescriptor>`);
    await expectSamlError(() => parseIdpMetadata(xml), 'InvalidXml', /IdP metadata is too large or too complex/);
  });
});
