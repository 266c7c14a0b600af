/** The one store's transactions, as SCIM uses them: transactions roll back on any throw and retry after a deadlock. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScimStore } from '../../../src/storage/scim-ports.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { createScimSource, type TestScimSource } from '../../sources/scim/http/support.js';

let app: TestApp;
let store: ScimStore;
let source: TestScimSource;

beforeAll(async () => {
  app = await createTestApp();
  store = app.ctx.store;
  source = await createScimSource(app);
});
afterAll(async () => app?.close());

const newUser = (username: string) => ({
  username,
  name: '',
  email: '',
  isActive: true,
  path: 'users',
  attributes: {},
  externalId: null,
  payload: { userName: username },
});

describe('ScimStore', () => {
  it('resolves the source and the presented token in one call', async () => {
    const r = await store.repos.scim.resolveSource(source.slug, source.key);
    expect(r?.source).toMatchObject({ uuid: source.uuid, slug: source.slug, enabled: true, tokenUuid: source.tokenUuid });
    expect(r?.token).toMatchObject({ uuid: source.tokenUuid, intent: 'api', userId: source.serviceAccountId, userActive: true });
    expect((await store.repos.scim.resolveSource(source.slug, 'wrong'))?.token).toBeNull();
    expect((await store.repos.scim.resolveSource(source.slug, null))?.token).toBeNull();
    expect(await store.repos.scim.resolveSource('missing', source.key)).toBeNull();
  });

  it('rolls the whole unit of work back when anything throws', async () => {
    await expect(
      store.transaction(async (unit) => {
        await unit.scim.createUser(source.uuid, newUser('rolled-back'));
        throw new Error('late failure');
      }),
    ).rejects.toThrow('late failure');
    expect(await app.ctx.store.repos.users.byUsername('rolled-back')).toBeNull();
  });

  it('retries a transaction PostgreSQL aborted with a deadlock, then gives up after three attempts', async () => {
    let attempts = 0;
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const result = await store.transaction(async (unit) => {
      attempts += 1;
      await unit.scim.createUser(source.uuid, newUser(`retry-${attempts}`));
      if (attempts < 2) throw deadlock;
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(2);
    expect(await app.ctx.store.repos.users.byUsername('retry-1')).toBeNull();
    expect(await app.ctx.store.repos.users.byUsername('retry-2')).not.toBeNull();
    let always = 0;
    await expect(
      store.transaction(async () => {
        always += 1;
        throw deadlock;
      }),
    ).rejects.toBe(deadlock);
    expect(always).toBe(3);
  });

  it('reports unique violations as conflicts naming the attribute', async () => {
    await store.transaction((unit) => unit.scim.createUser(source.uuid, { ...newUser('dupe'), externalId: 'e-dupe' }));
    await expect(store.transaction((unit) => unit.scim.createUser(source.uuid, newUser('dupe')))).rejects.toMatchObject({
      kind: 'conflict',
      field: 'userName',
    });
    await expect(
      store.transaction((unit) => unit.scim.createUser(source.uuid, { ...newUser('dupe-2'), externalId: 'e-dupe' })),
    ).rejects.toMatchObject({ kind: 'conflict', field: 'externalId' });
  });

  it('userName conflicts ignore case, also between transactions that overlap (the database decides)', async () => {
    await store.transaction((unit) => unit.scim.createUser(source.uuid, newUser('cased')));
    await expect(store.transaction((unit) => unit.scim.createUser(source.uuid, newUser('CASED')))).rejects.toMatchObject({
      kind: 'conflict',
      field: 'userName',
    });
    // The first create holds its transaction open while the second runs: the second cannot see
    // the uncommitted user, so only a unique index can refuse it (on PGlite, one session, the
    // second simply runs after the first).
    let inserted!: () => void;
    const insertedOnce = new Promise<void>((resolve) => (inserted = resolve));
    const first = store.transaction(async (unit) => {
      await unit.scim.createUser(source.uuid, newUser('overlap-x'));
      inserted();
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    await insertedOnce;
    const second = store.transaction((unit) => unit.scim.createUser(source.uuid, newUser('OVERLAP-X')));
    await first;
    await expect(second).rejects.toMatchObject({ kind: 'conflict', field: 'userName' });
    expect(await app.ctx.store.repos.users.byUsername('OVERLAP-X')).toBeNull();
  });

  it('renames overlap the same way', async () => {
    const a = await store.transaction((unit) => unit.scim.createUser(source.uuid, newUser('rename-a')));
    const b = await store.transaction((unit) => unit.scim.createUser(source.uuid, newUser('rename-b')));
    let renamed!: () => void;
    const renamedOnce = new Promise<void>((resolve) => (renamed = resolve));
    const first = store.transaction(async (unit) => {
      await unit.scim.updateUser(a, { fields: { username: 'renamed-target' }, payload: { userName: 'renamed-target' } });
      renamed();
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    await renamedOnce;
    const second = store.transaction((unit) =>
      unit.scim.updateUser(b, { fields: { username: 'RENAMED-TARGET' }, payload: { userName: 'RENAMED-TARGET' } }),
    );
    await first;
    await expect(second).rejects.toMatchObject({ kind: 'conflict', field: 'userName' });
    expect((await app.ctx.store.repos.users.byUuid(b.uuid))?.username).toBe('rename-b');
  });
});
