/** store.transaction: every write commits together or not at all, on either database. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors/index.js';
import type { Repositories } from '../../../src/storage/ports.js';
import { createTestApp, type TestApp } from '../../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

/** Row count of every table of this test's schema, read through the raw Kysely handle. */
async function snapshot(): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(
    app.db,
  );
  const out: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table_name)}`.execute(app.db);
    out[table_name] = r.rows[0].n;
  }
  return out;
}

/** One write through every repository. */
async function writeEverything(repos: Repositories, tag: string): Promise<void> {
  const user = await repos.users.create({ username: `tx-${tag}` });
  const group = await repos.groups.create({ name: `tx-${tag}` });
  await repos.groups.addMembers(group.uuid, [user.id]);
  await repos.users.update(user.id, { name: 'changed' });
  await repos.tokens.create({ identifier: `tx-${tag}`, key: `tx-key-${tag}-0123456789`, intent: 'api', userId: user.id });
  await repos.sessions.put(`tx-${tag}`, { userId: user.id, data: {}, expires: new Date(Date.now() + 60_000) });
  await repos.flows.create({ slug: `tx-${tag}`, name: 'x', title: 'x', designation: 'authentication' });
  await repos.keypairs.create({ name: `tx-${tag}`, certificateData: 'not checked here', keyData: 'secret' });
  await repos.propertyMappings.create({ kind: 'oauth', name: `tx-${tag}`, expression: 'return {}' });
  await repos.events.record({ action: `tx-${tag}` });
  await repos.settings.putIfAbsent(`tx-${tag}`, { v: 1 });
  await repos.sources.ensureBuiltIn();
}

describe('store.transaction', () => {
  it('rolls back every write when the callback throws', async () => {
    const before = await snapshot();
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([
        'users',
        'groups',
        'group_members',
        'tokens',
        'sessions',
        'flows',
        'keypairs',
        'property_mappings',
        'events',
        'settings',
      ]),
    );
    const boom = new Error('boom');
    await expect(
      app.ctx.store.transaction(async (repos) => {
        await writeEverything(repos, 'rollback');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await snapshot()).toEqual(before);
    expect(await app.ctx.store.repos.users.byUsername('tx-rollback')).toBeNull();
  });

  it('rolls back earlier writes when a later statement violates a constraint', async () => {
    const before = await snapshot();
    const error = await app.ctx.store
      .transaction(async (repos) => {
        await repos.users.create({ username: 'tx-partial' });
        await repos.groups.create({ name: 'tx-partial' });
        await repos.users.create({ username: 'akadmin' });
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields).toEqual({ username: ['This field must be unique.'] });
    expect(await snapshot()).toEqual(before);
  });

  it('commits every write and passes the result through when the callback succeeds', async () => {
    const before = await snapshot();
    const result = await app.ctx.store.transaction(async (repos) => {
      await writeEverything(repos, 'commit');
      return 'done';
    });
    expect(result).toBe('done');
    const after = await snapshot();
    for (const table of ['users', 'groups', 'group_members', 'tokens', 'sessions', 'flows', 'keypairs', 'property_mappings', 'events', 'settings']) {
      expect(after[table], table).toBe(before[table] + 1);
    }
    expect(after.sources).toBe(before.sources); // ensureBuiltIn is idempotent
  });

  it('hides uncommitted writes from readers outside the transaction', async () => {
    let written!: () => void;
    const wrote = new Promise<void>((r) => (written = r));
    const tx = app.ctx.store.transaction(async (repos) => {
      await repos.users.create({ username: 'tx-invisible' });
      written();
      await new Promise((r) => setTimeout(r, 100));
      throw new Error('abort');
    });
    await wrote;
    // PostgreSQL answers at once from another connection; PGlite waits for the transaction.
    expect(await app.ctx.store.repos.users.byUsername('tx-invisible')).toBeNull();
    await expect(tx).rejects.toThrow('abort');
    expect(await app.ctx.store.repos.users.byUsername('tx-invisible')).toBeNull();
  });

  it('keeps working after a rolled-back transaction', async () => {
    await app.ctx.store.transaction(async () => Promise.reject(new Error('first'))).catch(() => undefined);
    const user = await app.ctx.store.transaction((repos) => repos.users.create({ username: 'tx-after' }));
    expect((await app.ctx.store.repos.users.byId(user.id))?.username).toBe('tx-after');
  });
});
