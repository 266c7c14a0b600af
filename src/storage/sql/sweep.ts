import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Tables with an `expires` column that periodic sweeps clean, and each table's key. */
const SWEEPABLE = { flow_states: 'id_digest', replay_cache: 'key', sessions: 'id_digest', events: 'event_uuid', auth_throttle: 'key' } as const;

/** Batched delete of expired rows; concurrent sweepers on other instances skip locked rows. */
export async function sweepExpired(db: Kysely<Database>, table: keyof typeof SWEEPABLE, now: Date, batch: number): Promise<number> {
  const key = SWEEPABLE[table];
  const r = await sql`
    DELETE FROM ${sql.table(table)} WHERE ${sql.ref(key)} IN (
      SELECT ${sql.ref(key)} FROM ${sql.table(table)} WHERE expires <= ${now} LIMIT ${batch} FOR UPDATE SKIP LOCKED
    )`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
