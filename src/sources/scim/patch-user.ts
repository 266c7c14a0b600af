/** PATCH /Users/<id> (RFC 7644 §3.5.2): operations applied to the stored payload, all or nothing. */
import { applyPatchOperations, jsonEqual, parsePatchRequest, ScimError, type JsonObject } from '../../protocols/scim/index.js';
import type { ScimCaller, ScimDeps, ScimView } from './deps.js';
import { requireUserId } from './find-user.js';
import { withMappingErrors } from './mapped-properties.js';
import { storedUserPayload } from './payload.js';
import { projectionOf, userResource } from './representation.js';
import { writeUserPayload } from './update-user.js';

export async function patchScimUser(deps: ScimDeps, caller: ScimCaller, id: string, body: unknown, view: ScimView): Promise<JsonObject> {
  const uuid = requireUserId(id);
  const operations = parsePatchRequest(body);
  const user = await withMappingErrors(deps, caller, () =>
    deps.queue.run(`user:${uuid}`, () =>
      deps.store.transaction(async (unit) => {
        // The link row is locked so concurrent PATCHes apply one after the other, none lost.
        const existing = await unit.scim.findUser(caller.source.uuid, uuid, { lock: true });
        if (!existing) throw ScimError.notFound('User not found.');
        const patched = applyPatchOperations(existing.payload, operations, { resourceType: 'User' });
        // Okta's password PATCH (never stored) and no-op PATCHes change nothing.
        if (jsonEqual(storedUserPayload(patched), existing.payload)) return existing;
        return writeUserPayload(unit, deps, caller, existing, patched);
      }),
    ),
  );
  return projectionOf(view)(userResource(user, view));
}
