/**
 * From a source's base properties to the final user properties and group list — user property
 * mappings (sandboxed, in name order), `groups` split off, then per-group properties through
 * the group property mappings. Failures are recorded as `configuration_error` events; a failing
 * mapping fails the login (MappingError propagates).
 */
import { droppedGroupsMessage, ownValue, splitGroups } from '../../domain/properties.js';
import { evaluateMappings, MappingError } from '../../protocols/mapping/index.js';
import type { Source } from '../../storage/source-ports.js';
import type { ServiceContext } from '../context.js';
import type { PendingGroup } from './plan.js';

export interface IdentityInput {
  baseProperties: Record<string, unknown>;
  /** Display names of groups the IdP told us about (e.g. Entra memberOf), by id; own properties only are read. */
  groupNames?: Record<string, string>;
  /** Protocol context for mappings (OAuth: info, token; SAML: name_id, attributes, …). */
  context: Record<string, unknown>;
}

export async function buildIdentityProperties(
  ctx: ServiceContext,
  source: Source,
  input: IdentityInput,
): Promise<{ properties: Record<string, unknown>; groups: PendingGroup[] }> {
  const repos = ctx.store.repos;
  const [userMappings, groupMappings] = await Promise.all([
    repos.propertyMappings.byUuids(source.userPropertyMappings),
    repos.propertyMappings.byUuids(source.groupPropertyMappings),
  ]);
  const context = { ...input.context, source: { name: source.name, slug: source.slug }, user: null };
  try {
    const all = await evaluateMappings(ctx.mappings, userMappings, input.baseProperties, context);
    const { properties, groupIds, dropped } = splitGroups(all);
    if (dropped > 0) {
      await repos.events.record({
        action: 'configuration_error',
        context: { message: droppedGroupsMessage(source.name, dropped), source: source.name },
      });
    }
    const groups: PendingGroup[] = [];
    for (const id of groupIds) {
      const named = ownValue(input.groupNames, id);
      const base = { name: typeof named === 'string' ? named : id };
      groups.push({ id, properties: await evaluateMappings(ctx.mappings, groupMappings, base, { ...context, group_id: id }) });
    }
    return { properties, groups };
  } catch (e) {
    if (e instanceof MappingError) {
      await repos.events.record({ action: 'configuration_error', context: { message: e.message, source: source.name, mapping: e.mappingName } });
    }
    throw e;
  }
}
