/** The write shared by PUT and PATCH /Users/<id>: new payload → user columns + link row. */
import type { JsonObject } from '../../protocols/scim/index.js';
import type { ScimUnit, ScimUserRecord } from '../../storage/scim-ports.js';
import type { ScimCaller, ScimDeps } from './deps.js';
import { recordScimEvent } from './events.js';
import { externalIdOf, storedUserPayload } from './payload.js';
import { changedUserFields } from './user-fields.js';

export async function writeUserPayload(
  unit: ScimUnit,
  deps: ScimDeps,
  caller: ScimCaller,
  existing: ScimUserRecord,
  payload: JsonObject,
): Promise<ScimUserRecord> {
  const fields = await changedUserFields(deps, caller, payload, existing);
  const externalId = externalIdOf(payload);
  const updated = await unit.scim.updateUser(existing, {
    fields,
    ...(externalId !== null ? { externalId } : {}),
    payload: storedUserPayload(payload),
  });
  // A deactivated user is logged out everywhere at once, not at their next request.
  if (existing.isActive && !updated.isActive) await unit.sessions.deleteForUser(updated.userId);
  await recordScimEvent(unit, caller, 'model_updated', 'user', { pk: updated.userId, name: updated.username });
  return updated;
}
