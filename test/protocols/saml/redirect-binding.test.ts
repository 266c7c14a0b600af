import { describe, expect, it } from 'vitest';
import { SIGNATURE_ALGORITHMS } from '../../../src/protocols/saml/algorithms.js';
import { buildRedirectUrl, formEncode, parseRedirectMessage } from '../../../src/protocols/saml/redirect-binding.js';
import { testKeyPair } from '../../fakes/certs.js';
import { expectSamlError, setup } from './helpers.js';

const XML = '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" Version="2.0"/>';
const query = (url: string) => new URL(url).search.slice(1);

describe('Redirect binding', () => {
  it('formEncode matches Python urlencode (quote_plus)', () => {
    expect(formEncode("a b+c/d=e&f~g!'()*")).toBe('a+b%2Bc%2Fd%3De%26f~g%21%27%28%29%2A');
  });

  it('round-trips an unsigned message with RelayState', () => {
    const url = buildRedirectUrl({ endpoint: 'https://sp.test/slo/', param: 'SAMLRequest', xml: XML, relayState: 'r s' });
    expect(parseRedirectMessage(query(url))).toMatchObject({ param: 'SAMLRequest', xml: XML, relayState: 'r s', signatureVerified: false });
  });

  it('verifies a signed message from the IdP, using the raw octets as encoded by the sender', async () => {
    const f = await setup();
    // The fake encodes with encodeURIComponent (%20, not +): re-encoding would break the signature.
    const url = f.idp.redirectUrl('https://sp.test/slo/', 'SAMLRequest', XML, 'a b/c');
    const parsed = parseRedirectMessage(query(url), { verificationCerts: [f.idpKeys.certificate] });
    expect(parsed).toMatchObject({ relayState: 'a b/c', signatureVerified: true, sigAlg: SIGNATURE_ALGORITHMS.rsaSha256 });
  });

  it('accepts any of several certificates (rollover) and refuses foreign ones', async () => {
    const f = await setup();
    const url = f.idp.redirectUrl('https://sp.test/slo/', 'SAMLResponse', XML, null);
    expect(parseRedirectMessage(query(url), { verificationCerts: [f.attacker.certificate, f.idpKeys.certificate] }).signatureVerified).toBe(true);
    await expectSamlError(() => parseRedirectMessage(query(url), { verificationCerts: [f.attacker.certificate] }), 'InvalidSignature');
  });

  it('detects tampering with the signed RelayState', async () => {
    const f = await setup();
    const url = f.idp.redirectUrl('https://sp.test/slo/', 'SAMLRequest', XML, 'good');
    await expectSamlError(
      () => parseRedirectMessage(query(url).replace('RelayState=good', 'RelayState=evil'), { verificationCerts: [f.idpKeys.certificate] }),
      'InvalidSignature',
    );
  });

  it('requires a signature when certificates are configured, unless told otherwise', async () => {
    const f = await setup();
    const url = f.idp.redirectUrl('https://sp.test/slo/', 'SAMLRequest', XML, null, false);
    await expectSamlError(() => parseRedirectMessage(query(url), { verificationCerts: [f.idpKeys.certificate] }), 'InvalidSignature', /not signed/);
    expect(parseRedirectMessage(query(url), { verificationCerts: [f.idpKeys.certificate], requireSignature: false }).signatureVerified).toBe(false);
  });

  it('refuses SHA-1 query signatures when SHA-1 is disallowed, and unknown algorithms always', async () => {
    const f = await setup();
    const sha1 = f.idp.redirectUrl('https://sp.test/slo/', 'SAMLRequest', XML, null, true, SIGNATURE_ALGORITHMS.rsaSha1);
    expect(parseRedirectMessage(query(sha1), { verificationCerts: [f.idpKeys.certificate] }).signatureVerified).toBe(true);
    await expectSamlError(
      () => parseRedirectMessage(query(sha1), { verificationCerts: [f.idpKeys.certificate], allowSha1: false }),
      'InvalidSignature',
      /not allowed/,
    );
    const hmac = query(sha1).replace(/SigAlg=[^&]+/, `SigAlg=${encodeURIComponent('http://www.w3.org/2000/09/xmldsig#hmac-sha1')}`);
    await expectSamlError(() => parseRedirectMessage(hmac, { verificationCerts: [f.idpKeys.certificate] }), 'InvalidSignature', /not allowed/);
  });

  it('verifies our own signed URLs (ECDSA too)', async () => {
    const ec = await testKeyPair('idp-ec');
    const url = buildRedirectUrl({
      endpoint: 'https://idp.test/slo?x=1',
      param: 'SAMLRequest',
      xml: XML,
      relayState: 'z',
      signing: { privateKey: ec.privateKey, signatureAlgorithm: SIGNATURE_ALGORITHMS.ecdsaSha256 },
    });
    expect(parseRedirectMessage(query(url), { verificationCerts: [ec.certificate] }).signatureVerified).toBe(true);
  });

  it('refuses duplicated parameters, missing or double messages, bad encodings and zip bombs', () => {
    const one = query(buildRedirectUrl({ endpoint: 'https://sp.test/', param: 'SAMLRequest', xml: XML }));
    expect(() => parseRedirectMessage(`${one}&${one}`)).toThrow(/more than once/);
    expect(() => parseRedirectMessage('RelayState=x')).toThrow(/exactly one/);
    const resp = query(buildRedirectUrl({ endpoint: 'https://sp.test/', param: 'SAMLResponse', xml: XML }));
    expect(() => parseRedirectMessage(`${one}&${resp}`)).toThrow(/exactly one/);
    expect(() => parseRedirectMessage('SAMLRequest=%ZZ')).toThrow(/percent-encoding/);
    expect(() => parseRedirectMessage('SAMLRequest=bm90LWRlZmxhdGU%3D')).toThrow(/DEFLATE/);
    const bomb = buildRedirectUrl({ endpoint: 'https://sp.test/', param: 'SAMLRequest', xml: `<a>${' '.repeat(2_000_000)}</a>` });
    expect(() => parseRedirectMessage(query(bomb))).toThrow(/DEFLATE/);
  });
});
