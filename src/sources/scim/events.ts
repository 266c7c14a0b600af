/**
 * Audit events of SCIM writes, attributed to the source's service account
 * (docs/behaviour.md#scim-service-account-and-token).
 */
import type { ScimUnit } from '../../storage/scim-ports.js';
import type { ScimCaller } from './deps.js';

export type ScimModel = 'user' | 'group';

export function recordScimEvent(
  unit: ScimUnit,
  caller: ScimCaller,
  action: 'model_created' | 'model_updated' | 'model_deleted',
  model: ScimModel,
  object: { pk: number | string; name: string },
): Promise<void> {
  return unit.events.record({
    action,
    user: caller.actor,
    context: {
      model: { app: 'authentik_core', model_name: model, pk: object.pk, name: object.name },
      source: caller.source.name,
    },
  });
}
