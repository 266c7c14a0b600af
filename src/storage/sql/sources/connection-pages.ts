/**
 * Fast path for the connection lists' default ordering (`source__slug, pk`, SPEC §6.2).
 *
 * `ORDER BY sources.slug, c.id LIMIT n` cannot be served by one index (the sort key spans
 * two tables), so PostgreSQL sorts every matching connection — seconds at a million rows.
 * Slugs are unique, so the same order is "sources by slug, then each source's connections
 * by id": count per source (an index-only scan that the total needs anyway), skip whole
 * sources until the offset, and read the page with an index range scan on (kind, source, id).
 * Returns null when the query is not of that shape; the caller then uses the generic path.
 */
import type { Kysely } from 'kysely';
import type { ListQuery, Page } from '../../ports.js';
import type { Database } from '../../schema.js';
import { applyFilters, type FieldMap } from '../list.js';

type Table = 'user_source_connections' | 'group_source_connections';
const ALIAS: Record<Table, string> = { user_source_connections: 'usc', group_source_connections: 'gsc' };

interface Shape {
  slugDesc: boolean;
  idDesc: boolean;
  slugFilter: string | null;
  rowFilters: ListQuery['filters'];
}

function shapeOf(query: ListQuery, fields: FieldMap, alias: string): Shape | null {
  if (query.search) return null;
  const [first, second, ...rest] = query.ordering;
  if (!first || first.field !== 'source__slug' || rest.length > 0) return null;
  if (second && second.field !== 'pk' && second.field !== 'id') return null;
  let slugFilter: string | null = null;
  const rowFilters: ListQuery['filters'] = [];
  for (const f of query.filters) {
    if (f.field === 'source__slug' && typeof f.value === 'string') slugFilter = f.value;
    else if (fields.columns[f.field]?.startsWith(`${alias}.`)) rowFilters.push(f);
    else return null;
  }
  return { slugDesc: first.desc, idDesc: second?.desc ?? false, slugFilter, rowFilters };
}

export async function listByOwnerGroups(
  db: Kysely<Database>,
  table: Table,
  kind: string | null,
  fields: FieldMap,
  query: ListQuery,
): Promise<Page<Record<string, unknown>> | null> {
  const alias = ALIAS[table];
  const shape = shapeOf(query, fields, alias);
  if (!shape) return null;
  const anyDb = db as Kysely<any>;

  let sourcesQb = db.selectFrom('sources').select(['pbm_uuid', 'slug']).orderBy('slug', shape.slugDesc ? 'desc' : 'asc');
  if (shape.slugFilter !== null) sourcesQb = sourcesQb.where('slug', '=', shape.slugFilter);
  const sources = await sourcesQb.execute();
  if (sources.length === 0) return { items: [], total: 0 };

  const base = () => {
    let qb = anyDb.selectFrom(`${table} as ${alias}`);
    if (kind) qb = qb.where(`${alias}.kind`, '=', kind);
    if (shape.slugFilter !== null) qb = qb.where(`${alias}.source_uuid`, '=', sources[0].pbm_uuid);
    return applyFilters(qb, fields, { filters: shape.rowFilters, search: null });
  };

  const counts = (await base()
    .select([`${alias}.source_uuid as source_uuid`, (eb: any) => eb.fn.countAll().as('n')])
    .groupBy(`${alias}.source_uuid`)
    .execute()) as unknown as Array<{ source_uuid: string; n: unknown }>;
  const perSource = new Map<string, number>(counts.map((c) => [c.source_uuid, Number(c.n)]));
  let total = 0;
  for (const n of perSource.values()) total += n;
  if (total === 0 || query.offset >= total) return { items: [], total };

  const items: Record<string, unknown>[] = [];
  let skip = query.offset;
  for (const s of sources) {
    const n = perSource.get(s.pbm_uuid) ?? 0;
    if (n === 0) continue;
    if (skip >= n) {
      skip -= n;
      continue;
    }
    const want = query.limit - items.length;
    const rows = await base()
      .selectAll(alias)
      .where(`${alias}.source_uuid`, '=', s.pbm_uuid)
      .orderBy(`${alias}.id`, shape.idDesc ? 'desc' : 'asc')
      .offset(skip)
      .limit(want)
      .execute();
    items.push(...rows);
    skip = 0;
    if (items.length >= query.limit) break;
  }
  return { items, total };
}
