/**
 * The edge check (NUL characters, JSON depth) on every surface: each refusal is a 400 in the
 * surface's own shape — DRF on /api/v3, RFC 7644 on SCIM, the HTML error page on browser
 * routes — and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPTH_MESSAGE, MAX_JSON_DEPTH, NUL_MESSAGE } from '../../src/http/input-guard.js';
import { createTestApp, ADMIN_PASSWORD, type TestApp } from '../support/app.js';
import { createScimSource, ERROR_SCHEMA, scimClient, type ScimCall } from '../sources/scim/http/support.js';

let app: TestApp;
let scim: ScimCall;

beforeAll(async () => {
  app = await createTestApp();
  scim = scimClient(app, await createScimSource(app));
});
afterAll(async () => app?.close());

/** `depth` nested objects around a leaf, as JSON text: depth 1 is `{"a":1}`. */
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

async function count(table: 'users' | 'groups' | 'events' | 'user_source_connections'): Promise<number> {
  const r = await app.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

const json = (payload: string) => ({ payload, headers: { 'content-type': 'application/json' } });

describe('admin API (/api/v3): DRF 400 bodies', () => {
  it('a NUL in a JSON body field names the field and writes nothing', async () => {
    const [users, groups] = [await count('users'), await count('groups')];
    const user = await app.request({ method: 'POST', url: '/api/v3/core/users/', ...json('{"username":"nul\\u0000user","name":"x"}') });
    expect(user.statusCode).toBe(400);
    expect(user.json()).toEqual({ username: [NUL_MESSAGE] });
    const group = await app.request({ method: 'POST', url: '/api/v3/core/groups/', payload: { name: 'nul\u0000group' } });
    expect(group.statusCode).toBe(400);
    expect(group.json()).toEqual({ name: [NUL_MESSAGE] });
    // Nested anywhere in a field's value, in a key too.
    const attributes = await app.request({
      method: 'POST',
      url: '/api/v3/core/users/',
      payload: { username: 'nul-attrs', name: 'x', attributes: { list: ['ok', { k: 'v\u0000' }] } },
    });
    expect(attributes.json()).toEqual({ attributes: [NUL_MESSAGE] });
    const key = await app.request({
      method: 'POST',
      url: '/api/v3/core/users/',
      payload: { username: 'nul-key', name: 'x', attributes: { 'k\u0000': 1 } },
    });
    expect(key.json()).toEqual({ attributes: [NUL_MESSAGE] });
    expect([await count('users'), await count('groups')]).toEqual([users, groups]);
  });

  it('a NUL in a body that is not an object is a non-field error', async () => {
    const res = await app.request({ method: 'POST', url: '/api/v3/core/users/', ...json('["a\\u0000"]') });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ non_field_errors: [NUL_MESSAGE] });
  });

  it('a NUL in a query filter or a path parameter names it', async () => {
    const filter = await app.request({ method: 'GET', url: '/api/v3/core/users/?username=a%00b' });
    expect(filter.statusCode).toBe(400);
    expect(filter.json()).toEqual({ username: [NUL_MESSAGE] });
    const search = await app.request({ method: 'GET', url: '/api/v3/core/groups/?search=%00' });
    expect(search.json()).toEqual({ search: [NUL_MESSAGE] });
    const path = await app.request({ method: 'GET', url: '/api/v3/flows/instances/a%00b/' });
    expect(path.statusCode).toBe(400);
    expect(path.json()).toEqual({ slug: [NUL_MESSAGE] });
  });

  it(`JSON nested deeper than ${MAX_JSON_DEPTH} levels is refused; ${MAX_JSON_DEPTH} levels are accepted`, async () => {
    const users = await count('users');
    for (const depth of [5000, MAX_JSON_DEPTH]) {
      const res = await app.request({
        method: 'POST',
        url: '/api/v3/core/users/',
        ...json(`{"username":"deep-${depth}","name":"x","attributes":${nested(depth)}}`),
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toEqual({ attributes: [DEPTH_MESSAGE] });
    }
    expect(await count('users')).toBe(users);
    // The body itself is level 1, so attributes may hold MAX_JSON_DEPTH - 1 levels.
    const ok = await app.request({
      method: 'POST',
      url: '/api/v3/core/users/',
      ...json(`{"username":"deep-ok","name":"x","attributes":${nested(MAX_JSON_DEPTH - 1)}}`),
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const deepArray = await app.request({ method: 'POST', url: '/api/v3/core/users/', ...json('['.repeat(5000) + ']'.repeat(5000)) });
    expect(deepArray.statusCode).toBe(400);
    expect(deepArray.json()).toEqual({ non_field_errors: [DEPTH_MESSAGE] });
  });
});

describe('SCIM: RFC 7644 400 bodies', () => {
  it('a NUL in a body is invalidValue and writes nothing', async () => {
    const users = await count('users');
    const res = await scim('POST', '/Users', { userName: 'scim\u0000nul' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.body).toEqual({ schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidValue', detail: `userName: ${NUL_MESSAGE}` });
    const nested = await scim('POST', '/Groups', { displayName: 'g', members: [{ value: 'x\u0000' }] });
    expect(nested.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(await count('users')).toBe(users);
  });

  it('a NUL in the filter is invalidFilter, in another parameter invalidValue', async () => {
    const filter = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "a\u0000b"')}`);
    expect(filter.status).toBe(400);
    expect(filter.body).toEqual({ schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidFilter', detail: `filter: ${NUL_MESSAGE}` });
    const attributes = await scim('GET', '/Users?attributes=user%00Name');
    expect(attributes.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
  });

  it('an over-deep document is invalidSyntax and writes nothing', async () => {
    const users = await count('users');
    for (const depth of [MAX_JSON_DEPTH + 1, 5000]) {
      const res = await scim('POST', '/Users', `{"userName":"scim-deep-${depth}","x":${nested(depth)}}`);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidSyntax' });
    }
    expect(await count('users')).toBe(users);
  });
});

describe('browser routes: the HTML error page with 400', () => {
  const expectPage = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
    expect(res.statusCode, res.body).toBe(400);
    expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
    expect(res.body).toContain(NUL_MESSAGE);
  };

  it('a NUL in a source slug or a flow slug', async () => {
    for (const url of [
      '/source/oauth/login/a%00b/',
      '/source/oauth/callback/%00/',
      '/source/saml/a%00b/',
      '/source/saml/a%00b/metadata/',
      '/if/flow/a%00b/',
    ]) {
      expectPage(await app.request({ method: 'GET', url, token: null }));
    }
  });

  it('a NUL in a query parameter', async () => {
    expectPage(await app.request({ method: 'GET', url: '/if/flow/default-authentication-flow/?next=/if/user/%00', token: null }));
  });

  it('a NUL in a form-encoded login body, with a valid form token, writes nothing', async () => {
    const page = await app.request({ method: 'GET', url: '/if/flow/default-authentication-flow/', token: null });
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
    expect(csrf).toBeDefined();
    const post = (username: string) =>
      app.request({
        method: 'POST',
        url: '/if/flow/default-authentication-flow/',
        payload: new URLSearchParams({ csrf: csrf!, username, password: ADMIN_PASSWORD }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        token: null,
      });
    const events = await count('events');
    expectPage(await post('akadmin\u0000'));
    expect(await count('events')).toBe(events);
    // The same form without the NUL signs in: the refusal was the NUL, not the form.
    expect((await post('akadmin')).statusCode).toBe(302);
  });
});

it('a path no route serves answers 400, not 500, for a NUL', async () => {
  const res = await app.request({ method: 'GET', url: '/no/such/page/?q=%00', token: null });
  expect(res.statusCode).toBe(400);
});
