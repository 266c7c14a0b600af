/** /api/v3/core/groups/ — authentik 2024.8 Group serializer (single parent, users_obj, roles). */
import type { Group } from '../../../../domain/entities.js';
import type { ServiceContext } from '../../../../services/context.js';
import { changeMembership, createGroup, deleteGroup, getGroup, listGroups, loadGroupViews, updateGroup } from '../../../../services/core/groups.js';
import { userUid } from '../../../../services/core/users.js';
import { groupUsedBy } from '../../../../services/core/used-by.js';
import { superuserOnly } from '../../../auth.js';
import { registerCrud } from '../../crud.js';
import { validateBody, type Serializer } from '../../fields.js';
import { includeFlag, type ListSpec } from '../../listing.js';
import type { ApiRegistry } from '../../registry.js';

export const groupSerializer: Serializer = {
  pk: { type: 'uuid', readOnly: true },
  num_pk: { type: 'integer', readOnly: true },
  name: { type: 'string', required: true },
  is_superuser: { type: 'boolean' },
  parent: { type: 'uuid', nullable: true },
  parent_name: { type: 'string', readOnly: true, nullable: true },
  users: { type: 'list', items: { type: 'integer' } },
  users_obj: { type: 'json', readOnly: true, nullable: true },
  attributes: { type: 'dict' },
  roles: { type: 'list', items: { type: 'uuid' } },
  roles_obj: { type: 'json', readOnly: true },
};

const listSpec: ListSpec = {
  filters: {
    name: { type: 'string' },
    is_superuser: { type: 'boolean' },
    members_by_pk: { type: 'integer', multi: true },
    members_by_username: { type: 'string', multi: true },
    attributes: { type: 'json' },
  },
  ordering: { name: 'name', is_superuser: 'is_superuser', num_pk: 'num_pk', pk: 'pk', parent: 'parent' },
  defaultOrdering: ['name'],
  search: true,
};

async function serializeGroups(ctx: ServiceContext, groups: Group[], includeUsers = true): Promise<Record<string, unknown>[]> {
  const repos = ctx.store.repos;
  const views = await loadGroupViews(repos, groups);
  const install = ctx.installId;
  return views.map(({ group, parentName, members }) => ({
    pk: group.uuid,
    num_pk: group.numPk,
    name: group.name,
    is_superuser: group.isSuperuser,
    parent: group.parentUuid,
    parent_name: parentName,
    users: members.map((u) => u.id),
    users_obj: !includeUsers
      ? null
      : members.map((u) => ({
          pk: u.id,
          username: u.username,
          name: u.name,
          is_active: u.isActive,
          last_login: u.lastLogin ? u.lastLogin.toISOString() : null,
          email: u.email,
          attributes: u.attributes,
          uid: userUid(install, u.id),
        })),
    attributes: group.attributes,
    roles: [],
    roles_obj: [],
  }));
}

export function registerGroupRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  const admin = superuserOnly(ctx);
  registerCrud<Group>(api, {
    basePath: '/core/groups/',
    lookup: 'group_uuid',
    operationPrefix: 'core_groups',
    tag: 'core',
    serializer: groupSerializer,
    listSpec,
    handlers: {
      authorize: admin,
      list: (_req, q) => listGroups(ctx, q),
      get: (_req, id) => getGroup(ctx.store.repos, id),
      usedBy: (_req, id) => groupUsedBy(ctx.store.repos, id),
      create: (_req, data) => createGroup(ctx, data),
      update: (_req, id, data) => updateGroup(ctx, id, data),
      destroy: (_req, id) => deleteGroup(ctx, id),
      serialize: (req, groups) => serializeGroups(ctx, groups, includeFlag(req.query, 'include_users')),
    },
  });
  for (const [action, add] of [
    ['add_user', true],
    ['remove_user', false],
  ] as const) {
    api.route(
      {
        method: 'POST',
        path: `/core/groups/:group_uuid/${action}/`,
        operationId: `core_groups_${action}_create`,
        tag: 'core',
        status: 204,
        requestBody: { type: 'object', required: ['pk'], properties: { pk: { type: 'integer' } } },
      },
      async (req) => {
        await admin(req);
        const { pk } = validateBody({ pk: { type: 'integer', required: true } }, req.body, 'create') as { pk: number };
        await changeMembership(ctx, (req.params as { group_uuid: string }).group_uuid, pk, add);
      },
    );
  }
}
