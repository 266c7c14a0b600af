import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../support/app.js';
import { missingRequiredKeys } from '../../../../support/client-models.js';
import { createOAuth, createSaml, createUser, PERMISSION_DENIED } from './helpers.js';

let app: TestApp;
let oauth: Record<string, any>;
let oauth2: Record<string, any>;
let saml: Record<string, any>;
let alice: { id: number; token: string };
let bob: { id: number; token: string };
let aliceConn: number;
let bobConn: number;

const URL_OAUTH = '/api/v3/sources/user_connections/oauth/';
const URL_SAML = '/api/v3/sources/user_connections/saml/';
const URL_ALL = '/api/v3/sources/user_connections/all/';

beforeAll(async () => {
  app = await createTestApp();
  oauth = await createOAuth(app, 'github-corp');
  oauth2 = await createOAuth(app, 'another-oauth');
  saml = await createSaml(app, 'corp-saml');
  alice = await createUser(app, 'alice');
  bob = await createUser(app, 'bob');
  const repos = app.ctx.store.repos;
  aliceConn = (await repos.userConnections.create({ kind: 'oauth', userId: alice.id, sourceUuid: oauth.pk, identifier: 'alice-gh' })).id;
  bobConn = (await repos.userConnections.create({ kind: 'oauth', userId: bob.id, sourceUuid: oauth.pk, identifier: 'bob-gh' })).id;
  await repos.userConnections.create({ kind: 'saml', userId: alice.id, sourceUuid: saml.pk, identifier: 'alice@corp' });
});
afterAll(async () => app?.close());

describe('admin CRUD', () => {
  it('lists OAuth connections with the nested 2024.8 Source', async () => {
    const res = await app.request({ method: 'GET', url: URL_OAUTH });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.pagination.count).toBe(2);
    for (const c of body.results) expect(missingRequiredKeys('UserOAuthSourceConnection', c)).toEqual([]);
    expect(body.results[0]).toMatchObject({ pk: aliceConn, user: alice.id, identifier: 'alice-gh', expires: null });
    expect(body.results[0].source).toMatchObject({
      pk: oauth.pk,
      slug: 'github-corp',
      component: 'ak-source-oauth-form',
      meta_model_name: 'authentik_sources_oauth.oauthsource',
      icon: null,
    });
    expect(body.results[0]).not.toHaveProperty('access_token');
  });

  it('creates a connection: user and source required, source of the endpoint kind, identifier unique per source', async () => {
    const missing = await app.request({ method: 'POST', url: URL_OAUTH, payload: { identifier: 'x' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ user: ['This field is required.'], source: ['This field is required.'] });
    const wrongKind = await app.request({ method: 'POST', url: URL_OAUTH, payload: { identifier: 'x', user: alice.id, source: saml.pk } });
    expect(wrongKind.json()).toEqual({ source: [`Invalid pk "${saml.pk}" - object does not exist.`] });
    const noUser = await app.request({ method: 'POST', url: URL_OAUTH, payload: { identifier: 'x', user: 999999, source: oauth2.pk } });
    expect(noUser.json()).toEqual({ user: ['Invalid pk "999999" - object does not exist.'] });
    const dupIdentifier = await app.request({ method: 'POST', url: URL_OAUTH, payload: { identifier: 'bob-gh', user: alice.id, source: oauth.pk } });
    expect(dupIdentifier.json()).toEqual({
      non_field_errors: ['The fields user, source must make a unique set.'],
      identifier: ['A connection with this identifier already exists for this source.'],
    });
    const created = await app.request({
      method: 'POST',
      url: URL_OAUTH,
      payload: { identifier: 'alice-2', user: alice.id, source: oauth2.pk, access_token: 'gho_secret' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ user: alice.id, identifier: 'alice-2', source: { slug: 'another-oauth' } });
    expect(created.json()).not.toHaveProperty('access_token');
    const row = await app.db
      .selectFrom('user_source_connections')
      .select('access_token_sealed')
      .where('id', '=', created.json().pk)
      .executeTakeFirstOrThrow();
    expect(row.access_token_sealed).not.toContain('gho_secret');
    expect((await app.ctx.store.repos.userConnections.tokens(created.json().pk)).accessToken).toBe('gho_secret');
    await app.request({ method: 'DELETE', url: `${URL_OAUTH}${created.json().pk}/` });
  });

  it('maps a racing (source, identifier) duplicate to a 400 on identifier, never a 500', async () => {
    const repos = app.ctx.store.repos;
    await expect(
      repos.userConnections.create({ kind: 'oauth', userId: alice.id, sourceUuid: oauth2.pk, identifier: 'bob-gh-2' }),
    ).resolves.toBeTruthy();
    const err = await repos.userConnections.create({ kind: 'oauth', userId: bob.id, sourceUuid: oauth2.pk, identifier: 'bob-gh-2' }).catch((e) => e);
    expect(err.fields).toEqual({ identifier: ['A connection with this identifier already exists for this source.'] });
    const c = await repos.userConnections.bySourceIdentifier(oauth2.pk, 'bob-gh-2');
    await repos.userConnections.delete(c!.id);
  });

  it('updates identifier as admin (PUT and PATCH) and rejects a taken identifier', async () => {
    const put = await app.request({ method: 'PUT', url: `${URL_OAUTH}${aliceConn}/`, payload: { identifier: 'alice-gh-new' } });
    expect(put.statusCode).toBe(200);
    expect(put.json().identifier).toBe('alice-gh-new');
    const taken = await app.request({ method: 'PATCH', url: `${URL_OAUTH}${aliceConn}/`, payload: { identifier: 'bob-gh' } });
    expect(taken.statusCode).toBe(400);
    expect(taken.json()).toEqual({ identifier: ['A connection with this identifier already exists for this source.'] });
    const back = await app.request({ method: 'PATCH', url: `${URL_OAUTH}${aliceConn}/`, payload: { identifier: 'alice-gh' } });
    expect(back.json().identifier).toBe('alice-gh');
  });

  it('keeps kinds apart: an OAuth connection is not found under /saml/', async () => {
    const res = await app.request({ method: 'GET', url: `${URL_SAML}${aliceConn}/` });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ detail: 'No UserSAMLSourceConnection matches the given query.' });
    const saml = await app.request({ method: 'GET', url: URL_SAML });
    expect(saml.json().results.map((c: { identifier: string }) => c.identifier)).toEqual(['alice@corp']);
    for (const c of saml.json().results) expect(missingRequiredKeys('UserSAMLSourceConnection', c)).toEqual([]);
    const all = await app.request({ method: 'GET', url: URL_ALL });
    expect(all.json().pagination.count).toBe(3);
    for (const c of all.json().results) expect(missingRequiredKeys('UserSourceConnection', c)).toEqual([]);
  });
});

describe('filters, search, ordering, pagination', () => {
  const ids = async (url: string) => (await app.request({ method: 'GET', url })).json().results.map((c: { identifier: string }) => c.identifier);

  it('default ordering is source__slug then pk, on every endpoint', async () => {
    expect(await ids(URL_ALL)).toEqual(['alice@corp', 'alice-gh', 'bob-gh']);
    expect(await ids(`${URL_ALL}?ordering=-source__slug,-pk`)).toEqual(['bob-gh', 'alice-gh', 'alice@corp']);
    expect(await ids(`${URL_ALL}?ordering=-pk`)).toEqual(['alice@corp', 'bob-gh', 'alice-gh']);
    expect(await ids(`${URL_ALL}?ordering=pk`)).toEqual(['alice-gh', 'bob-gh', 'alice@corp']);
    const bad = await app.request({ method: 'GET', url: `${URL_ALL}?ordering=identifier` });
    expect(bad.statusCode).toBe(200);
    expect(bad.json().results.map((c: { identifier: string }) => c.identifier)).toEqual(['alice@corp', 'alice-gh', 'bob-gh']);
  });

  it('filters by user and source__slug; searches username, slug and identifier', async () => {
    expect(await ids(`${URL_ALL}?user=${bob.id}`)).toEqual(['bob-gh']);
    expect(await ids(`${URL_ALL}?source__slug=corp-saml`)).toEqual(['alice@corp']);
    expect(await ids(`${URL_OAUTH}?source__slug=corp-saml`)).toEqual([]);
    expect(await ids(`${URL_ALL}?search=ALICE`)).toEqual(['alice@corp', 'alice-gh']);
    expect(await ids(`${URL_ALL}?search=corp-sa`)).toEqual(['alice@corp']);
    expect(await ids(`${URL_ALL}?search=bob-g`)).toEqual(['bob-gh']);
    expect((await app.request({ method: 'GET', url: `${URL_ALL}?user=abc` })).json()).toEqual({
      user: ['Select a valid choice. That choice is not one of the available choices.'],
    });
  });

  it('paginates with Django numbers', async () => {
    const p2 = await app.request({ method: 'GET', url: `${URL_ALL}?page_size=2&page=2` });
    expect(p2.json().pagination).toEqual({ next: 0, previous: 1, count: 3, current: 2, total_pages: 2, start_index: 3, end_index: 3 });
    expect(p2.json().results.map((c: { identifier: string }) => c.identifier)).toEqual(['bob-gh']);
    expect((await app.request({ method: 'GET', url: `${URL_ALL}?page=9` })).statusCode).toBe(404);
  });
});

describe('owner permissions (docs/behaviour.md#permissions)', () => {
  const as = (who: { token: string }, method: 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST', url: string, payload?: unknown) =>
    app.request({ method, url, token: who.token, payload: payload as Record<string, unknown> });

  it('lists only the caller’s own connections, whatever the filter or search', async () => {
    for (const url of [URL_ALL, URL_OAUTH, `${URL_ALL}?user=${bob.id}`, `${URL_OAUTH}?search=bob`, `${URL_ALL}?source__slug=github-corp`]) {
      const res = await as(alice, 'GET', url);
      expect(res.statusCode, url).toBe(200);
      expect(
        res.json().results.every((c: { user: number }) => c.user === alice.id),
        url,
      ).toBe(true);
    }
    expect((await as(alice, 'GET', `${URL_ALL}?user=${bob.id}`)).json().pagination.count).toBe(0);
    expect((await as(alice, 'GET', `${URL_OAUTH}?search=bob`)).json().pagination.count).toBe(0);
  });

  it('cannot retrieve, update, delete or inspect someone else’s connection', async () => {
    for (const base of [URL_OAUTH, URL_ALL]) {
      for (const [method, suffix, payload] of [
        ['GET', '', undefined],
        ['GET', 'used_by/', undefined],
        ['PUT', '', { identifier: 'stolen' }],
        ['PATCH', '', { identifier: 'stolen' }],
        ['DELETE', '', undefined],
      ] as const) {
        const res = await as(alice, method, `${base}${bobConn}/${suffix}`, payload);
        expect(res.statusCode, `${method} ${base}${suffix}`).toBe(404);
      }
    }
    const still = await app.ctx.store.repos.userConnections.byId(bobConn);
    expect(still).toMatchObject({ userId: bob.id, identifier: 'bob-gh' });
  });

  it('reads its own connection but cannot move it (user, source, identifier read-only)', async () => {
    const own = await as(alice, 'GET', `${URL_OAUTH}${aliceConn}/`);
    expect(own.statusCode).toBe(200);
    const patch = await as(alice, 'PATCH', `${URL_OAUTH}${aliceConn}/`, { user: bob.id, source: oauth2.pk, identifier: 'bob-gh-hijack' });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({ user: alice.id, identifier: 'alice-gh', source: { pk: oauth.pk } });
  });

  it('cannot create connections; group connections, sources and SCIM objects are admin-only', async () => {
    const create = await as(alice, 'POST', URL_OAUTH, { identifier: 'x', user: alice.id, source: oauth2.pk });
    expect(create.statusCode).toBe(403);
    expect(create.json()).toEqual(PERMISSION_DENIED);
    for (const url of [
      '/api/v3/sources/group_connections/oauth/',
      '/api/v3/sources/scim_users/',
      '/api/v3/sources/scim_groups/',
      '/api/v3/propertymappings/source/oauth/',
    ]) {
      expect((await as(alice, 'GET', url)).statusCode, url).toBe(403);
    }
  });

  it('deletes its own connection', async () => {
    const temp = await app.ctx.store.repos.userConnections.create({ kind: 'saml', userId: bob.id, sourceUuid: saml.pk, identifier: 'bob@corp' });
    expect((await as(alice, 'DELETE', `${URL_SAML}${temp.id}/`)).statusCode).toBe(404);
    expect((await as(bob, 'DELETE', `${URL_SAML}${temp.id}/`)).statusCode).toBe(204);
    expect(await app.ctx.store.repos.userConnections.byId(temp.id)).toBeNull();
  });
});

describe('cascades', () => {
  it('deleting a user removes their connections; deleting a source removes its connections', async () => {
    const carol = await createUser(app, 'carol');
    const src = await createOAuth(app, 'short-lived');
    const repos = app.ctx.store.repos;
    const c1 = await repos.userConnections.create({ kind: 'oauth', userId: carol.id, sourceUuid: oauth.pk, identifier: 'carol-gh' });
    const c2 = await repos.userConnections.create({ kind: 'oauth', userId: alice.id, sourceUuid: src.pk, identifier: 'alice-short' });
    expect((await app.request({ method: 'DELETE', url: `/api/v3/core/users/${carol.id}/` })).statusCode).toBe(204);
    expect(await repos.userConnections.byId(c1.id)).toBeNull();
    expect((await app.request({ method: 'DELETE', url: '/api/v3/sources/oauth/short-lived/' })).statusCode).toBe(204);
    expect(await repos.userConnections.byId(c2.id)).toBeNull();
  });
});
