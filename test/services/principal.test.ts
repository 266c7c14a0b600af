/** Which bearer tokens make an admin-API caller: source-scoped tokens never do. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermissionDeniedError } from '../../src/errors/index.js';
import { principalFromToken, sourceScopedToken } from '../../src/services/principal.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createToken, createUser } from '../support/sessions.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

describe('sourceScopedToken', () => {
  it.each([
    [{ managed: 'goauthentik.io/sources/scim/0b7c1a56-5d7e-4f0e-9d1c-2f9d9a1b7e11' }, { type: 'internal', path: 'users' }, true],
    [{ managed: null }, { type: 'internal_service_account', path: 'goauthentik.io/sources/scim' }, true],
    [{ managed: null }, { type: 'internal_service_account', path: 'goauthentik.io/sources' }, true],
    // A user a source created for a person keeps its tokens: only service accounts are scoped.
    [{ managed: null }, { type: 'external', path: 'goauthentik.io/sources/corp' }, false],
    [{ managed: null }, { type: 'internal_service_account', path: 'goauthentik.io/sourcesx' }, false],
    [{ managed: 'goauthentik.io/token/other' }, { type: 'service_account', path: 'users' }, false],
    [{ managed: null }, { type: 'internal', path: 'users' }, false],
  ] as const)('%j of %j → %s', (token, user, expected) => {
    expect(sourceScopedToken(token, user)).toBe(expected);
  });
});

describe('principalFromToken', () => {
  it('refuses a SCIM service account token with permission denied', async () => {
    const account = await app.ctx.store.repos.users.create({
      username: 'ak-source-scim-x',
      name: 'SCIM',
      type: 'internal_service_account',
      path: 'goauthentik.io/sources/scim',
    });
    const key = await createToken(app, account.id, { managed: 'goauthentik.io/sources/scim/x' });
    await expect(principalFromToken(app.ctx, key)).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('answers a person with an api token, and nobody for an unknown key', async () => {
    const user = await createUser(app, 'principal-person');
    const key = await createToken(app, user.id);
    expect(await principalFromToken(app.ctx, key)).toMatchObject({ user: { id: user.id }, isSuperuser: false, via: 'token' });
    expect(await principalFromToken(app.ctx, 'no-such-key-0123456789')).toBeNull();
  });
});
