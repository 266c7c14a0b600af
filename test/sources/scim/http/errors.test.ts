/** Every failure is an RFC 7644 §3.12 error body with the right status and scimType; never a 500. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { createScimSource, ERROR_SCHEMA, patch, scimClient, type ScimCall, type ScimResponse } from './support.js';

let app: TestApp;
let scim: ScimCall;
let userId = '';
let groupId = '';
let sourceSlug = '';

beforeAll(async () => {
  app = await createTestApp();
  const source = await createScimSource(app);
  sourceSlug = source.slug;
  scim = scimClient(app, source);
  userId = (await scim('POST', '/Users', { userName: 'existing', externalId: 'ext-existing' })).body.id;
  groupId = (await scim('POST', '/Groups', { displayName: 'Existing', externalId: 'g-existing' })).body.id;
});
afterAll(async () => app?.close());

function expectError(r: ScimResponse, status: number, scimType?: string) {
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(r.body.schemas).toEqual([ERROR_SCHEMA]);
  expect(r.body.status).toBe(String(status));
  if (scimType) expect(r.body.scimType).toBe(scimType);
  else expect(r.body).not.toHaveProperty('scimType');
  expect(typeof r.body.detail).toBe('string');
}

const enc = encodeURIComponent;

describe('400 invalidSyntax', () => {
  it('malformed or empty JSON, non-object bodies, malformed PatchOp envelopes', async () => {
    expectError(await scim('POST', '/Users', '{"userName":'), 400, 'invalidSyntax');
    expectError(await scim('POST', '/Users', '', { 'content-type': 'application/scim+json' }), 400, 'invalidSyntax');
    expectError(await scim('POST', '/Users', '[1,2]'), 400, 'invalidSyntax');
    expectError(await scim('POST', '/Groups', '"text"'), 400, 'invalidSyntax');
    expectError(await scim('PATCH', `/Users/${userId}`, { Operations: [{ op: 'add', path: 'nickName', value: 'x' }] }), 400, 'invalidSyntax');
    expectError(await scim('PATCH', `/Users/${userId}`, patch()), 400, 'invalidSyntax');
    expectError(await scim('PATCH', `/Users/${userId}`, patch({ op: 'merge', path: 'nickName', value: 'x' })), 400, 'invalidSyntax');
    expectError(await scim('PATCH', `/Groups/${groupId}`, patch({ op: 'copy', path: 'members' })), 400, 'invalidSyntax');
    expectError(await scim('PATCH', `/Users/${userId}`, patch({ op: 'add', path: 'nickName' })), 400, 'invalidSyntax');
  });

  it('plain application/json is accepted; other media types are a 415', async () => {
    const ok = await scim('POST', '/Users', { userName: 'plain-json' }, { 'content-type': 'application/json; charset=utf-8' });
    expect(ok.status).toBe(201);
    expectError(await scim('POST', '/Users', 'userName=x', { 'content-type': 'text/plain' }), 415);
  });
});

describe('400 invalidFilter', () => {
  it.each([
    'userName',
    'userName eq',
    'userName xx "a"',
    '(userName eq "a"',
    'userName eq "a" and',
    'unknownAttr eq "x"',
    'active gt true',
    'meta.created co "2020"',
    'emails[type eq "work"',
    'userName eq "unterminated',
  ])('%s', async (filter) => {
    expectError(await scim('GET', `/Users?filter=${enc(filter)}`), 400, 'invalidFilter');
  });

  it('groups too, and repeated filter parameters', async () => {
    expectError(await scim('GET', `/Groups?filter=${enc('userName eq "x"')}`), 400, 'invalidFilter');
    expectError(await scim('GET', `/Users?filter=${enc('userName eq "a"')}&filter=${enc('userName eq "b"')}`), 400, 'invalidFilter');
  });

  it('a PATCH path filter that is malformed', async () => {
    expectError(await scim('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: 'emails[type eq ].value', value: 'x' })), 400, 'invalidFilter');
  });
});

describe('400 invalidValue / invalidPath / noTarget / mutability', () => {
  it('missing or mistyped required attributes', async () => {
    expectError(await scim('POST', '/Users', { displayName: 'no user name' }), 400, 'invalidValue');
    expectError(await scim('POST', '/Users', { userName: 42 }), 400, 'invalidValue');
    expectError(await scim('POST', '/Users', { userName: 'x', externalId: 7 }), 400, 'invalidValue');
    expectError(await scim('POST', '/Users', { userName: 'x', active: 'maybe' }), 400, 'invalidValue');
    expectError(await scim('POST', '/Users', { userName: 'x', emails: 'a@b' }), 400, 'invalidValue');
    expectError(await scim('POST', '/Groups', { externalId: 'no-name' }), 400, 'invalidValue');
    expectError(await scim('POST', '/Groups', { displayName: 'x', members: 'all' }), 400, 'invalidValue');
    expectError(
      await scim('PATCH', `/Groups/${groupId}`, patch({ op: 'add', path: 'members', value: [{ display: 'no value' }] })),
      400,
      'invalidValue',
    );
  });

  it('bad pagination and attribute parameters', async () => {
    expectError(await scim('GET', '/Users?startIndex=abc'), 400, 'invalidValue');
    expectError(await scim('GET', '/Users?count=1.5'), 400, 'invalidValue');
    expectError(await scim('GET', '/Users?attributes=na%20me'), 400, 'invalidValue');
  });

  it('PATCH path problems', async () => {
    expectError(await scim('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: 'name..givenName', value: 'x' })), 400, 'invalidPath');
    expectError(await scim('PATCH', `/Users/${userId}`, patch({ op: 'remove' })), 400, 'noTarget');
    expectError(await scim('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: 'id', value: 'x' })), 400, 'mutability');
    expectError(await scim('PATCH', `/Groups/${groupId}`, patch({ op: 'remove', path: 'displayName' })), 400, 'invalidValue');
  });
});

describe('values the database cannot store', () => {
  it('NUL characters in payloads, PATCH values and filters are a 400, never a 500', async () => {
    expectError(await scim('POST', '/Users', '{"userName":"nul\\u0000name"}'), 400, 'invalidValue');
    expectError(await scim('POST', '/Users', '{"userName":"ok-nul","nickName":"a\\u0000b"}'), 400, 'invalidValue');
    expect(await app.ctx.store.repos.users.byUsername('ok-nul')).toBeNull();
    expectError(await scim('POST', '/Groups', '{"displayName":"g\\u0000"}'), 400, 'invalidValue');
    expectError(await scim('PATCH', `/Users/${userId}`, patch({ op: 'add', path: 'title', value: 'x\u0000y' })), 400, 'invalidValue');
    expectError(await scim('GET', `/Users?filter=${enc('userName eq "a\\u0000b"')}`), 400, 'invalidValue');
    expectError(await scim('GET', `/Users?filter=${enc('title eq "a\u0000b"')}`), 400, 'invalidFilter');
  });

  it('a slug that cannot exist is a 404 without touching the database', async () => {
    const r = await scimClient(app, { slug: '%00', key: 'x' })('GET', '/Users');
    expectError(r, 404);
  });
});

describe('404', () => {
  it('unknown and malformed ids, for every method', async () => {
    const unknown = '6d5b9a1e-0000-4000-8000-000000000000';
    for (const id of [unknown, 'not-a-uuid', '1', `${userId}x`]) {
      for (const kind of ['Users', 'Groups'] as const) {
        expectError(await scim('GET', `/${kind}/${id}`), 404);
        expectError(await scim('PUT', `/${kind}/${id}`, kind === 'Users' ? { userName: 'x' } : { displayName: 'x' }), 404);
        expectError(await scim('PATCH', `/${kind}/${id}`, patch({ op: 'replace', path: 'displayName', value: 'x' })), 404);
        expectError(await scim('DELETE', `/${kind}/${id}`), 404);
      }
    }
  });

  it('unsupported endpoints and methods', async () => {
    expectError(await scim('DELETE', '/Users'), 404);
    expectError(await scim('GET', '/Users/.search'), 404);
    expectError(await scim('PUT', '/Groups/.search', {}), 404);
  });
});

describe('501 for the optional endpoints this server does not implement', () => {
  // RFC 7644 §3.7 (bulk, advertised unsupported in ServiceProviderConfig), §3.11 (/Me),
  // §3.4.3 (a search across all resource types at the root).
  it('/Bulk, /Me and /.search answer 501 for every method', async () => {
    for (const path of ['/Bulk', '/Me', '/Me/anything', '/.search']) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        const body = method === 'GET' || method === 'DELETE' ? undefined : { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'] };
        expectError(await scim(method, path, body), 501);
      }
    }
  });

  it('still authenticates first', async () => {
    const anonymous = scimClient(app, { slug: sourceSlug, key: null });
    for (const path of ['/Bulk', '/Me', '/.search']) expectError(await anonymous('POST', path, {}), 401);
  });
});

describe('409 uniqueness', () => {
  it('duplicate userName, externalId, displayName, group externalId', async () => {
    expectError(await scim('POST', '/Users', { userName: 'existing' }), 409, 'uniqueness');
    expectError(await scim('POST', '/Users', { userName: 'fresh', externalId: 'ext-existing' }), 409, 'uniqueness');
    expectError(await scim('POST', '/Groups', { displayName: 'Existing' }), 409, 'uniqueness');
    expectError(await scim('POST', '/Groups', { displayName: 'Fresh', externalId: 'g-existing' }), 409, 'uniqueness');
    // Nothing half-written: the failed user insert left no user behind.
    expect(await app.ctx.store.repos.users.byUsername('fresh')).toBeNull();
    expect(await app.ctx.store.repos.groups.byName('Fresh')).toBeNull();
  });

  it('PUT onto another externalId of the same source', async () => {
    const other = (await scim('POST', '/Users', { userName: 'other', externalId: 'ext-other' })).body;
    expectError(await scim('PUT', `/Users/${other.id}`, { userName: 'other', externalId: 'ext-existing' }), 409, 'uniqueness');
  });

  it('concurrent creates of one userName: exactly one 201, the rest 409', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => scim('POST', '/Users', { userName: 'racer' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
  });

  it('concurrent creates of one userName in different cases: exactly one 201, the rest 409', async () => {
    const names = ['case-racer', 'CASE-RACER', 'Case-Racer', 'case-RACER', 'CASE-racer', 'cAsE-rAcEr', 'Case-racer', 'case-Racer'];
    const results = await Promise.all(names.map((userName) => scim('POST', '/Users', { userName })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expectError(r, 409, 'uniqueness');
  });
});
