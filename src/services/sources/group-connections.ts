/**
 * Use cases of /sources/group_connections/<kind>/ — admin-only (no owner field,
 * docs/behaviour.md#permissions); the route authorises, these functions validate references and
 * uniqueness.
 */
import { NotFoundError } from '../../errors/index.js';
import type { ListQuery, Page, Repositories } from '../../storage/ports.js';
import type { GroupConnection } from '../../storage/source-ports.js';
import { SOURCE_KINDS, type GroupConnectionKind } from '../../sources/kinds.js';
import type { ServiceContext } from '../context.js';
import { asIntId, asUuid } from '../../domain/ids.js';
import { FieldErrorCollector, invalidPk } from './references.js';

export type { GroupConnectionKind };

export interface GroupConnectionData {
  group?: string;
  source?: string;
  identifier?: string;
}

export function listGroupConnections(ctx: ServiceContext, kind: GroupConnectionKind, query: ListQuery): Promise<Page<GroupConnection>> {
  return ctx.store.repos.groupConnections.list(kind, query);
}

export async function getGroupConnection(repos: Repositories, kind: GroupConnectionKind, id: string): Promise<GroupConnection> {
  const n = asIntId(id);
  const conn = n === null ? null : await repos.groupConnections.byId(n);
  if (!conn || conn.kind !== kind) throw NotFoundError.forModel(SOURCE_KINDS[kind].connections.group.model);
  return conn;
}

async function checkWrite(repos: Repositories, kind: GroupConnectionKind, data: GroupConnectionData): Promise<void> {
  const errors = new FieldErrorCollector();
  if (data.group !== undefined && !(await repos.groups.byUuid(data.group))) errors.add('group', invalidPk(data.group));
  if (data.source !== undefined) {
    const uuid = asUuid(data.source);
    const source = uuid ? await repos.sources.byUuid(uuid) : null;
    if (!source || source.kind !== kind) errors.add('source', invalidPk(data.source));
  }
  errors.throwIfAny();
}

export async function createGroupConnection(ctx: ServiceContext, kind: GroupConnectionKind, data: GroupConnectionData): Promise<GroupConnection> {
  const missing = new FieldErrorCollector();
  for (const field of ['group', 'source', 'identifier'] as const) if (data[field] === undefined) missing.add(field, 'This field is required.');
  missing.throwIfAny();
  return ctx.store.transaction(async (repos) => {
    await checkWrite(repos, kind, data);
    return repos.groupConnections.create({ kind, groupUuid: data.group!, sourceUuid: data.source!, identifier: data.identifier! });
  });
}

export function updateGroupConnection(
  ctx: ServiceContext,
  kind: GroupConnectionKind,
  id: string,
  data: GroupConnectionData,
): Promise<GroupConnection> {
  return ctx.store.transaction(async (repos) => {
    const current = await getGroupConnection(repos, kind, id);
    await checkWrite(repos, kind, data);
    // Uniqueness races end in the repository's constraint mapping (400, never 500).
    return repos.groupConnections.update(current.id, { groupUuid: data.group, sourceUuid: data.source, identifier: data.identifier });
  });
}

export async function deleteGroupConnection(ctx: ServiceContext, kind: GroupConnectionKind, id: string): Promise<void> {
  await ctx.store.transaction(async (repos) => {
    const conn = await getGroupConnection(repos, kind, id);
    await repos.groupConnections.delete(conn.id);
  });
}
