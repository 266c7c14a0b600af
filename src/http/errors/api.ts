/**
 * The admin API's error rendering: the only place that picks status codes and bodies for
 * /api/v3. Shapes follow authentik 2024.8 (DRF): 400 `{field: [...], non_field_errors}`,
 * 403/404 `{detail, code?}`. Unexpected errors are logged in full and answered generically.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, unreachable, ValidationError, type ThrottledError } from '../../errors/index.js';

export interface ErrorResponse {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

function detail(status: number, message: string, code?: string): ErrorResponse {
  return { status, body: code ? { detail: message, code } : { detail: message } };
}

/** Fastify's own failures (body parsing, limits) in DRF's words. */
function fastifyError(e: FastifyError): ErrorResponse | null {
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return detail(400, `JSON parse error - ${e.message}`, 'parse_error');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return detail(413, 'Request body is too large.', 'payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return detail(
        415,
        e.message.startsWith('Unsupported media type "') ? e.message : 'Unsupported media type in request.',
        'unsupported_media_type',
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return detail(400, 'Request body size did not match Content-Length.', 'parse_error');
  }
  if (e instanceof SyntaxError || (e as { type?: string }).type === 'entity.parse.failed') {
    return detail(400, `JSON parse error - ${e.message}`, 'parse_error');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return detail(e.statusCode, e.message);
  }
  return null;
}

export function apiErrorResponse(error: unknown): ErrorResponse | null {
  if (error instanceof ValidationError) {
    const body: Record<string, unknown> = { ...error.fields };
    if (error.nonField.length > 0) body.non_field_errors = error.nonField;
    if (error.code) body.code = error.code;
    return { status: 400, body };
  }
  if (error instanceof AppError) {
    switch (error.kind) {
      case 'not_found':
        return detail(404, error.message, error.code);
      case 'permission_denied':
      case 'not_authenticated':
        return detail(403, error.message, error.code);
      case 'bad_request':
        return detail(400, error.message, error.code);
      case 'conflict':
        return detail(400, error.message, error.code ?? 'unique');
      case 'payload_too_large':
        return detail(413, error.message, error.code);
      case 'throttled':
        return { ...detail(429, error.message, error.code), headers: { 'retry-after': String((error as ThrottledError).retryAfterSeconds) } };
      case 'upstream':
        return detail(502, error.message, error.code ?? 'upstream_error');
      case 'protocol':
        return detail((error as AppError & { status: number }).status, error.message, error.code);
      case 'validation':
      case 'mapping':
        return detail(400, error.message, error.code);
      case 'internal':
        return null;
      default:
        return unreachable(error.kind);
    }
  }
  return fastifyError(error as FastifyError);
}

export function apiErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = apiErrorResponse(error);
  if (mapped) {
    if (mapped.headers) void reply.headers(mapped.headers);
    void reply.status(mapped.status).send(mapped.body);
    return;
  }
  request.log.error({ err: error }, 'unhandled error');
  void reply.status(500).send({ detail: 'A server error occurred.', code: 'error' });
}
