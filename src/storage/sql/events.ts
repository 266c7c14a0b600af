import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { EventRecord, EventRepository } from '../ports.js';
import { toJson } from './json.js';
import { sweepExpired } from './sweep.js';

// authentik keeps events for a year by default.
const RETENTION_MS = 365 * 24 * 3600 * 1000;

export class SqlEventRepository implements EventRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(event: EventRecord): Promise<void> {
    await this.db
      .insertInto('events')
      .values({
        action: event.action,
        app: event.app ?? 'tributary',
        user_info: toJson(event.user ?? {}),
        context: toJson(event.context ?? {}),
        client_ip: event.clientIp ?? null,
        expires: new Date(Date.now() + RETENTION_MS),
      })
      .execute();
  }

  /** Events past their retention (a year) are deleted by the periodic sweep. */
  sweep(now: Date, batch: number): Promise<number> {
    return sweepExpired(this.db, 'events', now, batch);
  }

  async recent(action: string, limit: number): Promise<Array<EventRecord & { created: Date }>> {
    const rows = await this.db.selectFrom('events').selectAll().where('action', '=', action).orderBy('created', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      action: r.action,
      app: r.app,
      user: r.user_info as EventRecord['user'],
      context: r.context,
      clientIp: r.client_ip,
      created: r.created,
    }));
  }
}
