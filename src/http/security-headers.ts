/**
 * Security headers on every response: `X-Content-Type-Options: nosniff` everywhere, and on HTML
 * pages a strict Content-Security-Policy, `X-Frame-Options: DENY` and
 * `Referrer-Policy: no-referrer`.
 *
 * The policy allows nothing by default except same-origin `fetch` (connect-src). The pages'
 * only inline stylesheet and script (ui/pages.ts) are allowed by their SHA-256 hashes — they are
 * constants, so a hash does what a per-response nonce would without threading a nonce through
 * every renderer. `form-action` is
 * the page's own origin, plus the targets a response registers with `allowFormAction` (the SAML
 * POST binding page posts to the IdP). `frame-ancestors 'none'` and XFO stop framing
 * (clickjacking of the login forms). `no-referrer`: pages carry flow state and the IdP has no
 * use for our URLs; the pages have said so in a meta tag all along.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isHttpUrl } from '../domain/urls.js';
import { AUTO_SUBMIT_SCRIPT, PAGE_STYLE } from '../ui/pages.js';

const hashSource = (content: string) => `'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`;

export const SCRIPT_HASH = hashSource(AUTO_SUBMIT_SCRIPT);
export const STYLE_HASH = hashSource(PAGE_STYLE);

const formTargets = new WeakMap<FastifyReply, Set<string>>();

/**
 * Lets the page sent on `reply` post a form to `target`. A local path needs nothing ('self'
 * covers it); an http(s) URL adds its origin. Anything else is ignored — the renderers refuse
 * such targets anyway.
 */
export function allowFormAction(reply: FastifyReply, target: string): void {
  if (!isHttpUrl(target)) return;
  const origins = formTargets.get(reply) ?? new Set<string>();
  origins.add(new URL(target).origin);
  formTargets.set(reply, origins);
}

/** The Content-Security-Policy of an HTML page that may post forms to `origins` besides itself. */
export function contentSecurityPolicy(origins: Iterable<string> = []): string {
  return [
    "default-src 'none'",
    `script-src ${SCRIPT_HASH}`,
    `style-src ${STYLE_HASH}`,
    // Same-origin API calls from a signed-in page (the session cookie is the credential).
    "connect-src 'self'",
    `form-action 'self'${[...origins].map((o) => ` ${o}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const HTML = /^\s*text\/html\b/i;

async function securityHeaders(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    if (HTML.test(String(reply.getHeader('content-type') ?? ''))) {
      reply.header('content-security-policy', contentSecurityPolicy(formTargets.get(reply)));
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'no-referrer');
    }
    return payload;
  });
}

// Not encapsulated: the hook must see the replies of every route, whatever scope registers it.
(securityHeaders as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

export default securityHeaders;
