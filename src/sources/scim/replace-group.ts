/** PUT /Groups/<id> (RFC 7644 §3.5.1): name, attributes and — if the body has them — members. */
import { ScimError, type JsonObject } from '../../protocols/scim/index.js';
import type { ScimCaller, ScimDeps, ScimView } from './deps.js';
import { recordScimEvent } from './events.js';
import { groupResources, requireGroupId } from './find-group.js';
import { groupFields, memberIdsOf } from './group-fields.js';
import { withMappingErrors } from './mapped-properties.js';
import { externalIdOf, requireObject, storedGroupPayload } from './payload.js';

export async function replaceScimGroup(deps: ScimDeps, caller: ScimCaller, id: string, body: unknown, view: ScimView): Promise<JsonObject> {
  const uuid = requireGroupId(id);
  const payload = requireObject(body);
  const externalId = externalIdOf(payload);
  const members = memberIdsOf(payload);
  return withMappingErrors(deps, caller, () =>
    deps.queue.run(`group:${uuid}`, () =>
      deps.store.transaction(async (unit) => {
        // Link row first, always (touchGroup locks it): writers of one group queue up instead
        // of deadlocking (see patch-group.ts).
        const existing = await unit.scim.touchGroup(caller.source.uuid, uuid);
        if (!existing) throw ScimError.notFound('Group not found.');
        const fields = await groupFields(deps, caller, payload, existing);
        if (members !== undefined) {
          await unit.scim.changeMembers(caller.source.uuid, uuid, { replace: members, add: [], remove: [], removeAll: false });
        }
        const group = await unit.scim.updateGroup(existing, {
          ...(fields.name !== existing.name ? { name: fields.name } : {}),
          ...(fields.attributes !== undefined ? { attributes: fields.attributes } : {}),
          ...(externalId !== null ? { externalId } : {}),
          payload: storedGroupPayload(payload),
        });
        await recordScimEvent(unit, caller, 'model_updated', 'group', { pk: group.uuid, name: group.name });
        const [resource] = await groupResources(unit.scim, caller, [group], view);
        return resource;
      }),
    ),
  );
}
