import type { Kysely, Selectable } from 'kysely';
import type { PropertyMapping, PropertyMappingKind } from '../../domain/entities.js';
import { NotFoundError } from '../../errors/index.js';
import type { Database, PropertyMappingsTable } from '../schema.js';
import type { ListQuery, NewPropertyMapping, Page, PropertyMappingRepository } from '../ports.js';
import { withConstraints } from './errors.js';
import { listPage, type FieldMap } from './list.js';

const FIELDS: FieldMap = {
  columns: {
    pk: 'property_mappings.pm_uuid',
    pm_uuid: 'property_mappings.pm_uuid',
    name: 'property_mappings.name',
    managed: 'property_mappings.managed',
    managed__isnull: '(property_mappings.managed IS NULL)',
    expression: 'property_mappings.expression',
  },
  search: ['name'],
  tiebreak: 'property_mappings.pm_uuid',
};

const CONSTRAINTS = {
  property_mappings_name_key: { field: 'name', message: 'property mapping with this name already exists.' },
  property_mappings_managed_key: { field: 'managed', message: 'property mapping with this managed already exists.' },
};

function toMapping(row: Selectable<PropertyMappingsTable>): PropertyMapping {
  return { uuid: row.pm_uuid, kind: row.kind as PropertyMappingKind, name: row.name, expression: row.expression, managed: row.managed };
}

export class SqlPropertyMappingRepository implements PropertyMappingRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(kind: PropertyMappingKind | null, query: ListQuery): Promise<Page<PropertyMapping>> {
    let qb = this.db.selectFrom('property_mappings').selectAll();
    if (kind) qb = qb.where('kind', '=', kind);
    return listPage(qb, FIELDS, query, toMapping);
  }

  async byUuid(uuid: string): Promise<PropertyMapping | null> {
    const row = await this.db.selectFrom('property_mappings').selectAll().where('pm_uuid', '=', uuid).executeTakeFirst();
    return row ? toMapping(row) : null;
  }

  async byUuids(uuids: string[]): Promise<PropertyMapping[]> {
    if (uuids.length === 0) return [];
    const rows = await this.db.selectFrom('property_mappings').selectAll().where('pm_uuid', 'in', uuids).orderBy('name').execute();
    return rows.map(toMapping);
  }

  create(input: NewPropertyMapping): Promise<PropertyMapping> {
    return withConstraints(CONSTRAINTS, async () => {
      const row = await this.db
        .insertInto('property_mappings')
        .values({ kind: input.kind, name: input.name, expression: input.expression, managed: input.managed ?? null })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toMapping(row);
    });
  }

  update(uuid: string, patch: Partial<NewPropertyMapping>): Promise<PropertyMapping> {
    return withConstraints(CONSTRAINTS, async () => {
      const values: Record<string, unknown> = {};
      if (patch.name !== undefined) values.name = patch.name;
      if (patch.expression !== undefined) values.expression = patch.expression;
      if (patch.managed !== undefined) values.managed = patch.managed;
      if (Object.keys(values).length === 0) {
        const current = await this.byUuid(uuid);
        if (!current) throw NotFoundError.forModel('PropertyMapping');
        return current;
      }
      const row = await this.db.updateTable('property_mappings').set(values).where('pm_uuid', '=', uuid).returningAll().executeTakeFirst();
      if (!row) throw NotFoundError.forModel('PropertyMapping');
      return toMapping(row);
    });
  }

  async delete(uuid: string): Promise<boolean> {
    const r = await this.db.deleteFrom('property_mappings').where('pm_uuid', '=', uuid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
