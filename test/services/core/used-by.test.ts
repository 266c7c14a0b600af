/**
 * `used_by` of flows, key pairs, users and groups: every referencing object with authentik's
 * app/model names, and an action that matches what deleting the object really does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { createKeypair, createOAuth, createSaml, createScim, createUser } from '../../http/api/v3/sources/helpers.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

const get = (url: string) => app.request({ method: 'GET', url });
const del = (url: string) => app.request({ method: 'DELETE', url });
/** Relations are listed in a fixed order but rows of different relations may interleave by pk. */
const sortByPk = <T extends { pk: string; action: string }>(entries: T[]) =>
  [...entries].sort((a, b) => `${a.pk}${a.action}`.localeCompare(`${b.pk}${b.action}`));

async function createFlow(slug: string, designation: string): Promise<string> {
  const res = await app.request({
    method: 'POST',
    url: '/api/v3/flows/instances/',
    payload: { name: slug, slug, title: slug, designation },
  });
  expect(res.statusCode).toBe(201);
  return res.json().pk;
}

describe('flow used_by', () => {
  it('lists sources by their authentication, enrollment and pre-authentication flow, and deleting does what it says', async () => {
    const auth = await createFlow('ub-auth', 'authentication');
    const pre = await createFlow('ub-pre', 'stage_configuration');
    const oauth = await createOAuth(app, 'ub-flow-oauth', { authentication_flow: auth, enrollment_flow: auth });
    const saml = await createSaml(app, 'ub-flow-saml', { pre_authentication_flow: pre, authentication_flow: auth });

    const authUsedBy = await get('/api/v3/flows/instances/ub-auth/used_by/');
    expect(authUsedBy.statusCode).toBe(200);
    expect(sortByPk(authUsedBy.json())).toEqual(
      sortByPk([
        { app: 'authentik_sources_oauth', model_name: 'oauthsource', pk: oauth.pk, name: oauth.name, action: 'set_null' },
        { app: 'authentik_sources_oauth', model_name: 'oauthsource', pk: oauth.pk, name: oauth.name, action: 'set_null' },
        { app: 'authentik_sources_saml', model_name: 'samlsource', pk: saml.pk, name: saml.name, action: 'set_null' },
      ]),
    );
    expect((await get('/api/v3/flows/instances/ub-pre/used_by/')).json()).toEqual([
      { app: 'authentik_sources_saml', model_name: 'samlsource', pk: saml.pk, name: saml.name, action: 'cascade' },
    ]);

    expect((await del('/api/v3/flows/instances/ub-auth/')).statusCode).toBe(204);
    const after = (await get(`/api/v3/sources/oauth/ub-flow-oauth/`)).json();
    expect([after.authentication_flow, after.enrollment_flow]).toEqual([null, null]);
    expect((await get('/api/v3/sources/saml/ub-flow-saml/')).json().authentication_flow).toBeNull();

    expect((await del('/api/v3/flows/instances/ub-pre/')).statusCode).toBe(204);
    expect((await get('/api/v3/sources/saml/ub-flow-saml/')).statusCode).toBe(404);
  });

  it('is a 404 for an unknown flow', async () => {
    expect((await get('/api/v3/flows/instances/ub-missing/used_by/')).statusCode).toBe(404);
  });
});

describe('key pair used_by', () => {
  it('lists SAML sources by each certificate column and the extra verification certificates', async () => {
    const kp = await createKeypair(app, 'ub-kp');
    const signing = await createSaml(app, 'ub-kp-signing', { verification_kp: kp, signing_kp: kp, encryption_kp: kp });
    const extra = await createSaml(app, 'ub-kp-extra');
    // Extra verification certificates are read-only in the API (metadata import sets them).
    await app.ctx.store.repos.kindSources.saml.update(extra.pk, {}, { verification_kps: [kp] });
    await createOAuth(app, 'ub-kp-oauth');

    const res = await get(`/api/v3/crypto/certificatekeypairs/${kp}/used_by/`);
    expect(res.statusCode).toBe(200);
    const saml = { app: 'authentik_sources_saml', model_name: 'samlsource' };
    expect(sortByPk(res.json())).toEqual(
      sortByPk([
        { ...saml, pk: signing.pk, name: signing.name, action: 'set_null' },
        { ...saml, pk: signing.pk, name: signing.name, action: 'set_null' },
        { ...saml, pk: signing.pk, name: signing.name, action: 'set_null' },
        { ...saml, pk: extra.pk, name: extra.name, action: 'cascade_many' },
      ]),
    );

    expect((await del(`/api/v3/crypto/certificatekeypairs/${kp}/`)).statusCode).toBe(204);
    const after = (await get('/api/v3/sources/saml/ub-kp-signing/')).json();
    expect([after.verification_kp, after.signing_kp, after.encryption_kp]).toEqual([null, null, null]);
    // The link row is gone; the source stays.
    const extraAfter = await get('/api/v3/sources/saml/ub-kp-extra/');
    expect(extraAfter.statusCode).toBe(200);
    expect(extraAfter.json().verification_kps).toEqual([]);
  });
});

describe('user used_by', () => {
  it('lists tokens, source connections, SCIM links and group memberships', async () => {
    const repos = app.ctx.store.repos;
    const user = await createUser(app, 'ub-user');
    const token = (await repos.tokens.byIdentifier('token-ub-user'))!;
    const oauth = await createOAuth(app, 'ub-user-oauth');
    const scim = await createScim(app, 'ub-user-scim');
    const conn = await repos.userConnections.create({ kind: 'oauth', userId: user.id, sourceUuid: oauth.pk, identifier: 'ub-1' });
    await repos.scimUsers.create({ id: 'ub-scim-user', externalId: 'ub-ext', targetId: user.id, sourceUuid: scim.pk });
    const group = await repos.groups.create({ name: 'ub-user-group' });
    await repos.groups.addMembers(group.uuid, [user.id]);

    const res = await get(`/api/v3/core/users/${user.id}/used_by/`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      { app: 'authentik_core', model_name: 'token', pk: token.uuid, name: 'token-ub-user', action: 'cascade' },
      {
        app: 'authentik_sources_oauth',
        model_name: 'useroauthsourceconnection',
        pk: String(conn.id),
        name: 'User-source connection (user=ub-user, source=ub-user-oauth)',
        action: 'cascade',
      },
      {
        app: 'authentik_sources_scim',
        model_name: 'scimsourceuser',
        pk: 'ub-scim-user',
        name: `SCIM User ub-user to ${scim.name}`,
        action: 'cascade',
      },
      { app: 'authentik_core', model_name: 'group', pk: group.uuid, name: 'ub-user-group', action: 'cascade_many' },
    ]);

    expect((await del(`/api/v3/core/users/${user.id}/`)).statusCode).toBe(204);
    expect(await repos.tokens.byUuid(token.uuid)).toBeNull();
    expect(await repos.userConnections.byId(conn.id)).toBeNull();
    expect(await repos.scimUsers.byId('ub-scim-user')).toBeNull();
    expect(await repos.groups.byUuid(group.uuid)).not.toBeNull();
    expect((await repos.groups.memberIds([group.uuid])).get(group.uuid) ?? []).toEqual([]);
  });
});

describe('group used_by', () => {
  it('lists child groups, source connections, SCIM links and members', async () => {
    const repos = app.ctx.store.repos;
    const group = await repos.groups.create({ name: 'ub-group' });
    const child = await repos.groups.create({ name: 'ub-group-child', parentUuid: group.uuid });
    const member = await createUser(app, 'ub-member');
    await repos.groups.addMembers(group.uuid, [member.id]);
    const saml = await createSaml(app, 'ub-group-saml');
    const scim = await createScim(app, 'ub-group-scim');
    const conn = await repos.groupConnections.create({ kind: 'saml', groupUuid: group.uuid, sourceUuid: saml.pk, identifier: 'ub-g' });
    await repos.scimGroups.create({ id: 'ub-scim-group', externalId: 'ub-gext', targetId: group.uuid, sourceUuid: scim.pk });

    const res = await get(`/api/v3/core/groups/${group.uuid}/used_by/`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      { app: 'authentik_core', model_name: 'group', pk: child.uuid, name: 'ub-group-child', action: 'set_null' },
      {
        app: 'authentik_sources_saml',
        model_name: 'groupsamlsourceconnection',
        pk: String(conn.id),
        name: 'Group-source connection (group=ub-group, source=ub-group-saml)',
        action: 'cascade',
      },
      {
        app: 'authentik_sources_scim',
        model_name: 'scimsourcegroup',
        pk: 'ub-scim-group',
        name: `SCIM Group ub-group to ${scim.name}`,
        action: 'cascade',
      },
      { app: 'authentik_core', model_name: 'user', pk: String(member.id), name: 'ub-member', action: 'cascade_many' },
    ]);

    expect((await del(`/api/v3/core/groups/${group.uuid}/`)).statusCode).toBe(204);
    expect((await repos.groups.byUuid(child.uuid))!.parentUuid).toBeNull();
    expect(await repos.groupConnections.byId(conn.id)).toBeNull();
    expect(await repos.scimGroups.byId('ub-scim-group')).toBeNull();
    expect(await repos.users.byId(member.id)).not.toBeNull();
  });
});
