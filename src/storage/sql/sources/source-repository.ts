import type { Kysely } from 'kysely';
import type { ListQuery, Page } from '../../ports.js';
import type { Database } from '../../schema.js';
import { BUILT_IN_SOURCE_MANAGED, type Source, type SourceKind, type SourceRepository } from '../../source-ports.js';
import { listPage, type FieldMap } from '../list.js';
import { BASE_COLUMNS, loadMappings, toSource, withMappings, type SourceRow } from './source-rows.js';

const FIELDS: FieldMap = { columns: BASE_COLUMNS, search: ['slug', 'name'], tiebreak: 'sources.pbm_uuid' };

export class SqlSourceRepository implements SourceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async ensureBuiltIn(): Promise<void> {
    await this.db
      .insertInto('sources')
      .values({ kind: 'inbuilt', name: 'authentik Built-in', slug: 'authentik-built-in', managed: BUILT_IN_SOURCE_MANAGED })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async list(kind: SourceKind | null, query: ListQuery): Promise<Page<Source>> {
    let qb = this.db.selectFrom('sources').selectAll('sources');
    if (kind) qb = qb.where('sources.kind', '=', kind);
    // Rows are collected first so the mappings of the whole page load in one query.
    const page = await listPage(qb, FIELDS, query, (row: SourceRow) => row);
    return { items: await withMappings(this.db, page.items, (_r, s) => s), total: page.total };
  }

  private async one(column: 'pbm_uuid' | 'slug' | 'name', value: string): Promise<Source | null> {
    const row = await this.db.selectFrom('sources').selectAll().where(column, '=', value).executeTakeFirst();
    if (!row) return null;
    const mappings = await loadMappings(this.db, [row.pbm_uuid]);
    return toSource(row, mappings.get(row.pbm_uuid));
  }

  byUuid(uuid: string): Promise<Source | null> {
    return this.one('pbm_uuid', uuid);
  }

  bySlug(slug: string): Promise<Source | null> {
    return this.one('slug', slug);
  }

  byName(name: string): Promise<Source | null> {
    return this.one('name', name);
  }

  async byUuids(uuids: string[]): Promise<Source[]> {
    if (uuids.length === 0) return [];
    const rows = await this.db
      .selectFrom('sources')
      .selectAll()
      .where('pbm_uuid', 'in', [...new Set(uuids)])
      .execute();
    return withMappings(this.db, rows, (_r, s) => s);
  }

  async usingPropertyMapping(pmUuid: string): Promise<Source[]> {
    const rows = await this.db
      .selectFrom('sources')
      .selectAll('sources')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('source_property_mappings as spm')
            .select('spm.pm_uuid')
            .whereRef('spm.source_uuid', '=', 'sources.pbm_uuid')
            .where('spm.pm_uuid', '=', pmUuid),
        ),
      )
      .orderBy('sources.name')
      .execute();
    return withMappings(this.db, rows, (_r, s) => s);
  }

  async enabledOfKinds(kinds: SourceKind[]): Promise<Source[]> {
    if (kinds.length === 0) return [];
    const rows = await this.db.selectFrom('sources').selectAll().where('enabled', '=', true).where('kind', 'in', kinds).orderBy('name').execute();
    return withMappings(this.db, rows, (_r, s) => s);
  }

  async setIcon(uuid: string, icon: string): Promise<void> {
    await this.db.updateTable('sources').set({ icon, last_updated: new Date() }).where('pbm_uuid', '=', uuid).execute();
  }

  async delete(uuid: string): Promise<boolean> {
    const r = await this.db.deleteFrom('sources').where('pbm_uuid', '=', uuid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
