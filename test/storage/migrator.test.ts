/** Migrations apply once, in order, and concurrent boots serialise on the advisory lock. */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../../src/storage/drivers/postgres.js';
import { migrations } from '../../src/storage/migrations/index.js';
import { migrate } from '../../src/storage/migrator.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { DB_KIND, TEST_DATABASE_URL } from '../support/db.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

describe('migrate()', () => {
  it('has applied every migration at boot, each recorded once', async () => {
    const rows = await sql<{
      name: string;
      n: number;
    }>`SELECT name, count(*)::int AS n FROM tributary_migrations GROUP BY name ORDER BY name`.execute(app.db);
    expect(rows.rows).toEqual(migrations.map((m) => ({ name: m.name, n: 1 })));
  });

  it('applies nothing when run again, twice in a row', async () => {
    expect(await migrate(app.db)).toEqual([]);
    expect(await migrate(app.db)).toEqual([]);
    const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM tributary_migrations`.execute(app.db);
    expect(count.rows[0].n).toBe(migrations.length);
  });

  it('names migrations uniquely and in order', () => {
    const names = migrations.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(names);
    for (const m of migrations) expect(m.up.trim().length).toBeGreaterThan(0);
  });
});

describe('migrate() on PostgreSQL', () => {
  async function adminQuery(text: string): Promise<void> {
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL! });
    await c.connect();
    try {
      await c.query(text);
    } finally {
      await c.end();
    }
  }

  it.skipIf(DB_KIND === 'pglite')('serialises two concurrent migrate() calls on separate pools against a fresh schema', async () => {
    const schema = `t_mig_${randomBytes(5).toString('hex')}`;
    await adminQuery(`CREATE SCHEMA ${schema}`);
    const a = createPostgresDatabase({ url: TEST_DATABASE_URL!, schema, maxConnections: 2 });
    const b = createPostgresDatabase({ url: TEST_DATABASE_URL!, schema, maxConnections: 2 });
    try {
      const [ra, rb] = await Promise.all([migrate(a.db), migrate(b.db)]);
      // Exactly one of them applied everything; the other found nothing to do.
      const all = migrations.map((m) => m.name);
      expect([ra, rb].sort((x, y) => y.length - x.length)).toEqual([all, []]);
      const rows = await sql<{
        name: string;
        n: number;
      }>`SELECT name, count(*)::int AS n FROM tributary_migrations GROUP BY name ORDER BY name`.execute(a.db);
      expect(rows.rows).toEqual(all.map((name) => ({ name, n: 1 })));
      const tables = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = ${schema} AND table_name = 'users'`.execute(a.db);
      expect(tables.rows[0].n).toBe(1);
    } finally {
      await a.close();
      await b.close();
      await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });
});
