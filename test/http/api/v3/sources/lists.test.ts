/**
 * The list mechanics on every list endpoint of this subsystem: ascending and descending
 * ordering are mirror images, an unknown ordering field is dropped (DRF), pagination uses Django's
 * numbers and an out-of-range page is a 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../support/app.js';
import { createMapping, createOAuth, createSaml, createScim, createUser } from './helpers.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  const repos = app.ctx.store.repos;
  const oauth = [await createOAuth(app, 'l-oauth-a'), await createOAuth(app, 'l-oauth-b')];
  const saml = [await createSaml(app, 'l-saml-a'), await createSaml(app, 'l-saml-b')];
  const scim = [await createScim(app, 'l-scim-a'), await createScim(app, 'l-scim-b')];
  const users = [await createUser(app, 'l-user-a'), await createUser(app, 'l-user-b')];
  const groups = [await repos.groups.create({ name: 'l-group-a' }), await repos.groups.create({ name: 'l-group-b' })];
  for (let i = 0; i < 2; i++) {
    await repos.userConnections.create({ kind: 'oauth', userId: users[i].id, sourceUuid: oauth[i].pk, identifier: `o${i}` });
    await repos.userConnections.create({ kind: 'saml', userId: users[i].id, sourceUuid: saml[i].pk, identifier: `s${i}` });
    await repos.groupConnections.create({ kind: 'oauth', groupUuid: groups[i].uuid, sourceUuid: oauth[i].pk, identifier: `go${i}` });
    await repos.groupConnections.create({ kind: 'saml', groupUuid: groups[i].uuid, sourceUuid: saml[i].pk, identifier: `gs${i}` });
    await repos.scimUsers.create({ id: `su${i}`, externalId: `su${i}`, targetId: users[i].id, sourceUuid: scim[i].pk });
    await repos.scimGroups.create({ id: `sg${i}`, externalId: `sg${i}`, targetId: groups[i].uuid, sourceUuid: scim[i].pk });
    for (const kind of ['oauth', 'saml', 'scim'] as const) await createMapping(app, kind, `l-${kind}-map-${i}`);
  }
});
afterAll(async () => app?.close());

const LISTS: Array<[string, string, (r: Record<string, any>) => unknown]> = [
  ['/api/v3/sources/all/', 'slug', (r) => r.slug],
  ['/api/v3/sources/oauth/', 'slug', (r) => r.slug],
  ['/api/v3/sources/saml/', 'slug', (r) => r.slug],
  ['/api/v3/sources/scim/', 'name', (r) => r.name],
  ['/api/v3/sources/user_connections/all/', 'pk', (r) => r.pk],
  ['/api/v3/sources/user_connections/oauth/', 'source__slug', (r) => r.pk],
  ['/api/v3/sources/user_connections/saml/', 'pk', (r) => r.pk],
  ['/api/v3/sources/group_connections/oauth/', 'pk', (r) => r.pk],
  ['/api/v3/sources/group_connections/saml/', 'source__slug', (r) => r.pk],
  ['/api/v3/sources/scim_users/', 'user__username', (r) => r.id],
  ['/api/v3/sources/scim_groups/', 'group__name', (r) => r.id],
  ['/api/v3/propertymappings/source/oauth/', 'name', (r) => r.name],
  ['/api/v3/propertymappings/source/saml/', 'name', (r) => r.name],
  ['/api/v3/propertymappings/source/scim/', 'name', (r) => r.name],
];

describe('every list endpoint', () => {
  for (const [url, field, key] of LISTS) {
    it(`${url} orders both ways, ignores unknown fields and paginates`, async () => {
      const get = (q: string) => app.request({ method: 'GET', url: `${url}?${q}` });
      const asc = (await get(`ordering=${field}`)).json().results.map(key);
      const desc = (await get(`ordering=-${field}`)).json().results.map(key);
      expect(asc.length).toBeGreaterThanOrEqual(2);
      expect(desc).toEqual([...asc].reverse());
      // DRF's OrderingFilter drops unknown terms: 200 in the default order.
      const bad = await get('ordering=definitely_not_a_field');
      expect(bad.statusCode).toBe(200);
      expect(bad.json().results.map(key)).toEqual((await get('')).json().results.map(key));
      expect((await get(`ordering=definitely_not_a_field,-${field}`)).json().results.map(key)).toEqual(desc);
      const p2 = (await get(`ordering=${field}&page_size=1&page=2`)).json();
      expect(p2.pagination).toMatchObject({ current: 2, previous: 1, count: asc.length, total_pages: asc.length, start_index: 2, end_index: 2 });
      expect(p2.results.map(key)).toEqual([asc[1]]);
      expect((await get(`page=${asc.length + 1}`)).statusCode).toBe(404);
    });
  }
});
