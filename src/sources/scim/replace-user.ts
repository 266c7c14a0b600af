/** PUT /Users/<id> (RFC 7644 §3.5.1). */
import { ScimError, type JsonObject } from '../../protocols/scim/index.js';
import type { ScimCaller, ScimDeps, ScimView } from './deps.js';
import { requireUserId } from './find-user.js';
import { withMappingErrors } from './mapped-properties.js';
import { requireObject } from './payload.js';
import { projectionOf, userResource } from './representation.js';
import { writeUserPayload } from './update-user.js';

export async function replaceScimUser(deps: ScimDeps, caller: ScimCaller, id: string, body: unknown, view: ScimView): Promise<JsonObject> {
  const uuid = requireUserId(id);
  const payload = requireObject(body);
  const user = await withMappingErrors(deps, caller, () =>
    deps.queue.run(`user:${uuid}`, () =>
      deps.store.transaction(async (unit) => {
        // Locked: a concurrent PATCH must apply to this payload, not to the one before it.
        const existing = await unit.scim.findUser(caller.source.uuid, uuid, { lock: true });
        if (!existing) throw ScimError.notFound('User not found.');
        return writeUserPayload(unit, deps, caller, existing, payload);
      }),
    ),
  );
  return projectionOf(view)(userResource(user, view));
}
