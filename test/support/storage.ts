/**
 * A migrated database schema for tests that exercise repositories and services without the
 * HTTP app (PGlite or PostgreSQL, like the rest of the suite), and a query counter.
 */
import type { Kysely, KyselyPlugin } from 'kysely';
import { createPgliteDatabase } from '../../src/storage/drivers/pglite.js';
import { createPostgresDatabase } from '../../src/storage/drivers/postgres.js';
import { migrate } from '../../src/storage/migrator.js';
import type { Database } from '../../src/storage/schema.js';
import { createTestSchema } from './db.js';

export interface TestStorage {
  db: Kysely<Database>;
  close(): Promise<void>;
}

export async function openTestStorage(): Promise<TestStorage> {
  const schema = await createTestSchema();
  const database = schema.pglite
    ? await createPgliteDatabase({ dataDir: null, instance: schema.pglite, schema: schema.schema })
    : createPostgresDatabase({ url: schema.databaseUrl as string, schema: schema.schema });
  await migrate(database.db);
  return {
    db: database.db,
    close: async () => {
      await database.close();
      await schema.drop();
    },
  };
}

/** `db` with a plugin that counts every statement sent through it (transactions included). */
export function countQueries(db: Kysely<Database>): { db: Kysely<Database>; count(): number } {
  let count = 0;
  const counter: KyselyPlugin = {
    transformQuery(args) {
      count += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(counter), count: () => count };
}
