import { describe, expect, it } from 'vitest';
import { SignedXml } from 'xml-crypto';
import type { Element } from '@xmldom/xmldom';
import { directSignature, prepareVerificationKeys, verifyElementSignature } from '../../../src/protocols/saml/response-signature.js';
import { validateSamlResponse } from '../../../src/protocols/saml/response-validator.js';
import { NS, childElements, parseXml, serialize } from '../../../src/protocols/saml/xml.js';
import { testKeyPair, type TestKeyPair } from '../../fakes/certs.js';
import { TestSamlIdp, URN, type ResponseOptions } from '../../fakes/saml-idp.js';
import * as attack from '../../fixtures/saml/attacks.js';
import { IDP_ENTITY_ID, b64, expectSamlError, responseOptions, setup, validate, validatorConfig, type Fixture } from './helpers.js';

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
    await expectSamlError(
      () => validate(f, { signatureAlgorithm: URN.rsaSha1, digestAlgorithm: URN.sha256 }, { allowSha1: false }),
      'InvalidSignature',
      /rsa-sha1 is not allowed/,
    );
    await expectSamlError(
      () => validate(f, { signatureAlgorithm: URN.rsaSha256, digestAlgorithm: URN.sha1 }, { allowSha1: false }),
      'InvalidSignature',
      /digest algorithm .*sha1 is not allowed/,
    );
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
    await expectSamlError(() => validate(f, { mutateResponse: (x) => x.replace('>staff<', '>root<') }), 'InvalidSignature', /digest mismatch/);
    await expectSamlError(
      () =>
        validate(
          f,
          {
            signAssertion: false,
            signResponse: true,
            mutateResponse: (x) => x.replace('jdoe@example.test</saml:NameID>', 'admin@example.test</saml:NameID>'),
          },
          RESPONSE_ONLY,
        ),
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
      () =>
        validate(f, { mutateResponse: (x) => x.replace(/<ds:SignatureValue>(.)(.)/, (_m, a: string, b: string) => `<ds:SignatureValue>${b}${a}`) }),
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
    await expectSamlError(
      () => validateSamlResponse(b64(attack.duplicateAssertionSignature(signed)), validatorConfig(f)),
      'InvalidSignature',
      /more than one Signature/,
    );
    await expectSamlError(() => validateSamlResponse(b64(attack.addObjectToSignature(signed)), validatorConfig(f)), 'InvalidSignature', /ds:Object/);
    const unsigned = await f.idp.buildResponse(responseOptions({ signAssertion: false }));
    await expectSamlError(
      () => validateSamlResponse(b64(attack.twoReferences(unsigned, f.idpKeys)), validatorConfig(f)),
      'InvalidSignature',
      /exactly one Reference/,
    );
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

/**
 * Character references in signed text. `&#13;` is a carriage return the IdP signed as such
 * (C14N writes it back as `&#xD;`); re-serializing the document before verification turned it
 * into a raw CR that the next parse normalised to LF, so genuine signatures failed as "digest
 * mismatch". The signature must be checked over the document as received.
 */
describe('SAML signatures over text with character references', () => {
  // [as written in the XML, the characters it stands for]
  const CASES = [
    ['&#13;', '\r'],
    ['&#xD;', '\r'],
    ['&#10;', '\n'],
    ['&#13;&#10;', '\r\n'],
    ['&#xD;&#xA;x&#13;', '\r\nx\r'],
  ] as const;

  /**
   * A response whose group value and NameID contain `ref`. The signer's serializer writes the
   * characters back in its own way (`&#xD;`, raw LF); writing `ref` again, as the IdP's own
   * serializer would, leaves the signed infoset unchanged.
   */
  async function responseWith(f: Fixture, ref: string, extra: Partial<ResponseOptions> = {}): Promise<string> {
    const xml = await f.idp.buildResponse(
      responseOptions({
        mutateAssertion: (x) =>
          x.replace('>staff<', `>line1${ref}line2<`).replace('>jdoe@example.test</saml:NameID>', `>jdoe${ref}x@example.test</saml:NameID>`),
        ...extra,
        mutateResponse: (x) => x.replace(/line1[^<]*?line2/, `line1${ref}line2`).replace(/jdoe[^<]*?x@example\.test/, `jdoe${ref}x@example.test`),
      }),
    );
    expect(xml).toContain(`line1${ref}line2`);
    expect(xml).toContain(`jdoe${ref}x@example.test`);
    return xml;
  }

  it.each(CASES)('an assertion signature over %j verifies, and the value reads back exactly', async (ref, chars) => {
    const f = await setup();
    const result = validateSamlResponse(b64(await responseWith(f, ref)), validatorConfig(f));
    expect(result.attributes[URN.groupClaim]).toEqual(['admins', `line1${chars}line2`]);
    expect(result.nameId).toBe(`jdoe${chars}x@example.test`);
  });

  it.each(CASES)('a response signature over %j verifies', async (ref, chars) => {
    const f = await setup();
    const xml = await responseWith(f, ref, { signAssertion: false, signResponse: true });
    expect(validateSamlResponse(b64(xml), validatorConfig(f, RESPONSE_ONLY)).nameId).toBe(`jdoe${chars}x@example.test`);
  });

  it.each(CASES)('tampering next to %j still fails', async (ref) => {
    const f = await setup();
    const xml = await responseWith(f, ref);
    await expectSamlError(
      () => validateSamlResponse(b64(xml.replace(`line1${ref}line2`, `line1${ref}line3`)), validatorConfig(f)),
      'InvalidSignature',
      /digest mismatch/,
    );
    // Another character in place of the signed one is a change too (CR and LF differ).
    const swapped = ref.includes('13') || ref.includes('xD') ? ref.replace(/&#13;|&#xD;/g, '&#10;') : ref.replace('&#10;', '&#13;');
    await expectSamlError(
      () => validateSamlResponse(b64(xml.replace(`line1${ref}line2`, `line1${swapped}line2`)), validatorConfig(f)),
      'InvalidSignature',
      /digest mismatch/,
    );
  });

  it('a raw CR in signed text is read as the LF the parser makes of it, so the signature no longer verifies', async () => {
    const f = await setup();
    const xml = await responseWith(f, '&#13;');
    await expectSamlError(
      () => validateSamlResponse(b64(xml.replace('line1&#13;line2', 'line1\rline2')), validatorConfig(f)),
      'InvalidSignature',
      /digest mismatch/,
    );
  });
});

/**
 * The verifier canonicalizes and digests on its own DOM; these signatures are made by xml-crypto
 * with the other algorithms IdPs use, so both sides agreeing is not a tautology.
 */
describe('SAML signatures made with other canonicalization and signature methods', () => {
  const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
  const C14N_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';
  const EXC_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';
  const RSA_PSS = 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1';

  interface SignSpec {
    c14n: string;
    transforms: string[];
    signatureAlgorithm?: string;
    prefixes?: string[];
  }

  /** Signs the root of `xml` (enveloped, Signature after the root's Issuer). */
  function signRoot(xml: string, key: TestKeyPair, spec: SignSpec): string {
    const sig = new SignedXml({
      privateKey: key.privateKey,
      publicCert: key.certificate,
      signatureAlgorithm: spec.signatureAlgorithm ?? URN.rsaSha256,
      canonicalizationAlgorithm: spec.c14n,
      inclusiveNamespacesPrefixList: spec.prefixes,
    });
    sig.addReference({ xpath: '/*', transforms: spec.transforms, digestAlgorithm: URN.sha256, inclusiveNamespacesPrefixList: spec.prefixes });
    sig.computeSignature(xml, { prefix: 'ds', location: { reference: "/*/*[local-name(.)='Issuer']", action: 'after' } });
    return sig.getSignedXml();
  }

  async function assertionSignedWith(f: Fixture, spec: SignSpec, comment = false): Promise<string> {
    const options = responseOptions({ assertionId: '_assertion-under-test' });
    let assertion = f.idp.assertionXml(options, '_assertion-under-test');
    if (comment) assertion = assertion.replace('>staff<', '>st<!-- a comment -->aff<');
    const signed = signRoot(assertion, f.idpKeys, spec);
    const unsigned = f.idp.assertionXml(options, '_assertion-under-test');
    return f.idp.buildResponse({ ...options, signAssertion: false, mutateResponse: (x) => x.replace(unsigned, signed) });
  }

  it.each([
    [
      'exclusive C14N with an InclusiveNamespaces prefix list',
      { c14n: URN.excC14n, transforms: [URN.enveloped, URN.excC14n], prefixes: ['xs', 'xsi'] },
    ],
    [
      'exclusive C14N #WithComments (comments still leave a same-document reference)',
      { c14n: EXC_COMMENTS, transforms: [URN.enveloped, EXC_COMMENTS] },
    ],
    ['two canonicalizations in a row', { c14n: URN.excC14n, transforms: [URN.enveloped, URN.excC14n, C14N] }],
    ['RSA-PSS (sha256-rsa-MGF1)', { c14n: URN.excC14n, transforms: [URN.enveloped, URN.excC14n], signatureAlgorithm: RSA_PSS }],
  ] as const)('verifies an assertion signed with %s', async (_name, spec) => {
    const f = await setup();
    const xml = await assertionSignedWith(
      f,
      { ...spec, transforms: [...spec.transforms], prefixes: 'prefixes' in spec ? [...spec.prefixes] : undefined },
      true,
    );
    expect(validateSamlResponse(b64(xml), validatorConfig(f)).attributes[URN.groupClaim]).toEqual(['admins', 'staff']);
    await expectSamlError(
      () => validateSamlResponse(b64(xml.replace('>admins<', '>root<')), validatorConfig(f)),
      'InvalidSignature',
      /digest mismatch/,
    );
  });

  // Inclusive C14N renders the namespaces in scope from ancestors, so IdPs use it on the root.
  it.each([
    ['inclusive C14N', C14N, [URN.enveloped, C14N]],
    ['inclusive C14N #WithComments', C14N_COMMENTS, [URN.enveloped, C14N_COMMENTS]],
    ['an enveloped transform only (inclusive C14N is implied)', C14N, [URN.enveloped]],
  ])('verifies a response signed with %s', async (_name, c14n, transforms) => {
    const f = await setup();
    const unsigned = await f.idp.buildResponse(responseOptions({ signAssertion: false }));
    const xml = signRoot(unsigned, f.idpKeys, { c14n, transforms });
    expect(validateSamlResponse(b64(xml), validatorConfig(f, RESPONSE_ONLY)).nameId).toBe('jdoe@example.test');
    await expectSamlError(
      () => validateSamlResponse(b64(xml.replace('>staff<', '>root<')), validatorConfig(f, RESPONSE_ONLY)),
      'InvalidSignature',
      /digest mismatch/,
    );
  });

  it('verifies in place and leaves the document as it was (signature put back, no declarations added)', async () => {
    const f = await setup();
    const xml = await assertionSignedWith(f, { c14n: URN.excC14n, transforms: [URN.enveloped, URN.excC14n], prefixes: ['xs', 'xsi'] });
    const doc = parseXml(xml);
    const assertion = childElements(doc.documentElement as Element, NS.assertion, 'Assertion')[0];
    const before = serialize(doc);
    verifyElementSignature(assertion, directSignature(assertion, 'Assertion') as Element, {
      keys: prepareVerificationKeys([f.idpKeys.certificate]),
      allowSha1: false,
      where: 'Assertion',
      wholeDocument: doc.documentElement as Element,
    });
    expect(serialize(doc)).toBe(before);
  });

  it('checks the signature value before it digests anything: a forged signature over modified content fails on the signature', async () => {
    const f = await setup();
    const xml = await f.idp.buildResponse(responseOptions({ signingKey: f.attacker, mutateResponse: (x) => x.replace('>staff<', '>root<') }));
    await expectSamlError(() => validateSamlResponse(b64(xml), validatorConfig(f)), 'InvalidSignature', /does not verify/);
  });
});
