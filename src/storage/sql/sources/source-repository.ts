import type { Kysely } from 'kysely';
import type { Database } from '../../schema.js';
import { BUILT_IN_SOURCE_MANAGED, type SourceRepository } from '../../source-ports.js';

export class SqlSourceRepository implements SourceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async ensureBuiltIn(): Promise<void> {
    await this.db
      .insertInto('sources')
      .values({ kind: 'inbuilt', name: 'authentik Built-in', slug: 'authentik-built-in', managed: BUILT_IN_SOURCE_MANAGED })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
