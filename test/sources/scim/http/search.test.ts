/** POST /Users/.search and /Groups/.search (RFC 7644 §3.4.3): a query in the body, answered like GET. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { createScimSource, ERROR_SCHEMA, scimClient, USER_SCHEMA, type ScimCall, type ScimResponse } from './support.js';

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

let app: TestApp;
let scim: ScimCall;
const userIds: string[] = [];

beforeAll(async () => {
  app = await createTestApp();
  scim = scimClient(app, await createScimSource(app));
  for (let i = 1; i <= 5; i++) {
    const r = await scim('POST', '/Users', {
      schemas: [USER_SCHEMA],
      userName: `searched${i}`,
      title: i % 2 ? 'Engineer' : 'Manager',
      emails: [{ value: `s${i}@example.com`, type: 'work', primary: true }],
    });
    userIds.push(r.body.id);
  }
  const members = userIds.slice(0, 2).map((value) => ({ value }));
  await scim('POST', '/Groups', { displayName: 'Searchers', members });
  await scim('POST', '/Groups', { displayName: 'Others' });
});
afterAll(async () => app?.close());

const search = (resource: string, body: Record<string, unknown>) => scim('POST', `/${resource}/.search`, { schemas: [SEARCH_REQUEST], ...body });

function expectError(r: ScimResponse, status: number, scimType: string) {
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(r.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status), scimType });
}

describe('POST /<resource>/.search', () => {
  it('answers exactly what the equivalent GET answers', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['Users', {}, ''],
      ['Users', { filter: 'title eq "engineer"' }, 'filter=title%20eq%20%22engineer%22'],
      ['Users', { filter: 'userName sw "SEARCHED"', startIndex: 2, count: 2 }, 'filter=userName%20sw%20%22SEARCHED%22&startIndex=2&count=2'],
      ['Users', { attributes: ['userName', 'emails.value'] }, 'attributes=userName,emails.value'],
      ['Users', { excludedAttributes: ['emails', 'meta'], count: 3 }, 'excludedAttributes=emails,meta&count=3'],
      ['Groups', { filter: 'displayName eq "searchers"' }, 'filter=displayName%20eq%20%22searchers%22'],
      ['Groups', { excludedAttributes: ['members'] }, 'excludedAttributes=members'],
      [
        'Groups',
        { filter: `members[value eq "${userIds[1]}"]`, attributes: ['displayName'] },
        `filter=${encodeURIComponent(`members[value eq "${userIds[1]}"]`)}&attributes=displayName`,
      ],
    ];
    for (const [resource, body, query] of cases) {
      const posted = await search(resource, body);
      const got = await scim('GET', `/${resource}?${query}`);
      expect(posted.status).toBe(200);
      expect(posted.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(posted.body.schemas).toEqual([LIST_RESPONSE]);
      expect(posted.body).toEqual(got.body);
    }
  });

  it('pages and filters in the database', async () => {
    const r = (await search('Users', { filter: 'title eq "Manager" or userName eq "searched5"', startIndex: 2, count: 1, attributes: ['userName'] }))
      .body;
    expect(r).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
    expect(r.Resources).toEqual([{ schemas: [USER_SCHEMA], id: userIds[3], userName: 'searched4' }]);
  });

  it('accepts member names in any case, and attribute lists as one comma-separated string', async () => {
    const r = await scim('POST', '/Users/.search', { Schemas: [SEARCH_REQUEST], FILTER: 'userName eq "searched3"', Attributes: 'userName,title' });
    expect(r.status).toBe(200);
    expect(r.body.Resources).toEqual([{ schemas: [USER_SCHEMA], id: userIds[2], userName: 'searched3', title: 'Engineer' }]);
  });

  it('ignores sortBy / sortOrder: sorting is optional and ServiceProviderConfig says it is not supported', async () => {
    const sorted = await search('Users', { sortBy: 'userName', sortOrder: 'descending' });
    expect(sorted.status).toBe(200);
    expect(sorted.body).toEqual((await scim('GET', '/Users?sortBy=userName&sortOrder=descending')).body);
    expect(sorted.body.Resources.map((u: { id: string }) => u.id)).toEqual(userIds);
    // The same check on both: a sortOrder no server could honour is refused.
    expectError(await scim('GET', '/Users?sortOrder=sideways'), 400, 'invalidValue');
    expectError(await search('Users', { sortOrder: 'sideways' }), 400, 'invalidValue');
  });

  it('refuses a body that is not a SearchRequest', async () => {
    expectError(await scim('POST', '/Users/.search', { filter: 'userName pr' }), 400, 'invalidSyntax');
    expectError(await scim('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] }), 400, 'invalidSyntax');
    expectError(await scim('POST', '/Groups/.search', { schemas: SEARCH_REQUEST }), 400, 'invalidSyntax');
    expectError(await scim('POST', '/Users/.search', [SEARCH_REQUEST]), 400, 'invalidSyntax');
    expectError(await scim('POST', '/Users/.search', '', { 'content-type': 'application/scim+json' }), 400, 'invalidSyntax');
    expectError(await scim('POST', '/Users/.search', '{"schemas":'), 400, 'invalidSyntax');
  });

  it('refuses mistyped or invalid parameters in RFC 7644 §3.12 form', async () => {
    expectError(await search('Users', { filter: 42 }), 400, 'invalidFilter');
    expectError(await search('Users', { filter: 'userName eq' }), 400, 'invalidFilter');
    expectError(await search('Users', { filter: 'nope eq "x"' }), 400, 'invalidFilter');
    expectError(await search('Groups', { filter: 'userName eq "x"' }), 400, 'invalidFilter');
    expectError(await search('Users', { startIndex: 'first' }), 400, 'invalidValue');
    expectError(await search('Users', { count: 1.5 }), 400, 'invalidValue');
    expectError(await search('Users', { count: true }), 400, 'invalidValue');
    expectError(await search('Users', { attributes: [1] }), 400, 'invalidValue');
    expectError(await search('Users', { excludedAttributes: { name: true } }), 400, 'invalidValue');
    expectError(await search('Users', { attributes: ['not an attribute!'] }), 400, 'invalidValue');
    expectError(await search('Users', { sortBy: 7 }), 400, 'invalidValue');
    expectError(await search('Users', { sortOrder: 'sideways' }), 400, 'invalidValue');
  });

  it('needs the source token like every other route', async () => {
    const source = await createScimSource(app);
    const anonymous = scimClient(app, { slug: source.slug, key: null });
    expect((await anonymous('POST', '/Users/.search', { schemas: [SEARCH_REQUEST] })).status).toBe(401);
    // Another source's search sees none of these users.
    const other = (await scimClient(app, source)('POST', '/Users/.search', { schemas: [SEARCH_REQUEST] })).body;
    expect(other).toMatchObject({ totalResults: 0, Resources: [] });
  });
});
