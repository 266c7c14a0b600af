/**
 * The edge check every request passes before its handler runs, on every surface (admin API,
 * SCIM, browser pages): no string with a NUL character reaches SQL from a path parameter, the
 * query string or a parsed body (JSON or form), and no JSON document nested deeper than
 * MAX_JSON_DEPTH is accepted. PostgreSQL cannot store U+0000 in text or jsonb, and deep nesting
 * only costs stack in every layer below; refusing both here answers 400 in the surface's own
 * shape (each scope's error handler renders RejectedInputError) instead of a database error.
 * The storage layer still maps any data exception that slips past this to a 400.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../errors/index.js';

/**
 * Deepest nesting of objects/arrays accepted in a request body: `{"a": 1}` is 1 level,
 * `{"a": {"b": 1}}` 2. Real payloads (SCIM resources, property-mapping attributes) use a
 * handful; 64 leaves room for any honest document.
 */
export const MAX_JSON_DEPTH = 64;

/** Range of PostgreSQL `integer` (int4), the type of every integer id column. */
export const INT4_MIN = -2147483648;
export const INT4_MAX = 2147483647;

/** Django's ProhibitNullCharactersValidator message (DRF CharField, django-filter CharFilter). */
export const NUL_MESSAGE = 'Null characters are not allowed.';
export const DEPTH_MESSAGE = `JSON nested deeper than ${MAX_JSON_DEPTH} levels is not supported.`;

export type RequestPart = 'params' | 'query' | 'body';

/** A request refused at the edge; a ValidationError so every surface already renders it as 400. */
export class RejectedInputError extends ValidationError {
  /** Fastify's default handler (no scope handler, e.g. an unknown path) answers 400, not 500. */
  readonly statusCode = 400;
  constructor(
    readonly part: RequestPart,
    /** The parameter or top-level body field, or null for the body as a whole / a key. */
    readonly param: string | null,
    readonly reason: 'nul' | 'depth',
  ) {
    const message = reason === 'nul' ? NUL_MESSAGE : DEPTH_MESSAGE;
    super(param === null ? {} : { [param]: [message] }, param === null ? [message] : []);
  }
}

/**
 * A dictionary of parsed values: JSON objects, and Fastify's query/form/params objects (whose
 * prototype is an empty object without a prototype). Buffers and other class instances are not.
 */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}

/**
 * The first problem in `value` (its own level counted as `depth`): a NUL in a string or an
 * object key, or nesting past MAX_JSON_DEPTH. Iterative, so a deep document costs no stack.
 * Only strings, arrays and plain objects are inspected (a raw multipart Buffer is not text).
 */
function findProblem(value: unknown, depth: number): 'nul' | 'depth' | null {
  const stack: Array<[unknown, number]> = [[value, depth]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return 'nul';
      continue;
    }
    const isArray = Array.isArray(v);
    if (!isArray && !isPlainObject(v)) continue;
    if (d > MAX_JSON_DEPTH) return 'depth';
    if (isArray) {
      for (const item of v as unknown[]) stack.push([item, d + 1]);
    } else {
      for (const [key, item] of Object.entries(v)) {
        if (key.includes('\u0000')) return 'nul';
        stack.push([item, d + 1]);
      }
    }
  }
  return null;
}

/** Checks one request part whose top level is a set of named values (params, query, form/JSON object). */
function checkNamed(part: RequestPart, values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    if (name.includes('\u0000')) throw new RejectedInputError(part, null, 'nul');
    const problem = findProblem(value, 2);
    if (problem) throw new RejectedInputError(part, name, problem);
  }
}

/** Throws RejectedInputError for the first NUL or over-deep value in the request. */
export function checkRequestInput(request: Pick<FastifyRequest, 'params' | 'query' | 'body'>): void {
  if (isPlainObject(request.params)) checkNamed('params', request.params);
  if (isPlainObject(request.query)) checkNamed('query', request.query);
  const body = request.body;
  if (isPlainObject(body)) checkNamed('body', body);
  else {
    const problem = findProblem(body, 1);
    if (problem) throw new RejectedInputError('body', null, problem);
  }
}

/**
 * Registers the check on `app` (before any route scope is registered, so every scope inherits
 * it). preValidation: after routing and body parsing, before any handler; it runs after a
 * scope's own onRequest hooks (the SCIM token check, which needs no input from the query or
 * body and rejects a malformed slug without a query).
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => checkRequestInput(request));
}
