import { beforeAll, describe, expect, it } from 'vitest';
import { createAuthnRequest } from '../../../src/protocols/saml/authn-request.js';
import type { AuthnRequestConfig } from '../../../src/protocols/saml/authn-request.js';
import { BINDINGS, NAMEID_FORMATS } from '../../../src/protocols/saml/constants.js';
import { SIGNATURE_ALGORITHMS, DIGEST_ALGORITHMS } from '../../../src/protocols/saml/algorithms.js';
import { testKeyPair } from '../../fakes/certs.js';
import { TestSamlIdp } from '../../fakes/saml-idp.js';
import type { Element } from '@xmldom/xmldom';
import { directSignature, prepareVerificationKeys, verifyElementSignature } from '../../../src/protocols/saml/response-signature.js';
import { parseXml } from '../../../src/protocols/saml/xml.js';
import { ACS_URL, NOW, SP_ENTITY_ID, expectSamlError } from './helpers.js';

const SSO = 'https://idp.example.test/sso';

function config(extra: Partial<AuthnRequestConfig> = {}): AuthnRequestConfig {
  return {
    ssoUrl: SSO,
    acsUrl: ACS_URL,
    spEntityId: SP_ENTITY_ID,
    nameIdPolicy: NAMEID_FORMATS.persistent,
    forceAuthn: false,
    binding: 'REDIRECT',
    ...extra,
  };
}

async function signing(kind: 'sp-signing' | 'idp-ec' = 'sp-signing', signatureAlgorithm: string = SIGNATURE_ALGORITHMS.rsaSha256) {
  const keys = await testKeyPair(kind);
  return { privateKey: keys.privateKey, certificate: keys.certificate, signatureAlgorithm, digestAlgorithm: DIGEST_ALGORITHMS.sha256 };
}

describe('AuthnRequest, Redirect binding', () => {
  it('deflates the request into SAMLRequest with the AuthnRequest attributes', () => {
    const out = createAuthnRequest(config(), { now: NOW, relayState: '/if/user/' });
    expect(out.binding).toBe('REDIRECT');
    expect(out.requestId).toMatch(/^_[0-9a-f]{40}$/);
    const req = TestSamlIdp.parseAuthnRequestRedirect(out.url);
    expect(req).toMatchObject({
      id: out.requestId,
      issuer: SP_ENTITY_ID,
      destination: SSO,
      acsUrl: ACS_URL,
      protocolBinding: BINDINGS.redirect,
      forceAuthn: false,
      nameIdPolicyFormat: NAMEID_FORMATS.persistent,
      allowCreate: 'true',
      relayState: '/if/user/',
    });
    expect(req.xml).toContain('IssueInstant="2024-06-01T12:00:00Z"');
    expect(req.xml).not.toContain('Signature');
    expect(req.redirect.sigAlg).toBeNull();
  });

  it('omits RelayState when empty and sets ForceAuthn when configured', () => {
    const out = createAuthnRequest(config({ forceAuthn: true }), { now: NOW });
    expect(new URL(out.url).searchParams.has('RelayState')).toBe(false);
    expect(TestSamlIdp.parseAuthnRequestRedirect(out.url).forceAuthn).toBe(true);
  });

  it('uses fresh random request IDs', () => {
    const a = createAuthnRequest(config(), { now: NOW });
    const b = createAuthnRequest(config(), { now: NOW });
    expect(a.requestId).not.toBe(b.requestId);
  });

  it.each([
    ['RSA-SHA256', 'sp-signing', SIGNATURE_ALGORITHMS.rsaSha256],
    ['RSA-SHA512', 'sp-signing', SIGNATURE_ALGORITHMS.rsaSha512],
    ['RSA-SHA1', 'sp-signing', SIGNATURE_ALGORITHMS.rsaSha1],
    ['ECDSA-SHA256', 'idp-ec', SIGNATURE_ALGORITHMS.ecdsaSha256],
    ['ECDSA-SHA384', 'idp-ec', SIGNATURE_ALGORITHMS.ecdsaSha384],
  ] as const)('signs the query octets with %s (verified with node:crypto)', async (_n, kind, alg) => {
    const key = await signing(kind, alg);
    const out = createAuthnRequest(config({ signing: key }), { now: NOW, relayState: 'next page/?a=b&c' });
    const { redirect, relayState } = TestSamlIdp.parseAuthnRequestRedirect(out.url);
    expect(relayState).toBe('next page/?a=b&c');
    expect(redirect.sigAlg).toBe(alg);
    expect(redirect.signedOctets).toMatch(/^SAMLRequest=[^&]+&RelayState=[^&]+&SigAlg=[^&]+$/);
    expect(TestSamlIdp.verifyRedirectSignature(redirect, key.certificate)).toBe(true);
    const other = await testKeyPair('attacker');
    expect(TestSamlIdp.verifyRedirectSignature(redirect, other.certificate)).toBe(false);
  });

  it('form-encodes like authentik (+ for spaces) and signs exactly what is sent', async () => {
    const key = await signing();
    const out = createAuthnRequest(config({ signing: key }), { now: NOW, relayState: 'a b' });
    expect(out.url).toContain('&RelayState=a+b&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature=');
  });

  it('merges into a query string already present in sso_url', async () => {
    const key = await signing();
    const out = createAuthnRequest(config({ ssoUrl: `${SSO}?tenant=acme&SAMLRequest=stale`, signing: key }), { now: NOW, relayState: 'x' });
    const url = new URL(out.url);
    expect(url.searchParams.get('tenant')).toBe('acme');
    expect(url.searchParams.getAll('SAMLRequest')).toHaveLength(1);
    const { redirect } = TestSamlIdp.parseAuthnRequestRedirect(out.url);
    expect(TestSamlIdp.verifyRedirectSignature(redirect, key.certificate)).toBe(true);
  });
});

const TAMPER_CHECK_CERT = { pem: '' };

describe('AuthnRequest, POST bindings', () => {
  beforeAll(async () => {
    TAMPER_CHECK_CERT.pem = (await testKeyPair('attacker')).certificate;
  });

  it.each(['POST', 'POST_AUTO'] as const)('%s: enveloped XML signature after Issuer, verified with xml-crypto', async (binding) => {
    const key = await signing();
    const out = createAuthnRequest(config({ binding, signing: key }), { now: NOW, relayState: '/next' });
    if (out.binding === 'REDIRECT') throw new Error('unexpected binding');
    expect(out.url).toBe(SSO);
    expect(out.fields.RelayState).toBe('/next');
    expect(out.fields.SAMLRequest).not.toMatch(/\s/);
    const req = TestSamlIdp.parseAuthnRequestPost(out.fields);
    expect(req).toMatchObject({ id: out.requestId, protocolBinding: BINDINGS.post, acsUrl: ACS_URL, issuer: SP_ENTITY_ID });
    expect(req.xml).toMatch(/<saml:Issuer>[^<]+<\/saml:Issuer><ds:Signature/);
    expect(req.xml).toContain(`<ds:Reference URI="#${out.requestId}">`);
    expect(req.xml).toContain('http://www.w3.org/2001/10/xml-exc-c14n#');
    expect(req.xml).toMatch(/<ds:X509Certificate>[A-Za-z0-9+/=]+<\/ds:X509Certificate>/);
    expect(TestSamlIdp.verifyPostSignature(req.xml, key.certificate)).toBe(true);
    const other = await testKeyPair('attacker');
    expect(TestSamlIdp.verifyPostSignature(req.xml, other.certificate)).toBe(false);
    const tampered = req.xml.replace(ACS_URL, 'https://evil.test/acs');
    expect(() => TestSamlIdp.verifyPostSignature(tampered, key.certificate)).not.toThrow();
    expect(TestSamlIdp.verifyPostSignature(tampered, key.certificate)).toBe(false);
  });

  it('POST with an ECDSA P-256 key', async () => {
    const key = await signing('idp-ec', SIGNATURE_ALGORITHMS.ecdsaSha256);
    const out = createAuthnRequest(config({ binding: 'POST', signing: key }), { now: NOW });
    if (out.binding === 'REDIRECT') throw new Error('unexpected binding');
    const xml = Buffer.from(out.fields.SAMLRequest, 'base64').toString('utf8');
    expect(TestSamlIdp.verifyPostSignature(xml, key.certificate)).toBe(true);
  });

  it('POST with rsa-sha384 and a sha384 digest (algorithms xml-crypto lacks natively)', async () => {
    const key = { ...(await signing('sp-signing', SIGNATURE_ALGORITHMS.rsaSha384)), digestAlgorithm: DIGEST_ALGORITHMS.sha384 };
    const out = createAuthnRequest(config({ binding: 'POST', signing: key }), { now: NOW });
    if (out.binding === 'REDIRECT') throw new Error('unexpected binding');
    const xml = Buffer.from(out.fields.SAMLRequest, 'base64').toString('utf8');
    expect(xml).toContain(`<ds:DigestMethod Algorithm="${DIGEST_ALGORITHMS.sha384}"/>`);
    const root = parseXml(xml).documentElement as Element;
    const signature = directSignature(root, 'Response') as Element;
    const verify = (pem: string) =>
      verifyElementSignature(root, signature, {
        keys: prepareVerificationKeys([pem]),
        allowSha1: false,
        where: 'Response',
        wholeDocument: root,
      });
    expect(() => verify(key.certificate)).not.toThrow();
    expect(() => verify(TAMPER_CHECK_CERT.pem)).toThrow(/does not verify/);
  });

  it('POST without a key sends the unsigned request', () => {
    const out = createAuthnRequest(config({ binding: 'POST' }), { now: NOW });
    if (out.binding === 'REDIRECT') throw new Error('unexpected binding');
    expect(out.fields.RelayState).toBe('');
    expect(TestSamlIdp.parseAuthnRequestPost(out.fields).xml).not.toContain('Signature');
  });

  it('refuses an unknown signature algorithm', async () => {
    const key = await signing('sp-signing', 'http://www.w3.org/2000/09/xmldsig#hmac-sha1');
    expect(() => createAuthnRequest(config({ binding: 'POST', signing: key }), { now: NOW })).toThrow(/Unsupported signature algorithm/);
  });
});

describe('AuthnRequest: the IdP endpoint must be an http(s) URL', () => {
  it.each(['REDIRECT', 'POST', 'POST_AUTO'] as const)('refuses a javascript: sso_url for the %s binding', async (binding) => {
    await expectSamlError(
      () => createAuthnRequest(config({ binding, ssoUrl: 'javascript:alert(document.cookie)' }), { now: NOW }),
      'UnsafeUrl',
      /is not an http\(s\) URL/,
    );
  });
});
