/** /api/v3/sources/group_connections/<kind>/ — admin-only, `source` nested (2024.8). */
import type { ServiceContext } from '../../../../services/context.js';
import {
  createGroupConnection,
  deleteGroupConnection,
  getGroupConnection,
  listGroupConnections,
  updateGroupConnection,
  type GroupConnectionKind,
} from '../../../../services/sources/group-connections.js';
import type { GroupConnection } from '../../../../storage/source-ports.js';
import { GROUP_CONNECTION_KINDS } from '../../../../sources/kinds.js';
import { superuserOnly } from '../../../auth.js';
import { registerCrud } from '../../crud.js';
import type { Serializer } from '../../fields.js';
import type { ApiRegistry } from '../../registry.js';
import { connectionListSpec, nestedSources } from './user-connections.js';

const serializer: Serializer = {
  pk: { type: 'integer', readOnly: true },
  group: { type: 'uuid' },
  source: { type: 'uuid', description: 'Source pk on writes; the nested Source in responses.' },
  identifier: { type: 'string' },
  created: { type: 'datetime', readOnly: true },
};

async function serialize(ctx: ServiceContext, items: GroupConnection[]): Promise<Record<string, unknown>[]> {
  const sources = await nestedSources(
    ctx,
    items.map((c) => c.sourceUuid),
  );
  return items.map((c) => ({
    pk: c.id,
    group: c.groupUuid,
    source: sources.get(c.sourceUuid),
    identifier: c.identifier,
    created: c.created.toISOString(),
  }));
}

function register(api: ApiRegistry, ctx: ServiceContext, kind: GroupConnectionKind): void {
  registerCrud<GroupConnection>(api, {
    basePath: `/sources/group_connections/${kind}/`,
    lookup: 'id',
    operationPrefix: `sources_group_connections_${kind}`,
    tag: 'sources',
    serializer,
    listSpec: connectionListSpec('group'),
    handlers: {
      authorize: superuserOnly(ctx),
      list: (_req, q) => listGroupConnections(ctx, kind, q),
      get: (_req, id) => getGroupConnection(ctx.store.repos, kind, id),
      create: (_req, data) => createGroupConnection(ctx, kind, data),
      update: (_req, id, data) => updateGroupConnection(ctx, kind, id, data),
      destroy: (_req, id) => deleteGroupConnection(ctx, kind, id),
      serialize: (_req, items) => serialize(ctx, items),
    },
  });
}

export function registerGroupConnectionRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  for (const kind of GROUP_CONNECTION_KINDS) register(api, ctx, kind);
}
