/**
 * Property dictionaries built by sources: deep merge, null stripping,
 * authentik's `update_attributes` and the extraction of the `groups` claim.
 *
 * Everything here is pure: inputs are never mutated and results never share mutable
 * objects or arrays with the inputs.
 */
import { ValidationError } from '../errors/index.js';

export type PropertyDict = Record<string, unknown>;

/** True for `{}`-like objects (object literals, JSON.parse output, null-prototype objects). */
export function isPlainObject(value: unknown): value is PropertyDict {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Assigns an own, enumerable property. Plain `obj[key] = v` would, for `key === '__proto__'`,
 * replace the prototype instead — a classic prototype-pollution vector when keys come from
 * IdP claims or admin-written mappings.
 */
export function setOwn(target: PropertyDict, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * `target[key]` when it is an own property, else undefined: reads keyed by external data (group
 * ids, claim names) must not find `constructor`, `toString` or `__proto__` on Object.prototype.
 */
export function ownValue(target: object | null | undefined, key: string): unknown {
  return target !== null && target !== undefined && Object.hasOwn(target, key) ? (target as PropertyDict)[key] : undefined;
}

/** Structural equality for JSON-like data (Python `==` on dicts/lists/scalars). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keysA = Object.keys(a);
    if (keysA.length !== Object.keys(b).length) return false;
    return keysA.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Copies plain objects and arrays recursively; other values are returned as they are. */
export function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => cloneData(item)) as T;
  if (isPlainObject(value)) {
    const out: PropertyDict = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, cloneData(v));
    return out as T;
  }
  return value;
}

function mergeLists(base: readonly unknown[], patch: readonly unknown[]): unknown[] {
  const out = base.map((item) => cloneData(item));
  for (const item of patch) {
    if (!out.some((existing) => deepEqual(existing, item))) out.push(cloneData(item));
  }
  return out;
}

function mergeValue(base: unknown, patch: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(patch)) return deepMerge(base, patch);
  if (Array.isArray(base) && Array.isArray(patch)) return mergeLists(base, patch);
  // Scalars, and type conflicts (dict vs list, list vs scalar, …): the patch wins.
  return cloneData(patch);
}

/**
 * authentik's `merge_dicts`: dicts merged recursively, lists merged by appending the patch's
 * items that are not already present (deep equality), everything else replaced by the patch.
 * A `null` in the patch replaces the base value (stripNulls removes it after the last mapping).
 */
export function deepMerge(base: PropertyDict, patch: PropertyDict): PropertyDict {
  const out: PropertyDict = {};
  // Every value is copied exactly once: a key present on both sides is merged from the
  // originals (mergeValue copies what it keeps), never cloned first and merged again.
  for (const [key, value] of Object.entries(base)) {
    setOwn(out, key, Object.hasOwn(patch, key) ? mergeValue(value, patch[key]) : cloneData(value));
  }
  for (const [key, value] of Object.entries(patch)) {
    if (!Object.hasOwn(base, key)) setOwn(out, key, cloneData(value));
  }
  return out;
}

/**
 * Removes `null`/`undefined` values from dicts, recursively (also dicts nested inside lists).
 * List items themselves are kept even when null: a list is positional data and authentik's
 * `delete_none_values` does not touch list items either.
 */
export function stripNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => stripNulls(item)) as T;
  if (isPlainObject(value)) {
    const out: PropertyDict = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      setOwn(out, k, stripNulls(v));
    }
    return out as T;
  }
  return value;
}

export interface AttributeTarget {
  /** Current model field values (username, name, email, path, …) — everything except attributes. */
  fields: PropertyDict;
  attributes: PropertyDict;
}

export interface AttributeUpdateResult {
  /** True when at least one field or attribute differs: the caller must save. */
  changed: boolean;
  fields: PropertyDict;
  attributes: PropertyDict;
  /** Keys that were not applied because they are not in `allowedFields`. */
  ignored: string[];
}

export interface AttributeUpdateOptions {
  /**
   * Fields a mapping may set. authentik sets any attribute name (`setattr`), which lets a
   * property mapping write columns such as `password` or `type`; the caller should pass the
   * list of columns that make sense for the model. Omitted = every key is applied.
   */
  allowedFields?: readonly string[];
}

/**
 * authentik's `update_attributes`: every key except `attributes` sets the field if
 * the value differs; `attributes` is deep-merged into the existing attributes.
 * @throws ValidationError when `props.attributes` is present but not an object.
 */
export function applyAttributeUpdate(existing: AttributeTarget, props: PropertyDict, options: AttributeUpdateOptions = {}): AttributeUpdateResult {
  const allowed = options.allowedFields ? new Set(options.allowedFields) : null;
  const fields = cloneData(existing.fields);
  const ignored: string[] = [];
  let changed = false;
  for (const [key, value] of Object.entries(props)) {
    if (key === 'attributes') continue;
    if (allowed && !allowed.has(key)) {
      ignored.push(key);
      continue;
    }
    const current = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
    if (!deepEqual(current, value)) {
      setOwn(fields, key, cloneData(value));
      changed = true;
    }
  }
  const patch = props.attributes;
  let attributes = cloneData(existing.attributes);
  if (patch !== undefined && patch !== null) {
    if (!isPlainObject(patch)) throw ValidationError.field('attributes', 'Attributes must be an object.');
    attributes = deepMerge(existing.attributes, patch);
    if (!deepEqual(existing.attributes, attributes)) changed = true;
  }
  return { changed, fields, attributes, ignored };
}

export interface SplitGroupsResult {
  /** The user properties without `groups`. */
  properties: PropertyDict;
  /** Usable group identifiers, stringified and de-duplicated, in claim order. */
  groupIds: string[];
  /** How many entries were unusable (objects, lists, booleans, null, empty strings). */
  dropped: number;
}

/**
 * Removes `groups` from the user properties and returns the group ids.
 * Numbers are stringified; entries that cannot be an identifier are dropped and counted so the
 * caller can emit one `configuration_error` event without locking the user out.
 * Deviations from authentik, on purpose: empty/blank strings are dropped (they would create a
 * group with an empty name), and a scalar `groups` value is one id instead of being iterated
 * character by character; any other non-list value counts as one dropped entry.
 */
export function splitGroups(props: PropertyDict): SplitGroupsResult {
  const properties: PropertyDict = {};
  for (const [k, v] of Object.entries(props)) if (k !== 'groups') setOwn(properties, k, cloneData(v));
  const raw = props.groups;
  if (raw === undefined || raw === null) return { properties, groupIds: [], dropped: 0 };
  const entries: unknown[] = Array.isArray(raw) ? raw : [raw];
  const groupIds: string[] = [];
  const seen = new Set<string>();
  let dropped = 0;
  for (const entry of entries) {
    let id: string | null = null;
    if (typeof entry === 'string' && entry.trim() !== '') id = entry;
    else if (typeof entry === 'number' && Number.isFinite(entry)) id = String(entry);
    if (id === null) {
      dropped += 1;
      continue;
    }
    if (!seen.has(id)) {
      seen.add(id);
      groupIds.push(id);
    }
  }
  return { properties, groupIds, dropped };
}

/** The configuration_error text for group entries that were dropped. */
export function droppedGroupsMessage(sourceName: string, dropped: number): string {
  return `Source '${sourceName}' returned ${dropped} group(s) whose identifier is not a string; ` + 'they were not applied to the user.';
}
