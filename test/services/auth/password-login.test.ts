import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    const user = await passwordLogin(app.ctx, 'alice', 'correct horse');
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
    expect(await passwordLogin(app.ctx, username, password)).toBeNull();
    expect(await lastEvent('login_failed')).toMatchObject({ context: { username: String(username) } });
  });
});
