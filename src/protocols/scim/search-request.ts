import { SEARCH_REQUEST_MESSAGE } from './constants.js';
import { ScimError } from './errors.js';
import { getCi, isPlainObject } from './json.js';

/**
 * A query sent in a body (`POST …/.search`, RFC 7644 §3.4.3), with the same parameters a GET
 * query string carries (RFC 7644 §3.4.2). `startIndex` / `count` are left to parsePagination,
 * which checks them the same way for both.
 */
export interface SearchRequest {
  readonly filter?: string;
  readonly startIndex?: unknown;
  readonly count?: unknown;
  readonly attributes?: string | readonly string[];
  readonly excludedAttributes?: string | readonly string[];
  readonly sortBy?: string;
  readonly sortOrder?: SortOrder;
}

export type SortOrder = 'ascending' | 'descending';

/**
 * Validate a SearchRequest body. Member names are case-insensitive (RFC 7643 §2.1); `schemas`
 * must name the SearchRequest message (else invalidSyntax, as for PatchOp); `attributes` and
 * `excludedAttributes` are lists of strings (one comma-separated string is accepted too, as in
 * a query string). Absent and null members mean "not given".
 */
export function parseSearchRequest(body: unknown): SearchRequest {
  if (!isPlainObject(body)) throw ScimError.invalidSyntax('The request body must be a JSON object.');
  const schemas = getCi(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SEARCH_REQUEST_MESSAGE.toLowerCase())) {
    throw ScimError.invalidSyntax(`"schemas" must contain "${SEARCH_REQUEST_MESSAGE}".`);
  }
  const out: { -readonly [K in keyof SearchRequest]: SearchRequest[K] } = {};
  const filter = member(body, 'filter');
  if (filter !== undefined) {
    if (typeof filter !== 'string') throw ScimError.invalidFilter('"filter" must be a string.');
    out.filter = filter;
  }
  const startIndex = member(body, 'startIndex');
  if (startIndex !== undefined) out.startIndex = startIndex;
  const count = member(body, 'count');
  if (count !== undefined) out.count = count;
  const attributes = attributeList(body, 'attributes');
  if (attributes !== undefined) out.attributes = attributes;
  const excluded = attributeList(body, 'excludedAttributes');
  if (excluded !== undefined) out.excludedAttributes = excluded;
  const sort = parseSortParams(member(body, 'sortBy'), member(body, 'sortOrder'));
  if (sort.sortBy !== undefined) out.sortBy = sort.sortBy;
  if (sort.sortOrder !== undefined) out.sortOrder = sort.sortOrder;
  return out;
}

/**
 * `sortBy` / `sortOrder` (RFC 7644 §3.4.2.3), from a query string or a SearchRequest: `sortBy`
 * a string, `sortOrder` "ascending" or "descending" (any case; empty = absent). Whether the
 * server sorts is its own choice (sorting is optional); this only refuses what no server could
 * honour.
 */
export function parseSortParams(sortBy: unknown, sortOrder: unknown): { sortBy?: string; sortOrder?: SortOrder } {
  const out: { sortBy?: string; sortOrder?: SortOrder } = {};
  if (sortBy !== undefined && sortBy !== null) {
    if (typeof sortBy !== 'string') throw ScimError.invalidValue('"sortBy" must be a string.');
    out.sortBy = sortBy;
  }
  if (sortOrder !== undefined && sortOrder !== null && sortOrder !== '') {
    const order = typeof sortOrder === 'string' ? sortOrder.toLowerCase() : undefined;
    if (order !== 'ascending' && order !== 'descending') throw ScimError.invalidValue('"sortOrder" must be "ascending" or "descending".');
    out.sortOrder = order;
  }
  return out;
}

function member(body: Record<string, unknown>, name: string): unknown {
  const v = getCi(body, name);
  return v === null ? undefined : v;
}

function attributeList(body: Record<string, unknown>, name: string): string | readonly string[] | undefined {
  const v = member(body, name);
  if (v === undefined || typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
  throw ScimError.invalidValue(`"${name}" must be a list of attribute names.`);
}
