import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/security/passwords.js';

describe('scrypt passwords', () => {
  it('hashes into a self-describing format and verifies', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
  });

  it('salts every hash', async () => {
    const a = await hashPassword('same');
    const b = await hashPassword('same');
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('rejects a wrong password', async () => {
    const stored = await hashPassword('Zoë Ωμέγα 🚀');
    expect(await verifyPassword('Zoë Ωμέγα 🚀', stored)).toBe(true);
    expect(await verifyPassword('Zoe Ωμέγα 🚀', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('never verifies against a missing hash', async () => {
    expect(await verifyPassword('anything', null)).toBe(false);
    expect(await verifyPassword('', '')).toBe(false);
  });

  describe('answers false (never throws, never true) for a malformed stored hash', async () => {
    const good = await hashPassword('pw');
    const [, n, r, p, salt, hash] = good.split('$');
    const cases: Record<string, string> = {
      garbage: 'garbage',
      'django pbkdf2': 'pbkdf2_sha256$600000$salt$aGFzaA==',
      'unusable (!)': '!unusable',
      'too few parts': `scrypt$${n}$${r}$${p}$${salt}`,
      truncated: good.slice(0, -12),
      'empty hash part': `scrypt$${n}$${r}$${p}$${salt}$`,
      'non-numeric N': `scrypt$abc$${r}$${p}$${salt}$${hash}`,
      'N not a power of two': `scrypt$1000$${r}$${p}$${salt}$${hash}`,
      'N over the memory limit': `scrypt$${2 ** 30}$${r}$${p}$${salt}$${hash}`,
    };
    for (const [label, stored] of Object.entries(cases)) {
      it(label, async () => {
        await expect(verifyPassword('not-the-password', stored)).resolves.toBe(false);
        await expect(verifyPassword('pw', stored)).resolves.toBe(false);
      });
    }
  });
});
