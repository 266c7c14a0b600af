/**
 * One-time use of SAML messages (SAML Profiles §4.1.4.5: "the service provider MUST ensure that
 * bearer assertions are not replayed"). Each Response ID and each Assertion ID is accepted once
 * per source, in SP- and IdP-initiated mode alike — so a captured assertion
 * re-wrapped in a fresh Response is refused too. The cache lives in the database, so a replay
 * against another instance is caught as well.
 */
import { createHash } from 'node:crypto';
import { replayError } from '../../protocols/saml/index.js';
import type { SamlAssertionResult } from '../../protocols/saml/index.js';
import type { SamlSource } from '../kinds.js';
import type { ServiceContext } from '../../services/context.js';

const DAY_MS = 24 * 3600 * 1000;

/** Keeps keys index-friendly: IDs are IdP-chosen and, without signature checks, attacker-chosen. */
function keyPart(id: string): string {
  return id.length <= 128 ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`;
}

export function replayKey(sourceUuid: string, what: 'response' | 'assertion', id: string): string {
  return `saml:${sourceUuid}:${what}:${keyPart(id)}`;
}

/**
 * Records both IDs until the assertion expires (after that it fails validation anyway); throws
 * the replay error when either was seen before. Runs only after full validation, so forged
 * documents cannot fill the cache with IDs of future genuine assertions.
 */
export async function rememberAssertionOnce(ctx: ServiceContext, source: SamlSource, result: SamlAssertionResult): Promise<void> {
  const now = ctx.clock.now();
  const end = result.notOnOrAfter.getTime();
  const expires = new Date(Number.isFinite(end) && end > now.getTime() ? end : now.getTime() + DAY_MS);
  const repos = ctx.store.repos;
  const fresh = await Promise.all([
    repos.replayCache.remember(replayKey(source.uuid, 'response', result.responseId), expires, now),
    repos.replayCache.remember(replayKey(source.uuid, 'assertion', result.assertionId), expires, now),
  ]);
  if (fresh.includes(false)) throw replayError();
}
