/**
 * Use cases of /sources/scim_users/ and /sources/scim_groups/ (docs/behaviour.md#scim-admin-api):
 * admin CRUD of the rows linking a SCIM source to the local user/group it provisioned. Admin-only;
 * the route authorises.
 */
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../errors/index.js';
import type { ListQuery, Page, Repositories } from '../../storage/ports.js';
import type { NewScimLink, ScimLink, ScimLinkRepository } from '../../storage/source-ports.js';
import type { ServiceContext } from '../../services/context.js';
import { asUuid } from '../../domain/ids.js';
import { FieldErrorCollector, invalidPk } from '../../services/sources/references.js';

export type ScimLinkKind = 'users' | 'groups';

export interface ScimLinkData {
  id?: string;
  external_id?: string;
  user?: number;
  group?: string;
  source?: string;
  attributes?: Record<string, unknown>;
}

const META = {
  users: { model: 'SCIMSourceUser', target: 'user' as const, repo: (r: Repositories) => r.scimUsers },
  groups: { model: 'SCIMSourceGroup', target: 'group' as const, repo: (r: Repositories) => r.scimGroups },
};

function repoOf(repos: Repositories, kind: ScimLinkKind): ScimLinkRepository {
  return META[kind].repo(repos);
}

export function listScimLinks(ctx: ServiceContext, kind: ScimLinkKind, query: ListQuery): Promise<Page<ScimLink>> {
  return repoOf(ctx.store.repos, kind).list(query);
}

export async function getScimLink(repos: Repositories, kind: ScimLinkKind, id: string): Promise<ScimLink> {
  const link = await repoOf(repos, kind).byId(id);
  if (!link) throw NotFoundError.forModel(META[kind].model);
  return link;
}

async function checkWrite(repos: Repositories, kind: ScimLinkKind, data: ScimLinkData, current: ScimLink | null): Promise<void> {
  const errors = new FieldErrorCollector();
  if (data.id !== undefined && data.id !== current?.id && (await repoOf(repos, kind).byId(data.id))) {
    errors.add('id', `scim source ${kind === 'users' ? 'user' : 'group'} with this id already exists.`);
  }
  if (kind === 'users' && data.user !== undefined && !(await repos.users.byId(data.user))) errors.add('user', invalidPk(data.user));
  if (kind === 'groups' && data.group !== undefined && !(await repos.groups.byUuid(data.group))) errors.add('group', invalidPk(data.group));
  if (data.source !== undefined) {
    const uuid = asUuid(data.source);
    const source = uuid ? await repos.sources.byUuid(uuid) : null;
    if (!source || source.kind !== 'scim') errors.add('source', invalidPk(data.source));
  }
  errors.throwIfAny();
}

function toNew(kind: ScimLinkKind, data: ScimLinkData): Partial<NewScimLink> {
  return {
    id: data.id,
    externalId: data.external_id,
    targetId: kind === 'users' ? data.user : data.group,
    sourceUuid: data.source,
    attributes: data.attributes,
  };
}

export async function createScimLink(ctx: ServiceContext, kind: ScimLinkKind, data: ScimLinkData): Promise<ScimLink> {
  const missing = new FieldErrorCollector();
  for (const field of [META[kind].target, 'source'] as const) if (data[field] === undefined) missing.add(field, 'This field is required.');
  missing.throwIfAny();
  return ctx.store.transaction(async (repos) => {
    await checkWrite(repos, kind, data, null);
    const id = data.id ?? randomUUID();
    // 2024.8's `id` was the external id; keep them equal unless the caller says otherwise.
    return repoOf(repos, kind).create({ ...(toNew(kind, data) as NewScimLink), id, externalId: data.external_id ?? id });
  });
}

export function updateScimLink(ctx: ServiceContext, kind: ScimLinkKind, id: string, data: ScimLinkData): Promise<ScimLink> {
  return ctx.store.transaction(async (repos) => {
    const current = await getScimLink(repos, kind, id);
    await checkWrite(repos, kind, data, current);
    return repoOf(repos, kind).update(current.id, toNew(kind, data));
  });
}

export async function deleteScimLink(ctx: ServiceContext, kind: ScimLinkKind, id: string): Promise<void> {
  await ctx.store.transaction(async (repos) => {
    const link = await getScimLink(repos, kind, id);
    await repoOf(repos, kind).delete(link.id);
  });
}
