import { describe, expect, it } from 'vitest';
import { validateSamlResponse } from '../../../src/protocols/saml/response-validator.js';
import { testKeyPair } from '../../fakes/certs.js';
import { TestSamlIdp, URN } from '../../fakes/saml-idp.js';
import * as attack from '../../fixtures/saml/attacks.js';
import { IDP_ENTITY_ID, b64, expectSamlError, responseOptions, setup, validate, validatorConfig } from './helpers.js';

const RESPONSE_ONLY = { requireSignedAssertion: false, requireSignedResponse: true };

describe('SAML signatures: what verifies', () => {
  it('verifies a signed assertion', async () => {
    const f = await setup();
    await expect(validate(f)).resolves.toMatchObject({ nameId: 'jdoe@example.test' });
  });

  it('verifies a signed response', async () => {
    const f = await setup();
    await expect(validate(f, { signAssertion: false, signResponse: true }, RESPONSE_ONLY)).resolves.toBeTruthy();
  });

  it('verifies a signed response with a signed assertion (both required)', async () => {
    const f = await setup();
    await expect(validate(f, { signResponse: true }, { requireSignedResponse: true })).resolves.toBeTruthy();
  });

  it('accepts Reference URI="" on the Response and on the Assertion', async () => {
    const f = await setup();
    await expect(validate(f, { signAssertion: false, signResponse: true, responseReferenceUri: 'empty' }, RESPONSE_ONLY)).resolves.toBeTruthy();
    await expect(validate(f, { assertionReferenceUri: 'empty' })).resolves.toBeTruthy();
  });

  it.each([
    ['rsa-sha512 / sha512', URN.rsaSha512, URN.sha512],
    ['rsa-sha1 / sha1 (allowed by default, as authentik)', URN.rsaSha1, URN.sha1],
  ])('verifies %s', async (_n, signatureAlgorithm, digestAlgorithm) => {
    const f = await setup();
    await expect(validate(f, { signatureAlgorithm, digestAlgorithm })).resolves.toBeTruthy();
  });

  it('refuses SHA-1 signatures and digests when allowSha1 is false', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { signatureAlgorithm: URN.rsaSha1, digestAlgorithm: URN.sha256 }, { allowSha1: false }), 'InvalidSignature', /rsa-sha1 is not allowed/);
    await expectSamlError(() => validate(f, { signatureAlgorithm: URN.rsaSha256, digestAlgorithm: URN.sha1 }, { allowSha1: false }), 'InvalidSignature', /digest algorithm .*sha1 is not allowed/);
  });

  it('verifies an ECDSA P-256 signed assertion', async () => {
    const f = await setup();
    const ec = await testKeyPair('idp-ec');
    const idp = new TestSamlIdp({ ...f.idp.config, signing: ec });
    const doc = await idp.buildResponseBase64(responseOptions({ signatureAlgorithm: URN.ecdsaSha256 }));
    expect(validateSamlResponse(doc, validatorConfig(f, { verificationCerts: [ec.certificate] })).nameId).toBe('jdoe@example.test');
    await expectSamlError(() => validateSamlResponse(doc, validatorConfig(f)), 'InvalidSignature');
  });

  it('supports key rollover: any configured certificate may verify', async () => {
    const f = await setup();
    const next = await testKeyPair('idp-next');
    const idp = new TestSamlIdp({ ...f.idp.config, signing: next });
    const doc = await idp.buildResponseBase64(responseOptions());
    const both = [f.idpKeys.certificate, next.certificate];
    expect(validateSamlResponse(doc, validatorConfig(f, { verificationCerts: both })).nameId).toBe('jdoe@example.test');
    await expectSamlError(() => validateSamlResponse(doc, validatorConfig(f)), 'InvalidSignature', /does not verify/);
  });
});

describe('SAML signatures: what is refused', () => {
  it('refuses an unsigned assertion when the assertion signature is required', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { signAssertion: false }), 'InvalidSignature', 'No Signature exists in the Assertion element.');
  });

  it('refuses an assertion-only signature when the response signature is required', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, {}, RESPONSE_ONLY), 'InvalidSignature', 'No Signature exists in the Response element.');
  });

  it('refuses altered content after signing', async () => {
    const f = await setup();
    await expectSamlError(
      () => validate(f, { mutateResponse: (x) => x.replace('>staff<', '>root<') }),
      'InvalidSignature',
      /digest mismatch/,
    );
    await expectSamlError(
      () => validate(f, { signAssertion: false, signResponse: true, mutateResponse: (x) => x.replace('jdoe@example.test</saml:NameID>', 'admin@example.test</saml:NameID>') }, RESPONSE_ONLY),
      'InvalidSignature',
    );
  });

  it('refuses a response signed with another key, whatever KeyInfo says', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { signingKey: f.attacker }), 'InvalidSignature', /does not verify/);
    await expectSamlError(() => validate(f, { signingKey: f.attacker, signAssertion: false, signResponse: true }, RESPONSE_ONLY), 'InvalidSignature');
  });

  it('refuses a corrupted SignatureValue', async () => {
    const f = await setup();
    await expectSamlError(
      () => validate(f, { mutateResponse: (x) => x.replace(/<ds:SignatureValue>(.)(.)/, (_m, a: string, b: string) => `<ds:SignatureValue>${b}${a}`) }),
      'InvalidSignature',
    );
  });

  it('consumes only the signed assertion: an unsigned one placed before it is refused, never read', async () => {
    const f = await setup();
    const xml = attack.xsw3(await f.idp.buildResponse(responseOptions()));
    expect(xml).toContain(attack.FORGED_NAME_ID);
    await expectSamlError(() => validateSamlResponse(b64(xml), validatorConfig(f)), 'InvalidSignature', /exactly one Assertion/);
  });

  it('refuses XSW-3 signature relocation onto a forged assertion', async () => {
    const f = await setup();
    const xml = attack.relocatedSignature(await f.idp.buildResponse(responseOptions()));
    await expectSamlError(() => validateSamlResponse(b64(xml), validatorConfig(f)), 'InvalidSignature', /Reference does not point/);
  });

  it('refuses a forged assertion sharing its ID with a signed copy nested in Advice', async () => {
    const f = await setup();
    const xml = attack.adviceDuplicateId(await f.idp.buildResponse(responseOptions()));
    await expectSamlError(() => validateSamlResponse(b64(xml), validatorConfig(f)), 'InvalidSignature', /more than once/);
  });

  it.each([
    ['XSW1', attack.xsw1, 'response'],
    ['XSW2', attack.xsw2, 'response'],
    ['XSW3', attack.xsw3, 'assertion'],
    ['XSW4', attack.xsw4, 'assertion'],
    ['XSW5', attack.xsw5, 'assertion'],
    ['XSW6', attack.xsw6, 'assertion'],
    ['XSW7', attack.xsw7, 'assertion'],
    ['XSW8', attack.xsw8, 'assertion'],
  ] as const)('refuses %s (wrapping the %s signature)', async (_name, wrap, layer) => {
    const f = await setup();
    const responseSigned = layer === 'response';
    const original = await f.idp.buildResponse(responseOptions(responseSigned ? { signAssertion: false, signResponse: true } : {}));
    const config = validatorConfig(f, responseSigned ? RESPONSE_ONLY : {});
    // The untouched message is accepted, so the refusal below is caused by the wrapping.
    expect(validateSamlResponse(b64(original), config).nameId).toBe('jdoe@example.test');
    const wrapped = wrap(original);
    expect(wrapped).toContain(attack.FORGED_NAME_ID);
    await expectSamlError(() => validateSamlResponse(b64(wrapped), config), 'InvalidSignature');
  });

  it('refuses a valid signature over another element placed in the assertion', async () => {
    const f = await setup();
    const unsigned = await f.idp.buildResponse(responseOptions({ signAssertion: false }));
    const xml = attack.signatureOverOtherElement(unsigned, f.idpKeys);
    await expectSamlError(() => validateSamlResponse(b64(xml), validatorConfig(f)), 'InvalidSignature', /Reference does not point/);
  });

  it('refuses a whole-response signature (Reference to the Response ID) placed inside the assertion', async () => {
    const f = await setup();
    const unsigned = await f.idp.buildResponse(responseOptions({ signAssertion: false }));
    const xml = attack.responseSignatureInsideAssertion(unsigned, f.idpKeys);
    await expectSamlError(() => validateSamlResponse(b64(xml), validatorConfig(f)), 'InvalidSignature', /Reference does not point/);
  });

  it('refuses HMAC signatures keyed with the public certificate', async () => {
    const f = await setup();
    const unsigned = await f.idp.buildResponse(responseOptions({ signAssertion: false }));
    const xml = attack.hmacWithPublicCertificate(unsigned, f.idpKeys.certificate);
    await expectSamlError(() => validateSamlResponse(b64(xml), validatorConfig(f)), 'InvalidSignature', /hmac-sha1 is not allowed/);
  });

  it('refuses two signatures, ds:Object content and multi-reference signatures', async () => {
    const f = await setup();
    const signed = await f.idp.buildResponse(responseOptions());
    await expectSamlError(() => validateSamlResponse(b64(attack.duplicateAssertionSignature(signed)), validatorConfig(f)), 'InvalidSignature', /more than one Signature/);
    await expectSamlError(() => validateSamlResponse(b64(attack.addObjectToSignature(signed)), validatorConfig(f)), 'InvalidSignature', /ds:Object/);
    const unsigned = await f.idp.buildResponse(responseOptions({ signAssertion: false }));
    await expectSamlError(() => validateSamlResponse(b64(attack.twoReferences(unsigned, f.idpKeys)), validatorConfig(f)), 'InvalidSignature', /exactly one Reference/);
  });

  it('refuses a second assertion even when it comes after the signed one', async () => {
    const f = await setup();
    const xml = attack.appendSecondAssertion(await f.idp.buildResponse(responseOptions()));
    await expectSamlError(() => validateSamlResponse(b64(xml), validatorConfig(f)), 'InvalidSignature', /exactly one Assertion/);
  });

  it('refuses a Response whose ID equals the Assertion ID', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { responseId: '_same', assertionId: '_same' }), 'InvalidSignature', /more than once/);
  });

  it('never trusts the issuer in the message to pick a certificate', async () => {
    const f = await setup();
    // Attacker signs with their own key and claims to be the configured IdP.
    await expectSamlError(() => validate(f, { signingKey: f.attacker, issuer: IDP_ENTITY_ID }), 'InvalidSignature');
  });
});
