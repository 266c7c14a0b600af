/** /Groups: create, read, list, replace, patch members and attributes, delete (RFC 7644 §3.3–§3.6). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { addScimMapping, createScimSource, GROUP_SCHEMA, patch, scimClient, type ScimCall, type TestScimSource } from './support.js';

let app: TestApp;
let source: TestScimSource;
let scim: ScimCall;
const users: string[] = [];

beforeAll(async () => {
  app = await createTestApp();
  source = await createScimSource(app);
  scim = scimClient(app, source);
  for (let i = 0; i < 4; i++) users.push((await scim('POST', '/Users', { userName: `member${i}`, displayName: `Member ${i}` })).body.id);
});
afterAll(async () => app?.close());

const memberValues = (r: { body: any }) => (r.body.members as Array<{ value: string }>).map((m) => m.value).sort();
const sorted = (...ids: string[]) => [...ids].sort();

describe('POST /Groups', () => {
  it('creates the group with its members; unknown and malformed member ids are skipped', async () => {
    const r = await scim('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Admins',
      externalId: 'g-admins',
      members: [{ value: users[0] }, { value: users[1].toUpperCase() }, { value: '00000000-0000-4000-8000-000000000000' }, { value: 'nope' }, 'junk'],
      x_extra: 1,
    });
    expect(r.status).toBe(201);
    expect(r.headers.location).toBe(r.body.meta.location);
    expect(r.body).toMatchObject({ displayName: 'Admins', externalId: 'g-admins', x_extra: 1, meta: { resourceType: 'Group' } });
    expect(memberValues(r)).toEqual(sorted(users[0], users[1]));
    expect(r.body.members[0]).toMatchObject({ type: 'User', $ref: expect.stringContaining('/Users/') });
    const group = await app.ctx.store.repos.groups.byUuid(r.body.id);
    expect(group).toMatchObject({ name: 'Admins', isSuperuser: false });
    const link = await app.db.selectFrom('scim_source_groups').select('attributes').where('group_uuid', '=', r.body.id).executeTakeFirstOrThrow();
    expect(link.attributes).not.toHaveProperty('members');
  });

  it("never adds another source's or a local user, and never adopts an existing group", async () => {
    const local = await app.ctx.store.repos.users.create({ username: 'local-user' });
    const other = await createScimSource(app);
    const theirs = (await scimClient(app, other)('POST', '/Users', { userName: 'their-member' })).body.id;
    const r = await scim('POST', '/Groups', { displayName: 'Mixed', members: [{ value: local.uuid }, { value: theirs }, { value: users[2] }] });
    expect(memberValues(r)).toEqual([users[2]]);
    await app.ctx.store.repos.groups.create({ name: 'Local Group' });
    const dup = await scim('POST', '/Groups', { displayName: 'Local Group' });
    expect(dup.status).toBe(409);
    expect(dup.body.scimType).toBe('uniqueness');
  });

  it('applies group property mappings but never sets superuser', async () => {
    const s = await createScimSource(app);
    await addScimMapping(
      app,
      s,
      'group',
      'prefix',
      'return { name: "scim-" + properties.name, is_superuser: true, attributes: { from: data.externalId } }',
    );
    const r = await scimClient(app, s)('POST', '/Groups', { displayName: 'Mapped', externalId: 'ext-m' });
    expect(r.body.displayName).toBe('scim-Mapped');
    expect(await app.ctx.store.repos.groups.byUuid(r.body.id)).toMatchObject({ isSuperuser: false, attributes: { from: 'ext-m' } });
  });
});

describe('GET /Groups', () => {
  it('filters by displayName, externalId, members and member display', async () => {
    await scim('POST', '/Groups', { displayName: 'Filter A', externalId: 'fa', members: [{ value: users[3] }] });
    await scim('POST', '/Groups', { displayName: 'Filter B', externalId: 'fb' });
    const names = async (filter: string) =>
      (await scim('GET', `/Groups?filter=${encodeURIComponent(filter)}&excludedAttributes=members`)).body.Resources.map((g: any) => g.displayName);
    expect(await names('displayName eq "filter a"')).toEqual(['Filter A']);
    expect(await names('externalId eq "fb"')).toEqual(['Filter B']);
    expect(await names(`members[value eq "${users[3]}"]`)).toEqual(['Filter A']);
    expect(await names(`members eq "${users[3]}" and displayName sw "Filter"`)).toEqual(['Filter A']);
    expect(await names('members.display eq "MEMBER 3"')).toEqual(['Filter A']);
    expect(await names('displayName sw "Filter" and not (members pr)')).toEqual(['Filter B']);
  });

  it('leaves members out when excluded, and pages', async () => {
    const r = (await scim('GET', '/Groups?excludedAttributes=members&startIndex=2&count=1')).body;
    expect(r.itemsPerPage).toBe(1);
    expect(r.startIndex).toBe(2);
    expect(r.Resources[0]).not.toHaveProperty('members');
    const withMembers = (await scim('GET', '/Groups?count=1')).body.Resources[0];
    expect(withMembers.members.length).toBeGreaterThan(0);
  });
});

describe('PUT / PATCH / DELETE /Groups/<id>', () => {
  it('PUT renames, replaces members when given and keeps them when absent', async () => {
    const g = (await scim('POST', '/Groups', { displayName: 'Put Group', members: [{ value: users[0] }] })).body;
    const r = await scim('PUT', `/Groups/${g.id}`, {
      schemas: [GROUP_SCHEMA],
      displayName: 'Put Group 2',
      members: [{ value: users[1] }, { value: users[2] }],
    });
    expect(r.status).toBe(200);
    expect(r.body.displayName).toBe('Put Group 2');
    expect(memberValues(r)).toEqual(sorted(users[1], users[2]));
    const keep = await scim('PUT', `/Groups/${g.id}`, { displayName: 'Put Group 3' });
    expect(memberValues(keep)).toEqual(sorted(users[1], users[2]));
  });

  it('PATCH: add, remove by value and by filter, replace, remove all, rename — op names in any case', async () => {
    const g = (await scim('POST', '/Groups', { displayName: 'Patch Group' })).body;
    const p = (...ops: unknown[]) => scim('PATCH', `/Groups/${g.id}`, patch(...ops));
    expect(memberValues(await p({ op: 'ADD', path: 'members', value: [{ value: users[0] }, { value: users[1] }, { value: users[2] }] }))).toEqual(
      sorted(users[0], users[1], users[2]),
    );
    expect(memberValues(await p({ op: 'Remove', path: 'members', value: [{ value: users[0] }] }))).toEqual(sorted(users[1], users[2]));
    expect(memberValues(await p({ op: 'remove', path: `members[value eq "${users[1]}"]` }))).toEqual([users[2]]);
    expect(memberValues(await p({ op: 'replace', path: 'members', value: [{ value: users[3] }, { value: users[0] }] }))).toEqual(
      sorted(users[3], users[0]),
    );
    expect(memberValues(await p({ op: 'add', value: { members: [{ value: users[1] }] } }))).toEqual(sorted(users[3], users[0], users[1]));
    expect((await p({ op: 'remove', path: 'members' })).body.members).toEqual([]);
    const renamed = await p(
      { op: 'replace', path: 'displayName', value: 'Patched Group' },
      { op: 'add', path: 'members', value: { value: users[2] } },
    );
    expect(renamed.body.displayName).toBe('Patched Group');
    expect(memberValues(renamed)).toEqual([users[2]]);
    expect((await app.ctx.store.repos.groups.byUuid(g.id))?.name).toBe('Patched Group');
  });

  it('PATCH rename onto an existing name is a 409 and rolls the member change back', async () => {
    await app.ctx.store.repos.groups.create({ name: 'Occupied' });
    const g = (await scim('POST', '/Groups', { displayName: 'Rename Me' })).body;
    const r = await scim(
      'PATCH',
      `/Groups/${g.id}`,
      patch({ op: 'add', path: 'members', value: [{ value: users[0] }] }, { op: 'replace', path: 'displayName', value: 'Occupied' }),
    );
    expect(r.status).toBe(409);
    expect(r.body.scimType).toBe('uniqueness');
    expect((await scim('GET', `/Groups/${g.id}`)).body.members).toEqual([]);
  });

  it('leaves members the source did not add untouched', async () => {
    const local = await app.ctx.store.repos.users.create({ username: 'admin-added' });
    const g = (await scim('POST', '/Groups', { displayName: 'Shared', members: [{ value: users[0] }] })).body;
    await app.ctx.store.repos.groups.addMembers(g.id, [local.id]);
    const r = await scim('PATCH', `/Groups/${g.id}`, patch({ op: 'replace', path: 'members', value: [{ value: users[1] }] }));
    expect(memberValues(r)).toEqual([users[1]]);
    const all = await app.ctx.store.repos.groups.memberIds([g.id]);
    expect(all.get(g.id)).toContain(local.id);
  });

  it('DELETE removes the group; groups of others are 404', async () => {
    const g = (await scim('POST', '/Groups', { displayName: 'Doomed Group', members: [{ value: users[0] }] })).body;
    expect((await scim('DELETE', `/Groups/${g.id}`)).status).toBe(204);
    expect(await app.ctx.store.repos.groups.byUuid(g.id)).toBeNull();
    expect(await app.ctx.store.repos.users.byUuid(users[0])).not.toBeNull();
    const local = await app.ctx.store.repos.groups.create({ name: 'Not Yours' });
    for (const [m, body] of [
      ['GET', undefined],
      ['PUT', { displayName: 'x' }],
      ['PATCH', patch({ op: 'replace', path: 'displayName', value: 'x' })],
      ['DELETE', undefined],
    ] as const) {
      expect((await scim(m, `/Groups/${local.uuid}`, body)).status, m).toBe(404);
    }
    expect(await app.ctx.store.repos.groups.byUuid(local.uuid)).not.toBeNull();
  });
});
