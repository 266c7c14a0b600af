/**
 * `used_by` of a source: what deleting it takes along (authentik's UsedBy shape). Every
 * relation is capped so a source with a million connections still answers quickly.
 */
import type { Repositories } from '../../storage/ports.js';
import type { Source } from '../../storage/source-ports.js';
import type { SourceKindDescriptor } from '../../sources/kind.js';
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

/** The kind's descriptor, or the base Source's for a kind that is not (or no longer) registered. */
export function descriptorOf(kind: string): SourceKindDescriptor {
  return (SOURCE_KINDS as Record<string, SourceKindDescriptor>)[kind] ?? SOURCE_KINDS.inbuilt;
}

/** A user's connection to a source of `kind`, as authentik names it (deleted with either side). */
export function userConnectionEntry(kind: string, c: { id: number; username: string; sourceSlug: string }): UsedByEntry {
  const d = descriptorOf(kind);
  const name = `User-source connection (user=${c.username}, source=${c.sourceSlug})`;
  return { app: d.app, model_name: d.connections?.user.modelName ?? 'usersourceconnection', pk: String(c.id), name, action: 'cascade' };
}

/** A group's connection to a source of `kind`, as authentik names it (deleted with either side). */
export function groupConnectionEntry(kind: string, c: { id: number; groupName: string; sourceSlug: string }): UsedByEntry {
  const d = descriptorOf(kind);
  const name = `Group-source connection (group=${c.groupName}, source=${c.sourceSlug})`;
  return { app: d.app, model_name: d.connections?.group?.modelName ?? 'groupsourceconnection', pk: String(c.id), name, action: 'cascade' };
}

/** A SCIM link row of a provisioned user or group (deleted with either side). */
export function scimLinkEntry(target: 'user' | 'group', l: { id: string; targetName: string; sourceName: string }): UsedByEntry {
  const label = target === 'user' ? 'User' : 'Group';
  return {
    app: SOURCE_KINDS.scim.app,
    model_name: `scimsource${target}`,
    pk: l.id,
    name: `SCIM ${label} ${l.targetName} to ${l.sourceName}`,
    action: 'cascade',
  };
}

export async function sourceUsedBy(repos: Repositories, source: Source, relations: SourceRelations = {}): Promise<UsedByEntry[]> {
  const out: UsedByEntry[] = [];
  for (const c of await repos.userConnections.ofSource(source.uuid, USED_BY_LIMIT_PER_RELATION)) {
    out.push(userConnectionEntry(source.kind, { id: c.id, username: c.username, sourceSlug: source.slug }));
  }
  for (const c of await repos.groupConnections.ofSource(source.uuid, USED_BY_LIMIT_PER_RELATION)) {
    out.push(groupConnectionEntry(source.kind, { id: c.id, groupName: c.groupName, sourceSlug: source.slug }));
  }
  if (relations.usedBy) out.push(...(await relations.usedBy(repos, source)));
  return out;
}
