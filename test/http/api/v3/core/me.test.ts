/** Who may call the admin API, and /core/users/me/ by token and by session cookie. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../../../src/domain/entities.js';
import { createTestApp, type TestApp } from '../../../../support/app.js';
import { missingRequiredKeys } from '../../../../support/client-models.js';
import { createToken, createUser, normalUser, sessionCookie, unsignedCookie } from '../../../../support/sessions.js';

const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.' };
const NO_PERMISSION = { detail: 'You do not have permission to perform this action.' };
const ADMIN_ENDPOINTS = ['/api/v3/core/users/', '/api/v3/core/groups/', '/api/v3/flows/instances/', '/api/v3/crypto/certificatekeypairs/'];

let app: TestApp;
let normal: { user: User; token: string };
beforeAll(async () => {
  app = await createTestApp();
  normal = await normalUser(app, 'me-normal');
});
afterAll(async () => app?.close());

const get = (url: string, opts: { token?: string | null; headers?: Record<string, string> } = {}) => app.request({ method: 'GET', url, ...opts });

describe('authentication failures answer 403 "not provided"', () => {
  it('without any credentials', async () => {
    for (const url of [...ADMIN_ENDPOINTS, '/api/v3/core/users/me/', '/api/v3/core/tokens/']) {
      const res = await get(url, { token: null });
      expect(res.statusCode, url).toBe(403);
      expect(res.json(), url).toEqual(NOT_AUTHENTICATED);
    }
  });

  it.each([
    ['an unknown token', 'Bearer no-such-token-0123456789'],
    ['an empty bearer', 'Bearer '],
    ['another scheme', 'Basic YWthZG1pbjpwYXNzd29yZA=='],
    ['a bare token without scheme', 'test-admin-token-0123456789abcdef'],
  ])('with %s', async (_label, authorization) => {
    const res = await get('/api/v3/core/users/me/', { token: null, headers: { authorization } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(NOT_AUTHENTICATED);
  });

  it('with a token whose intent is not api', async () => {
    for (const intent of ['verification', 'recovery', 'app_password'] as const) {
      const key = await createToken(app, normal.user.id, { intent });
      const res = await get('/api/v3/core/users/me/', { token: key });
      expect(res.statusCode, intent).toBe(403);
      expect(res.json(), intent).toEqual(NOT_AUTHENTICATED);
    }
  });

  it('with an expired api token', async () => {
    const key = await createToken(app, normal.user.id, { expiring: true, expires: new Date(Date.now() - 60_000) });
    const res = await get('/api/v3/core/users/me/', { token: key });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(NOT_AUTHENTICATED);
    const live = await createToken(app, normal.user.id, { expiring: true, expires: new Date(Date.now() + 60_000) });
    expect((await get('/api/v3/core/users/me/', { token: live })).statusCode).toBe(200);
  });

  it('with the token of an inactive user', async () => {
    const inactive = await createUser(app, 'me-inactive', { isActive: false });
    const key = await createToken(app, inactive.id);
    const res = await get('/api/v3/core/users/me/', { token: key });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(NOT_AUTHENTICATED);
  });

  it('with a token whose user was deactivated after it was issued', async () => {
    const user = await createUser(app, 'me-deactivated');
    const key = await createToken(app, user.id);
    expect((await get('/api/v3/core/users/me/', { token: key })).statusCode).toBe(200);
    await app.ctx.store.repos.users.update(user.id, { isActive: false });
    expect((await get('/api/v3/core/users/me/', { token: key })).json()).toEqual(NOT_AUTHENTICATED);
  });
});

describe('authorization', () => {
  it.each(ADMIN_ENDPOINTS)('refuses a normal user on %s with 403 "no permission"', async (url) => {
    const res = await get(url, { token: normal.token });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(NO_PERMISSION);
  });

  it('refuses a normal user writes and detail views of admin objects', async () => {
    const flows = await get('/api/v3/flows/instances/default-source-enrollment/', { token: normal.token });
    expect(flows.json()).toEqual(NO_PERMISSION);
    const create = await app.request({ method: 'POST', url: '/api/v3/core/groups/', payload: { name: 'sneaky' }, token: normal.token });
    expect(create.statusCode).toBe(403);
    expect(create.json()).toEqual(NO_PERMISSION);
    const self = await app.request({ method: 'PATCH', url: `/api/v3/core/users/${normal.user.id}/`, payload: { name: 'x' }, token: normal.token });
    expect(self.json()).toEqual(NO_PERMISSION);
    expect(await app.ctx.store.repos.groups.byName('sneaky')).toBeNull();
  });

  it('lets a user in a superuser group through', async () => {
    const { user, token } = await normalUser(app, 'me-promoted');
    expect((await get('/api/v3/core/users/', { token })).statusCode).toBe(403);
    const group = await app.ctx.store.repos.groups.create({ name: 'me-supers', isSuperuser: true });
    await app.ctx.store.repos.groups.addMembers(group.uuid, [user.id]);
    expect((await get('/api/v3/core/users/', { token })).statusCode).toBe(200);
  });
});

describe('/core/users/me/', () => {
  function expectSelf(body: { user: Record<string, unknown> }, user: User): void {
    expect(body.user).toMatchObject({
      pk: user.id,
      username: user.username,
      name: user.name,
      email: user.email,
      is_active: true,
      is_superuser: false,
    });
  }

  it('answers a normal user with a token', async () => {
    const res = await get('/api/v3/core/users/me/', { token: normal.token });
    expect(res.statusCode).toBe(200);
    expectSelf(res.json(), normal.user);
  });

  it('answers a normal user with a session cookie', async () => {
    const login = await sessionCookie(app, normal.user.id);
    const res = await get('/api/v3/core/users/me/', { token: null, headers: login.headers });
    expect(res.statusCode).toBe(200);
    expectSelf(res.json(), normal.user);
  });

  it('answers the superuser', async () => {
    const res = await get('/api/v3/core/users/me/');
    expect(res.json().user).toMatchObject({ username: 'akadmin', is_superuser: true });
  });

  it('serves the SessionUser/UserSelf shape the client requires', async () => {
    const res = await get('/api/v3/core/users/me/');
    expect(missingRequiredKeys('SessionUser', res.json())).toEqual([]);
    const user = res.json().user;
    // UserSelf.groups are {name, pk} objects, not bare pks.
    expect(user.groups).toEqual([{ name: 'authentik Admins', pk: expect.any(String) }]);
    expect(user.settings).toEqual({});
    expect(user.system_permissions).toEqual([]);
  });

  it('ignores a forged or unsigned session cookie', async () => {
    const login = await sessionCookie(app, normal.user.id);
    for (const cookie of [unsignedCookie(login.sessionId), `${login.cookie}x`, unsignedCookie(`${login.sessionId}.forgedsignature`)]) {
      const res = await get('/api/v3/core/users/me/', { token: null, headers: { cookie } });
      expect(res.statusCode, cookie).toBe(403);
      expect(res.json()).toEqual(NOT_AUTHENTICATED);
    }
  });

  it('ignores a signed cookie for a session that does not exist or has no user', async () => {
    const ghost = `tributary_session=${encodeURIComponent(app.http.signCookie('no-such-session'))}`;
    expect((await get('/api/v3/core/users/me/', { token: null, headers: { cookie: ghost } })).statusCode).toBe(403);
    const anonymous = await sessionCookie(app, null);
    expect((await get('/api/v3/core/users/me/', { token: null, headers: anonymous.headers })).json()).toEqual(NOT_AUTHENTICATED);
  });

  it('refuses a session cookie of a normal user on admin endpoints', async () => {
    const login = await sessionCookie(app, normal.user.id);
    const res = await get('/api/v3/core/users/', { token: null, headers: login.headers });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(NO_PERMISSION);
  });

  it('stops accepting a session once its user is deleted', async () => {
    const temp = await createUser(app, 'me-temp');
    const login = await sessionCookie(app, temp.id);
    expect((await get('/api/v3/core/users/me/', { token: null, headers: login.headers })).statusCode).toBe(200);
    await app.ctx.store.repos.users.delete(temp.id);
    expect((await get('/api/v3/core/users/me/', { token: null, headers: login.headers })).statusCode).toBe(403);
  });
});
