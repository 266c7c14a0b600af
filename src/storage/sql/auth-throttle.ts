import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { AuthThrottleRepository } from '../ports.js';
import { sweepExpired } from './sweep.js';

export class SqlAuthThrottleRepository implements AuthThrottleRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async blockedUntil(key: string, limit: number, now: Date): Promise<Date | null> {
    const row = await this.db
      .selectFrom('auth_throttle')
      .select('expires')
      .where('key', '=', key)
      .where('expires', '>', now)
      .where('failures', '>=', limit)
      .executeTakeFirst();
    return row?.expires ?? null;
  }

  async recordFailure(key: string, now: Date, windowEnd: Date): Promise<{ failures: number; expires: Date }> {
    // One statement, so concurrent failures on any instance all count: the conflicting insert
    // waits for the row lock and then increments (or opens a new window when the old one ended).
    const { rows } = await sql<{ failures: number; expires: Date }>`
      INSERT INTO auth_throttle (key, failures, expires) VALUES (${key}, 1, ${windowEnd})
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN auth_throttle.expires <= ${now} THEN 1 ELSE auth_throttle.failures + 1 END,
        expires = CASE WHEN auth_throttle.expires <= ${now} THEN EXCLUDED.expires ELSE auth_throttle.expires END
      RETURNING failures, expires`.execute(this.db);
    const row = rows[0];
    return { failures: Number(row.failures), expires: new Date(row.expires) };
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('auth_throttle').where('key', '=', key).execute();
  }

  sweep(now: Date, batch: number): Promise<number> {
    return sweepExpired(this.db, 'auth_throttle', now, batch);
  }
}
