/**
 * Every user/group-connection, SCIM-link and source-property-mapping operation of the 2024.8.3
 * client. Fields the 2024.8 client cannot send (`user`, `group`, `source` on create) are added
 * to its request body by a fetch middleware — the rest of the call is the client's own.
 */
import {
  instanceOfGroupOAuthSourceConnection,
  instanceOfGroupSAMLSourceConnection,
  instanceOfOAuthSourcePropertyMapping,
  instanceOfSAMLSourcePropertyMapping,
  instanceOfSCIMSourceGroup,
  instanceOfSCIMSourcePropertyMapping,
  instanceOfSCIMSourceUser,
  instanceOfUserOAuthSourceConnection,
  instanceOfUserSAMLSourceConnection,
  instanceOfUserSourceConnection,
} from '@goauthentik/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuth, createSaml, createScim, createUser } from '../http/api/v3/sources/helpers.js';
import { call, failure, requiredKeysMissing, startContractApp, type ContractApp } from './support.js';

let c: ContractApp;
let oauth: Record<string, any>;
let saml: Record<string, any>;
let scim: Record<string, any>;
let user: { id: number; token: string };
let groupUuid: string;

beforeAll(async () => {
  c = await startContractApp();
  oauth = await createOAuth(c.app, 'cc-oauth');
  saml = await createSaml(c.app, 'cc-saml');
  scim = await createScim(c.app, 'cc-scim');
  user = await createUser(c.app, 'cc-user');
  groupUuid = (await c.app.ctx.store.repos.groups.create({ name: 'cc-group' })).uuid;
});
afterAll(async () => c?.close());

describe('user connections through the client', () => {
  it('oauth: create, list, retrieve, update, partial_update, used_by, destroy', async () => {
    const missing = await failure(() => c.sources.sourcesUserConnectionsOauthCreate({ userOAuthSourceConnectionRequest: { identifier: 'u-1' } }));
    expect(missing).toEqual({ status: 400, body: { user: ['This field is required.'], source: ['This field is required.'] } });
    const api = c.sourcesWithBody({ user: user.id, source: oauth.pk });
    const created = await call(() =>
      api.sourcesUserConnectionsOauthCreateRaw({ userOAuthSourceConnectionRequest: { identifier: 'u-1', accessToken: 'tok' } }),
    );
    expect(created.status).toBe(201);
    expect(instanceOfUserOAuthSourceConnection(created.value)).toBe(true);
    expect(requiredKeysMissing('UserOAuthSourceConnection', created.json)).toEqual([]);
    const id = created.value.pk;
    const list = await call(() =>
      c.sources.sourcesUserConnectionsOauthListRaw({ user: user.id, sourceSlug: 'cc-oauth', ordering: '-pk', search: 'u-', page: 1, pageSize: 5 }),
    );
    expect(requiredKeysMissing('PaginatedUserOAuthSourceConnectionList', list.json)).toEqual([]);
    expect(list.value.results.map((r) => r.pk)).toEqual([id]);
    expect((await c.sources.sourcesUserConnectionsOauthRetrieve({ id })).source.slug).toBe('cc-oauth');
    expect((await c.sources.sourcesUserConnectionsOauthUpdate({ id, userOAuthSourceConnectionRequest: { identifier: 'u-2' } })).identifier).toBe(
      'u-2',
    );
    expect(
      (await c.sources.sourcesUserConnectionsOauthPartialUpdate({ id, patchedUserOAuthSourceConnectionRequest: { identifier: 'u-3' } })).identifier,
    ).toBe('u-3');
    expect(await c.sources.sourcesUserConnectionsOauthUsedByList({ id })).toEqual([]);
    expect((await c.sources.sourcesUserConnectionsOauthDestroyRaw({ id })).raw.status).toBe(204);
  });

  it('saml: create, list, retrieve, update, partial_update, used_by, destroy', async () => {
    const api = c.sourcesWithBody({ user: user.id, source: saml.pk });
    const created = await call(() => api.sourcesUserConnectionsSamlCreateRaw({ userSAMLSourceConnectionRequest: { identifier: 'nameid' } }));
    expect(instanceOfUserSAMLSourceConnection(created.value)).toBe(true);
    expect(requiredKeysMissing('UserSAMLSourceConnection', created.json)).toEqual([]);
    const id = created.value.pk;
    const list = await call(() => c.sources.sourcesUserConnectionsSamlListRaw({ sourceSlug: 'cc-saml' }));
    expect(requiredKeysMissing('PaginatedUserSAMLSourceConnectionList', list.json)).toEqual([]);
    expect((await c.sources.sourcesUserConnectionsSamlRetrieve({ id })).identifier).toBe('nameid');
    expect((await c.sources.sourcesUserConnectionsSamlUpdate({ id, userSAMLSourceConnectionRequest: { identifier: 'n2' } })).identifier).toBe('n2');
    expect(
      (await c.sources.sourcesUserConnectionsSamlPartialUpdate({ id, patchedUserSAMLSourceConnectionRequest: { identifier: 'n3' } })).identifier,
    ).toBe('n3');
    expect(await c.sources.sourcesUserConnectionsSamlUsedByList({ id })).toEqual([]);

    // /all/: list, retrieve, update, partial_update, used_by, destroy
    const all = await call(() => c.sources.sourcesUserConnectionsAllListRaw({ user: user.id }));
    expect(requiredKeysMissing('PaginatedUserSourceConnectionList', all.json)).toEqual([]);
    expect(all.value.results.every(instanceOfUserSourceConnection)).toBe(true);
    const retrieved = await call(() => c.sources.sourcesUserConnectionsAllRetrieveRaw({ id }));
    expect(requiredKeysMissing('UserSourceConnection', retrieved.json)).toEqual([]);
    expect((await c.sources.sourcesUserConnectionsAllUpdate({ id })).pk).toBe(id);
    expect((await c.sources.sourcesUserConnectionsAllPartialUpdate({ id })).pk).toBe(id);
    expect(await c.sources.sourcesUserConnectionsAllUsedByList({ id })).toEqual([]);
    const mine = c.sourcesAs(user.token);
    expect((await mine.sourcesUserConnectionsAllList({})).results.map((r) => r.pk)).toEqual([id]);
    expect((await c.sources.sourcesUserConnectionsAllDestroyRaw({ id })).raw.status).toBe(204);
  });
});

describe('group connections through the client', () => {
  it('oauth: create, list, retrieve, update, partial_update, used_by, destroy', async () => {
    const none = await failure(() => c.sources.sourcesGroupConnectionsOauthCreate());
    expect(none.status).toBe(400);
    const created = await call(() =>
      c.sourcesWithBody({ group: groupUuid, source: oauth.pk, identifier: 'g-1' }).sourcesGroupConnectionsOauthCreateRaw(),
    );
    expect(created.status).toBe(201);
    expect(instanceOfGroupOAuthSourceConnection(created.value)).toBe(true);
    expect(requiredKeysMissing('GroupOAuthSourceConnection', created.json)).toEqual([]);
    const id = created.value.pk;
    const list = await call(() =>
      c.sources.sourcesGroupConnectionsOauthListRaw({ group: groupUuid, sourceSlug: 'cc-oauth', search: 'cc-group', ordering: 'source__slug' }),
    );
    expect(requiredKeysMissing('PaginatedGroupOAuthSourceConnectionList', list.json)).toEqual([]);
    expect(list.value.results.map((r) => r.pk)).toEqual([id]);
    expect((await c.sources.sourcesGroupConnectionsOauthRetrieve({ id })).identifier).toBe('g-1');
    expect((await c.sources.sourcesGroupConnectionsOauthUpdate({ id })).pk).toBe(id);
    expect((await c.sourcesWithBody({ identifier: 'g-2' }).sourcesGroupConnectionsOauthPartialUpdate({ id })).identifier).toBe('g-2');
    expect(await c.sources.sourcesGroupConnectionsOauthUsedByList({ id })).toEqual([]);
    expect((await c.sources.sourcesGroupConnectionsOauthDestroyRaw({ id })).raw.status).toBe(204);
  });

  it('saml: list, retrieve, update, partial_update, used_by, destroy', async () => {
    const conn = await c.app.ctx.store.repos.groupConnections.create({ kind: 'saml', groupUuid, sourceUuid: saml.pk, identifier: 'sg' });
    const list = await call(() => c.sources.sourcesGroupConnectionsSamlListRaw({ group: groupUuid }));
    expect(requiredKeysMissing('PaginatedGroupSAMLSourceConnectionList', list.json)).toEqual([]);
    const one = await call(() => c.sources.sourcesGroupConnectionsSamlRetrieveRaw({ id: conn.id }));
    expect(instanceOfGroupSAMLSourceConnection(one.value)).toBe(true);
    expect(requiredKeysMissing('GroupSAMLSourceConnection', one.json)).toEqual([]);
    expect((await c.sources.sourcesGroupConnectionsSamlUpdate({ id: conn.id })).pk).toBe(conn.id);
    expect((await c.sources.sourcesGroupConnectionsSamlPartialUpdate({ id: conn.id })).pk).toBe(conn.id);
    expect(await c.sources.sourcesGroupConnectionsSamlUsedByList({ id: conn.id })).toEqual([]);
    expect((await c.sources.sourcesGroupConnectionsSamlDestroyRaw({ id: conn.id })).raw.status).toBe(204);
  });
});

describe('SCIM links through the client', () => {
  it('scim_users and scim_groups: create, list, retrieve, update, partial_update, used_by, destroy', async () => {
    const s = c.sources;
    const u = await call(() =>
      s.sourcesScimUsersCreateRaw({ sCIMSourceUserRequest: { id: 'scim-u', user: user.id, source: scim.pk, attributes: { userName: 'cc' } } }),
    );
    expect(u.status).toBe(201);
    expect(instanceOfSCIMSourceUser(u.value)).toBe(true);
    expect(requiredKeysMissing('SCIMSourceUser', u.json)).toEqual([]);
    const ul = await call(() =>
      s.sourcesScimUsersListRaw({ sourceSlug: 'cc-scim', userId: user.id, userUsername: 'cc-user', search: 'cc', ordering: 'user__username' }),
    );
    expect(requiredKeysMissing('PaginatedSCIMSourceUserList', ul.json)).toEqual([]);
    expect(ul.value.results.map((r) => r.id)).toEqual(['scim-u']);
    expect((await s.sourcesScimUsersRetrieve({ id: 'scim-u' })).userObj.username).toBe('cc-user');
    expect(
      (await s.sourcesScimUsersUpdate({ id: 'scim-u', sCIMSourceUserRequest: { id: 'scim-u', user: user.id, source: scim.pk, attributes: {} } }))
        .attributes,
    ).toEqual({});
    expect((await s.sourcesScimUsersPartialUpdate({ id: 'scim-u', patchedSCIMSourceUserRequest: { attributes: { a: 1 } } })).attributes).toEqual({
      a: 1,
    });
    expect(await s.sourcesScimUsersUsedByList({ id: 'scim-u' })).toEqual([]);
    expect((await s.sourcesScimUsersDestroyRaw({ id: 'scim-u' })).raw.status).toBe(204);

    const g = await call(() => s.sourcesScimGroupsCreateRaw({ sCIMSourceGroupRequest: { id: 'scim-g', group: groupUuid, source: scim.pk } }));
    expect(instanceOfSCIMSourceGroup(g.value)).toBe(true);
    expect(requiredKeysMissing('SCIMSourceGroup', g.json)).toEqual([]);
    const gl = await call(() => s.sourcesScimGroupsListRaw({ groupGroupUuid: groupUuid, groupName: 'cc-group', sourceSlug: 'cc-scim' }));
    expect(requiredKeysMissing('PaginatedSCIMSourceGroupList', gl.json)).toEqual([]);
    expect(gl.value.results.map((r) => r.id)).toEqual(['scim-g']);
    expect((await s.sourcesScimGroupsRetrieve({ id: 'scim-g' })).groupObj.name).toBe('cc-group');
    expect((await s.sourcesScimGroupsUpdate({ id: 'scim-g', sCIMSourceGroupRequest: { id: 'scim-g', group: groupUuid, source: scim.pk } })).id).toBe(
      'scim-g',
    );
    expect((await s.sourcesScimGroupsPartialUpdate({ id: 'scim-g', patchedSCIMSourceGroupRequest: { attributes: { b: 2 } } })).attributes).toEqual({
      b: 2,
    });
    expect(await s.sourcesScimGroupsUsedByList({ id: 'scim-g' })).toEqual([]);
    expect((await s.sourcesScimGroupsDestroyRaw({ id: 'scim-g' })).raw.status).toBe(204);
  });
});

describe('source property mappings through the client', () => {
  it('oauth, saml and scim: create, list, retrieve, update, partial_update, used_by, destroy', async () => {
    const m = c.mappings;
    const cases = [
      {
        model: 'OAuthSourcePropertyMapping',
        is: instanceOfOAuthSourcePropertyMapping,
        create: () =>
          m.propertymappingsSourceOauthCreateRaw({ oAuthSourcePropertyMappingRequest: { name: 'cc-oauth-map', expression: 'return {}' } }),
        list: () => m.propertymappingsSourceOauthListRaw({ name: 'cc-oauth-map', search: 'cc', ordering: 'name' }),
        retrieve: (pmUuid: string) => m.propertymappingsSourceOauthRetrieve({ pmUuid }),
        update: (pmUuid: string) =>
          m.propertymappingsSourceOauthUpdate({ pmUuid, oAuthSourcePropertyMappingRequest: { name: 'cc-oauth-map', expression: 'return {a: 1}' } }),
        patch: (pmUuid: string) =>
          m.propertymappingsSourceOauthPartialUpdate({ pmUuid, patchedOAuthSourcePropertyMappingRequest: { expression: 'return {b: 2}' } }),
        usedBy: (pmUuid: string) => m.propertymappingsSourceOauthUsedByList({ pmUuid }),
        destroy: (pmUuid: string) => m.propertymappingsSourceOauthDestroyRaw({ pmUuid }),
      },
      {
        model: 'SAMLSourcePropertyMapping',
        is: instanceOfSAMLSourcePropertyMapping,
        create: () => m.propertymappingsSourceSamlCreateRaw({ sAMLSourcePropertyMappingRequest: { name: 'cc-saml-map', expression: 'return {}' } }),
        list: () => m.propertymappingsSourceSamlListRaw({ managedIsnull: true }),
        retrieve: (pmUuid: string) => m.propertymappingsSourceSamlRetrieve({ pmUuid }),
        update: (pmUuid: string) =>
          m.propertymappingsSourceSamlUpdate({ pmUuid, sAMLSourcePropertyMappingRequest: { name: 'cc-saml-map', expression: 'return {a: 1}' } }),
        patch: (pmUuid: string) =>
          m.propertymappingsSourceSamlPartialUpdate({ pmUuid, patchedSAMLSourcePropertyMappingRequest: { expression: 'return {b: 2}' } }),
        usedBy: (pmUuid: string) => m.propertymappingsSourceSamlUsedByList({ pmUuid }),
        destroy: (pmUuid: string) => m.propertymappingsSourceSamlDestroyRaw({ pmUuid }),
      },
      {
        model: 'SCIMSourcePropertyMapping',
        is: instanceOfSCIMSourcePropertyMapping,
        create: () => m.propertymappingsSourceScimCreateRaw({ sCIMSourcePropertyMappingRequest: { name: 'cc-scim-map', expression: 'return {}' } }),
        list: () => m.propertymappingsSourceScimListRaw({ managed: [] }),
        retrieve: (pmUuid: string) => m.propertymappingsSourceScimRetrieve({ pmUuid }),
        update: (pmUuid: string) =>
          m.propertymappingsSourceScimUpdate({ pmUuid, sCIMSourcePropertyMappingRequest: { name: 'cc-scim-map', expression: 'return {a: 1}' } }),
        patch: (pmUuid: string) =>
          m.propertymappingsSourceScimPartialUpdate({ pmUuid, patchedSCIMSourcePropertyMappingRequest: { expression: 'return {b: 2}' } }),
        usedBy: (pmUuid: string) => m.propertymappingsSourceScimUsedByList({ pmUuid }),
        destroy: (pmUuid: string) => m.propertymappingsSourceScimDestroyRaw({ pmUuid }),
      },
    ];
    for (const k of cases) {
      const created: { status: number; value: any; json: unknown } = await call(k.create as () => Promise<any>);
      expect(created.status, k.model).toBe(201);
      expect(k.is(created.value)).toBe(true);
      expect(requiredKeysMissing(k.model, created.json)).toEqual([]);
      const pk = created.value.pk as string;
      const list: { value: any; json: unknown } = await call(k.list as () => Promise<any>);
      expect(requiredKeysMissing(`Paginated${k.model}List`, list.json)).toEqual([]);
      expect(list.value.results.map((r: { pk: string }) => r.pk)).toContain(pk);
      expect((await k.retrieve(pk)).pk).toBe(pk);
      expect((await k.update(pk)).expression).toBe('return {a: 1}');
      expect((await k.patch(pk)).expression).toBe('return {b: 2}');
      expect(await k.usedBy(pk)).toEqual([]);
      expect((await k.destroy(pk)).raw.status).toBe(204);
    }
  });
});
