/** DELETE /Users/<id> (RFC 7644 §3.6): removes what this source created — the user and its link. */
import { ScimError } from '../../protocols/scim/index.js';
import type { ScimCaller, ScimDeps } from './deps.js';
import { recordScimEvent } from './events.js';
import { requireUserId } from './find-user.js';

export async function deleteScimUser(deps: ScimDeps, caller: ScimCaller, id: string): Promise<void> {
  const uuid = requireUserId(id);
  await deps.queue.run(`user:${uuid}`, () =>
    deps.store.transaction(async (unit) => {
      const deleted = await unit.scim.deleteUser(caller.source.uuid, uuid);
      if (!deleted) throw ScimError.notFound('User not found.');
      await recordScimEvent(unit, caller, 'model_deleted', 'user', { pk: deleted.id, name: deleted.username });
    }),
  );
}
