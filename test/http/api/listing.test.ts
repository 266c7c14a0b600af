/**
 * Integer list filters and body fields are int4 ids: a value outside -2147483648..2147483647
 * is a DRF 400 naming the parameter (Django's message), never a database error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { parseListQuery, type ListSpec } from '../../../src/http/api/listing.js';

let app: TestApp;
let groupUuid: string;
beforeAll(async () => {
  app = await createTestApp();
  groupUuid = (await app.request({ method: 'POST', url: '/api/v3/core/groups/', payload: { name: 'range' } })).json().pk;
});
afterAll(async () => app?.close());

const CHOICE = 'Select a valid choice. That choice is not one of the available choices.';
const ABOVE = 'Ensure this value is less than or equal to 2147483647.';
const BELOW = 'Ensure this value is greater than or equal to -2147483648.';

async function get(url: string) {
  const res = await app.request({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() };
}

describe('integer filters outside int4', () => {
  it('?user= on user connections (a model choice) is "not one of the available choices"', async () => {
    for (const value of ['99999999999', '2147483648', '-2147483649']) {
      for (const kind of ['all', 'oauth', 'saml']) {
        expect(await get(`/api/v3/sources/user_connections/${kind}/?user=${value}`)).toEqual({ status: 400, body: { user: [CHOICE] } });
      }
    }
  });

  it('plain integer filters use Django’s range messages', async () => {
    expect(await get('/api/v3/core/groups/?members_by_pk=99999999999')).toEqual({ status: 400, body: { members_by_pk: [ABOVE] } });
    expect(await get('/api/v3/core/groups/?members_by_pk=1&members_by_pk=-99999999999')).toEqual({ status: 400, body: { members_by_pk: [BELOW] } });
    expect(await get('/api/v3/sources/scim_users/?user__id=99999999999')).toEqual({ status: 400, body: { user__id: [ABOVE] } });
  });

  it('the edges of the range are ordinary values', async () => {
    for (const value of ['2147483647', '-2147483648']) {
      const res = await get(`/api/v3/core/groups/?members_by_pk=${value}`);
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([]);
      expect((await get(`/api/v3/sources/user_connections/all/?user=${value}`)).status).toBe(200);
    }
  });
});

describe('integer body fields outside int4', () => {
  it('are refused with the field named, writing nothing', async () => {
    const add = await app.request({ method: 'POST', url: `/api/v3/core/groups/${groupUuid}/add_user/`, payload: { pk: 99999999999 } });
    expect(add.statusCode).toBe(400);
    expect(add.json()).toEqual({ pk: [ABOVE] });
    const users = await app.request({ method: 'PATCH', url: `/api/v3/core/groups/${groupUuid}/`, payload: { users: [1, -99999999999] } });
    expect(users.statusCode).toBe(400);
    expect(users.json()).toEqual({ users: [BELOW] });
    const members = await app.db.selectFrom('group_members').selectAll().where('group_uuid', '=', groupUuid).execute();
    expect(members).toEqual([]);
  });
});

describe('parseListQuery ordering and typed filters', () => {
  const spec: ListSpec = {
    filters: { attributes: { type: 'json' }, expires: { type: 'datetime' } },
    ordering: { name: 'name', pk: 'id' },
    defaultOrdering: ['name'],
    search: false,
  };

  it('drops unknown ordering terms like DRF and falls back to the default order', () => {
    expect(parseListQuery(spec, { ordering: 'nope,-pk' }).query.ordering).toEqual([{ field: 'id', desc: true }]);
    expect(parseListQuery(spec, { ordering: 'nope,-constructor' }).query.ordering).toEqual([{ field: 'name', desc: false }]);
  });

  it('validates json and datetime filter values', () => {
    expect(parseListQuery(spec, { attributes: '{"a":1}' }).query.filters).toEqual([{ field: 'attributes', value: '{"a":1}' }]);
    expect(() => parseListQuery(spec, { attributes: '{' })).toThrow('filter: failed to parse JSON');
    expect(() => parseListQuery(spec, { attributes: '"x"' })).toThrow('filter: value must be key:value mapping');
    expect(parseListQuery(spec, { expires: '2030-01-02T03:04:05+01:00' }).query.filters).toEqual([
      { field: 'expires', value: '2030-01-02T02:04:05.000Z' },
    ]);
    expect(() => parseListQuery(spec, { expires: 'soon' })).toThrow('Enter a valid date/time.');
  });
});
