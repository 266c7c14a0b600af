import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { missingRequiredKeys } from '../../../support/client-models.js';
import { createOAuth, createScim, createUser } from '../../../http/api/v3/sources/helpers.js';

let app: TestApp;
let scim: Record<string, any>;
let other: Record<string, any>;
let zed: { id: number };
let amy: { id: number };

beforeAll(async () => {
  app = await createTestApp();
  scim = await createScim(app, 'okta-scim');
  other = await createScim(app, 'other-scim');
  zed = await createUser(app, 'zed');
  amy = await createUser(app, 'amy');
});
afterAll(async () => app?.close());

describe('/api/v3/sources/scim_users/', () => {
  const URL = '/api/v3/sources/scim_users/';

  it('creates link rows with the GroupMember user_obj; validates user and SCIM source', async () => {
    const missing = await app.request({ method: 'POST', url: URL, payload: {} });
    expect(missing.json()).toEqual({ user: ['This field is required.'], source: ['This field is required.'] });
    const oauth = await createOAuth(app, 'not-scim');
    const wrong = await app.request({ method: 'POST', url: URL, payload: { user: zed.id, source: oauth.pk } });
    expect(wrong.json()).toEqual({ source: [`Invalid pk "${oauth.pk}" - object does not exist.`] });
    const res = await app.request({
      method: 'POST',
      url: URL,
      payload: { id: 'ext-zed', user: zed.id, source: scim.pk, attributes: { userName: 'zed' } },
    });
    expect(res.statusCode).toBe(201);
    expect(missingRequiredKeys('SCIMSourceUser', res.json())).toEqual([]);
    expect(res.json()).toMatchObject({ id: 'ext-zed', external_id: 'ext-zed', user: zed.id, source: scim.pk, attributes: { userName: 'zed' } });
    expect(res.json().user_obj).toMatchObject({ pk: zed.id, username: 'zed', is_active: true });
    expect(res.json().user_obj.uid).toMatch(/^[0-9a-f]{64}$/);
    const generated = await app.request({ method: 'POST', url: URL, payload: { user: amy.id, source: other.pk, external_id: 'amy-1' } });
    expect(generated.json().id).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.json().external_id).toBe('amy-1');
    const dup = await app.request({ method: 'POST', url: URL, payload: { id: 'ext-zed', user: amy.id, source: scim.pk } });
    expect(dup.json()).toEqual({ id: ['scim source user with this id already exists.'] });
    const twice = await app.request({ method: 'POST', url: URL, payload: { id: 'ext-zed-2', user: zed.id, source: other.pk } });
    expect(twice.statusCode).toBe(400);
    expect(twice.json()).toEqual({ user: ['scim source user with this user already exists.'] });
  });

  it('filters, searches (incl. attributes), orders by username and paginates', async () => {
    const list = async (q: string) =>
      (await app.request({ method: 'GET', url: `${URL}${q}` })).json().results.map((l: { user_obj: { username: string } }) => l.user_obj.username);
    expect(await list('')).toEqual(['amy', 'zed']);
    expect(await list('?ordering=-user__username')).toEqual(['zed', 'amy']);
    expect(await list('?source__slug=okta-scim')).toEqual(['zed']);
    expect(await list(`?user__id=${amy.id}`)).toEqual(['amy']);
    expect(await list('?user__username=zed')).toEqual(['zed']);
    expect(await list('?search=userName')).toEqual(['zed']);
    expect(await list('?search=amy-1')).toEqual(['amy']);
    expect((await app.request({ method: 'GET', url: `${URL}?ordering=attributes` })).statusCode).toBe(200);
    expect((await app.request({ method: 'GET', url: `${URL}?page_size=1&page=2` })).json().pagination).toMatchObject({
      count: 2,
      current: 2,
      total_pages: 2,
    });
  });

  it('updates, deletes and cascades with the user', async () => {
    const patched = await app.request({ method: 'PATCH', url: `${URL}ext-zed/`, payload: { attributes: { active: false } } });
    expect(patched.json().attributes).toEqual({ active: false });
    expect((await app.request({ method: 'GET', url: `${URL}nope/` })).json()).toEqual({ detail: 'No SCIMSourceUser matches the given query.' });
    await app.ctx.store.repos.users.delete(amy.id);
    expect((await app.request({ method: 'GET', url: URL })).json().pagination.count).toBe(1);
    expect((await app.request({ method: 'DELETE', url: `${URL}ext-zed/` })).statusCode).toBe(204);
    expect((await app.request({ method: 'GET', url: URL })).json().pagination.count).toBe(0);
  });
});

describe('/api/v3/sources/scim_groups/', () => {
  const URL = '/api/v3/sources/scim_groups/';

  it('CRUD with the UserGroup group_obj, filters and search', async () => {
    const repos = app.ctx.store.repos;
    const parent = await repos.groups.create({ name: 'parent' });
    const eng = await repos.groups.create({ name: 'engineering', parentUuid: parent.uuid });
    const ops = await repos.groups.create({ name: 'ops' });
    const res = await app.request({
      method: 'POST',
      url: URL,
      payload: { id: 'g-eng', group: eng.uuid, source: scim.pk, attributes: { displayName: 'Engineering' } },
    });
    expect(res.statusCode).toBe(201);
    expect(missingRequiredKeys('SCIMSourceGroup', res.json())).toEqual([]);
    expect(res.json().group_obj).toMatchObject({ pk: eng.uuid, name: 'engineering', parent: parent.uuid, parent_name: 'parent' });
    await app.request({ method: 'POST', url: URL, payload: { id: 'g-ops', group: ops.uuid, source: other.pk } });
    const bad = await app.request({ method: 'POST', url: URL, payload: { group: '00000000-0000-4000-8000-000000000000', source: scim.pk } });
    expect(bad.json()).toEqual({ group: ['Invalid pk "00000000-0000-4000-8000-000000000000" - object does not exist.'] });
    const list = async (q: string) => (await app.request({ method: 'GET', url: `${URL}${q}` })).json().results.map((l: { id: string }) => l.id);
    expect(await list('')).toEqual(['g-eng', 'g-ops']);
    expect(await list('?ordering=-group__name')).toEqual(['g-ops', 'g-eng']);
    expect(await list('?group__name=ops')).toEqual(['g-ops']);
    expect(await list(`?group__group_uuid=${eng.uuid}`)).toEqual(['g-eng']);
    expect(await list('?source__slug=other-scim')).toEqual(['g-ops']);
    expect(await list('?search=Engineering')).toEqual(['g-eng']);
    expect((await app.request({ method: 'PUT', url: `${URL}g-ops/`, payload: { group: ops.uuid, source: scim.pk } })).json().source).toBe(scim.pk);
    expect((await app.request({ method: 'DELETE', url: `${URL}g-ops/` })).statusCode).toBe(204);
  });
});
