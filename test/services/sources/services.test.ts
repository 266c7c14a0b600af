/** Source use cases called directly (no HTTP): SCIM account upkeep and connection ownership. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/domain/entities.js';
import { NotFoundError, PermissionDeniedError, ValidationError } from '../../../src/errors/index.js';
import { ensureScimServiceAccount } from '../../../src/sources/scim/service-account.js';
import { oauthService, oauthSourceTypes } from '../../../src/sources/oauth/service.js';
import { createKindSource } from '../../../src/services/sources/kind-sources.js';
import { createUserConnection, getUserConnection, updateUserConnection } from '../../../src/services/sources/user-connections.js';
import { createTestApp, type TestApp } from '../../support/app.js';

let app: TestApp;
let admin: Principal;
let user: Principal;
let sourceUuid: string;
beforeAll(async () => {
  app = await createTestApp();
  const repos = app.ctx.store.repos;
  admin = { user: (await repos.users.byUsername('akadmin'))!, isSuperuser: true, via: 'token' };
  user = { user: await repos.users.create({ username: 'someone' }), isSuperuser: false, via: 'session' };
  sourceUuid = (
    await createKindSource(app.ctx, 'oauth', oauthService, { name: 'G', slug: 'g', provider_type: 'google', consumer_key: 'k', consumer_secret: 's' })
  ).uuid;
});
afterAll(async () => app?.close());

describe('sources services', () => {
  it('keeps exactly one SCIM service account and token per source, whatever the number of saves', async () => {
    const repos = app.ctx.store.repos;
    const src = await repos.kindSources.scim.create({ name: 'SC', slug: 'sc' }, {});
    const t1 = await ensureScimServiceAccount(repos, src);
    const t2 = await ensureScimServiceAccount(repos, { ...src, name: 'Renamed' });
    expect(t2.uuid).toBe(t1.uuid);
    expect((await repos.users.byUsername(`ak-source-scim-${src.uuid}`))!.name).toBe('SCIM Source Renamed Service-Account');
    await repos.tokens.update(t1.identifier, { expiring: true, expires: new Date(0) });
    const t3 = await ensureScimServiceAccount(repos, src);
    expect(t3).toMatchObject({ expiring: false, expires: null, intent: 'api' });
  });

  it('only admins create connections; owners cannot re-point theirs', async () => {
    await expect(createUserConnection(app.ctx, user, 'oauth', { user: user.user.id, source: sourceUuid, identifier: 'x' })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    const conn = await createUserConnection(app.ctx, admin, 'oauth', { user: user.user.id, source: sourceUuid, identifier: 'mine' });
    const updated = await updateUserConnection(app.ctx, user, 'oauth', String(conn.id), { identifier: 'theirs', user: admin.user.id });
    expect(updated).toMatchObject({ identifier: 'mine', userId: user.user.id });
    const other = await createUserConnection(app.ctx, admin, 'oauth', { user: admin.user.id, source: sourceUuid, identifier: 'admin' });
    await expect(getUserConnection(app.ctx.store.repos, user, 'oauth', String(other.id))).rejects.toBeInstanceOf(NotFoundError);
    await expect(getUserConnection(app.ctx.store.repos, user, null, 'abc')).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      createUserConnection(app.ctx, admin, 'oauth', { user: admin.user.id, source: sourceUuid, identifier: 'mine' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('describes provider types, the generic default for unknown names and azuread under its 2024.8 name', () => {
    expect(oauthSourceTypes(undefined)).toHaveLength(16);
    expect(oauthSourceTypes('azuread')[0].name).toBe('azuread');
    expect(oauthSourceTypes('unknown')[0].name).toBe('default');
  });
});
