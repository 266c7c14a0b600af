/**
 * Error rendering for /source/scim: every failure is an RFC 7644 §3.12 error body
 * (`application/scim+json`), including framework errors (bad JSON, body limits, unknown routes).
 * Unexpected errors are logged in full and answered with a generic 500 body, never a stack trace.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, unreachable } from '../../errors/index.js';
import { buildErrorBody, ScimError, type ErrorBody, type ScimType } from '../../protocols/scim/index.js';
import { RejectedInputError } from '../input-guard.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export interface ScimErrorResponse {
  status: number;
  body: ErrorBody;
}

function body(status: number, scimType: ScimType | undefined, detail: string): ScimErrorResponse {
  return { status, body: buildErrorBody(status, scimType, detail) };
}

function fromAppError(e: AppError): ScimErrorResponse | null {
  switch (e.kind) {
    case 'not_found':
      return body(404, undefined, e.message);
    // RFC 7644 §3.12: 409 with scimType "uniqueness" (duplicate userName / externalId / displayName).
    case 'conflict':
      return body(409, 'uniqueness', e.message);
    case 'validation':
    case 'bad_request':
      return body(400, 'invalidValue', e.message);
    case 'not_authenticated':
      return body(401, undefined, e.message);
    case 'permission_denied':
      return body(403, undefined, e.message);
    case 'payload_too_large':
      return body(413, undefined, e.message);
    case 'throttled':
      return body(429, undefined, e.message);
    case 'protocol':
      return body((e as AppError & { status: number }).status, undefined, e.message);
    case 'mapping':
      return body(400, 'invalidValue', e.message);
    case 'upstream':
      return body(502, undefined, e.message);
    case 'internal':
      return null;
    default:
      return unreachable(e.kind);
  }
}

function fromFastifyError(e: FastifyError): ScimErrorResponse | null {
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return body(400, 'invalidSyntax', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return body(413, undefined, 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return body(415, undefined, 'Use Content-Type application/scim+json or application/json.');
  }
  if (e instanceof SyntaxError) return body(400, 'invalidSyntax', 'The request body is not valid JSON.');
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return body(e.statusCode, undefined, e.message);
  return null;
}

/** RFC 7644 §3.12: a bad `filter` is invalidFilter, an unparseable body invalidSyntax. */
function fromRejectedInput(e: RejectedInputError): ScimErrorResponse {
  if (e.reason === 'depth') return body(400, 'invalidSyntax', e.message);
  if (e.part === 'query' && e.param === 'filter') return body(400, 'invalidFilter', e.message);
  return body(400, 'invalidValue', e.message);
}

export function scimErrorResponse(error: unknown): ScimErrorResponse | null {
  if (error instanceof RejectedInputError) return fromRejectedInput(error);
  if (error instanceof ScimError) return { status: error.status, body: buildErrorBody(error.status, error.scimType, error.detail) };
  if (error instanceof AppError) return fromAppError(error);
  if (error && typeof error === 'object') return fromFastifyError(error as FastifyError);
  return null;
}

export function sendScimError(reply: FastifyReply, mapped: ScimErrorResponse): FastifyReply {
  // RFC 6750 §3: a 401 names the scheme the client should use.
  if (mapped.status === 401) void reply.header('www-authenticate', 'Bearer realm="SCIM"');
  return reply.status(mapped.status).type(SCIM_CONTENT_TYPE).send(mapped.body);
}

export function scimErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = scimErrorResponse(error);
  if (mapped) {
    void sendScimError(reply, mapped);
    return;
  }
  request.log.error({ err: error }, 'unhandled SCIM error');
  void sendScimError(reply, body(500, undefined, 'A server error occurred.'));
}

export function scimNotFound(_request: FastifyRequest, reply: FastifyReply): void {
  void sendScimError(reply, body(404, undefined, 'Resource not found.'));
}
