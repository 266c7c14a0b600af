import { describe, expect, it } from 'vitest';
import { createSamlResponseValidator, validateSamlResponse } from '../../../src/protocols/saml/response-validator.js';
import { URN } from '../../fakes/saml-idp.js';
import * as hostile from '../../fixtures/saml/hostile.js';
import {
  ACS_URL,
  IDP_ENTITY_ID,
  NOW,
  REQUEST_ID,
  SP_ENTITY_ID,
  b64,
  expectSamlError,
  responseOptions,
  setup,
  validate,
  validatorConfig,
} from './helpers.js';

const plus = (s: number) => new Date(NOW.getTime() + s * 1000);

describe('SAML response validation: status', () => {
  it('fails with the IdP status message and detail on an error status', async () => {
    const f = await setup();
    const err = await expectSamlError(
      () =>
        validate(f, {
          status: {
            code: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
            subCode: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
            message: 'User is not assigned',
            detail: 'Ask your admin',
          },
        }),
      'StatusError',
    );
    expect(err.message).toContain('User is not assigned');
    expect(err.message).toContain('Ask your admin');
    expect(err.message).toContain('Requester/RequestDenied');
  });

  it('reports the status code when the IdP sends no message', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { status: { code: 'urn:oasis:names:tc:SAML:2.0:status:Responder' } }), 'StatusError', /\(Responder\)\./);
  });

  it('accepts a Success status that carries StatusMessage and StatusDetail', async () => {
    const f = await setup();
    const r = await validate(f, { status: { code: URN.success, message: 'All good', detail: 'really' } });
    expect(r.nameId).toBe('jdoe@example.test');
  });

  it('does not treat an error status as success even if an assertion is attached', async () => {
    const f = await setup();
    await expectSamlError(
      () => validate(f, { status: { code: 'urn:oasis:names:tc:SAML:2.0:status:Requester' }, assertionDespiteStatus: true }),
      'StatusError',
    );
  });
});

describe('SAML response validation: success', () => {
  it('returns identifiers, NameID, attributes and the replay horizon', async () => {
    const f = await setup();
    const xml = await f.idp.buildResponse(responseOptions({ responseId: '_resp1', assertionId: '_assert1', sessionIndex: '_sess42' }));
    const r = validateSamlResponse(b64(xml), validatorConfig(f));
    expect(r).toMatchObject({
      responseId: '_resp1',
      assertionId: '_assert1',
      inResponseTo: REQUEST_ID,
      issuer: IDP_ENTITY_ID,
      nameId: 'jdoe@example.test',
      nameIdFormat: URN.persistent,
      sessionIndex: '_sess42',
      attributes: { email: ['jdoe@example.test'], [URN.groupClaim]: ['admins', 'staff'] },
    });
    // Confirmation and Conditions both end at now+300 s; the cache must outlive the skew too.
    expect(r.notOnOrAfter.toISOString()).toBe(plus(300 + 120).toISOString());
    expect(r.responseXml).toBe(xml);
  });

  it('accepts an IdP-initiated response when allowed, without request binding', async () => {
    const f = await setup();
    const r = await validate(f, { inResponseTo: null }, { allowIdpInitiated: true, expectedRequestId: null });
    expect(r.inResponseTo).toBeNull();
  });

  it('accepts a minimal response (no Response Issuer, no Destination, no attributes, no NameID Format)', async () => {
    const f = await setup();
    const r = await validate(f, { responseIssuer: null, destination: null, attributes: {}, nameIdFormat: null, sessionIndex: null });
    expect(r).toMatchObject({ nameIdFormat: null, sessionIndex: null, attributes: {} });
  });

  it('accepts a transient NameID and reports its format', async () => {
    const f = await setup();
    const r = await validate(f, { nameId: '_transient-8c1e', nameIdFormat: URN.transient });
    expect(r.nameIdFormat).toBe(URN.transient);
  });

  it('can validate the same document repeatedly with a fixed clock (bench use)', async () => {
    const f = await setup();
    const doc = await f.idp.buildResponseBase64(responseOptions());
    const { now, expectedRequestId, ...settings } = validatorConfig(f);
    const validator = createSamlResponseValidator(settings);
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add(validator(doc, { now, expectedRequestId }).assertionId);
    expect(ids.size).toBe(1);
  });

  it('refuses a verification certificate that would verify nothing', async () => {
    const f = await setup();
    await expectSamlError(
      () => createSamlResponseValidator(validatorConfig(f, { requireSignedAssertion: false, requireSignedResponse: false })),
      'InvalidSignature',
    );
  });

  it('checks nothing cryptographic without verification certificates (authentik semantics)', async () => {
    const f = await setup();
    const r = await validate(f, { signAssertion: false }, { verificationCerts: [] });
    expect(r.nameId).toBe('jdoe@example.test');
  });
});

describe('SAML response validation: NameID and attributes', () => {
  it('reads the full NameID across a comment; the truncated prefix never appears', async () => {
    const f = await setup();
    const r = await validate(f, {
      nameId: 'admin@example.test.evil.test',
      mutateAssertion: (xml) => xml.replace('admin@example.test.evil.test', 'admin@example.test<!---->.evil.test'),
    });
    expect(r.nameId).toBe('admin@example.test.evil.test');
  });

  it('keeps the full attribute value across a comment (signature still valid: C14N drops comments)', async () => {
    const f = await setup();
    const r = await validate(f, {
      attributes: { role: ['super-admin'] },
      mutateAssertion: (xml) => xml.replace('>super-admin<', '>super<!--x-->-admin<'),
    });
    expect(r.attributes.role).toEqual(['super-admin']);
  });

  it('refuses a missing or empty NameID', async () => {
    const f = await setup();
    await expectSamlError(
      () => validate(f, { mutateAssertion: (x) => x.replace(/<saml:NameID[^>]*>[^<]*<\/saml:NameID>/, '') }),
      'MissingNameID',
      'NameID element not found',
    );
    await expectSamlError(() => validate(f, { nameId: '' }), 'MissingNameID', 'NameID is empty');
    await expectSamlError(() => validate(f, { nameId: '   ' }), 'MissingNameID', 'NameID is empty');
  });

  it('refuses an assertion without Subject', async () => {
    const f = await setup();
    await expectSamlError(
      () => validate(f, { mutateAssertion: (x) => x.replace(/<saml:Subject>.*<\/saml:Subject>/, '') }),
      'MissingNameID',
      'Subject element not found',
    );
  });
});

describe('SAML response validation: structure', () => {
  it('refuses non-base64, non-XML and non-Response input', async () => {
    const f = await setup();
    await expectSamlError(() => validateSamlResponse('!!!not base64!!!', validatorConfig(f)), 'InvalidXml', /base64/);
    await expectSamlError(() => validateSamlResponse(b64('hello world'), validatorConfig(f)), 'InvalidXml');
    await expectSamlError(
      () => validateSamlResponse(b64('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'), validatorConfig(f)),
      'InvalidXml',
      /not a samlp:Response/,
    );
  });

  it('refuses a Response that is not SAML 2.0', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { mutateResponse: (x) => x.replace('Version="2.0">', 'Version="1.1">') }), 'InvalidXml', /version 2.0/);
  });

  it('refuses DTDs (XXE, entity expansion) before parsing', async () => {
    const f = await setup();
    const xml = await f.idp.buildResponse(responseOptions());
    const evil = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xml}`;
    await expectSamlError(() => validateSamlResponse(b64(evil), validatorConfig(f)), 'InvalidXml', /DTD/);
  });
});

describe('SAML response validation: InResponseTo', () => {
  it('refuses a foreign Response InResponseTo', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { inResponseTo: '_someone-elses-request' }), 'MismatchedRequestID', 'Mismatched request ID');
  });

  it('refuses a foreign InResponseTo on the assertion subject confirmation', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { subjectConfirmations: [{ data: { inResponseTo: '_someone-elses-request' } }] }), 'MismatchedRequestID');
  });

  it('refuses an unsolicited response when IdP-initiated logins are not allowed', async () => {
    const f = await setup();
    await expectSamlError(
      () => validate(f, { inResponseTo: null }),
      'MismatchedRequestID',
      'Missing InResponseTo and IdP-initiated Logins are not allowed',
    );
  });

  it('refuses a response to a request this session never made', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, {}, { expectedRequestId: null }), 'UnsolicitedResponse');
  });
});

describe('SAML response validation: time and audience', () => {
  it('refuses expired Conditions and not-yet-valid Conditions beyond the skew', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { conditions: { notOnOrAfter: plus(-121) } }), 'Expired');
    await expectSamlError(() => validate(f, { conditions: { notBefore: plus(121) } }), 'NotYetValid');
  });

  it('tolerates the configured clock skew', async () => {
    const f = await setup();
    await expect(validate(f, { conditions: { notBefore: plus(100) } })).resolves.toBeTruthy();
    await expect(
      validate(f, { conditions: { notOnOrAfter: plus(-100) }, subjectConfirmations: [{ data: { notOnOrAfter: plus(-100) } }] }),
    ).resolves.toBeTruthy();
    await expectSamlError(() => validate(f, { conditions: { notBefore: plus(100) } }, { clockSkewSeconds: 30 }), 'NotYetValid');
  });

  it('refuses an assertion for another audience or without AudienceRestriction', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { audience: 'https://other-sp.test/' }), 'AudienceMismatch');
    await expectSamlError(() => validate(f, { audience: null }), 'AudienceMismatch');
    await expectSamlError(() => validate(f, { conditions: null }), 'AudienceMismatch');
  });

  it('accepts an AudienceRestriction listing us among others', async () => {
    const f = await setup();
    await expect(validate(f, { audience: ['https://other-sp.test/', SP_ENTITY_ID] })).resolves.toBeTruthy();
  });

  it('refuses an assertion from another issuer when the IdP entity ID is known', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { issuer: 'https://evil-idp.test/' }), 'IssuerMismatch');
    await expectSamlError(() => validate(f, { responseIssuer: 'https://evil-idp.test/' }), 'IssuerMismatch');
    await expect(validate(f, { issuer: 'https://other-idp.test/' }, { idpEntityId: null })).resolves.toBeTruthy();
  });

  it('computes the replay horizon from the earliest end (confirmation vs conditions)', async () => {
    const f = await setup();
    const r = await validate(f, { conditions: { notOnOrAfter: plus(60) } }, { clockSkewSeconds: 0 });
    expect(r.notOnOrAfter.toISOString()).toBe(plus(60).toISOString());
  });

  it('uses the ACS URL from the config (not the response) for Recipient checks', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, {}, { acsUrl: ACS_URL.replace('okta', 'other') }), 'MismatchedBinding');
  });
});

/**
 * The ACS is unauthenticated: what a document may cost is bounded before it becomes a DOM, and
 * the signature value is checked before the signed content is canonicalized and digested.
 */
describe('SAML response validation: resource limits', () => {
  it('refuses the reported attack (100,000 empty elements, 400 KB) before parsing it', async () => {
    const f = await setup();
    const xml = hostile.manyElements(await f.idp.buildResponse(responseOptions()));
    expect(xml.length).toBeGreaterThan(400_000);
    await expectSamlError(
      () => validateSamlResponse(b64(xml), validatorConfig(f)),
      'InvalidXml',
      'The SAMLResponse is too large or too complex to process (more than 5000 elements).',
    );
  });

  it.each([
    ['deep nesting', hostile.deepNesting, /nested more than 48 deep/],
    ['many attributes', hostile.manyAttributes, /more than 48 attributes/],
    ['a huge attribute value', hostile.hugeAttributeValue, /attribute value longer than 8192 characters/],
    ['many References', hostile.manyReferences, /more than 5000 elements/],
    ['more text than a SAML message needs', hostile.oversized, /more than 524288 characters/],
  ] as const)('refuses %s with a clear error', async (_name, inflate, detail) => {
    const f = await setup();
    const xml = inflate(await f.idp.buildResponse(responseOptions()));
    const err = await expectSamlError(() => validateSamlResponse(b64(xml), validatorConfig(f)), 'InvalidXml', /too large or too complex to process/);
    expect(err.message).toMatch(detail);
  });

  it('refuses a SignedInfo with many References (within the limits) on its structure, before any crypto', async () => {
    const f = await setup();
    const xml = hostile.manyReferences(await f.idp.buildResponse(responseOptions()), 500);
    await expectSamlError(() => validateSamlResponse(b64(xml), validatorConfig(f)), 'InvalidSignature', /exactly one Reference/);
  });

  it('refuses a document just within the limits on its signature value, or — with a replayed genuine signature — on the digest', async () => {
    const f = await setup();
    const genuine = hostile.manyElements(await f.idp.buildResponse(responseOptions()), 4_900);
    await expectSamlError(() => validateSamlResponse(b64(genuine), validatorConfig(f)), 'InvalidSignature', /digest mismatch/);
    const forged = genuine.replace(/<ds:SignatureValue>[^<]{8}/, '<ds:SignatureValue>AAAAAAAA');
    await expectSamlError(() => validateSamlResponse(b64(forged), validatorConfig(f)), 'InvalidSignature', /does not verify/);
  });

  it('bounds the decrypted assertion as well (anyone can encrypt to our certificate)', async () => {
    const f = await setup();
    const xml = await f.idp.buildResponse(
      responseOptions({ mutateAssertion: (x) => hostile.manyElements(x, 20_000), encrypt: { certificate: f.spEncryption.certificate } }),
    );
    await expectSamlError(
      () => validateSamlResponse(b64(xml), validatorConfig(f, { decryptionKey: f.spEncryption.privateKey })),
      'InvalidXml',
      'The decrypted assertion is too large or too complex to process (more than 5000 elements).',
    );
  });

  it('still accepts a large genuine response (2,000 group values)', async () => {
    const f = await setup();
    const groups = Array.from({ length: 2_000 }, (_, i) => `group-${i}-${'x'.repeat(40)}`);
    const r = await validate(f, { attributes: { [URN.groupClaim]: groups } });
    expect(r.attributes[URN.groupClaim]).toEqual(groups);
  });
});
