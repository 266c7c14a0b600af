/** The PostgreSQL driver: schema pinning through search_path, ping, and a pool that closes. */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../../../src/storage/drivers/postgres.js';
import { DB_KIND, TEST_DATABASE_URL } from '../../support/db.js';

async function adminQuery(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL! });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

describe('PostgreSQL driver', () => {
  it.skipIf(DB_KIND === 'pglite')('pins every pooled connection to its schema', async () => {
    const s1 = `t_pgd_${randomBytes(5).toString('hex')}`;
    const s2 = `t_pgd_${randomBytes(5).toString('hex')}`;
    await adminQuery(`CREATE SCHEMA ${s1}; CREATE SCHEMA ${s2}; CREATE TABLE ${s1}.marks (v text); CREATE TABLE ${s2}.marks (v text)`);
    const a = createPostgresDatabase({ url: TEST_DATABASE_URL!, schema: s1, maxConnections: 3 });
    const b = createPostgresDatabase({ url: TEST_DATABASE_URL!, schema: s2, maxConnections: 3 });
    try {
      const dbA = a.db as unknown as Kysely<any>;
      const dbB = b.db as unknown as Kysely<any>;
      // Enough parallel statements to open several connections per pool.
      await Promise.all(Array.from({ length: 12 }, (_, i) => sql`INSERT INTO marks VALUES (${String(i)})`.execute(i % 2 ? dbA : dbB)));
      const count = async (db: Kysely<any>) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM marks`.execute(db)).rows[0].n;
      expect([await count(dbA), await count(dbB)]).toEqual([6, 6]);
      expect((await sql<{ s: string }>`SELECT current_schema() AS s`.execute(dbA)).rows[0].s).toBe(s1);
      await a.ping();
    } finally {
      await a.close();
      await b.close();
      await adminQuery(`DROP SCHEMA ${s1} CASCADE; DROP SCHEMA ${s2} CASCADE`);
    }
  });

  it.skipIf(DB_KIND === 'pglite')('rejects ping after close', async () => {
    const d = createPostgresDatabase({ url: TEST_DATABASE_URL! });
    await d.ping();
    await d.close();
    await expect(d.ping()).rejects.toThrow();
  });

  it('rejects ping quickly when the server is unreachable', async () => {
    const d = createPostgresDatabase({ url: 'postgres://nobody@127.0.0.1:1/none' });
    const started = Date.now();
    await expect(d.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(6_000);
    await d.close();
  });
});
