/**
 * `used_by` of a source: what deleting it takes along (authentik's UsedBy shape). Every
 * relation is capped so a source with a million connections still answers quickly.
 */
import type { Repositories } from '../../storage/ports.js';
import type { Source } from '../../storage/source-ports.js';
import { CONNECTION_MODELS, SOURCE_KINDS } from './kinds.js';
import { scimServiceAccountName } from './scim-service-account.js';

export interface UsedByEntry {
  app: string;
  model_name: string;
  pk: string;
  name: string;
  action: 'cascade' | 'cascade_many' | 'set_null' | 'set_default' | 'left_dangling';
}

export const USED_BY_LIMIT_PER_RELATION = 1000;

export async function sourceUsedBy(repos: Repositories, source: Source): Promise<UsedByEntry[]> {
  const out: UsedByEntry[] = [];
  const models = CONNECTION_MODELS[source.kind] ?? { app: SOURCE_KINDS[source.kind].app, user: 'usersourceconnection', group: 'groupsourceconnection' };
  for (const c of await repos.userConnections.ofSource(source.uuid, USED_BY_LIMIT_PER_RELATION)) {
    out.push({ app: models.app, model_name: models.user, pk: String(c.id), name: `User-source connection (user=${c.username}, source=${source.slug})`, action: 'cascade' });
  }
  for (const c of await repos.groupConnections.ofSource(source.uuid, USED_BY_LIMIT_PER_RELATION)) {
    out.push({ app: models.app, model_name: models.group, pk: String(c.id), name: `Group-source connection (group=${c.groupName}, source=${source.slug})`, action: 'cascade' });
  }
  if (source.kind === 'scim') {
    const app = SOURCE_KINDS.scim.app;
    for (const l of await repos.scimUsers.ofSource(source.uuid, USED_BY_LIMIT_PER_RELATION)) {
      out.push({ app, model_name: 'scimsourceuser', pk: l.id, name: `SCIM User ${l.targetName} to ${source.name}`, action: 'cascade' });
    }
    for (const l of await repos.scimGroups.ofSource(source.uuid, USED_BY_LIMIT_PER_RELATION)) {
      out.push({ app, model_name: 'scimsourcegroup', pk: l.id, name: `SCIM Group ${l.targetName} to ${source.name}`, action: 'cascade' });
    }
    const account = await repos.users.byUsername(scimServiceAccountName(source.uuid));
    if (account) out.push({ app: 'authentik_core', model_name: 'user', pk: String(account.id), name: account.username, action: 'cascade' });
    const token = await repos.tokens.byIdentifier(scimServiceAccountName(source.uuid));
    if (token) out.push({ app: 'authentik_core', model_name: 'token', pk: token.uuid, name: token.identifier, action: 'cascade' });
  }
  return out;
}
