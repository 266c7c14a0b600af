/**
 * PATCH /Groups/<id> (RFC 7644 §3.5.2). Member operations become set operations in SQL
 * (planGroupPatch → changeMembers), so concurrent PATCHes lose no membership; the other
 * operations apply to the stored payload. Lock order for every group write: link row
 * (touchGroup) → memberships → group row. Taking the link first matters: renaming takes a
 * FOR UPDATE lock on the group row, which conflicts with the key-share locks member inserts
 * hold — with the link lock taken later, a rename and a member PATCH could deadlock.
 */
import { applyPatchOperations, jsonEqual, planGroupPatch, ScimError, type JsonObject } from '../../protocols/scim/index.js';
import type { ScimCaller, ScimDeps, ScimView } from './deps.js';
import { recordScimEvent } from './events.js';
import { groupResources, requireGroupId } from './find-group.js';
import { groupFields } from './group-fields.js';
import { withMappingErrors } from './mapped-properties.js';
import { storedGroupPayload } from './payload.js';

export async function patchScimGroup(deps: ScimDeps, caller: ScimCaller, id: string, body: unknown, view: ScimView): Promise<JsonObject> {
  const uuid = requireGroupId(id);
  const plan = planGroupPatch(body);
  return withMappingErrors(deps, caller, () =>
    deps.queue.run(`group:${uuid}`, () =>
      deps.store.transaction(async (unit) => {
        const existing = await unit.scim.touchGroup(caller.source.uuid, uuid);
        if (!existing) throw ScimError.notFound('Group not found.');
        // Applied first: an invalid operation fails the request before any member changes.
        const patched =
          plan.otherOperations.length > 0
            ? storedGroupPayload(applyPatchOperations(existing.payload, plan.otherOperations, { resourceType: 'Group' }))
            : existing.payload;
        if (plan.touchesMembers) await unit.scim.changeMembers(caller.source.uuid, uuid, plan.members);
        const payloadChanged = !jsonEqual(patched, existing.payload);
        const fields = payloadChanged ? await groupFields(deps, caller, patched, existing) : null;
        const group = await unit.scim.updateGroup(existing, {
          ...(fields && fields.name !== existing.name ? { name: fields.name } : {}),
          ...(fields?.attributes !== undefined ? { attributes: fields.attributes } : {}),
          ...(payloadChanged ? { payload: patched } : {}),
        });
        await recordScimEvent(unit, caller, 'model_updated', 'group', { pk: group.uuid, name: group.name });
        const [resource] = await groupResources(unit.scim, caller, [group], view);
        return resource;
      }),
    ),
  );
}
