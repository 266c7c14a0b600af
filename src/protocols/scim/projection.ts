import { parseAttrPath } from './attr-path.js';
import { CORE_SCHEMAS, KNOWN_EXTENSION_SCHEMAS, isCoreSchema } from './constants.js';
import { ScimError } from './errors.js';
import { findKey, isPlainObject } from './json.js';
import type { JsonObject } from './json.js';

/** The `attributes` / `excludedAttributes` query parameters (RFC 7644 §3.4.2.5, §3.9). */
export interface AttributeSelection {
  readonly attributes?: string | readonly string[] | undefined;
  readonly excludedAttributes?: string | readonly string[] | undefined;
}

/** RFC 7643 §3.1/§3.4.2.5: `id` (returned "always") and `schemas` are never dropped. */
const ALWAYS = new Set(['id', 'schemas']);

type Segments = readonly string[];

/**
 * Compile a selection once and apply it to every resource of a list. `attributes` keeps only
 * the named attributes (plus id and schemas); `excludedAttributes` removes the named ones.
 * Names are case-insensitive and may be sub-attributes (`name.givenName`, `emails.value`) or
 * URN-qualified (`urn:…:core:2.0:User:userName`, `urn:…:enterprise:2.0:User:employeeNumber`, or
 * a whole extension URN). Unknown names select nothing (RFC 7644 does not make them errors).
 */
export function compileProjection(sel: AttributeSelection): (resource: JsonObject) => JsonObject {
  const include = parseList(sel.attributes);
  const exclude = parseList(sel.excludedAttributes);
  return (resource) => {
    let out = resource;
    if (include.length > 0) {
      const always = Object.entries(resource).filter(([k]) => ALWAYS.has(k.toLowerCase()));
      out = { ...Object.fromEntries(always), ...pick(resource, include) };
    }
    if (exclude.length > 0) {
      out = omit(
        out,
        exclude.filter((s) => !(s.length === 1 && ALWAYS.has(s[0].toLowerCase()))),
      );
    }
    return out;
  };
}

export function projectResource(resource: JsonObject, sel: AttributeSelection): JsonObject {
  return compileProjection(sel)(resource);
}

function parseList(raw: string | readonly string[] | undefined): Segments[] {
  if (raw === undefined) return [];
  const names = (typeof raw === 'string' ? [raw] : raw).flatMap((s) => s.split(','));
  return names
    .map((n) => n.trim())
    .filter((n) => n !== '')
    .map((n) => {
      const p = parseAttrPath(n, [...CORE_SCHEMAS, ...KNOWN_EXTENSION_SCHEMAS]);
      if (!p) throw ScimError.invalidValue(`Invalid attribute name "${n}".`);
      const segs = [p.name, ...(p.sub ? [p.sub] : [])];
      return p.uri && !isCoreSchema(p.uri) ? [p.uri, ...segs] : segs;
    });
}

/** Keep only the given segment paths; arrays of complex values are filtered element-wise. */
function pick(obj: JsonObject, paths: readonly Segments[]): JsonObject {
  const out: JsonObject = {};
  for (const [head, rests] of groupByHead(paths)) {
    const key = findKey(obj, head);
    if (key === undefined) continue;
    const value = obj[key];
    if (rests.some((r) => r.length === 0)) {
      out[key] = value;
    } else if (Array.isArray(value)) {
      const items = value
        .filter(isPlainObject)
        .map((el) => pick(el, rests))
        .filter((el) => Object.keys(el).length > 0);
      if (items.length > 0) out[key] = items;
    } else if (isPlainObject(value)) {
      const sub = pick(value, rests);
      if (Object.keys(sub).length > 0) out[key] = sub;
    }
  }
  return out;
}

/** Copy without the given segment paths. */
function omit(obj: JsonObject, paths: readonly Segments[]): JsonObject {
  const out: JsonObject = { ...obj };
  for (const [head, rests] of groupByHead(paths)) {
    const key = findKey(out, head);
    if (key === undefined) continue;
    const value = out[key];
    if (rests.some((r) => r.length === 0)) delete out[key];
    else if (Array.isArray(value)) out[key] = value.map((el: unknown) => (isPlainObject(el) ? omit(el, rests) : el));
    else if (isPlainObject(value)) out[key] = omit(value, rests);
  }
  return out;
}

function groupByHead(paths: readonly Segments[]): Map<string, Segments[]> {
  const groups = new Map<string, Segments[]>();
  for (const p of paths) {
    const head = p[0];
    const k = head.toLowerCase();
    const existing = [...groups.keys()].find((g) => g.toLowerCase() === k) ?? head;
    groups.set(existing, [...(groups.get(existing) ?? []), p.slice(1)]);
  }
  return groups;
}
