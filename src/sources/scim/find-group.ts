/** GET /Groups/<id> (RFC 7644 §3.4.1). */
import { isUuid, ScimError, type JsonObject } from '../../protocols/scim/index.js';
import type { ScimGroupRecord, ScimMember, ScimRepository } from '../../storage/scim-ports.js';
import type { ScimCaller, ScimDeps, ScimView } from './deps.js';
import { groupResource, projectionOf, wantsMembers } from './representation.js';

export function requireGroupId(id: string): string {
  if (!isUuid(id)) throw ScimError.notFound('Group not found.');
  return id.toLowerCase();
}

/** Group resources, loading members only when the attribute selection keeps them. */
export async function groupResources(scim: ScimRepository, caller: ScimCaller, groups: ScimGroupRecord[], view: ScimView): Promise<JsonObject[]> {
  const members: Map<string, ScimMember[]> = wantsMembers(view)
    ? await scim.members(
        caller.source.uuid,
        groups.map((g) => g.uuid),
      )
    : new Map<string, ScimMember[]>();
  const project = projectionOf(view);
  return groups.map((g) => project(groupResource(g, members.get(g.uuid) ?? [], view)));
}

export async function getScimGroup(deps: ScimDeps, caller: ScimCaller, id: string, view: ScimView): Promise<JsonObject> {
  const group = await deps.store.repos.scim.findGroup(caller.source.uuid, requireGroupId(id));
  if (!group) throw ScimError.notFound('Group not found.');
  const [resource] = await groupResources(deps.store.repos.scim, caller, [group], view);
  return resource;
}
