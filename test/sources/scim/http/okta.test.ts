/** The provisioning sequence Okta runs against a SCIM 2.0 app (test/fakes). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OktaClient } from '../../../fakes/scim-clients.js';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { createScimSource, scimClient } from './support.js';

let app: TestApp;
let okta: OktaClient;

beforeAll(async () => {
  app = await createTestApp();
  const source = await createScimSource(app);
  okta = new OktaClient(scimClient(app, source));
});
afterAll(async () => app?.close());

describe('Okta provisioning', () => {
  let userId = '';
  let otherId = '';
  let groupId = '';

  it('tests the credentials and looks the user up before creating it', async () => {
    const t = await okta.testCredentials();
    expect(t.status).toBe(200);
    expect(t.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    expect((await okta.findUserByUserName('test.user@okta.local')).body).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it('creates the user; the password is not stored in the payload', async () => {
    const r = await okta.createUser({
      userName: 'test.user@okta.local',
      givenName: 'Test',
      familyName: 'User',
      externalId: '00ujl29u0le5T6Aj10h7',
      password: '1mz050nq',
    });
    expect(r.status).toBe(201);
    userId = r.body.id;
    expect(r.body).toMatchObject({ userName: 'test.user@okta.local', displayName: 'Test User', locale: 'en-US', active: true, groups: [] });
    expect(r.body).not.toHaveProperty('password');
    const link = await app.db
      .selectFrom('scim_source_users')
      .select('attributes')
      .where('external_id', '=', '00ujl29u0le5T6Aj10h7')
      .executeTakeFirstOrThrow();
    expect(link.attributes).not.toHaveProperty('password');
    expect(link.attributes).toMatchObject({ locale: 'en-US' });
    const other = await okta.createUser({
      userName: 'other@okta.local',
      givenName: 'Other',
      familyName: 'User',
      externalId: '00uother',
      password: 'x',
    });
    otherId = other.body.id;
  });

  it('reads the user, then pushes a profile change with PUT', async () => {
    const got = await okta.getUser(userId);
    expect(got.status).toBe(200);
    const r = await okta.replaceUser(userId, {
      userName: 'test.user@okta.local',
      givenName: 'Another',
      familyName: 'User',
      externalId: '00ujl29u0le5T6Aj10h7',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: userId, displayName: 'Another User', name: { givenName: 'Another', familyName: 'User' } });
    expect((await app.ctx.store.repos.users.byUuid(userId))?.name).toBe('Another User');
  });

  it('deactivates and reactivates with a path-less replace of active; a password sync changes nothing', async () => {
    expect((await okta.setActive(userId, false)).body.active).toBe(false);
    expect((await app.ctx.store.repos.users.byUuid(userId))?.isActive).toBe(false);
    expect((await okta.setActive(userId, true)).body.active).toBe(true);
    const before = await app.db
      .selectFrom('scim_source_users')
      .select(['attributes', 'last_update'])
      .where('external_id', '=', '00ujl29u0le5T6Aj10h7')
      .executeTakeFirstOrThrow();
    const r = await okta.syncPassword(userId, 'n3w-passw0rd');
    expect(r.status).toBe(200);
    const after = await app.db
      .selectFrom('scim_source_users')
      .select(['attributes', 'last_update'])
      .where('external_id', '=', '00ujl29u0le5T6Aj10h7')
      .executeTakeFirstOrThrow();
    expect(after).toEqual(before);
  });

  it('pushes a group: create, import, rename, add and remove members, full PUT, delete', async () => {
    const created = await okta.createGroup('Test SCIMv2');
    expect(created.status).toBe(201);
    groupId = created.body.id;
    const imported = await okta.importGroups();
    expect(imported.body.Resources.map((g: { id: string }) => g.id)).toEqual([groupId]);

    const renamed = await okta.renameGroup(groupId, 'Test SCIMv2 renamed');
    expect(renamed.status).toBe(200);
    expect(renamed.body.displayName).toBe('Test SCIMv2 renamed');

    const added = await okta.addMembers(groupId, [
      { value: userId, display: 'test.user@okta.local' },
      { value: otherId, display: 'other@okta.local' },
    ]);
    expect(added.body.members).toHaveLength(2);
    const removed = await okta.removeMember(groupId, userId);
    expect(removed.body.members.map((m: { value: string }) => m.value)).toEqual([otherId]);

    const put = await okta.replaceGroup(groupId, 'Test SCIMv2 final', [{ value: userId, display: 'test.user@okta.local' }]);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ displayName: 'Test SCIMv2 final', members: [{ value: userId }] });
    expect((await okta.getGroup(groupId)).body.members.map((m: { value: string }) => m.value)).toEqual([userId]);

    expect((await okta.deleteGroup(groupId)).status).toBe(204);
    expect((await okta.getGroup(groupId)).status).toBe(404);
  });
});
