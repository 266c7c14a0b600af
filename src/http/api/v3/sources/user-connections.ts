/**
 * /api/v3/sources/user_connections/{all,oauth,saml}/ — 2024.8 shape: `source` is the nested
 * Source object. Writes accept `user` and `source` (pk) as admin-only extras.
 */
import type { FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../../../services/context.js';
import {
  createUserConnection,
  deleteUserConnection,
  getUserConnection,
  listUserConnections,
  updateUserConnection,
  type ConnectionKind,
} from '../../../../services/sources/user-connections.js';
import type { UserConnection } from '../../../../storage/source-ports.js';
import { requirePrincipal } from '../../../auth.js';
import { registerCrud, type CrudHandlers } from '../../crud.js';
import type { Serializer } from '../../fields.js';
import type { ListSpec } from '../../listing.js';
import type { ApiRegistry } from '../../registry.js';
import type { ConnectionModels } from '../../../../sources/kind.js';
import { CONNECTION_KINDS, SOURCE_KINDS } from '../../../../sources/kinds.js';
import { serializeSource } from './base.js';

export const connectionListSpec = (owner: 'user' | 'group'): ListSpec => ({
  filters:
    owner === 'user'
      ? { user: { type: 'integer', choice: true }, source__slug: { type: 'string' } }
      : { group: { type: 'uuid', choice: true }, source__slug: { type: 'string' } },
  // DRF with `ordering_fields` unset: the model-backed serializer fields are orderable.
  ordering: { source__slug: 'source__slug', pk: 'pk', [owner]: owner, source: 'source', created: 'created' },
  defaultOrdering: ['source__slug', 'pk'],
  search: true,
});

function serializer(kind: ConnectionKind): Serializer {
  const s: Serializer = {
    pk: { type: 'integer', readOnly: true },
    user: { type: 'integer', description: 'Admins only; ignored for other callers.' },
    source: { type: 'uuid', description: 'Source pk on writes (admins only); the nested Source in responses.' },
    created: { type: 'datetime', readOnly: true },
    identifier: { type: 'string', required: kind !== null },
  };
  if (kind && (SOURCE_KINDS[kind].connections as ConnectionModels).tokens) {
    s.expires = { type: 'datetime', readOnly: true, nullable: true };
    s.access_token = { type: 'string', writeOnly: true, nullable: true, allowBlank: true };
  }
  return s;
}

/** The nested sources of a page, loaded in one query. */
export async function nestedSources(ctx: ServiceContext, uuids: string[]): Promise<Map<string, Record<string, unknown>>> {
  const sources = await ctx.store.repos.sources.byUuids(uuids);
  return new Map(sources.map((s) => [s.uuid, serializeSource(s)]));
}

async function serialize(ctx: ServiceContext, kind: ConnectionKind, items: UserConnection[]): Promise<Record<string, unknown>[]> {
  const sources = await nestedSources(
    ctx,
    items.map((c) => c.sourceUuid),
  );
  return items.map((c) => {
    const out: Record<string, unknown> = {
      pk: c.id,
      user: c.userId,
      source: sources.get(c.sourceUuid),
      created: c.created.toISOString(),
      identifier: c.identifier,
    };
    if (kind && (SOURCE_KINDS[kind].connections as ConnectionModels).tokens) out.expires = c.expires ? c.expires.toISOString() : null;
    return out;
  });
}

function register(api: ApiRegistry, ctx: ServiceContext, kind: ConnectionKind): void {
  const principal = (req: FastifyRequest) => requirePrincipal(ctx, req);
  const handlers: CrudHandlers<UserConnection> = {
    // Every authenticated user may call these; ownership is enforced per object by the service.
    authorize: async (req) => void (await principal(req)),
    list: async (req, q) => listUserConnections(ctx, await principal(req), kind, q),
    get: async (req, id) => getUserConnection(ctx.store.repos, await principal(req), kind, id),
    update: async (req, id, data) => updateUserConnection(ctx, await principal(req), kind, id, data),
    destroy: async (req, id) => deleteUserConnection(ctx, await principal(req), kind, id),
    usedBy: async (req, id) => (await getUserConnection(ctx.store.repos, await principal(req), kind, id), []),
    serialize: (_req, items) => serialize(ctx, kind, items),
  };
  if (kind !== null) handlers.create = async (req, data) => createUserConnection(ctx, await principal(req), kind, data);
  registerCrud<UserConnection>(api, {
    basePath: `/sources/user_connections/${kind ?? 'all'}/`,
    lookup: 'id',
    operationPrefix: `sources_user_connections_${kind ?? 'all'}`,
    tag: 'sources',
    serializer: serializer(kind),
    listSpec: connectionListSpec('user'),
    handlers,
  });
}

export function registerUserConnectionRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  register(api, ctx, null);
  for (const kind of CONNECTION_KINDS) register(api, ctx, kind);
}
