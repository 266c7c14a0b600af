import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../schema.js';

// Return int8/numeric as numbers only where safe: count(*) results are cast to int in SQL instead.
export interface PostgresOptions {
  url: string;
  /** Restricts every connection to one schema (used by tests to isolate files). */
  schema?: string;
  maxConnections?: number;
}

export function createPostgresDatabase(options: PostgresOptions): { db: Kysely<Database>; close: () => Promise<void>; ping: () => Promise<void> } {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client losing its server connection must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    close: async () => {
      await db.destroy();
      // Kysely only ends pools it initialised; ours may have served pings alone.
      if (!pool.ending) await pool.end();
    },
    ping: async () => {
      const client = await pool.connect();
      try {
        await client.query('SELECT 1');
      } finally {
        client.release();
      }
    },
  };
}
