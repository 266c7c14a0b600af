/** UserRepository conformance: CRUD, list semantics, uniqueness and group-derived superuser. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../src/domain/entities.js';
import { NotFoundError } from '../../../src/errors/index.js';
import type { Repositories } from '../../../src/storage/ports.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { expectValidation, q } from './support.js';

let app: TestApp;
let repos: Repositories;
const P = 'cu-';
const seeded: User[] = [];
beforeAll(async () => {
  app = await createTestApp();
  repos = app.ctx.store.repos;
  const rows = [
    { username: `${P}delta`, name: 'Delta Person', email: 'delta@example.com', type: 'internal' as const, path: 'users' },
    { username: `${P}alpha`, name: 'Zed Alpha', email: 'ALPHA@Example.com', type: 'external' as const, path: 'goauthentik.io/sources/x' },
    {
      username: `${P}charlie`,
      name: 'Charlie 100%_match',
      email: 'charlie@example.org',
      type: 'service_account' as const,
      path: 'users',
      isActive: false,
    },
    { username: `${P}bravo`, name: 'Bravo', email: 'bravo@example.com', type: 'internal' as const, path: 'users' },
  ];
  for (const r of rows) seeded.push(await repos.users.create(r));
  mine.value = seeded.map((u) => u.username);
});
afterAll(async () => app?.close());

const mine = { field: 'username', value: [] as string[] };
const names = (items: User[]) => items.map((u) => u.username.slice(P.length));

describe('users: create / read / update / delete', () => {
  it('creates with defaults and reads back by id, uuid, username and email', async () => {
    const u = await repos.users.create({ username: `${P}plain` });
    expect(u).toMatchObject({
      username: `${P}plain`,
      name: '',
      email: '',
      isActive: true,
      type: 'internal',
      path: 'users',
      attributes: {},
      lastLogin: null,
      hasUsablePassword: false,
    });
    expect(u.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(u.dateJoined).toBeInstanceOf(Date);
    expect(await repos.users.byId(u.id)).toEqual(u);
    expect(await repos.users.byUuid(u.uuid)).toEqual(u);
    expect(await repos.users.byUsername(`${P}plain`)).toEqual(u);
    expect(await repos.users.byUsername(`${P}PLAIN`)).toBeNull();
    expect(await repos.users.byId(2_000_000_000)).toBeNull();
    expect((await repos.users.byIds([u.id, seeded[0].id, 2_000_000_000])).map((x) => x.id)).toEqual([seeded[0].id, u.id].sort((a, b) => a - b));
    expect(await repos.users.byIds([])).toEqual([]);
  });

  it('finds by exact, case-sensitive email', async () => {
    expect((await repos.users.findByEmail('ALPHA@Example.com', 5)).map((u) => u.username)).toEqual([`${P}alpha`]);
    expect(await repos.users.findByEmail('alpha@example.com', 5)).toEqual([]);
  });

  it('updates only the given fields, round-trips attributes and last_login', async () => {
    const u = await repos.users.create({ username: `${P}upd`, name: 'Before', email: 'b@example.com' });
    const when = new Date('2024-05-06T07:08:09.123Z');
    const attrs = { nested: { list: [1, 'two', null], flag: true }, 'goauthentik.io/user/sources': ['x'] };
    const updated = await repos.users.update(u.id, { name: 'After', attributes: attrs, lastLogin: when, isActive: false });
    expect(updated).toMatchObject({ username: `${P}upd`, name: 'After', email: 'b@example.com', isActive: false, attributes: attrs });
    expect(updated.lastLogin?.toISOString()).toBe(when.toISOString());
    expect(await repos.users.byId(u.id)).toEqual(updated);
  });

  it('stores the password hash and reports usability', async () => {
    const u = await repos.users.create({ username: `${P}pw`, passwordHash: 'scrypt$1$1$1$a$b' });
    expect(u.hasUsablePassword).toBe(true);
    expect(await repos.users.passwordHash(u.id)).toBe('scrypt$1$1$1$a$b');
    const unusable = await repos.users.update(u.id, { passwordHash: '!unusable' });
    expect(unusable.hasUsablePassword).toBe(false);
  });

  it('update of a missing user is NotFound; delete answers whether a row went away', async () => {
    await expect(repos.users.update(2_000_000_000, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    const u = await repos.users.create({ username: `${P}gone` });
    expect(await repos.users.delete(u.id)).toBe(true);
    expect(await repos.users.delete(u.id)).toBe(false);
    expect(await repos.users.byId(u.id)).toBeNull();
  });

  it('counts users exactly', async () => {
    const before = await repos.users.count();
    const u = await repos.users.create({ username: `${P}counted` });
    expect(await repos.users.count()).toBe(before + 1);
    await repos.users.delete(u.id);
    expect(await repos.users.count()).toBe(before);
  });
});

describe('users: list', () => {
  it('orders ascending, descending and by a second field with exact totals', async () => {
    const asc = await repos.users.list(q({ filters: [mine], ordering: [{ field: 'username', desc: false }] }));
    expect(asc.total).toBe(4);
    expect(names(asc.items)).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
    const desc = await repos.users.list(q({ filters: [mine], ordering: [{ field: 'username', desc: true }] }));
    expect(names(desc.items)).toEqual(['delta', 'charlie', 'bravo', 'alpha']);
    const byTypeThenName = await repos.users.list(
      q({
        filters: [mine],
        ordering: [
          { field: 'path', desc: true },
          { field: 'name', desc: false },
        ],
      }),
    );
    expect(names(byTypeThenName.items)).toEqual(['bravo', 'charlie', 'delta', 'alpha']);
  });

  it('pages with offset/limit while the total stays exact', async () => {
    const ordering = [{ field: 'username', desc: false }];
    const p1 = await repos.users.list(q({ filters: [mine], ordering, offset: 0, limit: 3 }));
    const p2 = await repos.users.list(q({ filters: [mine], ordering, offset: 3, limit: 3 }));
    const past = await repos.users.list(q({ filters: [mine], ordering, offset: 4, limit: 3 }));
    expect([p1.total, p2.total, past.total]).toEqual([4, 4, 4]);
    expect(names(p1.items)).toEqual(['alpha', 'bravo', 'charlie']);
    expect(names(p2.items)).toEqual(['delta']);
    expect(past.items).toEqual([]);
  });

  it('filters by each field', async () => {
    const run = async (field: string, value: unknown) =>
      names((await repos.users.list(q({ filters: [mine, { field, value: value as never }], ordering: [{ field: 'username', desc: false }] }))).items);
    expect(await run('email', 'bravo@example.com')).toEqual(['bravo']);
    expect(await run('is_active', false)).toEqual(['charlie']);
    expect(await run('type', ['internal', 'external'])).toEqual(['alpha', 'bravo', 'delta']);
    expect(await run('type', [])).toEqual([]);
    expect(await run('path', 'goauthentik.io/sources/x')).toEqual(['alpha']);
    expect(await run('uuid', seeded[3].uuid)).toEqual(['bravo']);
    expect(await run('name', 'bravo')).toEqual([]); // exact, case-sensitive
  });

  it('searches case-insensitively across username, name and email, with LIKE wildcards escaped', async () => {
    const search = async (term: string) =>
      names((await repos.users.list(q({ filters: [mine], search: term, ordering: [{ field: 'username', desc: false }] }))).items);
    expect(await search('ALPHA')).toEqual(['alpha']);
    expect(await search('example.ORG')).toEqual(['charlie']);
    expect(await search('delta person')).toEqual(['delta']);
    expect(await search('100%_')).toEqual(['charlie']);
    expect(await search('%')).toEqual(['charlie']);
    expect(await search('_')).toEqual(['charlie']);
    const none = await repos.users.list(q({ filters: [mine], search: 'no-such-user' }));
    expect(none).toEqual({ items: [], total: 0 });
  });

  it('filters by group name and group pk, without duplicating users in several groups', async () => {
    const g1 = await repos.groups.create({ name: `${P}g1` });
    const g2 = await repos.groups.create({ name: `${P}g2` });
    await repos.users.setGroups(seeded[0].id, [g1.uuid, g2.uuid]);
    await repos.users.setGroups(seeded[1].id, [g2.uuid]);
    const byName = await repos.users.list(
      q({ filters: [{ field: 'groups_by_name', value: [`${P}g1`, `${P}g2`] }], ordering: [{ field: 'username', desc: false }] }),
    );
    expect(byName.total).toBe(2);
    expect(names(byName.items)).toEqual(['alpha', 'delta']);
    const byPk = await repos.users.list(q({ filters: [{ field: 'groups_by_pk', value: [g1.uuid] }] }));
    expect(names(byPk.items)).toEqual(['delta']);
    expect((await repos.users.groupUuidsOf([seeded[0].id])).get(seeded[0].id)?.sort()).toEqual([g1.uuid, g2.uuid].sort());
    await repos.users.setGroups(seeded[0].id, []);
    await repos.users.setGroups(seeded[1].id, []);
  });
});

describe('users: uniqueness', () => {
  it('maps a duplicate username to a ValidationError on create and update', async () => {
    await expectValidation(repos.users.create({ username: `${P}alpha` }), { username: ['This field must be unique.'] });
    await expectValidation(repos.users.update(seeded[0].id, { username: `${P}alpha` }), { username: ['This field must be unique.'] });
    expect((await repos.users.byId(seeded[0].id))?.username).toBe(`${P}delta`);
  });

  it('maps an unknown group in setGroups to a ValidationError', async () => {
    await expectValidation(repos.users.setGroups(seeded[0].id, ['00000000-0000-4000-8000-000000000000']), {
      groups: ['Invalid pk - object does not exist.'],
    });
  });
});

describe('superuser derivation through the parent group chain', () => {
  it('makes members of a superuser group and of its descendants superusers, and undoes it', async () => {
    const root = await repos.groups.create({ name: `${P}root`, isSuperuser: true });
    const child = await repos.groups.create({ name: `${P}child`, parentUuid: root.uuid });
    const grandchild = await repos.groups.create({ name: `${P}grandchild`, parentUuid: child.uuid });
    const unrelated = await repos.groups.create({ name: `${P}unrelated` });
    const [a, b, c, d] = seeded;
    await repos.groups.addMembers(root.uuid, [a.id]);
    await repos.groups.addMembers(child.uuid, [b.id]);
    await repos.groups.addMembers(grandchild.uuid, [c.id]);
    await repos.groups.addMembers(unrelated.uuid, [d.id]);
    const ids = seeded.map((u) => u.id);
    expect(await repos.users.superuserIds(ids)).toEqual(new Set([a.id, b.id, c.id]));
    const supers = await repos.users.list(q({ filters: [mine, { field: 'is_superuser', value: true }] }));
    expect(supers.total).toBe(3);
    const normal = await repos.users.list(q({ filters: [mine, { field: 'is_superuser', value: false }] }));
    expect(names(normal.items)).toEqual(['bravo']);

    // A superuser *child* does not make members of the parent superusers.
    await repos.groups.update(root.uuid, { isSuperuser: false });
    await repos.groups.update(child.uuid, { isSuperuser: true });
    expect(await repos.users.superuserIds(ids)).toEqual(new Set([b.id, c.id]));

    await repos.groups.update(child.uuid, { isSuperuser: false });
    expect(await repos.users.superuserIds(ids)).toEqual(new Set());
    expect(await repos.users.superuserIds([])).toEqual(new Set());
    for (const g of [grandchild, child, root, unrelated]) await repos.groups.delete(g.uuid);
  });

  it('terminates on a parent cycle written behind the API’s back', async () => {
    const x = await repos.groups.create({ name: `${P}cx`, isSuperuser: true });
    const y = await repos.groups.create({ name: `${P}cy`, parentUuid: x.uuid });
    await repos.groups.update(x.uuid, { parentUuid: y.uuid });
    await repos.groups.addMembers(y.uuid, [seeded[0].id]);
    expect(await repos.users.superuserIds([seeded[0].id])).toEqual(new Set([seeded[0].id]));
    await repos.groups.update(x.uuid, { parentUuid: null });
    await repos.groups.delete(y.uuid);
    await repos.groups.delete(x.uuid);
  });
});
