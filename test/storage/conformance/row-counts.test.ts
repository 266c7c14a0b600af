/**
 * The unfiltered user list reads its total from trigger-maintained counters (migration 005).
 * They must equal a real count(*) after single, bulk and rolled-back writes.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

const listTotal = async () => (await app.ctx.store.repos.users.list({ filters: [], search: null, ordering: [], offset: 0, limit: 1 })).total;
const realCount = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM users`.execute(app.db)).rows[0].n;

describe('row counters for unfiltered lists', () => {
  it('match count(*) through single, bulk and deleting writes', async () => {
    expect(await listTotal()).toBe(await realCount());
    await app.ctx.store.repos.users.create({ username: 'rc-one' });
    await sql`INSERT INTO users (username) SELECT 'rc-bulk-' || i FROM generate_series(1, 250) i`.execute(app.db);
    expect(await listTotal()).toBe(await realCount());
    await sql`DELETE FROM users WHERE username LIKE 'rc-bulk-1%'`.execute(app.db);
    expect(await listTotal()).toBe(await realCount());
    expect(await realCount()).toBeGreaterThan(100);
  });

  it('roll back with the rows they count', async () => {
    const before = await listTotal();
    await expect(
      app.ctx.store.transaction(async (repos) => {
        await repos.users.create({ username: 'rc-rolled-back' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await listTotal()).toBe(before);
    expect(await realCount()).toBe(before);
  });

  it('are not used once a filter or search narrows the list', async () => {
    const page = await app.ctx.store.repos.users.list({ filters: [], search: 'rc-bulk-2', ordering: [], offset: 0, limit: 1 });
    const expected = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM users WHERE username ILIKE '%rc-bulk-2%'`.execute(app.db)).rows[0].n;
    expect(page.total).toBe(expected);
  });
});
