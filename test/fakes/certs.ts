/**
 * Test key pairs and self-signed certificates, generated with @peculiar/x509 over node's
 * WebCrypto and cached per process (RSA key generation costs ~100 ms).
 */
import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

export interface TestKeyPair {
  /** PKCS#8 PEM private key. */
  privateKey: string;
  /** PEM X.509 certificate. */
  certificate: string;
}

type X509Module = typeof X509;

let x509Promise: Promise<X509Module> | undefined;
async function loadX509(): Promise<X509Module> {
  // tsyringe (under @peculiar/x509) needs the Reflect metadata polyfill first.
  await import('reflect-metadata');
  x509Promise ??= import('@peculiar/x509').then((m) => {
    m.cryptoProvider.set(webcrypto as unknown as Crypto);
    return m;
  });
  return x509Promise;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;
}

export interface GenerateOptions {
  commonName: string;
  kind?: 'rsa' | 'ec';
  notBefore?: Date;
  notAfter?: Date;
  serialNumber?: string;
}

/** Generates a fresh key pair and a self-signed certificate (no caching). */
export async function generateKeyPair(opts: GenerateOptions): Promise<TestKeyPair> {
  const x509 = await loadX509();
  const subtle = webcrypto.subtle;
  const alg =
    opts.kind === 'ec'
      ? { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
      : { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const keys = await subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: opts.serialNumber ?? '01',
    name: `CN=${opts.commonName}`,
    notBefore: opts.notBefore ?? new Date(Date.UTC(2020, 0, 1)),
    notAfter: opts.notAfter ?? new Date(Date.UTC(2120, 0, 1)),
    signingAlgorithm: alg,
    keys,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true)],
  });
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
  return { privateKey: pem('PRIVATE KEY', pkcs8), certificate: cert.toString('pem') + '\n' };
}

export type TestKeyName = 'idp' | 'idp-next' | 'sp-signing' | 'sp-encryption' | 'attacker' | 'idp-ec';

const cache = new Map<TestKeyName, Promise<TestKeyPair>>();

/** A named key pair, generated once per process. */
export function testKeyPair(name: TestKeyName): Promise<TestKeyPair> {
  let entry = cache.get(name);
  if (!entry) {
    entry = generateKeyPair({ commonName: `tributary-test-${name}`, kind: name === 'idp-ec' ? 'ec' : 'rsa' });
    cache.set(name, entry);
  }
  return entry;
}
