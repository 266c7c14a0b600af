/** POST /Users (RFC 7644 §3.3), never adopting an existing user (docs/behaviour.md#scim-users). */
import type { JsonObject } from '../../protocols/scim/index.js';
import type { ScimCaller, ScimDeps, ScimView } from './deps.js';
import { recordScimEvent } from './events.js';
import { withMappingErrors } from './mapped-properties.js';
import { externalIdOf, requireObject, storedUserPayload } from './payload.js';
import { projectionOf, userResource } from './representation.js';
import { newUserFields } from './user-fields.js';

/**
 * A userName that any user already has — this source's or not — is a 409 `uniqueness`: a SCIM
 * client must never take over an account it did not create (authentik adopts it).
 */
export async function provisionScimUser(deps: ScimDeps, caller: ScimCaller, body: unknown, view: ScimView): Promise<JsonObject> {
  const payload = requireObject(body);
  const externalId = externalIdOf(payload);
  const user = await withMappingErrors(deps, caller, async () => {
    // Mappings run before the transaction: sandbox time must not hold a connection.
    const fields = await newUserFields(deps, caller, payload);
    return deps.store.transaction(async (unit) => {
      const created = await unit.scim.createUser(caller.source.uuid, { ...fields, externalId, payload: storedUserPayload(payload) });
      await recordScimEvent(unit, caller, 'model_created', 'user', { pk: created.userId, name: created.username });
      return created;
    });
  });
  return projectionOf(view)(userResource(user, view));
}
