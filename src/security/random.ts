import { randomBytes } from 'node:crypto';

const ALPHANUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Unbiased random alphanumeric string (rejection sampling), e.g. API token keys. */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHANUM[byte % 62];
    }
  }
  return out;
}

export function randomUrlToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
