import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { migrations } from './migrations/index.js';

// Any constant works; several instances booting at once serialise on it.
const MIGRATION_LOCK_KEY = 727_100_001;

/** Applies pending migrations in one transaction under a PostgreSQL advisory lock. */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS tributary_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(trx);
    const done = new Set((await sql<{ name: string }>`SELECT name FROM tributary_migrations`.execute(trx)).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      await applyMigration(trx, m);
      await sql`INSERT INTO tributary_migrations (name) VALUES (${m.name})`.execute(trx);
      applied.push(m.name);
    }
    return applied;
  });
}

/** Runs one migration's script (one statement per call: PGlite's extended protocol accepts no multi-statement strings). */
export async function applyMigration(db: Kysely<Database>, migration: { up: string }): Promise<void> {
  for (const statement of splitStatements(migration.up)) await sql.raw(statement).execute(db);
}

/** Migration SQL is plain DDL without semicolons inside literals, so a line-end split is exact. */
function splitStatements(script: string): string[] {
  return script
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}
