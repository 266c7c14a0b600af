/** /api/v3/core/groups/ — authentik 2024.8 GroupViewSet semantics. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../../../src/domain/entities.js';
import { createTestApp, type TestApp } from '../../../../support/app.js';
import { missingRequiredKeys } from '../../../../support/client-models.js';

let app: TestApp;
let ann: User;
let bob: User;
beforeAll(async () => {
  app = await createTestApp();
  ann = await app.ctx.store.repos.users.create({ username: 'gr-ann', name: 'Ann', email: 'ann@example.com' });
  bob = await app.ctx.store.repos.users.create({ username: 'gr-bob', name: 'Bob' });
});
afterAll(async () => app?.close());

const req = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  app.request({ method, url: `/api/v3/core/groups/${url}`, ...(payload ? { payload } : {}) });
const createGroup = async (payload: object) => {
  const res = await req('POST', '', payload);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
};
const superuserOf = async (user: User) => (await app.request({ method: 'GET', url: `/api/v3/core/users/${user.id}/` })).json().is_superuser;

describe('CRUD', () => {
  it('creates with defaults and every key the client requires', async () => {
    const g = await createGroup({ name: 'gr-plain' });
    expect(g).toMatchObject({
      name: 'gr-plain',
      is_superuser: false,
      parent: null,
      parent_name: null,
      users: [],
      users_obj: [],
      attributes: {},
      roles: [],
      roles_obj: [],
    });
    expect(g.pk).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof g.num_pk).toBe('number');
    expect(missingRequiredKeys('Group', g)).toEqual([]);
  });

  it('retrieves, patches, puts and deletes', async () => {
    const g = await createGroup({ name: 'gr-crud', attributes: { a: 1 } });
    const got = await req('GET', `${g.pk}/`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(g);
    const patched = await req('PATCH', `${g.pk}/`, { is_superuser: true });
    expect(patched.json()).toMatchObject({ name: 'gr-crud', is_superuser: true, attributes: { a: 1 } });
    const put = await req('PUT', `${g.pk}/`, { name: 'gr-crud-2' });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ pk: g.pk, name: 'gr-crud-2' });
    const missingName = await req('PUT', `${g.pk}/`, { is_superuser: false });
    expect(missingName.statusCode).toBe(400);
    expect(missingName.json()).toEqual({ name: ['This field is required.'] });
    expect((await req('DELETE', `${g.pk}/`)).statusCode).toBe(204);
    const gone = await req('GET', `${g.pk}/`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toEqual({ detail: 'No Group matches the given query.' });
    expect((await req('DELETE', `${g.pk}/`)).statusCode).toBe(404);
    expect((await req('GET', 'not-a-uuid/')).json()).toEqual({ detail: 'No Group matches the given query.' });
  });

  it('lists with search, filters and the client’s Group shape', async () => {
    await createGroup({ name: 'gr-list-b' });
    await createGroup({ name: 'gr-list-a', is_superuser: true, users: [ann.id] });
    const res = await req('GET', '?search=GR-LIST&ordering=-name');
    expect(res.json().pagination.count).toBe(2);
    expect(res.json().results.map((g: { name: string }) => g.name)).toEqual(['gr-list-b', 'gr-list-a']);
    for (const g of res.json().results) expect(missingRequiredKeys('Group', g)).toEqual([]);
    const supers = (await req('GET', '?search=gr-list&is_superuser=true')).json();
    expect(supers.results.map((g: { name: string }) => g.name)).toEqual(['gr-list-a']);
    const byMember = (await req('GET', `?members_by_pk=${ann.id}&search=gr-list`)).json();
    expect(byMember.results.map((g: { name: string }) => g.name)).toEqual(['gr-list-a']);
    const byUsername = (await req('GET', '?members_by_username=gr-ann&search=gr-list')).json();
    expect(byUsername.results.map((g: { name: string }) => g.name)).toEqual(['gr-list-a']);
  });

  it('rejects a duplicate name', async () => {
    await createGroup({ name: 'gr-dup' });
    const res = await req('POST', '', { name: 'gr-dup' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ name: ['group with this name already exists.'] });
    const other = await createGroup({ name: 'gr-dup-2' });
    const rename = await req('PATCH', `${other.pk}/`, { name: 'gr-dup' });
    expect(rename.statusCode).toBe(400);
    expect(rename.json()).toEqual({ name: ['group with this name already exists.'] });
  });

  it('validates field types', async () => {
    const res = await req('POST', '', { name: 'gr-bad', parent: 'nope', users: ['x'], attributes: [] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      parent: ['“nope” is not a valid UUID.'],
      users: ['A valid integer is required.'],
      attributes: ['Expected a dictionary of items but got type "list".'],
    });
  });
});

describe('members', () => {
  it('sets users on create and renders users_obj as GroupMember', async () => {
    const g = await createGroup({ name: 'gr-members', users: [bob.id, ann.id] });
    expect(g.users).toEqual([ann.id, bob.id]);
    expect(g.users_obj).toHaveLength(2);
    expect(g.users_obj[0]).toMatchObject({
      pk: ann.id,
      username: 'gr-ann',
      name: 'Ann',
      email: 'ann@example.com',
      is_active: true,
      last_login: null,
      attributes: {},
    });
    expect(g.users_obj[0].uid).toMatch(/^[0-9a-f]{64}$/);
    for (const m of g.users_obj) expect(missingRequiredKeys('GroupMember', m)).toEqual([]);
    const replaced = await req('PATCH', `${g.pk}/`, { users: [bob.id] });
    expect(replaced.json().users).toEqual([bob.id]);
    const unknown = await req('PATCH', `${g.pk}/`, { users: [999999] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toEqual({ users: ['Invalid pk "999999" - object does not exist.'] });
  });

  it('adds and removes one user with add_user / remove_user', async () => {
    const g = await createGroup({ name: 'gr-add' });
    const add = await req('POST', `${g.pk}/add_user/`, { pk: ann.id });
    expect(add.statusCode).toBe(204);
    expect(add.body).toBe('');
    expect((await req('POST', `${g.pk}/add_user/`, { pk: ann.id })).statusCode).toBe(204); // idempotent
    expect((await req('GET', `${g.pk}/`)).json().users).toEqual([ann.id]);
    expect((await req('POST', `${g.pk}/remove_user/`, { pk: ann.id })).statusCode).toBe(204);
    expect((await req('GET', `${g.pk}/`)).json().users).toEqual([]);
  });

  it('answers add_user for a missing user or group with 404, a missing pk with 400', async () => {
    const g = await createGroup({ name: 'gr-add-404' });
    const noUser = await req('POST', `${g.pk}/add_user/`, { pk: 999999 });
    expect(noUser.statusCode).toBe(404);
    expect(noUser.json()).toEqual({ detail: 'Not found.' });
    const noGroup = await req('POST', '00000000-0000-4000-8000-000000000000/add_user/', { pk: ann.id });
    expect(noGroup.statusCode).toBe(404);
    const noPk = await req('POST', `${g.pk}/add_user/`, {});
    expect(noPk.statusCode).toBe(400);
    expect(noPk.json()).toEqual({ pk: ['This field is required.'] });
  });
});

describe('parents', () => {
  it('renders parent and parent_name, and clears the parent with null', async () => {
    const parent = await createGroup({ name: 'gr-parent' });
    const child = await createGroup({ name: 'gr-child', parent: parent.pk });
    expect(child).toMatchObject({ parent: parent.pk, parent_name: 'gr-parent' });
    const cleared = await req('PATCH', `${child.pk}/`, { parent: null });
    expect(cleared.json()).toMatchObject({ parent: null, parent_name: null });
    const unknown = await req('PATCH', `${child.pk}/`, { parent: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toEqual({ parent: ['Invalid pk "00000000-0000-4000-8000-000000000000" - object does not exist.'] });
  });

  it('refuses a group as its own parent with authentik’s message', async () => {
    const g = await createGroup({ name: 'gr-self' });
    const res = await req('PATCH', `${g.pk}/`, { parent: g.pk });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ parent: ['Cannot set group as parent of itself.'] });
  });

  it('refuses a parent cycle through descendants', async () => {
    const a = await createGroup({ name: 'gr-cy-a' });
    const b = await createGroup({ name: 'gr-cy-b', parent: a.pk });
    const c = await createGroup({ name: 'gr-cy-c', parent: b.pk });
    const res = await req('PATCH', `${a.pk}/`, { parent: c.pk });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json())).toEqual(['parent']);
    expect((await req('GET', `${a.pk}/`)).json().parent).toBeNull();
  });
});

describe('superuser flag', () => {
  it('toggling is_superuser on a group changes is_superuser of its members and of child-group members', async () => {
    const carl = await app.ctx.store.repos.users.create({ username: 'gr-su-carl' });
    const dora = await app.ctx.store.repos.users.create({ username: 'gr-su-dora' });
    const parent = await createGroup({ name: 'gr-su-parent', users: [carl.id] });
    await createGroup({ name: 'gr-su-child', parent: parent.pk, users: [dora.id] });
    expect([await superuserOf(carl), await superuserOf(dora)]).toEqual([false, false]);
    await req('PATCH', `${parent.pk}/`, { is_superuser: true });
    expect([await superuserOf(carl), await superuserOf(dora)]).toEqual([true, true]);
    const supers = await app.request({ method: 'GET', url: '/api/v3/core/users/?is_superuser=true&search=gr-su-' });
    expect(supers.json().results.map((u: User) => u.username)).toEqual(['gr-su-carl', 'gr-su-dora']);
    await req('PATCH', `${parent.pk}/`, { is_superuser: false });
    expect([await superuserOf(carl), await superuserOf(dora)]).toEqual([false, false]);
  });

  it('takes the flag away when the user leaves the group', async () => {
    const eve = await app.ctx.store.repos.users.create({ username: 'gr-su-eve' });
    const g = await createGroup({ name: 'gr-su-leave', is_superuser: true, users: [eve.id] });
    expect(await superuserOf(eve)).toBe(true);
    await req('POST', `${g.pk}/remove_user/`, { pk: eve.id });
    expect(await superuserOf(eve)).toBe(false);
  });
});
