/**
 * An IdP's form POST back to us is cross-site, so the browser leaves our SameSite=Lax session
 * cookie at home. Answer such a POST once with a page that re-posts the same fields from our
 * own origin: that same-site POST carries the cookie. `_bounced` marks the second round.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { autoSubmitPage } from '../../ui/pages.js';
import { sessionIdFromCookie } from '../auth.js';

export function needsCrossSiteBounce(request: FastifyRequest, form: Record<string, unknown>): boolean {
  return request.method === 'POST' && sessionIdFromCookie(request) === null && form._bounced === undefined;
}

/** The page posts back to the URL it was posted to: our own origin, which the CSP allows as 'self'. */
export function sendCrossSiteBounce(request: FastifyRequest, reply: FastifyReply, form: Record<string, unknown>): FastifyReply {
  const fields = Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const page = autoSubmitPage({ title: 'Signing you in…', action: request.url, fields: { ...fields, _bounced: '1' }, auto: true });
  return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page.html);
}
