import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SessionRecord, SessionRepository } from '../ports.js';
import { sweepExpired } from './sweep.js';
import { toJson } from './json.js';

/** Sessions are keyed by a digest of the cookie value; the raw id never reaches the database. */
export class SqlSessionRepository implements SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(idDigest: string, now: Date): Promise<SessionRecord | null> {
    const row = await this.db
      .selectFrom('sessions')
      .select(['user_id', 'data', 'expires'])
      .where('id_digest', '=', idDigest)
      .where('expires', '>', now)
      .executeTakeFirst();
    return row ? { userId: row.user_id, data: row.data ?? {}, expires: row.expires } : null;
  }

  async put(idDigest: string, record: SessionRecord): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ id_digest: idDigest, user_id: record.userId, data: toJson(record.data), expires: record.expires })
      .onConflict((oc) => oc.column('id_digest').doUpdateSet({ user_id: record.userId, data: toJson(record.data), expires: record.expires }))
      .execute();
  }

  async delete(idDigest: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_digest', '=', idDigest).execute();
  }

  sweep(now: Date, batch: number): Promise<number> {
    return sweepExpired(this.db, 'sessions', now, batch);
  }

  async deleteForUser(userId: number): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
