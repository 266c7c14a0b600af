/**
 * X.509 helpers for certificate-key pairs: parse and describe PEM certificates, check that a
 * private key belongs to its certificate, and generate self-signed pairs.
 */
import { createPrivateKey, createPublicKey, randomBytes, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

// Only generation needs @peculiar/x509 (and the reflect-metadata polyfill its tsyringe container
// needs first): together they cost start-up time and memory, so they load on the first
// generation, not with this module. Parsing and describing use node:crypto alone.
let x509Module: Promise<typeof X509> | null = null;
function loadX509(): Promise<typeof X509> {
  x509Module ??= (async () => {
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as unknown as Crypto);
    return x509;
  })().catch((e: unknown) => {
    x509Module = null; // let a later call retry instead of caching the failure
    throw e;
  });
  return x509Module;
}

export interface CertificateInfo {
  fingerprintSha256: string;
  fingerprintSha1: string;
  expiry: Date;
  subject: string;
}

/** Parses a PEM certificate; null when it is not one. */
export function parseCertificate(pem: string): X509Certificate | null {
  if (!/-----BEGIN CERTIFICATE-----/.test(pem)) return null;
  try {
    return new X509Certificate(pem);
  } catch {
    return null;
  }
}

/** authentik's rendering: lowercase colon-separated fingerprints, RFC 4514 subject. */
export function describeCertificate(cert: X509Certificate): CertificateInfo {
  return {
    fingerprintSha256: cert.fingerprint256.toLowerCase(),
    fingerprintSha1: cert.fingerprint.toLowerCase(),
    expiry: new Date(cert.validTo),
    subject: cert.subject.split('\n').reverse().join(','),
  };
}

export type PrivateKeyType = 'rsa' | 'ecdsa' | 'ed25519' | 'ed448';

function keyTypeOf(key: KeyObject): PrivateKeyType | null {
  const t = key.asymmetricKeyType;
  if (t === 'rsa' || t === 'rsa-pss') return 'rsa';
  if (t === 'ec') return 'ecdsa';
  if (t === 'ed25519' || t === 'ed448') return t;
  return null;
}

export function privateKeyType(pem: string): PrivateKeyType | null {
  try {
    return keyTypeOf(createPrivateKey(pem));
  } catch {
    return null;
  }
}

/** The key type of a certificate's public key (a stored private key always matches it). */
export function certificateKeyType(cert: X509Certificate): PrivateKeyType | null {
  return keyTypeOf(cert.publicKey);
}

export function keyMatchesCertificate(keyPem: string, cert: X509Certificate): boolean {
  try {
    const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    const fromCert = cert.publicKey.export({ type: 'spki', format: 'der' });
    return Buffer.compare(fromKey, fromCert) === 0;
  } catch {
    return false;
  }
}

export interface GeneratedPair {
  certificatePem: string;
  privateKeyPem: string;
}

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function dnEscape(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1');
}

export async function generateSelfSigned(options: {
  commonName: string;
  subjectAltNames: string[];
  validityDays: number;
  algorithm: 'rsa' | 'ecdsa';
}): Promise<GeneratedPair> {
  const alg =
    options.algorithm === 'rsa'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }
      : { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const x509 = await loadX509();
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const notBefore = new Date();
  const notAfter = new Date(notBefore.getTime() + options.validityDays * 86_400_000);
  const extensions: X509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
  if (options.subjectAltNames.length > 0) {
    extensions.push(new x509.SubjectAlternativeNameExtension(options.subjectAltNames.map((value) => ({ type: 'dns' as const, value }))));
  }
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${dnEscape(options.commonName)}, O=authentik, OU=Self-signed`,
    notBefore,
    notAfter,
    signingAlgorithm: alg,
    keys: keys,
    extensions,
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certificatePem: cert.toString('pem') + '\n', privateKeyPem: toPem(pkcs8, 'PRIVATE KEY') };
}
