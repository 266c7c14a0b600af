/** /core/users/ edges: every list filter, DRF validation messages, ignored fields, unicode. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../../../src/domain/entities.js';
import { createTestApp, type TestApp } from '../../../../support/app.js';
import { missingRequiredKeys } from '../../../../support/client-models.js';

let app: TestApp;
let ann: User;
let bob: User;
let cat: User;
let dan: User;
let admins: string;
let staff: string;
let child: string;
beforeAll(async () => {
  app = await createTestApp();
  const repos = app.ctx.store.repos;
  ann = await repos.users.create({ username: 'ue-ann', name: 'Ann', email: 'ann@example.com', type: 'internal', path: 'ue/one' });
  bob = await repos.users.create({ username: 'ue-bob', name: 'Bob', email: 'bob@example.com', type: 'external', path: 'ue/two', isActive: false });
  cat = await repos.users.create({ username: 'ue-cat', name: 'Cat', email: 'cat@example.com', type: 'service_account', path: 'ue/one' });
  dan = await repos.users.create({ username: 'ue-dan', name: 'Dan', email: 'ANN@example.com', type: 'internal', path: 'ue/two' });
  admins = (await repos.groups.create({ name: 'ue-admins', isSuperuser: true })).uuid;
  child = (await repos.groups.create({ name: 'ue-child', parentUuid: admins })).uuid;
  staff = (await repos.groups.create({ name: 'ue-staff' })).uuid;
  await repos.groups.addMembers(admins, [ann.id]);
  await repos.groups.addMembers(child, [cat.id]);
  await repos.groups.addMembers(staff, [ann.id, bob.id]);
});
afterAll(async () => app?.close());

async function list(query: string): Promise<string[]> {
  const res = await app.request({ method: 'GET', url: `/api/v3/core/users/?ordering=username&${query}` });
  expect(res.statusCode, `${query}: ${res.body}`).toBe(200);
  return res
    .json()
    .results.map((u: { username: string }) => u.username)
    .filter((n: string) => n.startsWith('ue-'));
}

const create = (payload: unknown) => app.request({ method: 'POST', url: '/api/v3/core/users/', payload: payload as object });

describe('list filters', () => {
  it('username and email (exact)', async () => {
    expect(await list('username=ue-bob')).toEqual(['ue-bob']);
    expect(await list('username=UE-BOB')).toEqual([]);
    expect(await list('email=ann%40example.com')).toEqual(['ue-ann']);
  });

  it('is_active', async () => {
    expect(await list('is_active=false')).toEqual(['ue-bob']);
    expect(await list('is_active=true')).toEqual(['ue-ann', 'ue-cat', 'ue-dan']);
  });

  it('is_superuser, including through a parent group', async () => {
    expect(await list('is_superuser=true')).toEqual(['ue-ann', 'ue-cat']);
    expect(await list('is_superuser=false')).toEqual(['ue-bob', 'ue-dan']);
  });

  it('type, repeatable', async () => {
    expect(await list('type=external')).toEqual(['ue-bob']);
    expect(await list('type=internal&type=service_account')).toEqual(['ue-ann', 'ue-cat', 'ue-dan']);
  });

  it('groups_by_name and groups_by_pk, repeatable, without duplicates', async () => {
    expect(await list('groups_by_name=ue-staff')).toEqual(['ue-ann', 'ue-bob']);
    expect(await list('groups_by_name=ue-staff&groups_by_name=ue-admins')).toEqual(['ue-ann', 'ue-bob']);
    expect(await list(`groups_by_pk=${child}`)).toEqual(['ue-cat']);
    expect(await list(`groups_by_pk=${admins}&groups_by_pk=${child}`)).toEqual(['ue-ann', 'ue-cat']);
  });

  it('path and uuid', async () => {
    expect(await list('path=ue/two')).toEqual(['ue-bob', 'ue-dan']);
    expect(await list(`uuid=${cat.uuid}`)).toEqual(['ue-cat']);
    expect(await list(`uuid=${cat.uuid.toUpperCase()}`)).toEqual(['ue-cat']);
  });

  it('combines filters with AND and keeps counts exact', async () => {
    const res = await app.request({ method: 'GET', url: '/api/v3/core/users/?path=ue/one&is_superuser=true&type=internal' });
    expect(res.json().pagination.count).toBe(1);
    expect(res.json().results.map((u: User) => u.username)).toEqual(['ue-ann']);
  });

  it('rejects malformed filter values with 400 on that parameter', async () => {
    for (const q of ['is_active=maybe', 'uuid=not-a-uuid', 'groups_by_pk=not-a-uuid']) {
      const res = await app.request({ method: 'GET', url: `/api/v3/core/users/?${q}` });
      expect(res.statusCode, q).toBe(400);
      expect(Object.keys(res.json()), q).toEqual([q.split('=')[0]]);
    }
  });
});

describe('validation messages (DRF wording)', () => {
  it.each([
    ['missing fields', {}, { username: ['This field is required.'], name: ['This field is required.'] }],
    ['too long username', { username: 'u'.repeat(151), name: 'x' }, { username: ['Ensure this field has no more than 150 characters.'] }],
    ['bad email', { username: 'ue-e', name: 'x', email: 'not-an-email' }, { email: ['Enter a valid email address.'] }],
    ['bad type', { username: 'ue-t', name: 'x', type: 'x' }, { type: ['"x" is not a valid choice.'] }],
    ['boolean username', { username: true, name: 'x' }, { username: ['Not a valid string.'] }],
    ['blank username', { username: '', name: 'x' }, { username: ['This field may not be blank.'] }],
    ['null name', { username: 'ue-n', name: null }, { name: ['This field may not be null.'] }],
    ['bad boolean', { username: 'ue-b', name: 'x', is_active: 'maybe' }, { is_active: ['Must be a valid boolean.'] }],
    [
      'attributes not a dict',
      { username: 'ue-a', name: 'x', attributes: 'str' },
      { attributes: ['Expected a dictionary of items but got type "str".'] },
    ],
    ['groups not a list', { username: 'ue-g', name: 'x', groups: 'abc' }, { groups: ['Expected a list of items but got type "str".'] }],
    ['duplicate username', { username: 'ue-ann', name: 'x' }, { username: ['This field must be unique.'] }],
    ['leading slash in path', { username: 'ue-p', name: 'x', path: '/abs' }, { path: ['No leading or trailing slashes allowed.'] }],
    ['empty path segment', { username: 'ue-p', name: 'x', path: 'fos//o' }, { path: ['No empty segments in user path allowed.'] }],
  ])('%s', async (_label, payload, expected) => {
    const res = await create(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(expected);
  });

  it('reports an unknown group pk', async () => {
    const res = await create({ username: 'ue-g2', name: 'x', groups: ['00000000-0000-4000-8000-000000000000'] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ groups: ['Invalid pk "00000000-0000-4000-8000-000000000000" - object does not exist.'] });
  });

  it('reports every invalid field at once and writes nothing', async () => {
    const res = await create({ username: 'ue-multi', name: 'x', email: 'bad', type: 'alien', is_active: 'maybe' });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json()).sort()).toEqual(['email', 'is_active', 'type']);
    expect(await app.ctx.store.repos.users.byUsername('ue-multi')).toBeNull();
  });

  it('allows a blank name and email', async () => {
    const res = await create({ username: 'ue-blank', name: '', email: '' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: '', email: '' });
  });
});

describe('ignored fields', () => {
  it('ignores unknown body fields', async () => {
    const res = await create({ username: 'ue-unknown', name: 'x', favourite_colour: 'blue', password: 'secret' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).not.toHaveProperty('favourite_colour');
    expect(res.json()).not.toHaveProperty('password');
    expect(await app.ctx.store.repos.users.passwordHash(res.json().pk)).toBeNull();
  });

  it('ignores read-only fields such as pk, is_superuser, uid and uuid', async () => {
    const uuid = '11111111-1111-4111-8111-111111111111';
    const res = await create({ username: 'ue-ro', name: 'x', pk: 424242, is_superuser: true, uid: 'forged', uuid, avatar: 'x', groups_obj: [] });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.pk).not.toBe(424242);
    expect(body.is_superuser).toBe(false);
    expect(body.uid).not.toBe('forged');
    expect(body.uuid).not.toBe(uuid);
    const patched = await app.request({ method: 'PATCH', url: `/api/v3/core/users/${body.pk}/`, payload: { is_superuser: true, pk: 1 } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ pk: body.pk, is_superuser: false });
  });
});

describe('round trips', () => {
  it('keeps unicode usernames and names intact', async () => {
    const name = 'Zoë Ωμέγα 🚀';
    const res = await create({ username: 'zoë-ωμέγα-🚀', name, email: 'zoe@example.com' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username: 'zoë-ωμέγα-🚀', name });
    const again = await app.request({ method: 'GET', url: `/api/v3/core/users/${res.json().pk}/` });
    expect(again.json()).toMatchObject({ username: 'zoë-ωμέγα-🚀', name });
    const found = await app.request({ method: 'GET', url: `/api/v3/core/users/?username=${encodeURIComponent('zoë-ωμέγα-🚀')}` });
    expect(found.json().results.map((u: User) => u.username)).toEqual(['zoë-ωμέγα-🚀']);
    const searched = await app.request({ method: 'GET', url: `/api/v3/core/users/?search=${encodeURIComponent('ΩΜΈΓΑ')}` });
    expect(searched.json().pagination.count).toBe(1);
  });

  it('counts a 150-character unicode username by characters, not bytes', async () => {
    const res = await create({ username: 'ü'.repeat(150), name: 'x' });
    expect(res.statusCode).toBe(201);
  });

  it('serves groups_obj with parent names and every key the client requires', async () => {
    const res = await app.request({ method: 'GET', url: `/api/v3/core/users/${cat.id}/` });
    expect(missingRequiredKeys('User', res.json())).toEqual([]);
    expect(res.json()).toMatchObject({
      is_superuser: true,
      groups: [child],
      groups_obj: [{ pk: child, name: 'ue-child', parent: admins, parent_name: 'ue-admins' }],
    });
  });

  it('puts a full update and replaces group membership', async () => {
    const res = await app.request({
      method: 'PUT',
      url: `/api/v3/core/users/${dan.id}/`,
      payload: { username: 'ue-dan', name: 'Daniel', groups: [staff] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Daniel', groups: [staff], is_superuser: false });
    const missing = await app.request({ method: 'PUT', url: `/api/v3/core/users/${dan.id}/`, payload: { name: 'x' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ username: ['This field is required.'] });
  });

  it('refuses to delete the user making the request', async () => {
    const me = await app.request({ method: 'GET', url: '/api/v3/core/users/?username=akadmin' });
    const res = await app.request({ method: 'DELETE', url: `/api/v3/core/users/${me.json().results[0].pk}/` });
    expect(res.statusCode).toBe(403);
  });
});
