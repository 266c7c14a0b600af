/**
 * SCIM Group payload → our group's name/attributes and its member list
 * (docs/behaviour.md#scim-groups).
 */
import { deepMerge } from '../../domain/properties.js';
import { groupPropertiesFromScim, isUuid, ScimError, type JsonObject } from '../../protocols/scim/index.js';
import { getCi } from '../../protocols/scim/json.js';
import type { ScimGroupRecord } from '../../storage/scim-ports.js';
import type { ScimCaller, ScimDeps } from './deps.js';
import { attributesProp, mappedProperties, stringProp } from './mapped-properties.js';

export interface GroupFields {
  name: string;
  attributes: Record<string, unknown> | undefined;
}

export async function groupFields(deps: ScimDeps, caller: ScimCaller, payload: JsonObject, existing: ScimGroupRecord | null): Promise<GroupFields> {
  const base = groupPropertiesFromScim(payload);
  const props = await mappedProperties(deps, caller, 'group', { ...base }, payload);
  const name = stringProp(props, 'name');
  if (!name) throw ScimError.invalidValue('"displayName" is required.');
  const attributes = attributesProp(props);
  return { name, attributes: attributes && existing ? deepMerge(existing.attributes, attributes) : attributes };
}

/**
 * The `members` of a POST/PUT body as lower-cased user ids, or undefined when the body has no
 * `members` (then membership is left alone). Entries that cannot name a user are skipped, like
 * unknown ids; a non-list is a client error.
 */
export function memberIdsOf(payload: JsonObject): string[] | undefined {
  const members = getCi(payload, 'members');
  if (members === undefined) return undefined;
  if (members === null) return [];
  if (!Array.isArray(members)) throw ScimError.invalidValue('"members" must be a list.');
  const ids = new Set<string>();
  for (const m of members) {
    const id = typeof m === 'object' && m !== null && !Array.isArray(m) ? getCi(m as JsonObject, 'value') : undefined;
    if (isUuid(id)) ids.add(id.toLowerCase());
  }
  return [...ids];
}
