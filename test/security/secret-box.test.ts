import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/security/secret-box.js';

const KEY = 'a-test-secret-key-that-is-long-enough-0123';
const box = new SecretBox(KEY);

function flipByte(sealed: string, index: number): string {
  const raw = Buffer.from(sealed.slice(3), 'base64url');
  raw[index] ^= 0x01;
  return 'v1.' + raw.toString('base64url');
}

describe('SecretBox', () => {
  it.each(['hunter2', '', 'Zoë Ωμέγα 🚀', '-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n', 'x'.repeat(100_000)])(
    'round-trips %#',
    (plaintext) => {
      const sealed = box.encrypt(plaintext);
      expect(sealed.startsWith('v1.')).toBe(true);
      if (plaintext.length > 0) expect(sealed).not.toContain(plaintext);
      expect(box.decrypt(sealed)).toBe(plaintext);
    },
  );

  it('produces a different ciphertext every time (random IV)', () => {
    const a = box.encrypt('same plaintext');
    const b = box.encrypt('same plaintext');
    expect(a).not.toBe(b);
    expect(box.decrypt(a)).toBe(box.decrypt(b));
  });

  it('detects tampering anywhere in iv, ciphertext or tag', () => {
    const sealed = box.encrypt('secret value');
    const len = Buffer.from(sealed.slice(3), 'base64url').length;
    for (const index of [0, 11, 12, len - 17, len - 16, len - 1]) {
      expect(() => box.decrypt(flipByte(sealed, index)), `byte ${index}`).toThrow();
    }
  });

  it('rejects truncated and unknown formats', () => {
    const sealed = box.encrypt('secret value');
    expect(() => box.decrypt(sealed.slice(0, 20))).toThrow();
    expect(() => box.decrypt('v2.' + sealed.slice(3))).toThrow('Unknown secret format');
    expect(() => box.decrypt('secret value')).toThrow('Unknown secret format');
  });

  it('fails to decrypt with another key', () => {
    const sealed = box.encrypt('secret value');
    expect(() => new SecretBox(KEY + 'x').decrypt(sealed)).toThrow();
    // The same key in a new instance decrypts (the key is derived deterministically).
    expect(new SecretBox(KEY).decrypt(sealed)).toBe('secret value');
  });

  it('maps empty and missing values to null for nullable columns', () => {
    expect(box.encryptNullable(null)).toBeNull();
    expect(box.encryptNullable(undefined)).toBeNull();
    expect(box.encryptNullable('')).toBeNull();
    expect(box.decryptNullable(null)).toBeNull();
    expect(box.decryptNullable(box.encryptNullable('v'))).toBe('v');
  });

  it('computes a stable, keyed lookup digest', () => {
    const d = box.lookupDigest('token-key');
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(box.lookupDigest('token-key')).toBe(d);
    expect(new SecretBox(KEY).lookupDigest('token-key')).toBe(d);
    expect(box.lookupDigest('token-kez')).not.toBe(d);
    expect(new SecretBox(KEY + 'x').lookupDigest('token-key')).not.toBe(d);
    // Not a bare hash of the value: without the server secret the digest cannot be recomputed.
    expect(d).not.toBe(new SecretBox('').lookupDigest('token-key'));
  });

  it('derives a cookie secret separate from the encryption and lookup keys', () => {
    const s = box.cookieSecret();
    expect(s).toBe(new SecretBox(KEY).cookieSecret());
    expect(s).not.toBe(new SecretBox(KEY + 'x').cookieSecret());
    expect(Buffer.from(s, 'base64url')).toHaveLength(32);
    expect(s).not.toContain(KEY);
  });
});
