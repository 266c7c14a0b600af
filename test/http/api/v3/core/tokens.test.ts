/** /api/v3/core/tokens/ — keys stay secret, owners see only their own tokens (authentik 2024.8). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../../../src/domain/entities.js';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../../../../support/app.js';
import { missingRequiredKeys } from '../../../../support/client-models.js';
import { createToken, normalUser } from '../../../../support/sessions.js';

let app: TestApp;
let alice: { user: User; token: string };
let bob: { user: User; token: string };
beforeAll(async () => {
  app = await createTestApp();
  alice = await normalUser(app, 'tk-alice');
  bob = await normalUser(app, 'tk-bob');
});
afterAll(async () => app?.close());

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const req = (method: Method, path: string, payload?: object, token: string = ADMIN_TOKEN) =>
  app.request({ method, url: `/api/v3/core/tokens/${path}`, token, ...(payload ? { payload } : {}) });

function expectNoKey(body: unknown, key?: string): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/"key"\s*:/);
  if (key) expect(text).not.toContain(key);
}

describe('create / list / retrieve', () => {
  it('generates a 60-character key that no create, list or retrieve response reveals', async () => {
    const created = await req('POST', '', { identifier: 'tk-admin-1', intent: 'api', description: 'first' });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ identifier: 'tk-admin-1', intent: 'api', description: 'first', managed: null, expiring: true });
    expect(missingRequiredKeys('Token', body)).toEqual([]);
    const key = (await req('GET', 'tk-admin-1/view_key/')).json().key;
    expect(key).toMatch(/^[A-Za-z0-9]{60}$/);
    expectNoKey(body, key);
    const retrieved = await req('GET', 'tk-admin-1/');
    expect(retrieved.statusCode).toBe(200);
    expectNoKey(retrieved.json(), key);
    expect(missingRequiredKeys('Token', retrieved.json())).toEqual([]);
    const listed = await req('GET', '?identifier=tk-admin-1');
    expect(listed.json().pagination.count).toBe(1);
    expectNoKey(listed.json(), key);
    for (const t of listed.json().results) expect(missingRequiredKeys('Token', t)).toEqual([]);
  });

  it('defaults intent to api and the owner to the caller, and gives expiring tokens an expiry', async () => {
    const res = await req('POST', '', { identifier: 'tk-defaults' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ intent: 'api', user: expect.any(Number), expiring: true });
    expect(res.json().user_obj.username).toBe('akadmin');
    expect(Date.parse(res.json().expires)).toBeGreaterThan(Date.now());
  });

  it('renders user_obj as a full User', async () => {
    const res = await req('POST', '', { identifier: 'tk-for-alice', user: alice.user.id, intent: 'app_password' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ user: alice.user.id, user_obj: { pk: alice.user.id, username: 'tk-alice' } });
    expect(missingRequiredKeys('User', res.json().user_obj)).toEqual([]);
  });

  it('rejects a duplicate identifier, a bad slug and a missing identifier', async () => {
    await req('POST', '', { identifier: 'tk-dup' });
    const dup = await req('POST', '', { identifier: 'tk-dup' });
    expect(dup.statusCode).toBe(400);
    expect(dup.json()).toEqual({ identifier: ['token with this identifier already exists.'] });
    const missing = await req('POST', '', {});
    expect(missing.json()).toEqual({ identifier: ['This field is required.'] });
    const slug = await req('POST', '', { identifier: 'has spaces' });
    expect(slug.json()).toEqual({ identifier: ['Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'] });
  });

  it('refuses intents other than api and app_password, even for a superuser', async () => {
    for (const intent of ['recovery', 'verification']) {
      const res = await req('POST', '', { identifier: `tk-intent-${intent}`, intent });
      expect(res.statusCode, intent).toBe(400);
      expect(res.json(), intent).toEqual({ intent: [`Invalid intent ${intent}`] });
    }
  });
});

describe('a normal user', () => {
  it('creates tokens only for themself and sees only their own', async () => {
    const forBob = await req('POST', '', { identifier: 'tk-alice-own', user: bob.user.id, intent: 'api' }, alice.token);
    expect(forBob.statusCode).toBe(201);
    expect(forBob.json().user).toBe(alice.user.id);
    await req('POST', '', { identifier: 'tk-bob-own', intent: 'api' }, bob.token);
    const list = await req('GET', '?page_size=100', undefined, alice.token);
    expect(list.statusCode).toBe(200);
    const owners = new Set(list.json().results.map((t: { user: number }) => t.user));
    expect(owners).toEqual(new Set([alice.user.id]));
    expect(list.json().results.map((t: { identifier: string }) => t.identifier)).toContain('tk-alice-own');
    expect(list.json().pagination.count).toBe(list.json().results.length);
  });

  it('cannot use intent recovery', async () => {
    const res = await req('POST', '', { identifier: 'tk-alice-recovery', intent: 'recovery' }, alice.token);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ intent: ['Invalid intent recovery'] });
    expect(await app.ctx.store.repos.tokens.byIdentifier('tk-alice-recovery')).toBeNull();
  });

  it('cannot mint a non-expiring token (authentik forces the user’s token_expiring attribute)', async () => {
    const res = await req('POST', '', { identifier: 'tk-alice-forever', intent: 'api', expiring: false }, alice.token);
    expect(res.statusCode).toBe(201);
    expect(res.json().expiring).toBe(true);
  });

  it('gets 404 for someone else’s token on every detail route', async () => {
    const notFound = { detail: 'No Token matches the given query.' };
    for (const [method, path, payload] of [
      ['GET', 'tk-bob-own/', undefined],
      ['GET', 'tk-bob-own/view_key/', undefined],
      ['PATCH', 'tk-bob-own/', { description: 'mine now' }],
      ['DELETE', 'tk-bob-own/', undefined],
    ] as const) {
      const res = await req(method, path, payload, alice.token);
      expect(res.statusCode, `${method} ${path}`).toBe(404);
      expect(res.json(), `${method} ${path}`).toEqual(notFound);
    }
    expect(await app.ctx.store.repos.tokens.byIdentifier('tk-bob-own')).not.toBeNull();
  });
});

describe('view_key and set_key', () => {
  it('shows the key to the owner and to a superuser', async () => {
    const own = await req('GET', 'tk-alice-own/view_key/', undefined, alice.token);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toEqual({ key: expect.stringMatching(/^[A-Za-z0-9]{60}$/) });
    expect(missingRequiredKeys('TokenView', own.json())).toEqual([]);
    const admin = await req('GET', 'tk-alice-own/view_key/');
    expect(admin.json()).toEqual(own.json());
    // The revealed key authenticates as its owner.
    const me = await app.request({ method: 'GET', url: '/api/v3/core/users/me/', token: own.json().key });
    expect(me.json().user.username).toBe('tk-alice');
  });

  it('lets only a superuser set a key; the new key authenticates and the old one stops', async () => {
    const oldKey = (await req('GET', 'tk-alice-own/view_key/', undefined, alice.token)).json().key;
    const denied = await req('POST', 'tk-alice-own/set_key/', { key: 'alice-chose-this-key-0123456789' }, alice.token);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toEqual({ detail: 'You do not have permission to perform this action.' });
    const set = await req('POST', 'tk-alice-own/set_key/', { key: 'admin-set-this-key-0123456789' });
    expect(set.statusCode).toBe(204);
    expect(set.body).toBe('');
    const withNew = await app.request({ method: 'GET', url: '/api/v3/core/users/me/', token: 'admin-set-this-key-0123456789' });
    expect(withNew.statusCode).toBe(200);
    expect(withNew.json().user.username).toBe('tk-alice');
    const withOld = await app.request({ method: 'GET', url: '/api/v3/core/users/me/', token: oldKey });
    expect(withOld.statusCode).toBe(403);
    const empty = await req('POST', 'tk-alice-own/set_key/', {});
    expect(empty.statusCode).toBe(400);
  });

  it('answers view_key of a missing token with 404', async () => {
    const res = await req('GET', 'tk-none/view_key/');
    expect(res.statusCode).toBe(404);
  });
});

describe('updates', () => {
  it('patches description and expiry of an own token', async () => {
    await req('POST', '', { identifier: 'tk-patch', intent: 'api' }, bob.token);
    const expires = '2031-02-03T04:05:06.000Z';
    const res = await req('PATCH', 'tk-patch/', { description: 'changed', expires }, bob.token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ description: 'changed', expires, identifier: 'tk-patch' });
  });

  it('refuses to change a managed token with 403', async () => {
    const managed = await app.ctx.store.repos.tokens.byManaged('goauthentik.io/core/bootstrap-token');
    expect(managed).not.toBeNull();
    const res = await req('PATCH', `${managed!.identifier}/`, { description: 'hijacked' });
    expect(res.statusCode).toBe(403);
    expect((await app.ctx.store.repos.tokens.byIdentifier(managed!.identifier))?.description).not.toBe('hijacked');
    // The bootstrap token still works.
    expect((await app.request({ method: 'GET', url: '/api/v3/core/users/me/' })).statusCode).toBe(200);
  });

  it('deletes an own token, after which its key no longer authenticates', async () => {
    const key = await createToken(app, bob.user.id, { identifier: 'tk-delete-me' });
    expect((await app.request({ method: 'GET', url: '/api/v3/core/users/me/', token: key })).statusCode).toBe(200);
    expect((await req('DELETE', 'tk-delete-me/', undefined, bob.token)).statusCode).toBe(204);
    expect((await app.request({ method: 'GET', url: '/api/v3/core/users/me/', token: key })).statusCode).toBe(403);
  });
});
