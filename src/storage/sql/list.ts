/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- column expressions are chosen at run time from declared field maps, which Kysely cannot type */
/**
 * Applies a ListQuery (exact filters, contains-search, ordering, one page) to a select.
 * Each repository declares which logical fields map to which SQL expressions; anything
 * else was already rejected by the HTTP layer, so unknown names here are programming errors.
 */
import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { ListQuery, Page } from '../ports.js';

export interface FieldMap {
  /** logical name → SQL expression (a column reference such as `u.username`). */
  columns: Record<string, string>;
  /** logical names searched with ILIKE. */
  search: string[];
  /** unique column appended to every ordering so pages are stable. */
  tiebreak: string;
}

export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function column(map: FieldMap, field: string): RawBuilder<unknown> {
  const expr = map.columns[field];
  if (!expr) throw new Error(`Unknown list field "${field}"`);
  return sql.raw(expr);
}

export function applyFilters<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, map: FieldMap, query: Pick<ListQuery, 'filters' | 'search'>): QB {
  let out: any = qb;
  for (const f of query.filters) {
    const col = column(map, f.field);
    if (Array.isArray(f.value)) {
      out = f.value.length === 0 ? out.where(sql<boolean>`false`) : out.where(col, 'in', f.value);
    } else if (f.value === null) {
      out = out.where(col, 'is', null);
    } else {
      out = out.where(col, '=', f.value);
    }
  }
  if (query.search && map.search.length > 0) {
    const pattern = `%${escapeLike(query.search)}%`;
    out = out.where((eb: any) => eb.or(map.search.map((f) => eb(sql`${column(map, f)}::text`, 'ilike', pattern))));
  }
  return out;
}

export async function listPage<Row, Item>(
  qb: SelectQueryBuilder<any, any, Row>,
  map: FieldMap,
  query: ListQuery,
  toItem: (row: Row) => Item,
  /** Exact total of the unfiltered list without scanning (e.g. trigger-maintained counts). */
  unfilteredCount?: () => Promise<number>,
): Promise<Page<Item>> {
  const filtered = applyFilters(qb, map, query);
  let total: number;
  if (unfilteredCount && query.filters.length === 0 && !query.search) {
    total = await unfilteredCount();
  } else {
    const countRow = await (filtered as any)
      .clearSelect()
      .select(sql<number>`count(*)::int`.as('total'))
      .executeTakeFirst();
    total = (countRow?.total as number) ?? 0;
  }
  if (total === 0 || query.offset >= total) return { items: [], total };
  let ordered: any = filtered;
  for (const o of query.ordering) {
    ordered = ordered.orderBy(column(map, o.field), o.desc ? 'desc' : 'asc');
  }
  ordered = ordered.orderBy(sql.raw(map.tiebreak), 'asc');
  const rows = (await ordered.offset(query.offset).limit(query.limit).execute()) as Row[];
  return { items: rows.map(toItem), total };
}

/** Sum of the trigger-maintained slots of `row_counts` (migration 005) for one table. */
export async function countedRows(db: Kysely<any>, table: string): Promise<number> {
  const r = await sql<{ n: string | number | null }>`SELECT sum(n) AS n FROM row_counts WHERE tbl = ${table}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
