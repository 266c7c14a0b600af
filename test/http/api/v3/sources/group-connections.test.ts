import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../support/app.js';
import { missingRequiredKeys } from '../../../../support/client-models.js';
import { createOAuth, createSaml, createUser, PERMISSION_DENIED } from './helpers.js';

let app: TestApp;
let oauth: Record<string, any>;
let saml: Record<string, any>;
let admins: string;
let devs: string;
const URL = '/api/v3/sources/group_connections/oauth/';

beforeAll(async () => {
  app = await createTestApp();
  oauth = await createOAuth(app, 'gh');
  saml = await createSaml(app, 'corp');
  admins = (await app.ctx.store.repos.groups.create({ name: 'gh-admins' })).uuid;
  devs = (await app.ctx.store.repos.groups.create({ name: 'gh-devs' })).uuid;
});
afterAll(async () => app?.close());

describe('/api/v3/sources/group_connections/{oauth,saml}/', () => {
  it('creates (admins), lists with the nested source, filters, searches and orders', async () => {
    const missing = await app.request({ method: 'POST', url: URL, payload: {} });
    expect(missing.json()).toEqual({
      group: ['This field is required.'],
      source: ['This field is required.'],
      identifier: ['This field is required.'],
    });
    const wrongKind = await app.request({ method: 'POST', url: URL, payload: { group: admins, source: saml.pk, identifier: '1' } });
    expect(wrongKind.json()).toEqual({ source: [`Invalid pk "${saml.pk}" - object does not exist.`] });
    const a = await app.request({ method: 'POST', url: URL, payload: { group: admins, source: oauth.pk, identifier: '100' } });
    expect(a.statusCode).toBe(201);
    expect(missingRequiredKeys('GroupOAuthSourceConnection', a.json())).toEqual([]);
    expect(a.json()).toMatchObject({ group: admins, identifier: '100', source: { slug: 'gh', component: 'ak-source-oauth-form' } });
    await app.request({ method: 'POST', url: URL, payload: { group: devs, source: oauth.pk, identifier: '200' } });
    const dup = await app.request({ method: 'POST', url: URL, payload: { group: admins, source: oauth.pk, identifier: '300' } });
    expect(dup.statusCode).toBe(400);
    expect(dup.json()).toEqual({ non_field_errors: ['The fields group, source must make a unique set.'] });
    const dupId = await app.request({
      method: 'POST',
      url: URL,
      payload: { group: (await app.ctx.store.repos.groups.create({ name: 'x' })).uuid, source: oauth.pk, identifier: '100' },
    });
    expect(dupId.json()).toEqual({ identifier: ['A connection with this identifier already exists for this source.'] });

    const list = async (q: string) =>
      (await app.request({ method: 'GET', url: `${URL}${q}` })).json().results.map((c: { identifier: string }) => c.identifier);
    expect(await list('')).toEqual(['100', '200']);
    expect(await list('?ordering=-pk')).toEqual(['200', '100']);
    expect(await list(`?group=${devs}`)).toEqual(['200']);
    expect(await list('?search=admins')).toEqual(['100']);
    expect(await list('?source__slug=corp')).toEqual([]);
    expect((await app.request({ method: 'GET', url: `${URL}?group=nope` })).statusCode).toBe(400);
    expect((await app.request({ method: 'GET', url: `${URL}?ordering=group` })).statusCode).toBe(200);
    expect((await app.request({ method: 'GET', url: '/api/v3/sources/group_connections/saml/' })).json().pagination.count).toBe(0);
  });

  it('updates and deletes; 404 across kinds; cascades with the group', async () => {
    const list = (await app.request({ method: 'GET', url: URL })).json().results;
    const first = list[0];
    const patched = await app.request({ method: 'PATCH', url: `${URL}${first.pk}/`, payload: { identifier: '101' } });
    expect(patched.json().identifier).toBe('101');
    expect((await app.request({ method: 'GET', url: `/api/v3/sources/group_connections/saml/${first.pk}/` })).json()).toEqual({
      detail: 'No GroupSAMLSourceConnection matches the given query.',
    });
    expect((await app.request({ method: 'GET', url: `${URL}${first.pk}/used_by/` })).json()).toEqual([]);
    await app.ctx.store.repos.groups.delete(devs);
    expect((await app.request({ method: 'GET', url: URL })).json().pagination.count).toBe(1);
    expect((await app.request({ method: 'DELETE', url: `${URL}${first.pk}/` })).statusCode).toBe(204);
    expect((await app.request({ method: 'GET', url: URL })).json().pagination.count).toBe(0);
  });

  it('is admin-only', async () => {
    const { token } = await createUser(app, 'plain');
    const res = await app.request({ method: 'GET', url: URL, token });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(PERMISSION_DENIED);
  });
});
