/** GroupRepository conformance: CRUD, members, list semantics, uniqueness and cycle detection. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Group, User } from '../../../src/domain/entities.js';
import { NotFoundError } from '../../../src/errors/index.js';
import type { Repositories } from '../../../src/storage/ports.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { expectValidation, q } from './support.js';

let app: TestApp;
let repos: Repositories;
let users: User[];
beforeAll(async () => {
  app = await createTestApp();
  repos = app.ctx.store.repos;
  users = [];
  for (const name of ['gm-ann', 'gm-bob', 'gm-cat']) users.push(await repos.users.create({ username: name }));
});
afterAll(async () => app?.close());

const MISSING = '00000000-0000-4000-8000-000000000000';

describe('groups: CRUD', () => {
  it('creates, reads, updates and deletes', async () => {
    const g = await repos.groups.create({ name: 'cg-one', attributes: { a: [1, { b: 'c' }] } });
    expect(g).toMatchObject({ name: 'cg-one', isSuperuser: false, parentUuid: null, attributes: { a: [1, { b: 'c' }] } });
    expect(typeof g.numPk).toBe('number');
    expect(await repos.groups.byUuid(g.uuid)).toEqual(g);
    expect(await repos.groups.byName('cg-one')).toEqual(g);
    expect(await repos.groups.byName('CG-ONE')).toBeNull();
    const u = await repos.groups.update(g.uuid, { name: 'cg-one-renamed', isSuperuser: true });
    expect(u).toMatchObject({ uuid: g.uuid, numPk: g.numPk, name: 'cg-one-renamed', isSuperuser: true, attributes: { a: [1, { b: 'c' }] } });
    expect(await repos.groups.delete(g.uuid)).toBe(true);
    expect(await repos.groups.delete(g.uuid)).toBe(false);
    expect(await repos.groups.byUuid(g.uuid)).toBeNull();
    await expect(repos.groups.update(g.uuid, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('orphans children when their parent is deleted', async () => {
    const parent = await repos.groups.create({ name: 'cg-parent' });
    const child = await repos.groups.create({ name: 'cg-child', parentUuid: parent.uuid });
    expect(child.parentUuid).toBe(parent.uuid);
    await repos.groups.delete(parent.uuid);
    expect((await repos.groups.byUuid(child.uuid))?.parentUuid).toBeNull();
    await repos.groups.delete(child.uuid);
  });

  it('returns groups by uuids ordered by name', async () => {
    const b = await repos.groups.create({ name: 'cg-b' });
    const a = await repos.groups.create({ name: 'cg-a' });
    expect((await repos.groups.byUuids([b.uuid, a.uuid, MISSING])).map((g) => g.name)).toEqual(['cg-a', 'cg-b']);
    expect(await repos.groups.byUuids([])).toEqual([]);
    await repos.groups.delete(a.uuid);
    await repos.groups.delete(b.uuid);
  });
});

describe('groups: members', () => {
  it('adds idempotently, removes, replaces and reports members', async () => {
    const g = await repos.groups.create({ name: 'cg-members' });
    const [ann, bob, cat] = users;
    await repos.groups.addMembers(g.uuid, [ann.id, bob.id, ann.id]);
    await repos.groups.addMembers(g.uuid, [bob.id]);
    expect((await repos.groups.memberIds([g.uuid])).get(g.uuid)).toEqual([ann.id, bob.id]);
    await repos.groups.removeMembers(g.uuid, [ann.id, cat.id]);
    expect((await repos.groups.memberIds([g.uuid])).get(g.uuid)).toEqual([bob.id]);
    await repos.groups.setMembers(g.uuid, [cat.id, ann.id]);
    expect(await repos.groups.memberIds([g.uuid, MISSING])).toEqual(
      new Map([
        [g.uuid, [ann.id, cat.id]],
        [MISSING, []],
      ]),
    );
    await repos.groups.setMembers(g.uuid, []);
    expect((await repos.groups.memberIds([g.uuid])).get(g.uuid)).toEqual([]);
    await repos.groups.delete(g.uuid);
  });

  it('maps an unknown member to a ValidationError and writes nothing', async () => {
    const g = await repos.groups.create({ name: 'cg-badmember' });
    await expectValidation(repos.groups.addMembers(g.uuid, [users[0].id, 2_000_000_000]), { users: ['Invalid pk - object does not exist.'] });
    expect((await repos.groups.memberIds([g.uuid])).get(g.uuid)).toEqual([]);
    await repos.groups.delete(g.uuid);
  });

  it('drops memberships when the user is deleted', async () => {
    const g = await repos.groups.create({ name: 'cg-cascade' });
    const temp = await repos.users.create({ username: 'gm-temp' });
    await repos.groups.addMembers(g.uuid, [temp.id]);
    await repos.users.delete(temp.id);
    expect((await repos.groups.memberIds([g.uuid])).get(g.uuid)).toEqual([]);
    await repos.groups.delete(g.uuid);
  });
});

describe('groups: list', () => {
  let gs: Group[];
  beforeAll(async () => {
    gs = [];
    for (const [name, su] of [
      ['lg-Charlie', false],
      ['lg-alpha', true],
      ['lg-bravo', false],
    ] as const)
      gs.push(await repos.groups.create({ name, isSuperuser: su }));
    await repos.groups.addMembers(gs[0].uuid, [users[0].id, users[1].id]);
    await repos.groups.addMembers(gs[1].uuid, [users[1].id]);
  });
  const lg = { field: 'name', value: ['lg-Charlie', 'lg-alpha', 'lg-bravo'] };

  it('filters, searches, orders and pages with exact totals', async () => {
    const all = await repos.groups.list(q({ filters: [lg], ordering: [{ field: 'num_pk', desc: true }] }));
    expect(all.total).toBe(3);
    expect(all.items.map((g) => g.name)).toEqual(['lg-bravo', 'lg-alpha', 'lg-Charlie']);
    const supers = await repos.groups.list(q({ filters: [lg, { field: 'is_superuser', value: true }] }));
    expect(supers.items.map((g) => g.name)).toEqual(['lg-alpha']);
    const search = await repos.groups.list(q({ search: 'LG-B' }));
    expect(search).toMatchObject({ total: 1, items: [{ name: 'lg-bravo' }] });
    const page = await repos.groups.list(q({ filters: [lg], ordering: [{ field: 'num_pk', desc: false }], offset: 1, limit: 1 }));
    expect(page.total).toBe(3);
    expect(page.items.map((g) => g.name)).toEqual(['lg-alpha']);
  });

  it('filters by member pk and username without duplicates', async () => {
    const byPk = await repos.groups.list(
      q({ filters: [{ field: 'members_by_pk', value: [users[0].id, users[1].id] }], ordering: [{ field: 'num_pk', desc: false }] }),
    );
    expect(byPk.total).toBe(2);
    expect(byPk.items.map((g) => g.name)).toEqual(['lg-Charlie', 'lg-alpha']);
    const byName = await repos.groups.list(q({ filters: [{ field: 'members_by_username', value: ['gm-ann'] }] }));
    expect(byName.items.map((g) => g.name)).toEqual(['lg-Charlie']);
  });
});

describe('groups: uniqueness and references', () => {
  it('maps a duplicate name to a ValidationError on create and update', async () => {
    const g = await repos.groups.create({ name: 'cg-unique' });
    const other = await repos.groups.create({ name: 'cg-unique-2' });
    await expectValidation(repos.groups.create({ name: 'cg-unique' }), { name: ['group with this name already exists.'] });
    await expectValidation(repos.groups.update(other.uuid, { name: 'cg-unique' }), { name: ['group with this name already exists.'] });
    await repos.groups.delete(g.uuid);
    await repos.groups.delete(other.uuid);
  });

  it('maps an unknown parent to a ValidationError', async () => {
    await expectValidation(repos.groups.create({ name: 'cg-orphan', parentUuid: MISSING }), { parent: ['Invalid pk - object does not exist.'] });
    expect(await repos.groups.byName('cg-orphan')).toBeNull();
  });
});

describe('groups: parent cycle detection', () => {
  it('detects self-parenting and any ancestor becoming a descendant', async () => {
    const a = await repos.groups.create({ name: 'cy-a' });
    const b = await repos.groups.create({ name: 'cy-b', parentUuid: a.uuid });
    const c = await repos.groups.create({ name: 'cy-c', parentUuid: b.uuid });
    const d = await repos.groups.create({ name: 'cy-d' });
    expect(await repos.groups.wouldCycle(a.uuid, a.uuid)).toBe(true);
    expect(await repos.groups.wouldCycle(a.uuid, b.uuid)).toBe(true);
    expect(await repos.groups.wouldCycle(a.uuid, c.uuid)).toBe(true);
    expect(await repos.groups.wouldCycle(b.uuid, c.uuid)).toBe(true);
    expect(await repos.groups.wouldCycle(c.uuid, a.uuid)).toBe(false); // already an ancestor: no cycle
    expect(await repos.groups.wouldCycle(a.uuid, d.uuid)).toBe(false);
    expect(await repos.groups.wouldCycle(d.uuid, c.uuid)).toBe(false);
    expect(await repos.groups.wouldCycle(d.uuid, MISSING)).toBe(false);
    for (const g of [c, b, a, d]) await repos.groups.delete(g.uuid);
  });
});

describe('groups: inherited superuser', () => {
  it('inheritingSuperuser lists the groups with a superuser ancestor at any depth, in one call', async () => {
    const root = await repos.groups.create({ name: 'is-root', isSuperuser: true });
    const child = await repos.groups.create({ name: 'is-child', parentUuid: root.uuid });
    const grandchild = await repos.groups.create({ name: 'is-grandchild', parentUuid: child.uuid });
    const plainParent = await repos.groups.create({ name: 'is-plain-parent' });
    const plainChild = await repos.groups.create({ name: 'is-plain-child', parentUuid: plainParent.uuid });
    const all = [root, child, grandchild, plainParent, plainChild];
    const found = await repos.groups.inheritingSuperuser([...all.map((g) => g.uuid), MISSING]);
    // The root's own flag is not inheritance: callers read it from the group itself.
    expect([...found].sort()).toEqual([child.uuid, grandchild.uuid].sort());
    expect(await repos.groups.inheritingSuperuser([])).toEqual(new Set());
    for (const g of [grandchild, child, root, plainChild, plainParent]) await repos.groups.delete(g.uuid);
  });
});

describe('groups: batched forms (group sync)', () => {
  // Every value travels inside an array parameter: quotes, backslashes, commas, braces and
  // non-ASCII text must come back unchanged.
  const awkward = ['cb-"quoted"', 'cb-back\\slash', 'cb-comma,{brace}', 'cb-ünï €', 'cb-NULL'];

  it('createMany / byNames / updateNamesAndAttributes round-trip awkward names and attributes', async () => {
    const created = await repos.groups.createMany(
      awkward.map((name, i) => ({ name, attributes: { i, text: `${name}\\"\n`, list: [name, null, { deep: name }] } })),
    );
    expect(created.map((g) => g.name)).toEqual(awkward);
    const found = await repos.groups.byNames([...awkward, 'cb-missing']);
    expect(found.map((g) => g.name).sort()).toEqual([...awkward].sort());
    for (const g of found)
      expect(g.attributes).toEqual({ i: awkward.indexOf(g.name), text: `${g.name}\\"\n`, list: [g.name, null, { deep: g.name }] });

    await repos.groups.updateNamesAndAttributes(created.map((g) => ({ uuid: g.uuid, name: `${g.name}-v2`, attributes: { renamed: g.name } })));
    for (const g of created) expect(await repos.groups.byUuid(g.uuid)).toMatchObject({ name: `${g.name}-v2`, attributes: { renamed: g.name } });
    await expectValidation(repos.groups.createMany([{ name: 'cb-dup' }, { name: 'cb-dup' }]), { name: ['group with this name already exists.'] });
    for (const g of created) await repos.groups.delete(g.uuid);
  });

  it('adds one member to many groups and removes it, keeping other memberships', async () => {
    const groups = await repos.groups.createMany([{ name: 'cb-m1' }, { name: 'cb-m2' }, { name: 'cb-m3' }]);
    const [ann, bob] = users as [User, User];
    await repos.groups.addMembers(groups[0].uuid, [bob.id]);
    await repos.groups.addMemberToGroups(
      ann.id,
      groups.map((g) => g.uuid),
    );
    await repos.groups.addMemberToGroups(ann.id, [groups[0].uuid, groups[0].uuid]); // already a member: no error
    await repos.groups.removeMemberFromGroups(ann.id, [groups[0].uuid, groups[2].uuid]);
    const members = await repos.groups.memberIds(groups.map((g) => g.uuid));
    expect(groups.map((g) => members.get(g.uuid))).toEqual([[bob.id], [ann.id], []]);
    for (const g of groups) await repos.groups.delete(g.uuid);
  });

  it('accepts empty lists', async () => {
    expect(await repos.groups.byNames([])).toEqual([]);
    expect(await repos.groups.createMany([])).toEqual([]);
    await repos.groups.updateNamesAndAttributes([]);
    await repos.groups.addMemberToGroups(users[0].id, []);
    await repos.groups.removeMemberFromGroups(users[0].id, []);
  });
});
