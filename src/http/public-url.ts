import type { FastifyRequest } from 'fastify';
import type { ServiceContext } from '../services/context.js';

/**
 * External base URL: TRIBUTARY_PUBLIC_URL when configured, else the request's own origin —
 * its Host header, or X-Forwarded-Host/-Proto only from a proxy TRIBUTARY_TRUST_PROXY names.
 */
export function publicBaseUrl(ctx: ServiceContext, request: FastifyRequest): string {
  return ctx.publicUrl ?? `${request.protocol}://${request.host}`;
}
