/** Per-request plumbing of the SCIM surface: body parsing, authentication, base URL, query. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseSearchRequest, parseSortParams, ScimError } from '../../../protocols/scim/index.js';
import { authenticateScim, type ListParams, type ScimCaller, type ScimDeps, type ScimView } from '../provisioning.js';
import { SCIM_CONTENT_TYPE } from '../../../http/errors/scim.js';

declare module 'fastify' {
  interface FastifyRequest {
    scimCaller?: ScimCaller;
  }
}

/** Keys that could reach an object prototype further down (like secure-json-parse's "error"). */
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype'))) {
    throw ScimError.invalidSyntax(`The attribute name "${key}" is not allowed.`);
  }
  return value;
}

/**
 * RFC 7644 §3.1: clients send `application/scim+json`; plain JSON is accepted too (Okta, curl).
 * An empty body parses as undefined so the use case reports what it missed (invalidSyntax).
 */
export function addScimBodyParsers(scope: FastifyInstance): void {
  // Only JSON: the root's text/plain and form parsers would turn bodies into strings (→ 415 instead).
  scope.removeAllContentTypeParsers();
  const parse = (_req: FastifyRequest, text: string, done: (err: Error | null, body?: unknown) => void) => {
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text, refusePrototypeKeys) as unknown);
    } catch (e) {
      done(e instanceof ScimError ? e : ScimError.invalidSyntax('The request body is not valid JSON.'));
    }
  };
  scope.addContentTypeParser(['application/json', 'application/scim+json'], { parseAs: 'string' }, (req, body, done) =>
    parse(req, body as string, done),
  );
}

/** onRequest: authenticate before the body is even parsed. */
export function scimAuthHook(deps: ScimDeps) {
  return async (request: FastifyRequest): Promise<void> => {
    const { slug } = (request.params ?? {}) as { slug?: string };
    if (slug === undefined) return; // the scope's 404 handler: nothing to authenticate against
    request.scimCaller = await authenticateScim(deps, slug, request.headers.authorization);
  };
}

export function callerOf(request: FastifyRequest): ScimCaller {
  if (!request.scimCaller) throw new Error('SCIM route without the authentication hook');
  return request.scimCaller;
}

/** Absolute base URL for `meta.location` and `Location` (the configured public URL wins). */
export function baseUrlOf(request: FastifyRequest, publicUrl: string | null): string {
  const { slug } = request.params as { slug: string };
  const origin = publicUrl ?? `${request.protocol}://${request.host}`;
  return `${origin.replace(/\/+$/, '')}/source/scim/${encodeURIComponent(slug)}/v2`;
}

type Query = Record<string, string | string[] | undefined>;

function single(q: Query, name: string, onMany: () => ScimError): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) {
    if (v.length > 1) throw onMany();
    return v[0];
  }
  return v;
}

/** `attributes` / `excludedAttributes` (RFC 7644 §3.9); repeated parameters are merged. */
export function viewOf(request: FastifyRequest, publicUrl: string | null): ScimView {
  const q = request.query as Query;
  return { baseUrl: baseUrlOf(request, publicUrl), attributes: q.attributes, excludedAttributes: q.excludedAttributes };
}

/**
 * `sortBy` / `sortOrder` are checked, then ignored: sorting is optional (RFC 7644 §3.4.2.3) and
 * ServiceProviderConfig says `sort.supported: false`; lists come in creation order.
 */
export function listParamsOf(request: FastifyRequest): ListParams {
  const q = request.query as Query;
  parseSortParams(
    single(q, 'sortBy', () => ScimError.invalidValue('Only one "sortBy" parameter is allowed.')),
    single(q, 'sortOrder', () => ScimError.invalidValue('Only one "sortOrder" parameter is allowed.')),
  );
  return {
    filter: single(q, 'filter', () => ScimError.invalidFilter('Only one "filter" parameter is allowed.')),
    startIndex: single(q, 'startIndex', () => ScimError.invalidValue('Only one "startIndex" parameter is allowed.')),
    count: single(q, 'count', () => ScimError.invalidValue('Only one "count" parameter is allowed.')),
  };
}

/**
 * `POST …/.search` (RFC 7644 §3.4.3): the same query as a GET, from a SearchRequest body; the
 * query string plays no part. Sorting is ignored as for GET.
 */
export function searchOf(request: FastifyRequest, publicUrl: string | null): { params: ListParams; view: ScimView } {
  const search = parseSearchRequest(request.body);
  return {
    params: { filter: search.filter, startIndex: search.startIndex, count: search.count },
    view: { baseUrl: baseUrlOf(request, publicUrl), attributes: search.attributes, excludedAttributes: search.excludedAttributes },
  };
}

export function sendScim(reply: FastifyReply, status: number, payload: unknown): FastifyReply {
  return reply.status(status).type(SCIM_CONTENT_TYPE).send(payload);
}
