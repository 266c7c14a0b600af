/** GET /Users/<id> (RFC 7644 §3.4.1). */
import { isUuid, ScimError, type JsonObject } from '../../protocols/scim/index.js';
import type { ScimCaller, ScimDeps, ScimView } from './deps.js';
import { projectionOf, userResource } from './representation.js';

/** A malformed id cannot name a user: 404, like an unknown one. */
export function requireUserId(id: string): string {
  if (!isUuid(id)) throw ScimError.notFound('User not found.');
  return id.toLowerCase();
}

export async function getScimUser(deps: ScimDeps, caller: ScimCaller, id: string, view: ScimView): Promise<JsonObject> {
  const user = await deps.store.repos.scim.findUser(caller.source.uuid, requireUserId(id));
  if (!user) throw ScimError.notFound('User not found.');
  return projectionOf(view)(userResource(user, view));
}
