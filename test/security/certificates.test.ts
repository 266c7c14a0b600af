import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  describeCertificate,
  generateSelfSigned,
  keyMatchesCertificate,
  parseCertificate,
  privateKeyType,
  type GeneratedPair,
} from '../../src/security/certificates.js';

let rsa: GeneratedPair;
let ecdsa: GeneratedPair;
beforeAll(async () => {
  [rsa, ecdsa] = await Promise.all([
    generateSelfSigned({
      commonName: 'rsa.example.com',
      subjectAltNames: ['rsa.example.com', 'alt.example.com'],
      validityDays: 365,
      algorithm: 'rsa',
    }),
    generateSelfSigned({ commonName: 'ecdsa.example.com', subjectAltNames: [], validityDays: 30, algorithm: 'ecdsa' }),
  ]);
});

function derOf(pem: string): Buffer {
  return new X509Certificate(pem).raw;
}

function colonHex(buf: Buffer): string {
  return buf.toString('hex').replace(/(..)(?!$)/g, '$1:');
}

describe('generateSelfSigned', () => {
  it('produces an RSA pair that parses back and matches', () => {
    expect(rsa.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    expect(rsa.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    const cert = parseCertificate(rsa.certificatePem);
    expect(cert).not.toBeNull();
    expect(privateKeyType(rsa.privateKeyPem)).toBe('rsa');
    expect(cert!.publicKey.asymmetricKeyType).toBe('rsa');
    expect(cert!.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(keyMatchesCertificate(rsa.privateKeyPem, cert!)).toBe(true);
    expect(cert!.subject).toContain('CN=rsa.example.com');
    expect(cert!.subjectAltName).toBe('DNS:rsa.example.com, DNS:alt.example.com');
    // Self-signed: issuer is the subject and the signature verifies with its own key.
    expect(cert!.issuer).toBe(cert!.subject);
    expect(cert!.verify(cert!.publicKey)).toBe(true);
    expect(cert!.ca).toBe(false);
  });

  it('produces an ECDSA P-256 pair that parses back and matches', () => {
    const cert = parseCertificate(ecdsa.certificatePem)!;
    expect(cert).not.toBeNull();
    expect(privateKeyType(ecdsa.privateKeyPem)).toBe('ecdsa');
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(keyMatchesCertificate(ecdsa.privateKeyPem, cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.subjectAltName).toBeUndefined();
  });

  it('honours the validity period', () => {
    const info = describeCertificate(parseCertificate(ecdsa.certificatePem)!);
    const days = (info.expiry.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30.01);
  });

  it('gives every certificate a fresh key and serial number', async () => {
    const again = await generateSelfSigned({ commonName: 'ecdsa.example.com', subjectAltNames: [], validityDays: 30, algorithm: 'ecdsa' });
    const a = parseCertificate(ecdsa.certificatePem)!;
    const b = parseCertificate(again.certificatePem)!;
    expect(b.serialNumber).not.toBe(a.serialNumber);
    expect(again.privateKeyPem).not.toBe(ecdsa.privateKeyPem);
    // The serial number is positive (RFC 5280 §4.1.2.2): high bit of the first byte clear.
    for (const c of [a, b]) expect(parseInt(c.serialNumber.slice(0, 2), 16)).toBeLessThan(0x80);
  });

  it('escapes DN special characters in the common name', async () => {
    const pair = await generateSelfSigned({ commonName: 'Acme, Inc. + "R&D"', subjectAltNames: [], validityDays: 1, algorithm: 'ecdsa' });
    const cert = parseCertificate(pair.certificatePem)!;
    expect(cert).not.toBeNull();
    // Parsed independently: one CN attribute holding the whole name, not split at "," or "+".
    const parsed = new x509.X509Certificate(pair.certificatePem);
    expect(parsed.subjectName.getField('CN')).toEqual(['Acme, Inc. + "R&D"']);
    expect(parsed.subjectName.getField('O')).toEqual(['authentik']);
  });
});

describe('describeCertificate', () => {
  it('renders fingerprints in lowercase colon form, equal to the DER digests', () => {
    for (const pem of [rsa.certificatePem, ecdsa.certificatePem]) {
      const info = describeCertificate(parseCertificate(pem)!);
      expect(info.fingerprintSha256).toMatch(/^([0-9a-f]{2}:){31}[0-9a-f]{2}$/);
      expect(info.fingerprintSha1).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
      expect(info.fingerprintSha256).toBe(colonHex(createHash('sha256').update(derOf(pem)).digest()));
      expect(info.fingerprintSha1).toBe(colonHex(createHash('sha1').update(derOf(pem)).digest()));
    }
  });

  it('renders the subject in RFC 4514 order (most specific last → first)', () => {
    const info = describeCertificate(parseCertificate(rsa.certificatePem)!);
    expect(info.subject).toBe('OU=Self-signed,O=authentik,CN=rsa.example.com');
    expect(info.expiry).toBeInstanceOf(Date);
    expect(Number.isNaN(info.expiry.getTime())).toBe(false);
  });
});

describe('parseCertificate / privateKeyType / keyMatchesCertificate', () => {
  it('returns null for anything that is not a PEM certificate', () => {
    expect(parseCertificate('')).toBeNull();
    expect(parseCertificate('garbage')).toBeNull();
    expect(parseCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toBeNull();
    expect(parseCertificate(rsa.privateKeyPem)).toBeNull();
  });

  it('returns null for a key it cannot read', () => {
    expect(privateKeyType('garbage')).toBeNull();
    expect(privateKeyType(rsa.certificatePem)).toBeNull();
    expect(privateKeyType('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).toBeNull();
  });

  it('tells matching from mismatched keys', () => {
    const rsaCert = parseCertificate(rsa.certificatePem)!;
    const ecCert = parseCertificate(ecdsa.certificatePem)!;
    expect(keyMatchesCertificate(ecdsa.privateKeyPem, rsaCert)).toBe(false);
    expect(keyMatchesCertificate(rsa.privateKeyPem, ecCert)).toBe(false);
    expect(keyMatchesCertificate('garbage', rsaCert)).toBe(false);
  });

  it('matches a key of the same type but another pair as false', async () => {
    const other = await generateSelfSigned({ commonName: 'other', subjectAltNames: [], validityDays: 1, algorithm: 'ecdsa' });
    expect(keyMatchesCertificate(other.privateKeyPem, parseCertificate(ecdsa.certificatePem)!)).toBe(false);
  });
});

describe('loading @peculiar/x509 and reflect-metadata', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const LAZY = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"](?:@peculiar\/x509|reflect-metadata)(?:\/[^'"]*)?['"]/m;

  it('no module under src/ imports them statically (only generation loads them, on first use)', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts') && LAZY.test(readFileSync(full, 'utf8'))) offenders.push(path.relative(root, full));
      }
    };
    walk(path.join(root, 'src'));
    expect(offenders).toEqual([]);
    // The pattern itself catches the forms it must (and lets type-only imports through).
    expect(
      ["import 'reflect-metadata';", "import * as x509 from '@peculiar/x509';", "export { X509Certificate } from '@peculiar/x509';"].map((l) =>
        LAZY.test(l),
      ),
    ).toEqual([true, true, true]);
    expect(LAZY.test("import type * as X509 from '@peculiar/x509';")).toBe(false);
  });

  it('a started app has not loaded them; the first generated certificate loads them', () => {
    // A fresh process: this test file has loaded both itself.
    const script = `
      import { createRequire } from 'node:module';
      import { createTestApp } from './test/support/app.ts';
      const require = createRequire(import.meta.url);
      const loaded = () => ({ x509: Object.keys(require.cache).some((k) => k.includes('@peculiar/x509')), reflectMetadata: typeof Reflect.getMetadata === 'function' });
      const app = await createTestApp();
      const atStart = loaded();
      const list = await app.request({ method: 'GET', url: '/api/v3/crypto/certificatekeypairs/' });
      const afterList = loaded();
      const res = await app.request({ method: 'POST', url: '/api/v3/crypto/certificatekeypairs/generate/', payload: { common_name: 'lazy.example.com', validity_days: 1, alg: 'ecdsa' } });
      const afterGenerate = loaded();
      await app.close();
      process.stdout.write(JSON.stringify({ atStart, list: list.statusCode, afterList, generate: res.statusCode, afterGenerate }));
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: process.env,
      timeout: 60_000,
    });
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({
      atStart: { x509: false, reflectMetadata: false },
      list: 200,
      afterList: { x509: false, reflectMetadata: false },
      generate: 200,
      afterGenerate: { x509: true, reflectMetadata: true },
    });
  }, 90_000);
});
