/**
 * Compiles the storage-neutral SCIM predicate tree (protocols/scim/filter-query.ts) to one SQL
 * boolean expression, so filtering happens in the database. Semantics mirror the reference
 * evaluator (protocols/scim/filter-eval.ts):
 *  - two-valued logic: every leaf is wrapped in coalesce(…, false), so `not` of a comparison on
 *    a missing attribute is TRUE;
 *  - strings compare case-insensitively unless the attribute is caseExact (RFC 7643 §2.2);
 *    ordering uses code-point order (COLLATE "C"), like JavaScript;
 *  - JSON payload values: a string only matches string filters, numbers numbers; booleans also
 *    match Entra's "True"/"False" strings; arrays match when ANY element matches;
 *  - `pr`: present and not null / "" / [] / {} (RFC 7644 §3.4.2.2).
 * Every value is a bound parameter; only column expressions chosen by this module are raw.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Predicate, PredicateOp } from '../../../protocols/scim/index.js';
import { escapeLike } from '../list.js';

type Sql = RawBuilder<unknown>;

/** How one predicate field is stored. */
export type Leaf =
  { kind: 'text'; expr: Sql } | { kind: 'bool'; expr: Sql } | { kind: 'uuid'; expr: Sql } | { kind: 'time'; expr: Sql } | { kind: 'json'; expr: Sql };

/** Resolves field names to SQL in one context (a row, one JSON element, one group member). */
export interface Scope {
  leaf(field: string): Leaf;
  /** EXISTS an element of the multi-valued `field` satisfying `where`. */
  elem(field: string, where: Predicate): Sql;
}

type Cmp = Extract<Predicate, { kind: 'cmp' }>;

const TRUE_SQL = sql<boolean>`true`;
const FALSE_SQL = sql<boolean>`false`;

export function compilePredicate(p: Predicate, scope: Scope): Sql {
  switch (p.kind) {
    case 'and':
    case 'or': {
      if (p.items.length === 0) return p.kind === 'and' ? TRUE_SQL : FALSE_SQL;
      const joiner = p.kind === 'and' ? sql` AND ` : sql` OR `;
      return sql`(${sql.join(
        p.items.map((i) => compilePredicate(i, scope)),
        joiner,
      )})`;
    }
    case 'not':
      return sql`(NOT ${compilePredicate(p.item, scope)})`;
    case 'present':
      return sql`coalesce(${present(scope.leaf(p.field))}, false)`;
    case 'cmp':
      return sql`coalesce(${compare(scope.leaf(p.field), p)}, false)`;
    case 'elem':
      return scope.elem(p.field, p.where);
  }
}

function present(leaf: Leaf): Sql {
  switch (leaf.kind) {
    case 'text':
      return sql`(${leaf.expr} <> '')`;
    case 'json':
      return sql`(${leaf.expr} NOT IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb))`;
    default:
      return sql`(${leaf.expr} IS NOT NULL)`;
  }
}

function compare(leaf: Leaf, p: Cmp): Sql {
  switch (leaf.kind) {
    case 'text':
      // "" is how the users table stores "no email / no name": treat it as absent.
      return sql`(${leaf.expr} <> '' AND ${textCompare(leaf.expr, p.op, String(p.value), p.caseExact)})`;
    case 'uuid':
      if (p.op === 'eq' || p.op === 'ne') return sql`(${leaf.expr} ${op(p.op)} ${String(p.value)}::uuid)`;
      return textCompare(sql`${leaf.expr}::text`, p.op, String(p.value).toLowerCase(), true);
    case 'bool':
      return p.op === 'eq' || p.op === 'ne' ? sql`(${leaf.expr} ${op(p.op)} ${p.value === true})` : FALSE_SQL;
    case 'time':
      if (isLike(p.op)) return FALSE_SQL;
      // Responses carry milliseconds (toISOString); compare at that precision.
      return sql`(date_trunc('milliseconds', ${leaf.expr}) ${op(p.op)} ${String(p.value)}::timestamptz)`;
    case 'json':
      return jsonCompare(leaf.expr, p);
  }
}

/** Any element of an array, else the value itself. */
function jsonCompare(expr: Sql, p: Cmp): Sql {
  return sql`(CASE jsonb_typeof(${expr})
    WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${expr}) AS jv(v) WHERE ${jsonScalar(sql`jv.v`, p)})
    ELSE ${jsonScalar(expr, p)} END)`;
}

function jsonScalar(v: Sql, p: Cmp): Sql {
  const text = sql`(${v} #>> '{}')`;
  if (typeof p.value === 'string') {
    return sql`(CASE WHEN jsonb_typeof(${v}) = 'string' THEN ${textCompare(text, p.op, p.value, p.caseExact)} ELSE false END)`;
  }
  if (typeof p.value === 'number') {
    if (isLike(p.op)) return FALSE_SQL;
    return sql`(CASE WHEN jsonb_typeof(${v}) = 'number' THEN ${text}::numeric ${op(p.op)} ${String(p.value)}::numeric ELSE false END)`;
  }
  if (p.op !== 'eq' && p.op !== 'ne') return FALSE_SQL;
  const want = p.value;
  // Entra ID sends booleans as "True"/"False" strings; they compare as booleans (filter-eval.ts).
  return sql`(CASE
    WHEN jsonb_typeof(${v}) = 'boolean' THEN (${v} = 'true'::jsonb) ${op(p.op)} ${want}
    WHEN jsonb_typeof(${v}) = 'string' AND lower(${text}) IN ('true', 'false') THEN (lower(${text}) = 'true') ${op(p.op)} ${want}
    ELSE false END)`;
}

function textCompare(expr: Sql, o: PredicateOp, value: string, caseExact: boolean): Sql {
  const a = caseExact ? expr : sql`lower(${expr})`;
  const b = caseExact ? sql`${value}::text` : sql`lower(${value}::text)`;
  switch (o) {
    case 'co':
      return sql`(${a} LIKE ${caseExact ? sql`${like(value, '%', '%')}::text` : sql`lower(${like(value, '%', '%')}::text)`})`;
    case 'sw':
      return sql`(${a} LIKE ${caseExact ? sql`${like(value, '', '%')}::text` : sql`lower(${like(value, '', '%')}::text)`})`;
    case 'ew':
      return sql`(${a} LIKE ${caseExact ? sql`${like(value, '%', '')}::text` : sql`lower(${like(value, '%', '')}::text)`})`;
    case 'eq':
    case 'ne':
      return sql`(${a} ${op(o)} ${b})`;
    default:
      return sql`(${a} COLLATE "C" ${op(o)} ${b} COLLATE "C")`;
  }
}

function like(value: string, before: string, after: string): string {
  return `${before}${escapeLike(value)}${after}`;
}

function isLike(o: PredicateOp): boolean {
  return o === 'co' || o === 'sw' || o === 'ew';
}

const OPERATORS: Record<PredicateOp, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=', co: 'LIKE', sw: 'LIKE', ew: 'LIKE' };

function op(o: PredicateOp): Sql {
  return sql.raw(OPERATORS[o]);
}

/** `/a/b~1c` → `scim_get(scim_get(root, 'a'), 'b/c')`: case-insensitive keys (RFC 7643 §2.1). */
export function jsonPointer(root: Sql, pointer: string): Sql {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  return segments.reduce<Sql>((acc, seg) => sql`scim_get(${acc}, ${seg}::text)`, root);
}

let aliasCounter = 0;

/** A fresh alias for a correlated sub-query (element scopes may nest in theory). */
export function freshAlias(prefix: string): Sql {
  aliasCounter = (aliasCounter + 1) % 1_000_000;
  return sql.raw(`${prefix}${aliasCounter}`);
}

/** EXISTS an element of the JSON array at `expr` satisfying `where` over the element's keys. */
export function jsonElementExists(expr: Sql, where: Predicate): Sql {
  const alias = freshAlias('el');
  const scope: Scope = {
    leaf: (field) => ({ kind: 'json', expr: sql`scim_get(${alias}, ${field}::text)` }),
    elem: () => FALSE_SQL, // element sub-attributes are never multi-valued (RFC 7643 §2.4)
  };
  return sql`EXISTS (SELECT 1 FROM scim_elements(${expr}) AS ${alias} WHERE ${compilePredicate(where, scope)})`;
}
