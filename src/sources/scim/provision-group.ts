/**
 * POST /Groups (RFC 7644 §3.3), never adopting an existing group (docs/behaviour.md#scim-groups).
 */
import type { JsonObject } from '../../protocols/scim/index.js';
import type { ScimCaller, ScimDeps, ScimView } from './deps.js';
import { recordScimEvent } from './events.js';
import { groupResources } from './find-group.js';
import { groupFields, memberIdsOf } from './group-fields.js';
import { withMappingErrors } from './mapped-properties.js';
import { externalIdOf, requireObject, storedGroupPayload } from './payload.js';

export async function provisionScimGroup(deps: ScimDeps, caller: ScimCaller, body: unknown, view: ScimView): Promise<JsonObject> {
  const payload = requireObject(body);
  const externalId = externalIdOf(payload);
  const members = memberIdsOf(payload);
  return withMappingErrors(deps, caller, async () => {
    // Mappings run before the transaction: sandbox time must not hold a connection.
    const fields = await groupFields(deps, caller, payload, null);
    return deps.store.transaction(async (unit) => {
      const group = await unit.scim.createGroup(caller.source.uuid, {
        name: fields.name,
        attributes: fields.attributes ?? {},
        externalId,
        payload: storedGroupPayload(payload),
      });
      if (members && members.length > 0) {
        await unit.scim.changeMembers(caller.source.uuid, group.uuid, { replace: members, add: [], remove: [], removeAll: false });
      }
      await recordScimEvent(unit, caller, 'model_created', 'group', { pk: group.uuid, name: group.name });
      const [resource] = await groupResources(unit.scim, caller, [group], view);
      return resource;
    });
  });
}
