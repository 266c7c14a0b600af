/**
 * Group sync against a real database: what each matcher decision writes (authentik's
 * GroupUpdateStage: LINK and AUTH both apply update_attributes, so a group renamed at the IdP
 * is renamed here), exact memberships, and a number of queries that does not grow with the
 * number of claimed groups.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_SYNC_FAILED_MESSAGE, type GroupMatchingMode } from '../../../src/domain/matching.js';
import { BadRequestError, ValidationError } from '../../../src/errors/index.js';
import { syncGroups } from '../../../src/services/flows/group-sync.js';
import type { PendingGroup } from '../../../src/services/flows/plan.js';
import type { Database } from '../../../src/storage/schema.js';
import { SqlGroupRepository } from '../../../src/storage/sql/groups.js';
import { SqlGroupConnectionRepository } from '../../../src/storage/sql/sources/group-connections.js';
import { countQueries, openTestStorage, type TestStorage } from '../../support/storage.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await openTestStorage();
}, 60_000);
afterAll(async () => storage?.close());

const repositories = (db: Kysely<Database>) => ({ groups: new SqlGroupRepository(db), groupConnections: new SqlGroupConnectionRepository(db) });
const repos = () => repositories(storage.db);

let serial = 0;
async function newUser(): Promise<number> {
  serial += 1;
  const { rows } = await sql<{ id: number }>`INSERT INTO users (username) VALUES (${`gs-user-${serial}`}) RETURNING id`.execute(storage.db);
  return rows[0].id;
}
async function newSource(): Promise<string> {
  serial += 1;
  const { rows } = await sql<{
    pbm_uuid: string;
  }>`INSERT INTO sources (kind, name, slug) VALUES ('oauth', ${`GS source ${serial}`}, ${`gs-${serial}`}) RETURNING pbm_uuid`.execute(storage.db);
  return rows[0].pbm_uuid;
}

/** Runs one sync in a transaction, like the login does; returns how many statements it sent. */
async function sync(userId: number, sourceUuid: string, groups: PendingGroup[], mode: GroupMatchingMode = 'identifier'): Promise<number> {
  const counted = countQueries(storage.db);
  await counted.db.transaction().execute((trx) => syncGroups(repositories(trx), { userId, sourceUuid, kind: 'oauth', mode, groups }));
  return counted.count();
}

/** The user's groups as name → attributes, and which of them are connected to `sourceUuid` under which identifier. */
async function stateOf(userId: number, sourceUuid: string) {
  const { rows } = await sql<{ name: string; attributes: Record<string, unknown>; identifier: string | null }>`
    SELECT g.name, g.attributes, gsc.identifier FROM group_members gm
    JOIN groups g ON g.group_uuid = gm.group_uuid
    LEFT JOIN group_source_connections gsc ON gsc.group_uuid = g.group_uuid AND gsc.source_uuid = ${sourceUuid}
    WHERE gm.user_id = ${userId} ORDER BY g.name`.execute(storage.db);
  return rows;
}

const group = (id: string, name: string, attributes?: Record<string, unknown>): PendingGroup => ({
  id,
  properties: attributes ? { name, attributes } : { name },
});

describe('batched group sync', () => {
  it('costs the same number of queries for 10 or 300 claimed groups, and the memberships are exact', async () => {
    const counts: Record<number, number[]> = {};
    for (const n of [10, 300]) {
      const [user, source] = [await newUser(), await newSource()];
      const ids = Array.from({ length: n }, (_, i) => `grp-${n}-${i}`);
      const first = ids.map((id) => group(id, `Name ${id}`, { idp: { index: id } }));
      const c1 = await sync(user, source, first);
      let state = await stateOf(user, source);
      expect(state.map((r) => r.identifier).sort()).toEqual([...ids].sort());
      for (const r of state)
        expect(r).toEqual({ name: `Name ${r.identifier}`, attributes: { idp: { index: r.identifier } }, identifier: r.identifier });

      const c2 = await sync(user, source, first); // nothing changed

      // Half dropped, the other half renamed at the IdP with new attributes, n/2 new ones.
      const kept = ids.filter((_, i) => i % 2 === 0);
      const added = Array.from({ length: n / 2 }, (_, i) => `new-${n}-${i}`);
      const third = [...kept.map((id) => group(id, `Renamed ${id}`, { idp: { renamed: true } })), ...added.map((id) => group(id, `Name ${id}`))];
      const c3 = await sync(user, source, third);
      state = await stateOf(user, source);
      expect(state.map((r) => r.identifier).sort()).toEqual([...kept, ...added].sort());
      for (const r of state) {
        if (r.identifier!.startsWith('new-')) expect(r).toMatchObject({ name: `Name ${r.identifier}`, attributes: {} });
        else expect(r).toMatchObject({ name: `Renamed ${r.identifier}`, attributes: { idp: { index: r.identifier, renamed: true } } });
      }

      const c4 = await sync(user, source, []); // the claim went empty
      expect(await stateOf(user, source)).toEqual([]);
      counts[n] = [c1, c2, c3, c4];
    }
    console.log(`group sync queries (enrol, unchanged, rename/drop/add, empty): ${counts[300].join(', ')}`);
    expect(counts[300]).toEqual(counts[10]);
    for (const c of counts[300]) expect(c).toBeLessThanOrEqual(10);
  });
});

describe('update_attributes on LINK and AUTH', () => {
  it('LINK (name_link): connects the same-named group and merges the claimed attributes into it', async () => {
    const [user, source] = [await newUser(), await newSource()];
    const staff = await repos().groups.create({ name: 'gs-staff', attributes: { local: true, level: 1 } });
    await sync(user, source, [group('staff-id', 'gs-staff', { level: 2, from: 'idp' })], 'name_link');
    expect((await repos().groupConnections.bySourceIdentifier(source, 'staff-id'))?.groupUuid).toBe(staff.uuid);
    expect((await repos().groups.byUuid(staff.uuid))?.attributes).toEqual({ local: true, level: 2, from: 'idp' });
    expect(await stateOf(user, source)).toEqual([{ name: 'gs-staff', attributes: { local: true, level: 2, from: 'idp' }, identifier: 'staff-id' }]);
  });

  it('AUTH: a group renamed at the IdP is renamed here, attributes merged', async () => {
    const [user, source] = [await newUser(), await newSource()];
    await sync(user, source, [group('g-42', 'gs-Old name', { a: 1, nested: { x: 1 } })]);
    const { groupUuid } = (await repos().groupConnections.bySourceIdentifier(source, 'g-42'))!;
    await sync(user, source, [group('g-42', 'gs-New name', { nested: { y: 2 } })]);
    expect(await repos().groups.byUuid(groupUuid)).toMatchObject({ name: 'gs-New name', attributes: { a: 1, nested: { x: 1, y: 2 } } });
    expect(await stateOf(user, source)).toEqual([{ name: 'gs-New name', attributes: { a: 1, nested: { x: 1, y: 2 } }, identifier: 'g-42' }]);
  });

  it('AUTH: refuses a rename onto the name of another group and writes nothing', async () => {
    const [user, source] = [await newUser(), await newSource()];
    await sync(user, source, [group('g-1', 'gs-first')]);
    await repos().groups.create({ name: 'gs-taken' });
    const error = await sync(user, source, [group('g-1', 'gs-taken'), group('g-2', 'gs-second')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toBe(GROUP_SYNC_FAILED_MESSAGE);
    expect(await stateOf(user, source)).toEqual([{ name: 'gs-first', attributes: {}, identifier: 'g-1' }]);
  });

  it('sets no group field but the name, even when a mapping asks for more', async () => {
    const [user, source] = [await newUser(), await newSource()];
    const escalate = { id: 'g-up', properties: { name: 'gs-escalate', is_superuser: true, parent_uuid: null } };
    await sync(user, source, [escalate]);
    await sync(user, source, [{ ...escalate, properties: { ...escalate.properties, name: 'gs-escalated' } }]);
    const connection = (await repos().groupConnections.bySourceIdentifier(source, 'g-up'))!;
    expect(await repos().groups.byUuid(connection.groupUuid)).toMatchObject({ name: 'gs-escalated', isSuperuser: false });
  });

  it('rejects attributes that are not an object', async () => {
    const [user, source] = [await newUser(), await newSource()];
    await expect(sync(user, source, [{ id: 'g-bad', properties: { name: 'gs-bad', attributes: 'text' } }])).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("superuser groups, by their own flag or a parent's", () => {
  async function adminTree() {
    const root = await repos().groups.create({ name: `gs-admins-${++serial}`, isSuperuser: true });
    const child = await repos().groups.create({ name: `gs-admins-child-${serial}`, parentUuid: root.uuid });
    const grandchild = await repos().groups.create({ name: `gs-admins-grandchild-${serial}`, parentUuid: child.uuid });
    return { root, child, grandchild };
  }

  it('name_link refuses a child or grandchild of a superuser group and writes nothing', async () => {
    const { child, grandchild } = await adminTree();
    for (const target of [child, grandchild]) {
      const [user, source] = [await newUser(), await newSource()];
      const error = await sync(user, source, [group('ok', `gs-ok-${target.name}`), group('escalate', target.name)], 'name_link').catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as Error).message).toBe(GROUP_SYNC_FAILED_MESSAGE);
      expect(await repos().groupConnections.bySourceIdentifier(source, 'escalate')).toBeNull();
      expect(await stateOf(user, source)).toEqual([]);
    }
  });

  it('name_link still links a group whose ancestors grant nothing', async () => {
    const parent = await repos().groups.create({ name: `gs-plain-parent-${++serial}` });
    const child = await repos().groups.create({ name: `gs-plain-child-${serial}`, parentUuid: parent.uuid });
    const [user, source] = [await newUser(), await newSource()];
    await sync(user, source, [group('plain', child.name)], 'name_link');
    expect((await repos().groupConnections.bySourceIdentifier(source, 'plain'))?.groupUuid).toBe(child.uuid);
  });

  it('adds nobody to a connected group that became a superuser group (or got one as parent) after it was linked', async () => {
    const { root } = await adminTree();
    const [first, second, source] = [await newUser(), await newUser(), await newSource()];
    await sync(first, source, [group('team', `gs-team-${serial}`)]);
    const { groupUuid } = (await repos().groupConnections.bySourceIdentifier(source, 'team'))!;
    await repos().groups.update(groupUuid, { parentUuid: root.uuid });
    await expect(sync(second, source, [group('team', `gs-team-${serial}`)])).rejects.toThrow(GROUP_SYNC_FAILED_MESSAGE);
    expect(await stateOf(second, source)).toEqual([]);
    await repos().groups.update(groupUuid, { parentUuid: null, isSuperuser: true });
    await expect(sync(second, source, [group('team', `gs-team-${serial}`)])).rejects.toThrow(GROUP_SYNC_FAILED_MESSAGE);
    expect(await stateOf(second, source)).toEqual([]);
  });
});

describe('claims the sync cannot satisfy', () => {
  it('two claimed groups with one name fail the sync (names are unique)', async () => {
    const [user, source] = [await newUser(), await newSource()];
    for (const mode of ['identifier', 'name_link', 'name_deny'] as const) {
      await expect(sync(user, source, [group('a', 'gs-dup'), group('b', 'gs-dup')], mode)).rejects.toThrow(GROUP_SYNC_FAILED_MESSAGE);
    }
    expect(await repos().groups.byName('gs-dup')).toBeNull();
  });

  it('ids that are Object.prototype member names, or awkward text, are ids like any other', async () => {
    const [user, source] = [await newUser(), await newSource()];
    const ids = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'a "quoted" id', 'back\\slash', 'comma,{brace}', 'ünï €'];
    await sync(
      user,
      source,
      ids.map((id) => group(id, `gs-proto-${id}`)),
    );
    await sync(
      user,
      source,
      ids.map((id) => group(id, `gs-proto-${id}`)),
    );
    expect((await stateOf(user, source)).map((r) => r.identifier).sort()).toEqual([...ids].sort());
  });

  it('leaves memberships of groups the source never connected alone', async () => {
    const [user, source, other] = [await newUser(), await newSource(), await newSource()];
    const manual = await repos().groups.create({ name: 'gs-manual' });
    await repos().groups.addMembers(manual.uuid, [user]);
    await sync(user, other, [group('o-1', 'gs-other-source')]);
    await sync(user, source, [group('s-1', 'gs-this-source')]);
    await sync(user, source, []);
    const { rows } = await sql<{
      name: string;
    }>`SELECT g.name FROM group_members gm JOIN groups g USING (group_uuid) WHERE gm.user_id = ${user} ORDER BY g.name`.execute(storage.db);
    expect(rows.map((r) => r.name)).toEqual(['gs-manual', 'gs-other-source']);
  });
});
