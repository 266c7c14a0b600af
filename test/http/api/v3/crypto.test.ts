/** /api/v3/crypto/certificatekeypairs/ — PEM import and generation; private keys write-only and sealed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSigned, type GeneratedPair } from '../../../../src/security/certificates.js';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { missingRequiredKeys } from '../../../support/client-models.js';
import { normalUser } from '../../../support/sessions.js';

let app: TestApp;
let pair: GeneratedPair;
let other: GeneratedPair;
beforeAll(async () => {
  app = await createTestApp();
  [pair, other] = await Promise.all([
    generateSelfSigned({ commonName: 'import.example.com', subjectAltNames: [], validityDays: 10, algorithm: 'rsa' }),
    generateSelfSigned({ commonName: 'other.example.com', subjectAltNames: [], validityDays: 10, algorithm: 'rsa' }),
  ]);
});
afterAll(async () => app?.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const req = (method: Method, path: string, payload?: object, token?: string) =>
  app.request({ method, url: `/api/v3/crypto/certificatekeypairs/${path}`, ...(payload ? { payload } : {}), ...(token ? { token } : {}) });
const FP256 = /^([0-9a-f]{2}:){31}[0-9a-f]{2}$/;
const FP1 = /^([0-9a-f]{2}:){19}[0-9a-f]{2}$/;

function expectNoSecrets(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toContain('key_data');
  expect(text).not.toContain('certificate_data');
  expect(text).not.toContain('PRIVATE KEY');
}

describe('generate', () => {
  it.each([
    ['rsa', 'gen-rsa.example.com'],
    ['ecdsa', 'gen-ec.example.com'],
  ] as const)('generates an %s pair', async (alg, cn) => {
    const res = await req('POST', 'generate/', { common_name: cn, subject_alt_name: `${cn}, alt.${cn}`, validity_days: 30, alg });
    expect(res.statusCode).toBe(200);
    const kp = res.json();
    expect(missingRequiredKeys('CertificateKeyPair', kp)).toEqual([]);
    expect(kp).toMatchObject({ name: cn, private_key_available: true, private_key_type: alg, managed: null });
    expect(kp.fingerprint_sha256).toMatch(FP256);
    expect(kp.fingerprint_sha1).toMatch(FP1);
    expect(kp.cert_subject).toContain(`CN=${cn}`);
    const days = (Date.parse(kp.cert_expiry) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
    expect(kp.certificate_download_url).toBe(`/api/v3/crypto/certificatekeypairs/${kp.pk}/view_certificate/?download`);
    expect(kp.private_key_download_url).toBe(`/api/v3/crypto/certificatekeypairs/${kp.pk}/view_private_key/?download`);
    expectNoSecrets(kp);
  });

  it('validates the generate body', async () => {
    const res = await req('POST', 'generate/', { alg: 'dsa' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      common_name: ['This field is required.'],
      validity_days: ['This field is required.'],
      alg: ['"dsa" is not a valid choice.'],
    });
  });
});

describe('import', () => {
  it('imports a valid PEM pair and never echoes the PEM back', async () => {
    const res = await req('POST', '', { name: 'imported', certificate_data: pair.certificatePem, key_data: pair.privateKeyPem });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'imported',
      private_key_available: true,
      private_key_type: 'rsa',
      cert_subject: 'OU=Self-signed,O=authentik,CN=import.example.com',
    });
    expect(missingRequiredKeys('CertificateKeyPair', res.json())).toEqual([]);
    expectNoSecrets(res.json());
    const got = await req('GET', `${res.json().pk}/`);
    expect(got.json()).toEqual(res.json());
    const listed = await req('GET', '?name=imported');
    expect(listed.json().pagination.count).toBe(1);
    expectNoSecrets(listed.json());
    for (const kp of listed.json().results) expect(missingRequiredKeys('CertificateKeyPair', kp)).toEqual([]);
  });

  it('imports a certificate without a key', async () => {
    const res = await req('POST', '', { name: 'cert-only', certificate_data: other.certificatePem });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ private_key_available: false, private_key_type: null });
    expect(res.json().fingerprint_sha256).toMatch(FP256);
  });

  it('rejects an invalid certificate', async () => {
    for (const certificate_data of ['not a certificate', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', pair.privateKeyPem]) {
      const res = await req('POST', '', { name: 'bad-cert', certificate_data });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ certificate_data: ['Unable to load certificate.'] });
    }
  });

  it('rejects an invalid key on key_data', async () => {
    const res = await req('POST', '', { name: 'bad-key', certificate_data: pair.certificatePem, key_data: 'garbage' });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json())).toEqual(['key_data']);
  });

  it('rejects a key that does not belong to the certificate', async () => {
    const res = await req('POST', '', { name: 'mismatch', certificate_data: pair.certificatePem, key_data: other.privateKeyPem });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json())).toEqual(['key_data']);
    expect((await req('GET', '?name=mismatch')).json().pagination.count).toBe(0);
  });

  it('rejects a duplicate name and requires name and certificate_data', async () => {
    const dup = await req('POST', '', { name: 'imported', certificate_data: pair.certificatePem });
    expect(dup.statusCode).toBe(400);
    expect(Object.keys(dup.json())).toEqual(['name']);
    const empty = await req('POST', '', {});
    expect(empty.json()).toEqual({ name: ['This field is required.'], certificate_data: ['This field is required.'] });
  });

  it('refuses to patch in a key that does not match the stored certificate', async () => {
    const created = (await req('POST', '', { name: 'patch-me', certificate_data: pair.certificatePem })).json();
    const bad = await req('PATCH', `${created.pk}/`, { key_data: other.privateKeyPem });
    expect(bad.statusCode).toBe(400);
    const good = await req('PATCH', `${created.pk}/`, { key_data: pair.privateKeyPem });
    expect(good.statusCode).toBe(200);
    expect(good.json()).toMatchObject({ private_key_available: true, private_key_type: 'rsa' });
  });
});

describe('viewing secrets', () => {
  let pk: string;
  beforeAll(async () => {
    pk = (await req('POST', '', { name: 'viewable', certificate_data: pair.certificatePem, key_data: pair.privateKeyPem })).json().pk;
  });

  it('returns the certificate PEM, and as a download', async () => {
    const res = await req('GET', `${pk}/view_certificate/`);
    expect(res.statusCode).toBe(200);
    // DRF CharFields trim whitespace, so the stored PEM loses its final newline (as in authentik).
    expect(res.json()).toEqual({ data: pair.certificatePem.trim() });
    expect(missingRequiredKeys('CertificateData', res.json())).toEqual([]);
    const dl = await req('GET', `${pk}/view_certificate/?download`);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-disposition']).toMatch(/^attachment; filename=/);
    expect(dl.body).toBe(pair.certificatePem.trim());
  });

  it('returns the private key to a superuser only', async () => {
    const res = await req('GET', `${pk}/view_private_key/`);
    expect(res.json()).toEqual({ data: pair.privateKeyPem.trim() });
    const { token } = await normalUser(app, 'crypto-normal');
    const denied = await req('GET', `${pk}/view_private_key/`, undefined, token);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toEqual({ detail: 'You do not have permission to perform this action.' });
    expect(denied.body).not.toContain('PRIVATE KEY');
    const anonymous = await app.request({ method: 'GET', url: `/api/v3/crypto/certificatekeypairs/${pk}/view_private_key/`, token: null });
    expect(anonymous.statusCode).toBe(403);
  });

  it('keeps the private key encrypted at rest', async () => {
    const row = await app.db.selectFrom('keypairs').selectAll().where('kp_uuid', '=', pk).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('PRIVATE KEY');
    expect(row.key_sealed).toMatch(/^v1\./);
  });

  it('answers a missing pair with 404', async () => {
    const res = await req('GET', '00000000-0000-4000-8000-000000000000/view_private_key/');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ detail: 'No CertificateKeyPair matches the given query.' });
  });

  it('deletes a pair', async () => {
    expect((await req('DELETE', `${pk}/`)).statusCode).toBe(204);
    expect((await req('GET', `${pk}/`)).statusCode).toBe(404);
  });
});
