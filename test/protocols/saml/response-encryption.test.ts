import { constants, privateDecrypt, publicEncrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateSamlResponse } from '../../../src/protocols/saml/response-validator.js';
import { URN } from '../../fakes/saml-idp.js';
import { expectSamlError, responseOptions, setup, validate, validatorConfig } from './helpers.js';

/** Node ≥ 20.11 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809) unless reverted. */
function runtimeDecryptsRsa15(keys: { certificate: string; privateKey: string }): boolean {
  try {
    const wrapped = publicEncrypt({ key: keys.certificate, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('x'));
    privateDecrypt({ key: keys.privateKey, padding: constants.RSA_PKCS1_PADDING }, wrapped);
    return true;
  } catch {
    return false;
  }
}

describe('SAML encrypted assertions', () => {
  it.each([
    ['AES-256-GCM / RSA-OAEP-MGF1P', URN.aes256gcm, URN.rsaOaepMgf1p],
    ['AES-128-GCM / RSA-OAEP (xmlenc11)', URN.aes128gcm, URN.rsaOaep11],
    ['AES-256-CBC / RSA-OAEP-MGF1P', URN.aes256cbc, URN.rsaOaepMgf1p],
    ['AES-128-CBC / RSA-OAEP-MGF1P', URN.aes128cbc, URN.rsaOaepMgf1p],
  ])('decrypts %s with the right key', async (_n, dataAlgorithm, keyTransport) => {
    const f = await setup();
    const r = await validate(
      f,
      { encrypt: { certificate: f.spEncryption.certificate, dataAlgorithm, keyTransport } },
      { decryptionKey: f.spEncryption.privateKey },
    );
    expect(r.nameId).toBe('jdoe@example.test');
    expect(r.attributes.email).toEqual(['jdoe@example.test']);
    expect(r.responseXml).toContain('<saml:Assertion');
    expect(r.responseXml).not.toContain('EncryptedAssertion');
  });

  it('refuses an assertion encrypted for another key', async () => {
    const f = await setup();
    await expectSamlError(
      () => validate(f, { encrypt: { certificate: f.attacker.certificate } }, { decryptionKey: f.spEncryption.privateKey }),
      'InvalidEncryption',
      /could not be decrypted with the configured encryption key/,
    );
  });

  it('refuses a plain assertion when a decryption key is configured', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, {}, { decryptionKey: f.spEncryption.privateKey }), 'InvalidEncryption', /Assertion is not encrypted/);
  });

  it('refuses an encrypted assertion when no decryption key is configured', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { encrypt: { certificate: f.spEncryption.certificate } }), 'InvalidEncryption', /no decryption key/);
  });

  it('refuses 3DES content encryption', async () => {
    const f = await setup();
    await expectSamlError(
      () =>
        validate(
          f,
          { encrypt: { certificate: f.spEncryption.certificate, dataAlgorithm: URN.tripledes } },
          { decryptionKey: f.spEncryption.privateKey },
        ),
      'InvalidEncryption',
      /unsupported algorithm/,
    );
  });

  it('handles RSA PKCS#1 v1.5 key transport as far as the runtime allows', async () => {
    const f = await setup();
    const run = () =>
      validate(f, { encrypt: { certificate: f.spEncryption.certificate, keyTransport: URN.rsa15 } }, { decryptionKey: f.spEncryption.privateKey });
    if (runtimeDecryptsRsa15(f.spEncryption)) {
      await expect(run()).resolves.toMatchObject({ nameId: 'jdoe@example.test' });
    } else {
      await expectSamlError(run, 'InvalidEncryption', /rsa-1_5.*CVE-2023-46809/);
    }
  });

  it('verifies a response signature computed over the encrypted form (signed + encrypted)', async () => {
    const f = await setup();
    const r = await validate(
      f,
      { signResponse: true, encrypt: { certificate: f.spEncryption.certificate } },
      { decryptionKey: f.spEncryption.privateKey, requireSignedResponse: true },
    );
    expect(r.nameId).toBe('jdoe@example.test');
  });

  it('verifies the assertion signature inside the decrypted assertion', async () => {
    const f = await setup();
    const ok = await validate(f, { encrypt: { certificate: f.spEncryption.certificate } }, { decryptionKey: f.spEncryption.privateKey });
    expect(ok.nameId).toBe('jdoe@example.test');
    // Tampering before encryption (after signing) must still be caught after decryption.
    const doc = await f.idp.buildResponseBase64(responseOptions({ signAssertion: false, encrypt: { certificate: f.spEncryption.certificate } }));
    await expectSamlError(
      () => validateSamlResponse(doc, validatorConfig(f, { decryptionKey: f.spEncryption.privateKey })),
      'InvalidSignature',
      'No Signature exists in the Assertion element.',
    );
  });

  it('refuses a response with two encrypted assertions', async () => {
    const f = await setup();
    await expectSamlError(
      () =>
        validate(
          f,
          {
            encrypt: { certificate: f.spEncryption.certificate },
            mutateResponse: (x) => x.replace(/(<saml:EncryptedAssertion>[\s\S]*<\/saml:EncryptedAssertion>)/, '$1$1'),
          },
          { decryptionKey: f.spEncryption.privateKey },
        ),
      'InvalidEncryption',
      /exactly one EncryptedAssertion/,
    );
  });
});
