import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SettingsRepository } from '../ports.js';

export class SqlSettingsRepository implements SettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async lock(name: string): Promise<void> {
    // A transaction-scoped lock taken in autocommit would be released at once.
    if (!this.db.isTransaction) throw new Error('settings.lock needs a transaction');
    await sql`SELECT pg_advisory_xact_lock(hashtext(${name}))`.execute(this.db);
  }

  async get<T>(key: string): Promise<T | null> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row ? (row.value as T) : null;
  }

  async putIfAbsent<T>(key: string, value: T): Promise<T> {
    await this.db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.get<T>(key)) as T;
  }
}
