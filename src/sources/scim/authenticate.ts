/**
 * SCIM client authentication (RFC 6750 §2.1; docs/behaviour.md#scim-authentication):
 * `Authorization: Bearer <key>` where the key is THIS source's own token. Stricter than authentik:
 * a disabled source refuses (403), and expired tokens or inactive service accounts do not
 * authenticate.
 */
import { apiTokenUsable } from '../../domain/tokens.js';
import { ScimError } from '../../protocols/scim/index.js';
import type { ScimCaller, ScimDeps } from './deps.js';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
/**
 * Source slugs (docs/behaviour.md#source-fields); anything else cannot name a source, so no query
 * is needed.
 */
const SLUG = /^[-a-zA-Z0-9_]+$/;

/** 401: the renderer adds `WWW-Authenticate: Bearer` (RFC 6750 §3). */
function unauthenticated(): ScimError {
  return new ScimError(401, undefined, 'Authentication credentials were not provided or are not valid for this source.');
}

export async function authenticateScim(deps: ScimDeps, slug: string, authorization: string | undefined): Promise<ScimCaller> {
  if (!SLUG.test(slug)) throw ScimError.notFound('Source not found.');
  const key = authorization === undefined ? null : (BEARER.exec(authorization)?.[1] ?? null);
  const resolved = await deps.store.repos.scim.resolveSource(slug, key);
  if (!resolved) throw ScimError.notFound('Source not found.');
  const { source, token } = resolved;
  // Only the token attached to this very source: another source's token, the bootstrap admin
  // token or any other API token is refused alike.
  if (!token || source.tokenUuid === null || token.uuid !== source.tokenUuid) throw unauthenticated();
  if (!apiTokenUsable(token, token.userActive, deps.clock.now())) throw unauthenticated();
  // Checked after the token so an anonymous caller cannot probe which sources are disabled.
  if (!source.enabled) throw new ScimError(403, undefined, 'This source is disabled.');
  return { source, actor: { pk: token.userId, username: token.username } };
}
