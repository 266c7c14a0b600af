/**
 * Cross-site request forgery protection for the admin API when the browser's session cookie is
 * the credential. The cookie is ambient: a page on any origin the browser considers same-site
 * (another port, a sibling subdomain) can make the browser send it with a form POST. So a
 * POST, PUT, PATCH or DELETE authenticated by the session must
 *
 * - come from our own origin: its `Origin` header (or, when a browser leaves `Origin` out, its
 *   `Referer`) must be the origin of the public URL, or of the request itself when none is
 *   configured; and
 * - echo the session's CSRF token in the `X-authentik-CSRF` header. Only script running on our
 *   origin can read the token (from the `authentik_csrf` cookie, which is set for exactly that
 *   and so is not HttpOnly), and a cross-origin page cannot send a custom header at all (a form
 *   cannot set one; a `fetch` that does needs a CORS preflight, which this server never grants).
 *
 * The names are authentik's (its web console reads `authentik_csrf` and sends `X-authentik-CSRF`).
 * Unlike Django's double-submit cookie, the token is a keyed digest of the session id: it
 * changes at every login, is worth nothing with any other session, and a cookie planted by a
 * sibling subdomain cannot match it. Bearer-token calls carry no ambient credential and are not
 * checked.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PermissionDeniedError } from '../errors/index.js';
import type { ServiceContext } from '../services/context.js';
import { SESSION_TTL_MS } from '../services/sessions.js';
import { principalOf, sessionIdFromCookie } from './auth.js';
import { publicBaseUrl } from './public-url.js';

export const CSRF_COOKIE = 'authentik_csrf';
export const CSRF_HEADER = 'x-authentik-csrf';

/** RFC 9110 §9.2.1: the methods that do not change anything and so need no token. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** The CSRF token of session `sessionId` (never the digest the sessions table is keyed by: a distinct message). */
export function csrfTokenFor(ctx: ServiceContext, sessionId: string): string {
  return ctx.box.lookupDigest(`api-csrf:${sessionId}`);
}

/** Sets the `authentik_csrf` cookie for session `sessionId` unless the browser already holds that value. */
export function issueCsrfCookie(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, sessionId: string): void {
  const token = csrfTokenFor(ctx, sessionId);
  if (request.cookies?.[CSRF_COOKIE] === token) return;
  reply.setCookie(CSRF_COOKIE, token, {
    path: '/',
    // Readable by the console's script, which echoes it in the header.
    httpOnly: false,
    sameSite: 'lax',
    secure: ctx.publicUrl?.startsWith('https://') ?? false,
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function clearCsrfCookie(reply: FastifyReply): void {
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

function csrfFailed(reason: string): PermissionDeniedError {
  return new PermissionDeniedError(`CSRF Failed: ${reason}`, 'csrf_failed');
}

function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** Refuses a request whose `Origin` (else `Referer`) is not our own origin. */
function checkOrigin(ctx: ServiceContext, request: FastifyRequest): void {
  const expected = originOf(publicBaseUrl(ctx, request));
  const origin = request.headers.origin;
  if (origin !== undefined) {
    if (expected === null || originOf(origin) !== expected)
      throw csrfFailed(`Origin checking failed - ${origin} does not match any trusted origins.`);
    return;
  }
  const referer = request.headers.referer;
  if (referer === undefined || referer === '') throw csrfFailed('Referer checking failed - no Referer.');
  const refererOrigin = originOf(referer);
  if (refererOrigin === null) throw csrfFailed('Referer checking failed - Referer is malformed.');
  if (refererOrigin !== expected) throw csrfFailed(`Referer checking failed - ${referer} does not match any trusted origins.`);
}

function checkToken(ctx: ServiceContext, request: FastifyRequest, sessionId: string): void {
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || sent === '') throw csrfFailed('CSRF token missing.');
  const a = Buffer.from(csrfTokenFor(ctx, sessionId));
  const b = Buffer.from(sent);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw csrfFailed("CSRF token from the 'X-Authentik-Csrf' HTTP header incorrect.");
}

/**
 * Registered on the API scope, before any body is parsed: checks unsafe requests authenticated
 * by the session cookie, and hands the token cookie to a signed-in browser on its safe requests
 * (the console's first GET gives it the token it will echo).
 */
export function registerApiCsrf(scope: FastifyInstance, ctx: ServiceContext): void {
  scope.addHook('onRequest', async (request, reply) => {
    if (request.is404) return;
    const sessionId = sessionIdFromCookie(request);
    if (sessionId === null) return;
    // The same resolution the handlers use: a request that carries an Authorization header is
    // authenticated by it (or not at all), never by the cookie.
    const principal = await principalOf(ctx, request);
    if (principal?.via !== 'session') return;
    if (SAFE_METHODS.has(request.method)) {
      issueCsrfCookie(ctx, request, reply, sessionId);
      return;
    }
    checkOrigin(ctx, request);
    checkToken(ctx, request, sessionId);
  });
}
