import { ScimError } from './errors.js';

export interface PaginationLimits {
  /** Page size when `count` is absent. */
  readonly defaultCount: number;
  /** Largest page served; larger `count` values are lowered to it (RFC 7644 §3.4.2.4). */
  readonly maxCount: number;
}

export interface Page {
  /** 0-based row offset. */
  readonly offset: number;
  readonly limit: number;
  /** The 1-based index to echo as ListResponse `startIndex`. */
  readonly startIndex: number;
}

/**
 * RFC 7644 §3.4.2.4: `startIndex` is 1-based, "a value less than 1 SHALL be interpreted as 1";
 * "a negative [count] value SHALL be interpreted as 0" (totalResults only). Unlike authentik,
 * `count` is honoured and `startIndex` maps to an exact offset.
 * Non-integer values → 400 invalidValue.
 */
export function parsePagination(query: { startIndex?: unknown; count?: unknown }, limits: PaginationLimits): Page {
  const start = parseInteger(query.startIndex, 'startIndex');
  const count = parseInteger(query.count, 'count');
  const startIndex = start === undefined || start < 1 ? 1 : start;
  const wanted = count === undefined ? limits.defaultCount : Math.max(count, 0);
  return { offset: startIndex - 1, limit: Math.min(wanted, limits.maxCount), startIndex };
}

function parseInteger(raw: unknown, name: string): number | undefined {
  const v: unknown = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return clamp(v);
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return clamp(Number(v));
  throw ScimError.invalidValue(`"${name}" must be an integer.`);
}

/** Huge values still parse; keep them exact-integer so offset arithmetic stays sound. */
function clamp(n: number): number {
  return Math.max(Math.min(n, Number.MAX_SAFE_INTEGER), -Number.MAX_SAFE_INTEGER);
}
