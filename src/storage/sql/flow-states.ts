import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { FlowStateRecord, FlowStateRepository, ReplayCacheRepository } from '../ports.js';
import { toJson } from './json.js';
import { sweepExpired } from './sweep.js';

export class SqlFlowStateRepository implements FlowStateRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async put(idDigest: string, r: FlowStateRecord): Promise<void> {
    await this.db
      .insertInto('flow_states')
      .values({
        id_digest: idDigest,
        kind: r.kind,
        session_digest: r.sessionDigest,
        source_uuid: r.sourceUuid,
        data: toJson(r.data),
        expires: r.expires,
      })
      // A newer state under the same key (e.g. a second SAML start in one session) replaces the old.
      .onConflict((oc) =>
        oc
          .column('id_digest')
          .doUpdateSet({ kind: r.kind, session_digest: r.sessionDigest, source_uuid: r.sourceUuid, data: toJson(r.data), expires: r.expires }),
      )
      .execute();
  }

  async take(idDigest: string, now: Date): Promise<FlowStateRecord | null> {
    // DELETE … RETURNING makes the state single-use even when two requests race for it.
    const row = await this.db.deleteFrom('flow_states').where('id_digest', '=', idDigest).returningAll().executeTakeFirst();
    if (!row || row.expires.getTime() <= now.getTime()) return null;
    return { kind: row.kind, sessionDigest: row.session_digest, sourceUuid: row.source_uuid, data: row.data, expires: row.expires };
  }

  sweep(now: Date, batch: number): Promise<number> {
    return sweepExpired(this.db, 'flow_states', now, batch);
  }
}

export class SqlReplayCacheRepository implements ReplayCacheRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async remember(key: string, expires: Date, now: Date): Promise<boolean> {
    // An expired entry may be reused; a live one means a replay.
    const r = await sql<{ key: string }>`
      INSERT INTO replay_cache (key, expires) VALUES (${key}, ${expires})
      ON CONFLICT (key) DO UPDATE SET expires = EXCLUDED.expires WHERE replay_cache.expires <= ${now}
      RETURNING key`.execute(this.db);
    return r.rows.length === 1;
  }

  sweep(now: Date, batch: number): Promise<number> {
    return sweepExpired(this.db, 'replay_cache', now, batch);
  }
}
