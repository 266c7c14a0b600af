/** The provisioning sequence Microsoft Entra ID runs against a SCIM endpoint (test/fakes). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntraClient } from '../../../fakes/scim-clients.js';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { createScimSource, ENTERPRISE, scimClient } from './support.js';

let app: TestApp;
let entra: EntraClient;

beforeAll(async () => {
  app = await createTestApp();
  const source = await createScimSource(app);
  entra = new EntraClient(scimClient(app, source));
});
afterAll(async () => app?.close());

describe('Microsoft Entra ID provisioning', () => {
  const user = {
    externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
    userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
    email: 'Test_User_fd0ea19b@testuser.com',
    givenName: 'Gina',
    familyName: 'Familyname',
    department: 'Sales',
  };
  let userId = '';
  let managerId = '';
  let groupId = '';

  it('test connection: a query for a missing user answers an empty list', async () => {
    const r = await entra.testConnection();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ totalResults: 0, Resources: [], startIndex: 1, itemsPerPage: 0 });
  });

  it('checks the user does not exist, then creates it', async () => {
    expect((await entra.findUserByUserName(user.userName)).body.totalResults).toBe(0);
    const r = await entra.createUser(user);
    expect(r.status).toBe(201);
    expect(r.headers['content-type']).toMatch(/^application\/scim\+json/);
    userId = r.body.id;
    expect(r.headers.location).toBe(r.body.meta.location);
    expect(r.body).toMatchObject({
      externalId: user.externalId,
      userName: user.userName,
      active: true,
      name: { givenName: 'Gina', familyName: 'Familyname', formatted: 'Gina Familyname' },
      emails: [{ primary: true, type: 'work', value: user.email }],
      [ENTERPRISE]: { department: 'Sales' },
      meta: { resourceType: 'User' },
    });
    expect(r.body.schemas).toEqual(expect.arrayContaining(['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE]));
    const manager = await entra.createUser({ ...user, externalId: 'mgr-1', userName: 'manager@testuser.com', email: 'manager@testuser.com' });
    managerId = manager.body.id;
  });

  it('finds the user by userName (any case) and by externalId, and reads it', async () => {
    const byName = await entra.findUserByUserName(user.userName.toUpperCase());
    expect(byName.body.totalResults).toBe(1);
    expect(byName.body.Resources[0].id).toBe(userId);
    expect((await entra.findUserByExternalId(user.externalId)).body.Resources.map((u: { id: string }) => u.id)).toEqual([userId]);
    // externalId is caseExact (RFC 7643 §3.1).
    expect((await entra.findUserByExternalId(user.externalId.toUpperCase())).body.totalResults).toBe(0);
    const got = await entra.getUser(userId);
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(userId);
  });

  it('replaces a filtered email value and the family name in one PATCH', async () => {
    const r = await entra.updateEmailAndFamilyName(userId, 'updatedEmail@microsoft.com', 'updatedFamilyName');
    expect(r.status).toBe(200);
    expect(r.body.emails).toEqual([{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }]);
    expect(r.body.name).toMatchObject({ familyName: 'updatedFamilyName', givenName: 'Gina' });
    const stored = await app.ctx.store.repos.users.byUuid(userId);
    expect(stored?.email).toBe('updatedEmail@microsoft.com');
  });

  it('adds attributes path-less (dotted keys, enterprise manager) and renames the user', async () => {
    const r = await entra.addAttributes(userId, 'Gina Display', managerId);
    expect(r.status).toBe(200);
    expect(r.body.displayName).toBe('Gina Display');
    expect(r.body[ENTERPRISE]).toMatchObject({ department: 'Sales', manager: { value: managerId } });
    const renamed = await entra.updateUserName(userId, 'renamed@testuser.com');
    expect(renamed.body.userName).toBe('renamed@testuser.com');
    expect((await app.ctx.store.repos.users.byUuid(userId))?.username).toBe('renamed@testuser.com');
  });

  it('disables the user with the string boolean "False"', async () => {
    const r = await entra.disableUser(userId);
    expect(r.status).toBe(200);
    expect(r.body.active).toBe(false);
    expect((await app.ctx.store.repos.users.byUuid(userId))?.isActive).toBe(false);
  });

  it('creates a group, finds it by displayName, adds and removes members, renames it', async () => {
    const created = await entra.createGroup({ externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'Entra Group' });
    expect(created.status).toBe(201);
    groupId = created.body.id;
    expect(created.body).toMatchObject({ displayName: 'Entra Group', externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', members: [] });

    const found = await entra.findGroupByDisplayName('entra group');
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0]).not.toHaveProperty('members');

    const added = await entra.addMembers(groupId, [userId, managerId]);
    expect(added.status).toBe(200);
    expect(added.body.members.map((m: { value: string }) => m.value).sort()).toEqual([userId, managerId].sort());

    const removed = await entra.removeMembers(groupId, [managerId]);
    expect(removed.body.members.map((m: { value: string }) => m.value)).toEqual([userId]);

    const renamed = await entra.renameGroup(groupId, 'Entra Group updated');
    expect(renamed.body.displayName).toBe('Entra Group updated');
    const got = await entra.getGroup(groupId);
    expect(got.body).toMatchObject({ id: groupId, displayName: 'Entra Group updated' });
    expect(got.body).not.toHaveProperty('members');
  });

  it('deletes the user and the group', async () => {
    expect((await entra.deleteUser(userId)).status).toBe(204);
    expect((await entra.getUser(userId)).status).toBe(404);
    expect(await app.ctx.store.repos.users.byUuid(userId)).toBeNull();
    expect((await entra.deleteGroup(groupId)).status).toBe(204);
    expect((await entra.getGroup(groupId)).status).toBe(404);
    expect((await entra.deleteGroup(groupId)).status).toBe(404);
  });
});
