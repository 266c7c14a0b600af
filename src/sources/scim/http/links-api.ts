/** /api/v3/sources/scim_users/ and /sources/scim_groups/ — SCIM link rows (2024.8 shapes). */
import type { ServiceContext } from '../../../services/context.js';
import { userUid } from '../../../services/core/users.js';
import { createScimLink, deleteScimLink, getScimLink, listScimLinks, updateScimLink, type ScimLinkKind } from '../links.js';
import type { ScimLink } from '../../../storage/source-ports.js';
import { superuserOnly } from '../../../http/auth.js';
import { registerCrud } from '../../../http/api/crud.js';
import type { Serializer } from '../../../http/api/fields.js';
import type { ListSpec } from '../../../http/api/listing.js';
import type { ApiRegistry } from '../../../http/api/registry.js';
import { serializeUserGroup } from '../../../http/api/v3/core/users.js';

const common: Serializer = {
  id: { type: 'string', description: 'Defaults to a random UUID.' },
  external_id: { type: 'string', description: 'Defaults to `id`.' },
  source: { type: 'uuid', required: true },
  attributes: { type: 'dict' },
};

const serializers: Record<ScimLinkKind, Serializer> = {
  users: {
    id: common.id,
    external_id: common.external_id,
    user: { type: 'integer', required: true },
    user_obj: { type: 'json', readOnly: true },
    source: common.source,
    attributes: common.attributes,
  },
  groups: {
    id: common.id,
    external_id: common.external_id,
    group: { type: 'uuid', required: true },
    group_obj: { type: 'json', readOnly: true },
    source: common.source,
    attributes: common.attributes,
  },
};

const listSpecs: Record<ScimLinkKind, ListSpec> = {
  users: {
    filters: { source__slug: { type: 'string' }, user__username: { type: 'string' }, user__id: { type: 'integer' } },
    ordering: { user__username: 'user__username', id: 'id', external_id: 'external_id' },
    defaultOrdering: ['user__username'],
    search: true,
  },
  groups: {
    filters: { source__slug: { type: 'string' }, group__name: { type: 'string' }, group__group_uuid: { type: 'uuid' } },
    ordering: { group__name: 'group__name', id: 'id', external_id: 'external_id' },
    defaultOrdering: ['group__name'],
    search: true,
  },
};

/** 2024.8 `GroupMember` (partial user) objects, keyed by user id. */
async function groupMembers(ctx: ServiceContext, ids: number[]): Promise<Map<number, Record<string, unknown>>> {
  const repos = ctx.store.repos;
  const users = await repos.users.byIds([...new Set(ids)]);
  return new Map(
    users.map((u) => [
      u.id,
      {
        pk: u.id,
        username: u.username,
        name: u.name,
        is_active: u.isActive,
        last_login: u.lastLogin ? u.lastLogin.toISOString() : null,
        email: u.email,
        attributes: u.attributes,
        uid: userUid(ctx.installId, u.id),
      },
    ]),
  );
}

/** 2024.8 `UserGroup` objects, keyed by group uuid. */
async function userGroups(ctx: ServiceContext, uuids: string[]): Promise<Map<string, Record<string, unknown>>> {
  const repos = ctx.store.repos;
  const groups = await repos.groups.byUuids([...new Set(uuids)]);
  const parents = new Map((await repos.groups.byUuids(groups.map((g) => g.parentUuid).filter((p): p is string => !!p))).map((g) => [g.uuid, g.name]));
  return new Map(groups.map((g) => [g.uuid, serializeUserGroup(g, g.parentUuid ? (parents.get(g.parentUuid) ?? null) : null)]));
}

async function serialize(ctx: ServiceContext, kind: ScimLinkKind, items: ScimLink[]): Promise<Record<string, unknown>[]> {
  if (kind === 'users') {
    const members = await groupMembers(
      ctx,
      items.map((l) => l.targetId as number),
    );
    return items.map((l) => ({
      id: l.id,
      external_id: l.externalId,
      user: l.targetId,
      user_obj: members.get(l.targetId as number) ?? null,
      source: l.sourceUuid,
      attributes: l.attributes,
    }));
  }
  const groups = await userGroups(
    ctx,
    items.map((l) => l.targetId as string),
  );
  return items.map((l) => ({
    id: l.id,
    external_id: l.externalId,
    group: l.targetId,
    group_obj: groups.get(l.targetId as string) ?? null,
    source: l.sourceUuid,
    attributes: l.attributes,
  }));
}

function register(api: ApiRegistry, ctx: ServiceContext, kind: ScimLinkKind): void {
  registerCrud<ScimLink>(api, {
    basePath: `/sources/scim_${kind}/`,
    lookup: 'id',
    operationPrefix: `sources_scim_${kind}`,
    tag: 'sources',
    serializer: serializers[kind],
    listSpec: listSpecs[kind],
    handlers: {
      authorize: superuserOnly(ctx),
      list: (_req, q) => listScimLinks(ctx, kind, q),
      get: (_req, id) => getScimLink(ctx.store.repos, kind, id),
      create: (_req, data) => createScimLink(ctx, kind, data),
      update: (_req, id, data) => updateScimLink(ctx, kind, id, data),
      destroy: (_req, id) => deleteScimLink(ctx, kind, id),
      serialize: (_req, items) => serialize(ctx, kind, items),
    },
  });
}

export function registerScimLinkRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  register(api, ctx, 'users');
  register(api, ctx, 'groups');
}
