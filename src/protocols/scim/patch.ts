import { KNOWN_EXTENSION_SCHEMAS, MULTI_VALUED_ATTRIBUTES, isCoreSchema } from './constants.js';
import { setOwn } from '../../domain/properties.js';
import { ScimError } from './errors.js';
import { matchesFilter } from './filter-eval.js';
import { cloneJson, findKey, isPlainObject } from './json.js';
import type { JsonObject } from './json.js';
import { parsePatchPath } from './patch-path.js';
import type { PatchTarget } from './patch-path.js';
import { parsePatchRequest } from './patch-request.js';
import type { PatchOperation } from './patch-request.js';
import { appendUnique, demoteOtherPrimaries, normalizeWriteValue, seedFromFilter, toArray, withoutValues } from './patch-values.js';

export interface PatchOptions {
  /** Enables the required-attribute check (`userName` / `displayName` cannot be removed). */
  readonly resourceType?: 'User' | 'Group';
}

const REQUIRED: Record<'User' | 'Group', string> = { User: 'username', Group: 'displayname' };
/** RFC 7643 §3.1: `id` and `meta` are readOnly. */
const READ_ONLY = new Set(['id', 'meta']);
/** Keys skipped in a path-less value: Okta echoes `id` (and some clients `schemas`) there. */
const PATHLESS_IGNORED = new Set(['id', 'meta', 'schemas']);

/** Validate a PatchOp request (RFC 7644 §3.5.2) and apply it; see applyPatchOperations. */
export function applyPatch(doc: JsonObject, body: unknown, options: PatchOptions = {}): JsonObject {
  return applyPatchOperations(doc, parsePatchRequest(body), options);
}

/**
 * Apply operations in order to a copy of `doc` and return the copy. All-or-nothing: the first bad
 * operation throws a ScimError and, since only the copy was touched, `doc` is never modified.
 */
export function applyPatchOperations(doc: JsonObject, operations: readonly PatchOperation[], options: PatchOptions = {}): JsonObject {
  const work = cloneJson(doc);
  for (const op of operations) applyOperation(work, op, options);
  return work;
}

function applyOperation(doc: JsonObject, op: PatchOperation, options: PatchOptions): void {
  if (op.path !== undefined) {
    const target = parsePatchPath(op.path, extensionUrns(doc));
    if (op.op === 'remove') removeTarget(doc, target, op.value, options);
    else writeTarget(doc, op.op, target, op.value, options);
    return;
  }
  // RFC 7644 §3.5.2.2: "If 'path' is unspecified, the operation fails with ... noTarget".
  if (op.op === 'remove') throw ScimError.noTarget('"remove" needs a "path".');
  if (!isPlainObject(op.value)) {
    throw ScimError.invalidSyntax(`"${op.op}" without "path" needs an object "value" of attributes.`);
  }
  // Without a path every key of the value is itself a path (Entra sends "name.givenName" and
  // "urn:…:enterprise:2.0:User:manager" keys); the resource itself is the target.
  for (const [key, value] of Object.entries(op.value)) {
    if (PATHLESS_IGNORED.has(key.toLowerCase())) continue;
    if (isCoreSchema(key) && isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) writeTarget(doc, op.op, parsePatchPath(k), v, options);
      continue;
    }
    const urns = extensionUrns(doc);
    writeTarget(doc, op.op, pathlessTarget(key, value, urns), value, options);
  }
}

/** An unknown `urn:` key with an object value is an extension of its own (RFC 7643 §3.3). */
function pathlessTarget(key: string, value: unknown, urns: readonly string[]): PatchTarget {
  const lower = key.toLowerCase();
  const known = urns.some((u) => lower === u.toLowerCase() || lower.startsWith(`${u.toLowerCase()}:`));
  if (!known && lower.startsWith('urn:') && isPlainObject(value)) return { attr: key };
  return parsePatchPath(key, urns);
}

/** Extension URNs the document uses: built-in ones, `schemas` entries and `urn:` keys. */
function extensionUrns(doc: JsonObject): string[] {
  const urns = [...KNOWN_EXTENSION_SCHEMAS];
  const schemas = doc.schemas;
  if (Array.isArray(schemas)) for (const s of schemas) if (typeof s === 'string' && !isCoreSchema(s)) urns.push(s);
  for (const k of Object.keys(doc)) if (k.toLowerCase().startsWith('urn:')) urns.push(k);
  // Longest first, so a URN that extends another one is recognised whole.
  return urns.sort((a, b) => b.length - a.length);
}

function checkTarget(t: PatchTarget, clearing: boolean, options: PatchOptions): void {
  const attr = t.attr.toLowerCase();
  if (t.uri) return;
  if (READ_ONLY.has(attr)) throw ScimError.mutability(`Attribute "${t.attr}" is read-only.`);
  const required = options.resourceType ? REQUIRED[options.resourceType] : undefined;
  if (clearing && attr === required && !t.sub && !t.filter) {
    throw ScimError.invalidValue(`Attribute "${t.attr}" is required and cannot be removed.`);
  }
}

function isMultiValued(t: PatchTarget): boolean {
  return !t.uri && MULTI_VALUED_ATTRIBUTES.has(t.attr.toLowerCase());
}

/** The object holding `t.attr`: the resource, or its extension object (created if asked). */
function container(doc: JsonObject, t: PatchTarget, create: boolean): JsonObject | undefined {
  if (!t.uri) return doc;
  const key = findKey(doc, t.uri);
  if (key === undefined) {
    if (!create) return undefined;
    const ext: JsonObject = {};
    doc[t.uri] = ext;
    return ext;
  }
  const ext = doc[key];
  if (!isPlainObject(ext)) throw ScimError.invalidPath(`"${t.uri}" is not an extension object.`);
  return ext;
}

function writeTarget(doc: JsonObject, op: 'add' | 'replace', t: PatchTarget, raw: unknown, options: PatchOptions): void {
  const value = normalizeWriteValue(raw, t);
  checkTarget(t, value === null || value === '', options);
  // RFC 7643 §2.5: null is equivalent to "unassigned" — writing it clears the attribute.
  if (value === null) return clearTarget(doc, t);
  const c = container(doc, t, true)!;
  if (t.filter) return writeFiltered(c, op, t, value);
  if (t.sub) return setAttr(complexChild(c, t, true)!, t.sub, value, op, false);
  setAttr(c, t.attr, value, op, isMultiValued(t));
}

/** The complex attribute `t.attr` of `c` for a `attr.sub` path. */
function complexChild(c: JsonObject, t: PatchTarget, create: boolean): JsonObject | undefined {
  const key = findKey(c, t.attr);
  const current = key === undefined ? undefined : c[key];
  if (Array.isArray(current)) {
    throw ScimError.invalidPath(`"${t.attr}" is multi-valued: select values with a filter, e.g. ${t.attr}[type eq "work"].${t.sub}.`);
  }
  if (isPlainObject(current)) return current;
  if (current !== undefined && current !== null) throw ScimError.invalidPath(`"${t.attr}" is not a complex attribute.`);
  if (!create) return undefined;
  const child: JsonObject = {};
  c[key ?? t.attr] = child;
  return child;
}

/**
 * Set `name` on `obj`. RFC 7644 §3.5.2.1 (add): append to multi-valued attributes, merge into
 * complex ones, set otherwise. §3.5.2.3 (replace): complex attributes have the given
 * sub-attributes replaced and the others kept; anything else is overwritten.
 */
function setAttr(obj: JsonObject, name: string, value: unknown, op: 'add' | 'replace', multi: boolean): void {
  const key = findKey(obj, name) ?? name;
  // Own properties only: an inherited `__proto__`/`constructor` must never be read or written
  // through (prototype pollution from a client-chosen attribute name).
  const existing = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (value === null) {
    delete obj[key];
  } else if (op === 'add' && Array.isArray(existing)) {
    const added = appendUnique(existing, toArray(value), name);
    demoteOtherPrimaries(existing, new Set(added));
  } else if (!multi && isPlainObject(existing) && isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) setAttr(existing, k, v, op, false);
  } else if (multi) {
    const items: unknown[] = [];
    appendUnique(items, toArray(value), name);
    setOwn(obj, key, items);
  } else {
    setOwn(obj, key, value);
  }
}

function writeFiltered(c: JsonObject, op: 'add' | 'replace', t: PatchTarget, value: unknown): void {
  const key = findKey(c, t.attr) ?? t.attr;
  const current = (Object.hasOwn(c, key) ? c[key] : undefined) ?? [];
  if (!Array.isArray(current)) throw ScimError.invalidPath(`"${t.attr}" is not multi-valued; a value filter needs a list.`);
  if (!t.sub && !isPlainObject(value)) {
    throw ScimError.invalidValue(`"${t.attr}[…]" without a sub-attribute needs an object value.`);
  }
  let matches = selectElements(current, t);
  let seeded = false;
  if (matches.length === 0) {
    // Not in RFC 7644 for add; Entra ID relies on it (and on replace doing the same) to set
    // e.g. emails[type eq "work"].value on a user without a work email. Otherwise: noTarget.
    const seed = seedFromFilter(t.filter!);
    if (!seed) throw ScimError.noTarget(`No value of "${t.attr}" matches the filter.`);
    current.push(seed);
    setOwn(c, key, current);
    matches = [seed];
    seeded = true;
  }
  const touched = new Set<unknown>();
  for (const el of matches) {
    if (t.sub) {
      setAttr(el, t.sub, value, op, false);
      touched.add(el);
    } else if (op === 'add' || seeded) {
      for (const [k, v] of Object.entries(value as JsonObject)) setAttr(el, k, v, 'replace', false);
      touched.add(el);
    } else {
      // RFC 7644 §3.5.2.3: "all matching record values SHALL be replaced".
      const replacement = cloneJson(value);
      current[current.indexOf(el)] = replacement;
      touched.add(replacement);
    }
  }
  demoteOtherPrimaries(current, touched);
}

function selectElements(list: readonly unknown[], t: PatchTarget): JsonObject[] {
  const prefix = `${t.attr.toLowerCase()}.`;
  return list.filter((el): el is JsonObject => isPlainObject(el) && matchesFilter(t.filter!, el, { prefix }));
}

function removeTarget(doc: JsonObject, t: PatchTarget, value: unknown, options: PatchOptions): void {
  checkTarget(t, true, options);
  const c = container(doc, t, false);
  const key = c && findKey(c, t.attr);
  if (t.filter) {
    const list = c && key !== undefined ? c[key] : undefined;
    const matches = Array.isArray(list) ? selectElements(list, t) : [];
    // Removing a member that is already gone is routine for IdPs (idempotent); for other
    // attributes RFC 7644 §3.5.2.2 / Table 9 asks for noTarget.
    if (matches.length === 0) {
      if (!t.uri && t.attr.toLowerCase() === 'members') return;
      throw ScimError.noTarget(`No value of "${t.attr}" matches the filter.`);
    }
    removeMatches(c!, key!, matches, t);
  } else if (c && key !== undefined) {
    const current = c[key];
    if (t.sub) {
      const child = complexChild(c, t, false);
      const subKey = child && findKey(child, t.sub);
      if (child && subKey !== undefined) delete child[subKey];
      if (child && Object.keys(child).length === 0) delete c[key];
    } else if (value !== undefined && value !== null && Array.isArray(current)) {
      const rest = withoutValues(current, toArray(normalizeWriteValue(value, t)));
      if (rest.length === 0) delete c[key];
      else c[key] = rest;
    } else {
      delete c[key];
    }
  }
  dropEmptyExtension(doc, t);
}

/** `clearTarget`: what writing null means — remove, but without noTarget for filters. */
function clearTarget(doc: JsonObject, t: PatchTarget): void {
  const c = container(doc, t, false);
  const key = c && findKey(c, t.attr);
  if (!c || key === undefined) return;
  if (t.filter) {
    const list = c[key];
    const matches = Array.isArray(list) ? selectElements(list, t) : [];
    if (matches.length > 0) removeMatches(c, key, matches, t);
  } else if (t.sub) {
    const child = complexChild(c, t, false);
    const subKey = child && findKey(child, t.sub);
    if (child && subKey !== undefined) delete child[subKey];
  } else {
    delete c[key];
  }
  dropEmptyExtension(doc, t);
}

function removeMatches(c: JsonObject, key: string, matches: readonly JsonObject[], t: PatchTarget): void {
  if (t.sub) {
    const sub = t.sub;
    for (const el of matches) {
      const k = findKey(el, sub);
      if (k !== undefined) delete el[k];
    }
    return;
  }
  const rest = (c[key] as unknown[]).filter((el) => !matches.includes(el as JsonObject));
  // RFC 7644 §3.5.2.2: with no values left the attribute is unassigned.
  if (rest.length === 0) delete c[key];
  else c[key] = rest;
}

/** An extension object left empty is dropped, so `schemas` no longer advertises it. */
function dropEmptyExtension(doc: JsonObject, t: PatchTarget): void {
  if (!t.uri) return;
  const key = findKey(doc, t.uri);
  const ext = key === undefined ? undefined : doc[key];
  if (key !== undefined && isPlainObject(ext) && Object.keys(ext).length === 0) delete doc[key];
}
