/**
 * The AuthnRequest ID we sent, remembered server-side for the InResponseTo check
 * (docs/behaviour.md#saml-response-validation). Like OAuth state it lives in the database, bound to
 * the browser session and the source, for ten minutes and one use. One pending request per session
 * and source — authentik keeps a single session key too; a newer login attempt replaces the older
 * one.
 */
import type { SamlSource } from '../kinds.js';
import type { ServiceContext } from '../../services/context.js';

export const SAML_REQUEST_TTL_MS = 10 * 60 * 1000;
const KIND = 'saml';

export interface PendingAuthnRequest {
  requestId: string;
  /** Same-origin path to land on after the login (already checked with safeRedirectPath). */
  next: string | null;
}

function stateKey(ctx: ServiceContext, sourceUuid: string, sessionId: string): string {
  return ctx.box.lookupDigest(`saml-request:${sourceUuid}:${sessionId}`);
}

export async function rememberAuthnRequest(ctx: ServiceContext, source: SamlSource, sessionId: string, pending: PendingAuthnRequest): Promise<void> {
  const repos = ctx.store.repos;
  const key = stateKey(ctx, source.uuid, sessionId);
  const now = ctx.clock.now();
  // One pending request per session and source: `put` replaces an older one.
  await repos.flowStates.put(key, {
    kind: KIND,
    sessionDigest: ctx.box.lookupDigest(sessionId),
    sourceUuid: source.uuid,
    data: { requestId: pending.requestId, next: pending.next },
    expires: new Date(now.getTime() + SAML_REQUEST_TTL_MS),
  });
}

/**
 * Consumes the pending request of this session for this source. Taken before validation, so a
 * failed attempt also uses it up: a request ID is answered at most once.
 */
export async function takeAuthnRequest(ctx: ServiceContext, source: SamlSource, sessionId: string | null): Promise<PendingAuthnRequest | null> {
  if (!sessionId) return null;
  const stored = await ctx.store.repos.flowStates.take(stateKey(ctx, source.uuid, sessionId), ctx.clock.now());
  if (!stored || stored.kind !== KIND || stored.sourceUuid !== source.uuid || stored.sessionDigest !== ctx.box.lookupDigest(sessionId)) return null;
  const data = stored.data as { requestId?: unknown; next?: unknown };
  if (typeof data.requestId !== 'string') return null;
  return { requestId: data.requestId, next: typeof data.next === 'string' ? data.next : null };
}
