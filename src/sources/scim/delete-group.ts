/** DELETE /Groups/<id> (RFC 7644 §3.6): only a group this source created. */
import { ScimError } from '../../protocols/scim/index.js';
import type { ScimCaller, ScimDeps } from './deps.js';
import { recordScimEvent } from './events.js';
import { requireGroupId } from './find-group.js';

export async function deleteScimGroup(deps: ScimDeps, caller: ScimCaller, id: string): Promise<void> {
  const uuid = requireGroupId(id);
  await deps.queue.run(`group:${uuid}`, () =>
    deps.store.transaction(async (unit) => {
      const deleted = await unit.scim.deleteGroup(caller.source.uuid, uuid);
      if (!deleted) throw ScimError.notFound('Group not found.');
      await recordScimEvent(unit, caller, 'model_deleted', 'group', { pk: uuid, name: deleted.name });
    }),
  );
}
