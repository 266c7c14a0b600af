/**
 * `used_by` of a source: what deleting it takes along (authentik's UsedBy shape). Every
 * relation is capped so a source with a million connections still answers quickly.
 */
import type { Repositories } from '../../storage/ports.js';
import type { Source } from '../../storage/source-ports.js';
import { SOURCE_KINDS } from '../../sources/kinds.js';

export interface UsedByEntry {
  app: string;
  model_name: string;
  pk: string;
  name: string;
  action: 'cascade' | 'cascade_many' | 'set_null' | 'set_default' | 'left_dangling';
}

export const USED_BY_LIMIT_PER_RELATION = 1000;

/** What a kind adds to `used_by` and does before its source is deleted (see KindServiceHooks). */
export interface SourceRelations {
  usedBy?(repos: Repositories, source: Source): Promise<UsedByEntry[]>;
  beforeDelete?(repos: Repositories, source: Source): Promise<void>;
}

export async function sourceUsedBy(repos: Repositories, source: Source, relations: SourceRelations = {}): Promise<UsedByEntry[]> {
  const out: UsedByEntry[] = [];
  const d = SOURCE_KINDS[source.kind];
  const models = {
    app: d.app,
    user: d.connections?.user.modelName ?? 'usersourceconnection',
    group: d.connections?.group?.modelName ?? 'groupsourceconnection',
  };
  for (const c of await repos.userConnections.ofSource(source.uuid, USED_BY_LIMIT_PER_RELATION)) {
    out.push({
      app: models.app,
      model_name: models.user,
      pk: String(c.id),
      name: `User-source connection (user=${c.username}, source=${source.slug})`,
      action: 'cascade',
    });
  }
  for (const c of await repos.groupConnections.ofSource(source.uuid, USED_BY_LIMIT_PER_RELATION)) {
    out.push({
      app: models.app,
      model_name: models.group,
      pk: String(c.id),
      name: `Group-source connection (group=${c.groupName}, source=${source.slug})`,
      action: 'cascade',
    });
  }
  if (relations.usedBy) out.push(...(await relations.usedBy(repos, source)));
  return out;
}
