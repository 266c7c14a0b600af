/**
 * Resolves the caller once per request: `Authorization: Bearer <token>` or the session cookie.
 */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../domain/entities.js';
import { NotAuthenticatedError, PermissionDeniedError } from '../errors/index.js';
import type { ServiceContext } from '../services/context.js';
import { principalFromBearer } from '../services/auth/api-token.js';
import { principalFromSession } from '../services/principal.js';

export const SESSION_COOKIE = 'tributary_session';

declare module 'fastify' {
  interface FastifyRequest {
    principalPromise?: Promise<Principal | null>;
  }
}

export function sessionIdFromCookie(request: FastifyRequest): string | null {
  const raw = request.cookies?.[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid ? unsigned.value : null;
}

export function principalOf(ctx: ServiceContext, request: FastifyRequest): Promise<Principal | null> {
  if (!request.principalPromise) {
    request.principalPromise = (async () => {
      const header = request.headers.authorization;
      if (header) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
        // Failed tokens are throttled per client address (429 once the limit is reached).
        return m ? principalFromBearer(ctx, m[1], request.ip) : null;
      }
      const sid = sessionIdFromCookie(request);
      return sid ? principalFromSession(ctx, sid) : null;
    })();
  }
  return request.principalPromise;
}

export async function requirePrincipal(ctx: ServiceContext, request: FastifyRequest): Promise<Principal> {
  const p = await principalOf(ctx, request);
  if (!p) throw new NotAuthenticatedError();
  return p;
}

export async function requireSuperuser(ctx: ServiceContext, request: FastifyRequest): Promise<Principal> {
  const p = await requirePrincipal(ctx, request);
  if (!p.isSuperuser) throw new PermissionDeniedError();
  return p;
}

/** `authorize` for admin-only endpoints: every operation needs a superuser. */
export function superuserOnly(ctx: ServiceContext): (request: FastifyRequest) => Promise<void> {
  return async (request) => void (await requireSuperuser(ctx, request));
}
