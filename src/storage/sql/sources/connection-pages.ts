/**
 * Fast path for the connection lists' default ordering (`source__slug, pk`).
 *
 * `ORDER BY sources.slug, c.id LIMIT n` cannot be served by one index (the sort key spans two
 * tables), so PostgreSQL sorts every connection — hundreds of milliseconds at a million rows.
 * Slugs are unique, so the same order is "sources by slug, then each source's connections by
 * id": take the per-source sizes (user connections: the trigger-maintained count slots of
 * migration 011; group connections: one grouped count), skip whole sources up to the offset,
 * and read the page with index range scans on (kind, source_uuid, id).
 *
 * Only for unfiltered lists (a `source__slug` filter is fine). A `user`/`group` filter already
 * selects a handful of rows (one per source at most), which the generic ORDER BY sorts for free.
 * Returns null when the query is not of that shape; the caller then uses the generic path.
 */
import { sql, type Kysely } from 'kysely';
import type { ListQuery, Page } from '../../ports.js';
import type { Database } from '../../schema.js';

type Table = 'user_source_connections' | 'group_source_connections';

interface Shape {
  slugDesc: boolean;
  idDesc: boolean;
  slugFilter: string | null;
}

function shapeOf(query: ListQuery): Shape | null {
  if (query.search) return null;
  const [first, second, ...rest] = query.ordering;
  if (!first || first.field !== 'source__slug' || rest.length > 0) return null;
  if (second && second.field !== 'pk' && second.field !== 'id') return null;
  let slugFilter: string | null = null;
  for (const f of query.filters) {
    if (f.field === 'source__slug' && typeof f.value === 'string') slugFilter = f.value;
    else return null;
  }
  return { slugDesc: first.desc, idDesc: second?.desc ?? false, slugFilter };
}

/**
 * Exact per-source sizes (kind null = all kinds): the sum of each source's slots in
 * `user_source_connection_count_slots`. A single slot can be zero or negative; the sum is exact.
 */
export async function countersPerSource(db: Kysely<Database>, kind: string | null): Promise<Array<{ source_uuid: string; n: unknown }>> {
  const where = kind === null ? sql`` : sql`WHERE kind = ${kind}`;
  const r = await sql<{
    source_uuid: string;
    n: unknown;
  }>`SELECT source_uuid, sum(n) AS n FROM user_source_connection_count_slots ${where} GROUP BY source_uuid HAVING sum(n) <> 0`.execute(db);
  return r.rows;
}

async function groupedCounts(db: Kysely<Database>, table: Table, kind: string | null): Promise<Array<{ source_uuid: string; n: unknown }>> {
  const where = kind === null ? sql`` : sql`WHERE kind = ${kind}`;
  const r = await sql<{
    source_uuid: string;
    n: unknown;
  }>`SELECT source_uuid, count(*) AS n FROM ${sql.table(table)} ${where} GROUP BY source_uuid`.execute(db);
  return r.rows;
}

export async function listByOwnerGroups(
  db: Kysely<Database>,
  table: Table,
  kind: string | null,
  query: ListQuery,
): Promise<Page<Record<string, unknown>> | null> {
  const shape = shapeOf(query);
  if (!shape) return null;

  let sourcesQb = db
    .selectFrom('sources')
    .select(['pbm_uuid', 'slug'])
    .orderBy('slug', shape.slugDesc ? 'desc' : 'asc');
  if (shape.slugFilter !== null) sourcesQb = sourcesQb.where('slug', '=', shape.slugFilter);
  const sources = await sourcesQb.execute();
  if (sources.length === 0) return { items: [], total: 0 };

  const counts = table === 'user_source_connections' ? await countersPerSource(db, kind) : await groupedCounts(db, table, kind);
  // Only the listed sources count (the counts cover every source; a slug filter lists one).
  const listed = new Set(sources.map((s) => s.pbm_uuid));
  const perSource = new Map<string, number>(counts.filter((c) => listed.has(c.source_uuid)).map((c) => [c.source_uuid, Number(c.n)]));
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
    let page = db.selectFrom(table).selectAll().where('source_uuid', '=', s.pbm_uuid);
    if (kind) page = page.where('kind', '=', kind);
    const rows = await page
      .orderBy('id', shape.idDesc ? 'desc' : 'asc')
      .offset(skip)
      .limit(query.limit - items.length)
      .execute();
    items.push(...rows);
    skip = 0;
    if (items.length >= query.limit) break;
  }
  return { items, total };
}
