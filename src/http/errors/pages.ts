/**
 * Error rendering for browser-facing routes: an HTML page that says what went wrong, never a
 * stack trace. The only place that picks status codes for pages.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ThrottledError, unreachable, ValidationError } from '../../errors/index.js';
import { messagePage } from '../../ui/pages.js';
import { RejectedInputError } from '../input-guard.js';

function statusOf(e: AppError): number {
  switch (e.kind) {
    case 'not_found':
      return 404;
    case 'permission_denied':
    case 'not_authenticated':
      return 403;
    case 'protocol':
      return (e as AppError & { status: number }).status;
    case 'upstream':
      return 502;
    case 'throttled':
      return 429;
    case 'internal':
      return 500;
    case 'validation':
    case 'bad_request':
    case 'conflict':
    case 'payload_too_large':
    case 'mapping':
      return 400;
    default:
      return unreachable(e.kind);
  }
}

export function pageErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof AppError) {
    const message =
      error instanceof ValidationError ? Object.values(error.fields).flat().concat(error.nonField).join(' ') || error.message : error.message;
    const title = statusOf(error) === 404 ? 'Not found' : error instanceof RejectedInputError ? 'Bad request' : 'Authentication failed';
    if (error instanceof ThrottledError) void reply.header('retry-after', String(error.retryAfterSeconds));
    void reply.status(statusOf(error)).type('text/html; charset=utf-8').send(messagePage(title, message));
    return;
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    void reply.status(status).type('text/html; charset=utf-8').send(messagePage('Bad request', 'The request could not be processed.'));
    return;
  }
  request.log.error({ err: error }, 'unhandled error on a page');
  void reply
    .status(500)
    .type('text/html; charset=utf-8')
    .send(messagePage('Something went wrong', 'An unexpected error occurred. Please try again later.'));
}
