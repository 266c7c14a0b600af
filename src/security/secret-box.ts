/**
 * Encryption at rest for secrets (client secrets, private keys, IdP tokens, API token keys).
 * AES-256-GCM with a key derived from TRIBUTARY_SECRET_KEY by HKDF, so a database dump alone
 * reveals no key material. Format: `v1.<base64url(iv | ciphertext | tag)>`.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'v1.';

export class SecretBox {
  readonly #key: Buffer;
  readonly #macKey: Buffer;

  constructor(secret: string) {
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'tributary', 'secret-box-v1', 32));
    this.#macKey = Buffer.from(hkdfSync('sha256', secret, 'tributary', 'lookup-mac-v1', 32));
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, ct, cipher.getAuthTag()]).toString('base64url');
  }

  decrypt(sealed: string): string {
    if (!sealed.startsWith(PREFIX)) throw new Error('Unknown secret format');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    if (raw.length < 28) throw new Error('Truncated secret');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  }

  encryptNullable(plaintext: string | null | undefined): string | null {
    return plaintext === null || plaintext === undefined || plaintext === '' ? null : this.encrypt(plaintext);
  }

  decryptNullable(sealed: string | null | undefined): string | null {
    return sealed ? this.decrypt(sealed) : null;
  }

  /**
   * Keyed digest for looking secrets up by value (API token keys, session ids). Keyed so the
   * stored digest is useless without the server secret; the lookup is by the full digest,
   * so response time does not depend on how many leading characters of a guess are right.
   */
  lookupDigest(value: string): string {
    return createHmac('sha256', this.#macKey).update(value).digest('hex');
  }

  /** Key for signing cookies, separate from the encryption key. */
  cookieSecret(): string {
    return Buffer.from(hkdfSync('sha256', this.#key, 'tributary', 'cookie-v1', 32)).toString('base64url');
  }
}
