/**
 * Test databases. The suite runs twice (scripts/test.mjs): on PGlite, and on PostgreSQL when
 * TEST_DATABASE_URL names a fresh database. Either way each test file gets its own schema,
 * and PGlite instances are shared per worker because creating one takes seconds.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? null;
export const DB_KIND: 'postgres' | 'pglite' = TEST_DATABASE_URL ? 'postgres' : 'pglite';

let shared: Promise<PGlite> | null = null;

export function sharedPglite(): Promise<PGlite> {
  shared ??= PGlite.create();
  return shared;
}

export interface TestSchema {
  schema: string;
  pglite?: PGlite;
  databaseUrl: string | null;
  drop(): Promise<void>;
}

export async function createTestSchema(): Promise<TestSchema> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  if (TEST_DATABASE_URL) {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    return {
      schema,
      databaseUrl: TEST_DATABASE_URL,
      drop: async () => {
        const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await c.connect();
        await c.query(`DROP SCHEMA ${schema} CASCADE`);
        await c.end();
      },
    };
  }
  const pglite = await sharedPglite();
  await pglite.exec(`CREATE SCHEMA ${schema}`);
  return {
    schema,
    pglite,
    databaseUrl: null,
    drop: async () => {
      await pglite.exec(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
}
