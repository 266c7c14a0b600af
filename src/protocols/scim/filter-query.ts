import { ScimError } from './errors.js';
import { formatAttrPath } from './filter-ast.js';
import type { AttrPath, CompValue, CompareOp, Filter } from './filter-ast.js';
import { normalizeDateTime } from './filter-eval.js';
import { isUuid } from './json.js';

export type FieldType = 'string' | 'boolean' | 'datetime' | 'uuid' | 'json';

/**
 * Where one SCIM attribute lives in storage. `field` is an opaque name the storage layer maps;
 * for `type: 'json'` it is an RFC 6901 JSON Pointer into the stored SCIM payload (URNs contain
 * dots, so a dotted path would be ambiguous). `multi` + `elem`: a multi-valued complex attribute
 * whose element sub-attributes (`elem`, keyed by lower-cased sub-attribute name) are addressed
 * through `{kind: 'elem'}` predicates.
 */
export interface AttributeMapping {
  readonly field: string;
  readonly type: FieldType;
  readonly caseExact: boolean;
  readonly multi?: boolean;
  readonly elem?: AttributeMap;
}

/** Lower-cased SCIM attribute path (`username`, `name.familyname`, `urn:…:user:employeenumber`). */
export type AttributeMap = Readonly<Record<string, AttributeMapping>>;

/** The attribute map of one resource type; `coreSchema` prefixes are stripped before lookup. */
export interface FilterSchema {
  readonly coreSchema: string;
  readonly attributes: AttributeMap;
}

export type PredicateOp = CompareOp;

/**
 * Storage-neutral predicate tree. Two-valued logic: a `cmp` on a missing / NULL field is FALSE
 * (so `not` of it is TRUE) — SQL renderers must wrap comparisons in `coalesce(…, false)`.
 * `{kind:'and', items: []}` is TRUE, `{kind:'or', items: []}` is FALSE.
 * `elem`: EXISTS one element of the multi-valued `field` satisfying `where` (fields in `where`
 * are the element's sub-fields from the mapping's `elem`).
 */
export type Predicate =
  | { readonly kind: 'and' | 'or'; readonly items: readonly Predicate[] }
  | { readonly kind: 'not'; readonly item: Predicate }
  | {
      readonly kind: 'cmp';
      readonly field: string;
      readonly type: FieldType;
      readonly op: PredicateOp;
      readonly value: string | number | boolean;
      readonly caseExact: boolean;
    }
  | { readonly kind: 'present'; readonly field: string; readonly type: FieldType }
  | { readonly kind: 'elem'; readonly field: string; readonly where: Predicate };

export const TRUE: Predicate = { kind: 'and', items: [] };
export const FALSE: Predicate = { kind: 'or', items: [] };

/** Translate a filter AST for the given resource type. Unknown attributes → invalidFilter. */
export function filterToPredicate(filter: Filter, schema: FilterSchema): Predicate {
  return translate(filter, schema.attributes, schema.coreSchema.toLowerCase());
}

function translate(f: Filter, map: AttributeMap, core: string): Predicate {
  switch (f.type) {
    case 'logical':
      return { kind: f.op, items: f.filters.map((x) => translate(x, map, core)) };
    case 'not':
      return { kind: 'not', item: translate(f.filter, map, core) };
    case 'present':
    case 'compare': {
      const target = lookup(f.path, map, core);
      const leaf = (m: AttributeMapping): Predicate =>
        f.type === 'present' ? { kind: 'present', field: m.field, type: m.type } : comparison(m, f.path, f.op, f.value);
      return target.elemOf ? { kind: 'elem', field: target.elemOf.field, where: leaf(target.mapping) } : leaf(target.mapping);
    }
    case 'valuePath': {
      const key = keyOf(f.path, core);
      const m = map[key];
      if (m?.multi && m.elem) return { kind: 'elem', field: m.field, where: translate(f.filter, m.elem, core) };
      // `name[givenName eq "x"]` on a single-valued complex attribute: rewrite as `name.givenName`.
      return translate(rebase(f.filter, f.path), map, core);
    }
  }
}

interface Target {
  readonly mapping: AttributeMapping;
  /** Set when the path addresses a sub-attribute of a multi-valued attribute. */
  readonly elemOf?: AttributeMapping;
}

/**
 * Resolution order: the full path (`emails.value`); a scalar attribute (`userName`); for a
 * complex attribute without sub-attribute its `value` (RFC 7644 §3.4.2.2); a sub-attribute of
 * a multi-valued attribute (`members.value` → EXISTS element with value …).
 */
function lookup(path: AttrPath, map: AttributeMap, core: string): Target {
  const key = keyOf(path, core);
  const direct = map[key];
  if (direct && !direct.multi) return { mapping: direct };
  const candidates = path.sub ? [key] : [`${key}.value`];
  for (const c of candidates) {
    if (map[c] && !map[c].multi) return { mapping: map[c] };
  }
  const parentKey = path.sub ? key.slice(0, key.length - path.sub.length - 1) : key;
  const parent = map[parentKey];
  const subName = (path.sub ?? 'value').toLowerCase();
  const elem = parent?.multi ? parent.elem?.[subName] : undefined;
  if (parent && elem) return { mapping: elem, elemOf: parent };
  throw ScimError.invalidFilter(`Filtering on attribute "${formatAttrPath(path)}" is not supported.`);
}

function keyOf(path: AttrPath, core: string): string {
  const uri = path.uri && path.uri.toLowerCase() !== core ? `${path.uri}:` : '';
  return `${uri}${path.name}${path.sub ? `.${path.sub}` : ''}`.toLowerCase();
}

/** Prefix element-relative paths of `f` with `parent` (`givenName` → `name.givenName`). */
function rebase(f: Filter, parent: AttrPath): Filter {
  switch (f.type) {
    case 'logical':
      return { ...f, filters: f.filters.map((x) => rebase(x, parent)) };
    case 'not':
      return { ...f, filter: rebase(f.filter, parent) };
    case 'valuePath':
      return f;
    default: {
      const path: AttrPath = parent.uri ? { uri: parent.uri, name: parent.name, sub: f.path.name } : { name: parent.name, sub: f.path.name };
      return { ...f, path };
    }
  }
}

function comparison(m: AttributeMapping, path: AttrPath, op: CompareOp, value: CompValue): Predicate {
  const name = formatAttrPath(path);
  const present: Predicate = { kind: 'present', field: m.field, type: m.type };
  if (value === null) {
    if (op === 'eq') return { kind: 'not', item: present };
    if (op === 'ne') return present;
    throw ScimError.invalidFilter(`Operator "${op}" cannot compare "${name}" with null.`);
  }
  const cmp = (v: string | number | boolean): Predicate => ({
    kind: 'cmp',
    field: m.field,
    type: m.type,
    op,
    value: v,
    caseExact: m.caseExact,
  });
  switch (m.type) {
    case 'boolean':
      if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne')) {
        throw ScimError.invalidFilter(`"${name}" is boolean: only eq/ne with true or false are supported.`);
      }
      return cmp(value);
    case 'datetime': {
      const iso = typeof value === 'string' ? normalizeDateTime(value) : undefined;
      if (iso === undefined || op === 'co' || op === 'sw' || op === 'ew') {
        throw ScimError.invalidFilter(`"${name}" is a date-time: use eq/ne/gt/ge/lt/le with an ISO 8601 string.`);
      }
      return cmp(iso);
    }
    case 'uuid':
      if (typeof value !== 'string' || op === 'gt' || op === 'ge' || op === 'lt' || op === 'le') {
        throw ScimError.invalidFilter(`"${name}" is an identifier: use eq/ne/co/sw/ew with a string.`);
      }
      // A malformed id cannot match any row; answering here keeps invalid casts out of SQL.
      if (op === 'eq' && !isUuid(value)) return FALSE;
      if (op === 'ne' && !isUuid(value)) return present;
      return cmp(value.toLowerCase());
    case 'string':
      if (typeof value !== 'string') {
        throw ScimError.invalidFilter(`"${name}" is a string: compare it with a quoted string.`);
      }
      return cmp(value);
    case 'json':
      return cmp(value);
  }
}
