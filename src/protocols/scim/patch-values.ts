import { BOOLEAN_ATTRIBUTES, ENTERPRISE_USER_SCHEMA } from './constants.js';
import type { Filter } from './filter-ast.js';
import { cloneJson, getCi, isPlainObject, jsonEqual } from './json.js';
import type { JsonObject } from './json.js';
import type { PatchTarget } from './patch-path.js';

/**
 * Copy of a value about to be written at `target`, with client quirks normalised:
 *  - Entra ID sends booleans as "True"/"False" strings for `active` and `primary`;
 *  - Entra ID sends the enterprise `manager` as a bare id string, but RFC 7643 §4.3 defines it
 *    as a complex attribute, so it is stored as `{"value": id}`.
 */
export function normalizeWriteValue(value: unknown, target: PatchTarget): unknown {
  const name = (target.sub ?? target.attr).toLowerCase();
  let v = coerceBooleans(cloneJson(value), name);
  const enterprise = ENTERPRISE_USER_SCHEMA.toLowerCase();
  if (target.uri?.toLowerCase() === enterprise && target.attr.toLowerCase() === 'manager' && !target.sub) {
    v = wrapManager(v);
  } else if (!target.uri && target.attr.toLowerCase() === enterprise && isPlainObject(v)) {
    for (const k of Object.keys(v)) if (k.toLowerCase() === 'manager') v[k] = wrapManager(v[k]);
  }
  return v;
}

function wrapManager(v: unknown): unknown {
  return typeof v === 'string' ? { value: v } : v;
}

/** Replace "true"/"false" strings (any case) under boolean attribute names, recursively. */
function coerceBooleans(v: unknown, key?: string): unknown {
  if (typeof v === 'string' && key !== undefined && BOOLEAN_ATTRIBUTES.has(key)) {
    const l = v.toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => coerceBooleans(x, key));
  if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) v[k] = coerceBooleans(x, k.toLowerCase());
  }
  return v;
}

export function toArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

/**
 * Identity of a multi-valued element for de-duplication: group members are the same member
 * when their `value` (user id) is equal; everything else must be structurally equal.
 */
function sameElement(a: unknown, b: unknown, byValue: boolean): boolean {
  if (byValue && isPlainObject(a) && isPlainObject(b)) {
    const va = getCi(a, 'value');
    const vb = getCi(b, 'value');
    if (typeof va === 'string' && typeof vb === 'string') return va.toLowerCase() === vb.toLowerCase();
  }
  return jsonEqual(a, b);
}

/**
 * RFC 7644 §3.5.2.1: adding a value that already exists changes nothing. Appends in place and
 * returns the elements actually added.
 */
export function appendUnique(arr: unknown[], items: readonly unknown[], attr: string): unknown[] {
  const byValue = attr.toLowerCase() === 'members';
  const added: unknown[] = [];
  for (const item of items) {
    if (item === null || item === undefined) continue;
    if (arr.some((el) => sameElement(el, item, byValue))) continue;
    arr.push(item);
    added.push(item);
  }
  return added;
}

/**
 * Remove the elements listed in a `remove` operation's value (Entra ID removes group members
 * with `"value": [{"value": id}]`). Objects with a `value` match by it, others structurally.
 */
export function withoutValues(arr: readonly unknown[], items: readonly unknown[]): unknown[] {
  return arr.filter((el) => !items.some((item) => sameElement(el, item, true)));
}

/**
 * RFC 7643 §2.4: the primary value "true" appears at most once. When an operation wrote
 * `primary: true` on some elements (`touched`), the other elements lose it.
 */
export function demoteOtherPrimaries(arr: unknown[], touched: ReadonlySet<unknown>): void {
  const promoted = [...touched].some((el) => isPlainObject(el) && getCi(el, 'primary') === true);
  if (!promoted) return;
  for (const el of arr) {
    if (touched.has(el) || !isPlainObject(el)) continue;
    for (const k of Object.keys(el)) if (k.toLowerCase() === 'primary' && el[k] === true) el[k] = false;
  }
}

/**
 * The element `add` creates when a value filter matches nothing: only for filters that are an
 * `eq` comparison or an `and` of them (`type eq "work"` → `{type: "work"}`). Others → undefined.
 */
export function seedFromFilter(filter: Filter): JsonObject | undefined {
  const parts = filter.type === 'logical' && filter.op === 'and' ? filter.filters : [filter];
  const seed: JsonObject = {};
  for (const p of parts) {
    if (p.type !== 'compare' || p.op !== 'eq' || p.value === null || p.path.sub || p.path.uri) return undefined;
    seed[p.path.name] = p.value;
  }
  return seed;
}
