import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../../src/errors/index.js';
import { PASSWORD_LOGIN_THROTTLE } from '../../../src/services/throttle.js';
import { hashPassword } from '../../../src/security/passwords.js';
import { passwordLogin } from '../../../src/services/auth/password-login.js';
import { createTestApp, type TestApp } from '../../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  const passwordHash = await hashPassword('correct horse');
  await app.ctx.store.repos.users.create({ username: 'alice', passwordHash });
  await app.ctx.store.repos.users.create({ username: 'gone', passwordHash, isActive: false });
});
afterAll(async () => app?.close());

const lastEvent = async (action: string) => (await app.ctx.store.repos.events.recent(action, 1))[0];

describe('passwordLogin', () => {
  it('signs in with the right password, sets last_login and records a login event', async () => {
    const user = await passwordLogin(app.ctx, 'alice', 'correct horse', '192.0.2.1');
    expect(user?.username).toBe('alice');
    expect((await app.ctx.store.repos.users.byUsername('alice'))!.lastLogin).not.toBeNull();
    expect(await lastEvent('login')).toMatchObject({ user: { username: 'alice' }, context: { auth_method: 'password' } });
  });

  it.each([
    ['a wrong password', 'alice', 'wrong'],
    ['an unknown user', 'nobody', 'correct horse'],
    ['an inactive user', 'gone', 'correct horse'],
    ['a missing password', 'alice', undefined],
    ['a non-string username', 42, 'correct horse'],
  ])('refuses %s and records login_failed', async (_case, username, password) => {
    expect(await passwordLogin(app.ctx, username, password, '192.0.2.1')).toBeNull();
    expect(await lastEvent('login_failed')).toMatchObject({ context: { username: String(username) } });
  });
});

describe('passwordLogin throttling (per client address and username)', () => {
  const { limit } = PASSWORD_LOGIN_THROTTLE;
  const fail = async (username: string, ip: string) => expect(await passwordLogin(app.ctx, username, 'wrong', ip)).toBeNull();

  it(`refuses the attempt after ${limit} failures, even with the right password, and only for that address and username`, async () => {
    for (let i = 0; i < limit; i++) await fail('alice', '198.51.100.10');
    await expect(passwordLogin(app.ctx, 'alice', 'correct horse', '198.51.100.10')).rejects.toBeInstanceOf(ThrottledError);
    expect((await passwordLogin(app.ctx, 'alice', 'correct horse', '198.51.100.11'))?.username).toBe('alice');
    await fail('nobody', '198.51.100.10');
  });

  it('treats an unknown username exactly like a known one (no enumeration through the throttle)', async () => {
    for (let i = 0; i < limit; i++) await fail('no-such-user', '198.51.100.12');
    const error = await passwordLogin(app.ctx, 'no-such-user', 'whatever', '198.51.100.12').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryAfterSeconds).toBeGreaterThan(PASSWORD_LOGIN_THROTTLE.windowSeconds - 30);
    expect((error as ThrottledError).retryAfterSeconds).toBeLessThanOrEqual(PASSWORD_LOGIN_THROTTLE.windowSeconds);
  });

  it('a successful sign-in clears the failures of that address and username', async () => {
    for (let i = 0; i < limit - 1; i++) await fail('alice', '198.51.100.13');
    expect(await passwordLogin(app.ctx, 'alice', 'correct horse', '198.51.100.13')).not.toBeNull();
    for (let i = 0; i < limit - 1; i++) await fail('alice', '198.51.100.13');
    expect(await passwordLogin(app.ctx, 'alice', 'correct horse', '198.51.100.13')).not.toBeNull();
  });
});
