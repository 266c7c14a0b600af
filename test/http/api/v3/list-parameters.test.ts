/**
 * authentik 2024.8 list parameters through the admin API: unknown ordering terms are dropped
 * (DRF's OrderingFilter), every model-backed field orders, and the documented filters filter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { createOAuth } from './sources/helpers.js';

let app: TestApp;
let userIds: number[];
beforeAll(async () => {
  app = await createTestApp();
  const repos = app.ctx.store.repos;
  const a = await repos.users.create({ username: 'lp-a', path: 'lp/team/a', attributes: { dept: 'eng', nested: { level: 2 } } });
  const b = await repos.users.create({ username: 'lp-b', path: 'lp/team/b', attributes: { dept: 'ops' } });
  const c = await repos.users.create({ username: 'lp-c', path: 'lpx/other', attributes: { dept: 'eng' } });
  userIds = [a.id, b.id, c.id];
  await repos.groups.create({ name: 'lp-g1', attributes: { tier: 'gold' } });
  await repos.groups.create({ name: 'lp-g2', attributes: { tier: 'silver' } });
  await repos.tokens.create({
    identifier: 'lp-t1',
    key: 'lp-key-1-0123456789',
    intent: 'api',
    userId: a.id,
    expires: new Date('2030-01-01T00:00:00Z'),
  });
  await repos.tokens.create({
    identifier: 'lp-t2',
    key: 'lp-key-2-0123456789',
    intent: 'api',
    userId: b.id,
    expires: new Date('2031-06-01T12:00:00Z'),
  });
  await repos.flows.create({ slug: 'lp-flow-deny', name: 'lp deny', title: 'd', designation: 'authentication', deniedAction: 'message' });
  await repos.flows.create({ slug: 'lp-flow-cont', name: 'lp cont', title: 'c', designation: 'authentication', deniedAction: 'continue' });
  await createOAuth(app, 'lp-oauth-1');
  await createOAuth(app, 'lp-oauth-2');
});
afterAll(async () => app?.close());

const get = (url: string) => app.request({ method: 'GET', url });
const results = async (url: string, key: string) => {
  const res = await get(url);
  expect(res.statusCode).toBe(200);
  return (res.json().results as Array<Record<string, unknown>>).map((r) => r[key]);
};

describe('ordering follows DRF', () => {
  it('drops unknown terms and keeps the known ones', async () => {
    const plain = await results('/api/v3/core/users/?path=lp/team/a', 'username');
    expect(await results('/api/v3/core/users/?ordering=password,nope', 'username')).toEqual(await results('/api/v3/core/users/', 'username'));
    expect(plain).toEqual(['lp-a']);
    expect(await results('/api/v3/core/users/?search=lp-&ordering=nope,-pk', 'pk')).toEqual([...userIds].reverse());
  });

  it('orders by pk on every source list and by user on tokens', async () => {
    for (const url of ['/api/v3/sources/oauth/', '/api/v3/sources/all/', '/api/v3/sources/saml/', '/api/v3/sources/scim/']) {
      const asc = await results(`${url}?ordering=pk`, 'pk');
      const desc = await results(`${url}?ordering=-pk`, 'pk');
      expect(desc).toEqual([...asc].reverse());
      expect([...asc].sort()).toEqual(asc);
    }
    expect(await results('/api/v3/core/tokens/?search=lp-t&ordering=-user', 'identifier')).toEqual(['lp-t2', 'lp-t1']);
    expect(await results('/api/v3/core/tokens/?search=lp-t&ordering=user', 'identifier')).toEqual(['lp-t1', 'lp-t2']);
    expect(await results('/api/v3/sources/oauth/?ordering=-consumer_key,-slug', 'slug')).toEqual(['lp-oauth-2', 'lp-oauth-1']);
  });

  it('orders connections by created', async () => {
    const repos = app.ctx.store.repos;
    const source = (await get('/api/v3/sources/oauth/lp-oauth-1/')).json().pk as string;
    // Two connections created one after the other: `created` orders them like `pk`.
    const first = await repos.userConnections.create({ kind: 'oauth', userId: userIds[1], sourceUuid: source, identifier: 'lp-conn-b' });
    const second = await repos.userConnections.create({ kind: 'oauth', userId: userIds[0], sourceUuid: source, identifier: 'lp-conn-a' });
    const url = '/api/v3/sources/user_connections/all/';
    expect(await results(`${url}?ordering=-pk`, 'pk')).toEqual([second.id, first.id]);
    expect(await results(`${url}?ordering=-created`, 'pk')).toEqual([second.id, first.id]);
    expect(await results(`${url}?ordering=created`, 'pk')).toEqual([first.id, second.id]);
    expect(await results(`${url}?ordering=-user`, 'pk')).toEqual([first.id, second.id]);
    expect((await get('/api/v3/sources/group_connections/oauth/?ordering=-created')).statusCode).toBe(200);
  });
});

describe('documented filters filter', () => {
  it('users: attributes (key lookups, nested with __) and path_startswith', async () => {
    const q = (v: unknown) => `/api/v3/core/users/?attributes=${encodeURIComponent(JSON.stringify(v))}`;
    expect(await results(q({ dept: 'eng' }), 'username')).toEqual(['lp-a', 'lp-c']);
    expect(await results(q({ dept: 'eng', nested__level: 2 }), 'username')).toEqual(['lp-a']);
    expect(await results(q({ dept: 'none' }), 'username')).toEqual([]);
    expect(await results('/api/v3/core/users/?path_startswith=lp/team/', 'username')).toEqual(['lp-a', 'lp-b']);
    expect(await results('/api/v3/core/users/?path_startswith=lp%25', 'username')).toEqual([]);
    const bad = await get('/api/v3/core/users/?attributes=not-json');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ attributes: ['filter: failed to parse JSON'] });
    expect((await get('/api/v3/core/users/?attributes=[1]')).json()).toEqual({ attributes: ['filter: value must be key:value mapping'] });
    expect((await get('/api/v3/core/users/?not_a_filter=1')).statusCode).toBe(200);
  });

  it('groups: attributes', async () => {
    expect(await results(`/api/v3/core/groups/?attributes=${encodeURIComponent('{"tier":"gold"}')}`, 'name')).toEqual(['lp-g1']);
    expect((await get('/api/v3/core/groups/?attributes={')).json()).toEqual({ attributes: ['filter: failed to parse JSON'] });
  });

  it('tokens: expires', async () => {
    expect(await results('/api/v3/core/tokens/?expires=2031-06-01T12:00:00Z', 'identifier')).toEqual(['lp-t2']);
    expect(await results('/api/v3/core/tokens/?expires=2030-01-01T00:00:00.000Z', 'identifier')).toEqual(['lp-t1']);
    expect((await get('/api/v3/core/tokens/?expires=tomorrow')).json()).toEqual({ expires: ['Enter a valid date/time.'] });
  });

  it('flows: denied_action', async () => {
    expect(await results('/api/v3/flows/instances/?search=lp-flow&denied_action=continue', 'slug')).toEqual(['lp-flow-cont']);
    expect(await results('/api/v3/flows/instances/?search=lp-flow&denied_action=message', 'slug')).toEqual(['lp-flow-deny']);
  });
});

describe('provider_type values', () => {
  it('stores and returns azuread as sent, and lists the 2024.8 name', async () => {
    const created = await createOAuth(app, 'lp-azure', { provider_type: 'azuread' });
    expect(created.provider_type).toBe('azuread');
    expect((await get('/api/v3/sources/oauth/lp-azure/')).json().provider_type).toBe('azuread');
    expect(await results('/api/v3/sources/oauth/?provider_type=azuread', 'slug')).toEqual(['lp-azure']);
    const types = (await get('/api/v3/sources/oauth/source_types/')).json<Array<{ name: string; verbose_name: string }>>();
    expect(types.map((t) => t.name)).toContain('azuread');
    expect(types.map((t) => t.name)).not.toContain('entraid');
    expect((await get('/api/v3/sources/oauth/source_types/?name=azuread')).json()).toEqual([
      expect.objectContaining({ name: 'azuread', verbose_name: 'Azure AD' }),
    ]);
  });
});

describe('include_users / include_groups', () => {
  it('answers the nested objects as null when switched off', async () => {
    const g = (await get('/api/v3/core/groups/?name=lp-g1')).json().results[0] as { pk: string; users_obj: unknown };
    expect(g.users_obj).toEqual([]);
    expect((await get('/api/v3/core/groups/?name=lp-g1&include_users=false')).json().results[0].users_obj).toBeNull();
    expect((await get(`/api/v3/core/groups/${g.pk}/?include_users=false`)).json().users_obj).toBeNull();
    expect((await get(`/api/v3/core/groups/${g.pk}/?include_users=true`)).json().users_obj).toEqual([]);
    expect((await get('/api/v3/core/users/?username=lp-a')).json().results[0].groups_obj).toEqual([]);
    expect((await get('/api/v3/core/users/?username=lp-a&include_groups=false')).json().results[0].groups_obj).toBeNull();
  });
});

describe('managed on 2024.8 request models', () => {
  it('tokens accept managed on create (unique; blank refused)', async () => {
    const payload = { identifier: 'lp-managed', intent: 'api', user: userIds[0], managed: 'example.org/lp-token' };
    const res = await app.request({ method: 'POST', url: '/api/v3/core/tokens/', payload });
    expect(res.statusCode).toBe(201);
    expect(res.json().managed).toBe('example.org/lp-token');
    expect((await app.ctx.store.repos.tokens.byManaged('example.org/lp-token'))?.identifier).toBe('lp-managed');
    const dup = await app.request({ method: 'POST', url: '/api/v3/core/tokens/', payload: { ...payload, identifier: 'lp-managed-2' } });
    expect(dup.statusCode).toBe(400);
    expect(dup.json()).toEqual({ managed: ['token with this managed already exists.'] });
    const blank = await app.request({
      method: 'POST',
      url: '/api/v3/core/tokens/',
      payload: { ...payload, identifier: 'lp-managed-3', managed: '' },
    });
    expect(blank.statusCode).toBe(400);
    expect(Object.keys(blank.json())).toEqual(['managed']);
  });
});
