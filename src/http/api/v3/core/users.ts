/** /api/v3/core/users/ — authentik 2024.8 User serializer and UserViewSet semantics. */
import type { FastifyRequest } from 'fastify';
import { USER_TYPES, type Group, type User } from '../../../../domain/entities.js';
import type { ServiceContext } from '../../../../services/context.js';
import { createUser, deleteUser, getUser, listUsers, loadUserViews, updateUser, type UserView } from '../../../../services/core/users.js';
import { requirePrincipal, superuserOnly } from '../../../auth.js';
import { registerCrud } from '../../crud.js';
import { serializerSchemas, type Serializer } from '../../fields.js';
import { includeFlag, type ListSpec } from '../../listing.js';
import type { ApiRegistry } from '../../registry.js';
import { avatarFor } from './avatar.js';
import { userUsedBy } from '../../../../services/core/used-by.js';

export const userSerializer: Serializer = {
  pk: { type: 'integer', readOnly: true },
  username: { type: 'string', required: true, maxLength: 150 },
  name: { type: 'string', required: true, allowBlank: true },
  is_active: { type: 'boolean' },
  last_login: { type: 'datetime', nullable: true },
  is_superuser: { type: 'boolean', readOnly: true },
  groups: { type: 'list', items: { type: 'uuid' } },
  groups_obj: { type: 'json', readOnly: true, nullable: true },
  email: { type: 'email', maxLength: 254, allowBlank: true },
  avatar: { type: 'string', readOnly: true },
  attributes: { type: 'dict' },
  uid: { type: 'string', readOnly: true },
  path: { type: 'string', allowBlank: false },
  type: { type: 'choice', choices: USER_TYPES },
  uuid: { type: 'uuid', readOnly: true },
};

const listSpec: ListSpec = {
  filters: {
    username: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    is_active: { type: 'boolean' },
    is_superuser: { type: 'boolean' },
    path: { type: 'string' },
    path_startswith: { type: 'string' },
    attributes: { type: 'json' },
    type: { type: 'string', multi: true },
    uuid: { type: 'uuid' },
    groups_by_name: { type: 'string', multi: true },
    groups_by_pk: { type: 'uuid', multi: true },
  },
  ordering: {
    pk: 'id',
    username: 'username',
    name: 'name',
    email: 'email',
    is_active: 'is_active',
    last_login: 'last_login',
    date_joined: 'date_joined',
    path: 'path',
    type: 'type',
    uuid: 'uuid',
  },
  defaultOrdering: ['username'],
  search: true,
};

export function serializeUserGroup(g: Group, parentName: string | null): Record<string, unknown> {
  return {
    pk: g.uuid,
    num_pk: g.numPk,
    name: g.name,
    is_superuser: g.isSuperuser,
    parent: g.parentUuid,
    parent_name: parentName,
    attributes: g.attributes,
  };
}

export function serializeUserView(v: UserView, parentNames: Map<string, string>, includeGroups = true): Record<string, unknown> {
  const u = v.user;
  return {
    pk: u.id,
    username: u.username,
    name: u.name,
    is_active: u.isActive,
    last_login: u.lastLogin ? u.lastLogin.toISOString() : null,
    is_superuser: v.isSuperuser,
    groups: v.groups.map((g) => g.uuid),
    groups_obj: !includeGroups ? null : v.groups.map((g) => serializeUserGroup(g, g.parentUuid ? (parentNames.get(g.parentUuid) ?? null) : null)),
    email: u.email,
    avatar: avatarFor(u),
    attributes: u.attributes,
    uid: v.uid,
    path: u.path,
    type: u.type,
    uuid: u.uuid,
  };
}

/** authentik's UserSelf: the caller's own account as the user interface sees it. */
export function serializeUserSelf(v: UserView): Record<string, unknown> {
  const u = v.user;
  return {
    pk: u.id,
    username: u.username,
    name: u.name,
    is_active: u.isActive,
    is_superuser: v.isSuperuser,
    groups: v.groups.map((g) => ({ name: g.name, pk: g.uuid })),
    email: u.email,
    avatar: avatarFor(u),
    uid: v.uid,
    settings: {},
    system_permissions: [],
    type: u.type,
  };
}

/** Serialises users with their groups (and group parents' names) in a constant number of queries. */
export async function serializeUsers(ctx: ServiceContext, users: User[], includeGroups = true): Promise<Record<string, unknown>[]> {
  const views = await loadUserViews(ctx.store.repos, ctx.installId, users);
  const parentIds = [...new Set(views.flatMap((v) => v.groups.map((g) => g.parentUuid)).filter((p): p is string => !!p))];
  const parents = new Map((await ctx.store.repos.groups.byUuids(parentIds)).map((g) => [g.uuid, g.name]));
  return views.map((v) => serializeUserView(v, parents, includeGroups));
}

export function registerUserRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  api.route(
    {
      method: 'GET',
      path: '/core/users/me/',
      operationId: 'core_users_me_retrieve',
      tag: 'core',
      response: { type: 'object', properties: { user: serializerSchemas(userSerializer).response } },
    },
    async (req) => {
      const p = await requirePrincipal(ctx, req);
      const [view] = await loadUserViews(ctx.store.repos, ctx.installId, [p.user]);
      return { user: serializeUserSelf(view) };
    },
  );
  registerCrud<User>(api, {
    basePath: '/core/users/',
    lookup: 'id',
    operationPrefix: 'core_users',
    tag: 'core',
    serializer: userSerializer,
    listSpec,
    handlers: {
      authorize: superuserOnly(ctx),
      list: (_req, q) => listUsers(ctx, q),
      get: (_req, id) => getUser(ctx.store.repos, id),
      usedBy: (_req, id) => userUsedBy(ctx.store.repos, id),
      create: (_req, data) => createUser(ctx, data),
      update: (_req, id, data) => updateUser(ctx, id, data),
      destroy: async (req: FastifyRequest, id) => deleteUser(ctx, await requirePrincipal(ctx, req), id),
      serialize: (req, users) => serializeUsers(ctx, users, includeFlag(req.query, 'include_groups')),
    },
  });
}
