import { CASE_EXACT_ATTRIBUTES, isCoreSchema } from './constants.js';
import type { AttrPath, CompValue, CompareOp, Filter } from './filter-ast.js';
import { getCi, isPlainObject } from './json.js';

export interface EvalOptions {
  /** Lower-cased full attribute paths (`id`, `emails.value`) compared case-sensitively. */
  readonly caseExact?: ReadonlySet<string>;
  /** Full path of the element being evaluated (set internally for `attr[…]` filters). */
  readonly prefix?: string;
}

/**
 * Reference semantics of a filter against one JSON resource (also used by PATCH value filters).
 *  - attribute names are case-insensitive; string comparisons too, unless the attribute is caseExact;
 *  - a multi-valued attribute matches when ANY of its values matches (RFC 7644 §3.4.2.2);
 *  - a complex attribute compared without a sub-attribute uses its `value` sub-attribute
 *    (RFC 7644 §3.4.2.2 example `emails co "example.com"`);
 *  - a comparison against an absent attribute is false (so `ne` needs a value to differ from),
 *    and `eq null` / `ne null` test absence / presence;
 *  - `pr`: present and not null, "", [] or {}.
 */
export function matchesFilter(filter: Filter, resource: unknown, options: EvalOptions = {}): boolean {
  const caseExact = options.caseExact ?? CASE_EXACT_ATTRIBUTES;
  return evaluate(filter, resource, caseExact, options.prefix ?? '');
}

function evaluate(f: Filter, res: unknown, caseExact: ReadonlySet<string>, prefix: string): boolean {
  switch (f.type) {
    case 'logical':
      return f.op === 'and'
        ? f.filters.every((x) => evaluate(x, res, caseExact, prefix))
        : f.filters.some((x) => evaluate(x, res, caseExact, prefix));
    case 'not':
      return !evaluate(f.filter, res, caseExact, prefix);
    case 'present':
      return resolve(res, f.path).some(isPresent);
    case 'compare': {
      const values = resolve(res, f.path);
      const expected = f.value;
      if (expected === null) return f.op === 'eq' ? !values.some(isPresent) : values.some(isPresent);
      const exact = isCaseExact(caseExact, prefix, f.path);
      return values.some((v) => compare(v, f.op, expected, exact));
    }
    case 'valuePath': {
      const elements = resolve(res, { ...f.path, sub: undefined }, false);
      const elemPrefix = `${prefix}${f.path.name.toLowerCase()}.`;
      return elements.some((el) => isPlainObject(el) && evaluate(f.filter, el, caseExact, elemPrefix));
    }
  }
}

/**
 * Values at `path`, with arrays flattened so multi-valued attributes give one entry per value.
 * `unwrapValue`: complex values without an explicit sub-attribute are replaced by their `value`.
 */
function resolve(res: unknown, path: AttrPath, unwrapValue = true): unknown[] {
  if (!isPlainObject(res)) return [];
  let container: unknown = res;
  if (path.uri && !isCoreSchema(path.uri)) container = getCi(res, path.uri);
  if (!isPlainObject(container)) return [];
  let values = flatten(getCi(container, path.name));
  if (path.sub) {
    const sub = path.sub;
    values = values.flatMap((v) => (isPlainObject(v) ? flatten(getCi(v, sub)) : []));
  } else if (unwrapValue) {
    values = values.map((v) => (isPlainObject(v) && getCi(v, 'value') !== undefined ? getCi(v, 'value') : v));
  }
  return values;
}

function flatten(v: unknown): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function isPresent(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}

function isCaseExact(set: ReadonlySet<string>, prefix: string, path: AttrPath): boolean {
  const last = (path.sub ?? path.name).toLowerCase();
  if (last === '$ref') return true; // references are URIs (RFC 7643 §2.3.7)
  const full = `${prefix}${path.name}${path.sub ? `.${path.sub}` : ''}`.toLowerCase();
  return set.has(full);
}

// ISO 8601 / RFC 3339 date-time as used by xsd:dateTime (RFC 7643 §2.3.5).
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Canonical UTC form when `s` is a date-time, so differently written instants compare equal. */
export function normalizeDateTime(s: string): string | undefined {
  if (!DATE_TIME_RE.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function compare(actual: unknown, op: CompareOp, expected: Exclude<CompValue, null>, exact: boolean): boolean {
  if (typeof expected === 'boolean') {
    const b = typeof actual === 'string' ? parseBool(actual) : actual;
    if (typeof b !== 'boolean') return false;
    return op === 'eq' ? b === expected : op === 'ne' ? b !== expected : false;
  }
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return false;
    return ordered(actual, expected, op);
  }
  if (typeof actual !== 'string') return false;
  const da = normalizeDateTime(actual);
  const de = da === undefined ? undefined : normalizeDateTime(expected);
  let a = actual;
  let e = expected;
  if (da !== undefined && de !== undefined) {
    a = da;
    e = de;
  } else if (!exact) {
    a = a.toLowerCase();
    e = e.toLowerCase();
  }
  switch (op) {
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    default:
      return ordered(a, e, op);
  }
}

function ordered<T extends string | number>(a: T, e: T, op: CompareOp): boolean {
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    case 'le':
      return a <= e;
    default:
      return false;
  }
}

function parseBool(s: string): boolean | undefined {
  const l = s.toLowerCase();
  return l === 'true' ? true : l === 'false' ? false : undefined;
}
